"""Exceptions raised by the verifier.

Every error a user can cause (a file that is not media, too long, truncated…) is a
:class:`VerifierError` whose ``key`` is an i18n message key, so the CLI and the app can
show it in the user's language. Bugs are not wrapped: they keep their traceback.
"""
from __future__ import annotations


class VerifierError(Exception):
    """Base class for errors caused by the input, with a translatable message.

    Parameters
    ----------
    key : str
        i18n key of the message (see ``verifier.core.i18n``), e.g. ``"error.not_media"``.
    **params
        Values substituted into the message template, e.g. ``limit_s=600``.
    """

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from .i18n import t

        return t(self.key, lang, **self.params)

    def __reduce__(self):
        # Pickled as its class, key and params (the app's worker process sends errors back);
        # the default (the class called with the English sentence) would lose the key.
        return _restore, (type(self), self.key, dict(self.params))


class MediaError(VerifierError):
    """The file cannot be opened or decoded, or breaks a limit."""


class ParameterError(VerifierError, ValueError):
    """A function was called with an invalid argument (a programming error)."""

    def __init__(self, text: str):
        self.key = "error.parameter"
        self.params = {"text": text}
        Exception.__init__(self, text)

    def message(self, lang: str = "en") -> str:  # developer-facing, not translated
        return self.params["text"]


class ModelUnavailableError(VerifierError):
    """A model file needed by a signal is missing or does not match its checksum."""


def _restore(cls: type, key: str, params: dict) -> VerifierError:
    """The error that :meth:`VerifierError.__reduce__` pickled."""
    e = cls.__new__(cls)
    e.key, e.params = key, params
    Exception.__init__(e, e.message("en"))
    return e
