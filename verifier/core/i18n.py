"""Vietnamese/English message tables.

Messages live in ``verifier/core/locales/*.py`` modules, each defining
``MESSAGES = {"key": {"vi": "...", "en": "..."}}``. Each area of the project owns its own
table (core, voice, advice, app), so they can grow independently; keys must be unique.
"""
from __future__ import annotations

import importlib
import pkgutil

from .once import load_once

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@load_once
def messages() -> dict[str, dict[str, str]]:
    from . import locales

    table: dict[str, dict[str, str]] = {}
    for mod in sorted(pkgutil.iter_modules(locales.__path__), key=lambda m: m.name):
        part = importlib.import_module(f"{locales.__name__}.{mod.name}").MESSAGES
        dup = table.keys() & part.keys()
        if dup:
            raise RuntimeError(f"duplicate i18n keys in locales/{mod.name}.py: {sorted(dup)}")
        for key, langs in part.items():
            missing = set(LANGS) - langs.keys()
            if missing:
                raise RuntimeError(f"i18n key {key!r} lacks {sorted(missing)}")
        table.update(part)
    return table


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Message ``key`` in ``lang`` ("vi" or "en"), formatted with ``params``.

    An unknown key returns the key itself, so a missing translation is visible but never
    crashes the app.
    """
    entry = messages().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def os_error_detail(e: OSError, lang: str = DEFAULT_LANG) -> str:
    """A short reason for an OSError in ``lang`` (``error.os.<ERRNO NAME>``; the system's own
    English text for the others)."""
    import errno

    name = errno.errorcode.get(e.errno or 0, "")
    key = f"error.os.{'EACCES' if name == 'EPERM' else name}"
    return t(key, lang) if key in messages() else (e.strerror or type(e).__name__)
