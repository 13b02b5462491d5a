"""Quiz for a training room (issue 10): the audience votes "real" or "fake" on each clip or voice
message, then the answer and the analysis are revealed; a score at the end.

The quiz is a pure state machine: every transition (:func:`vote`, :func:`reveal`,
:func:`next_item`, :func:`restart`) takes a frozen :class:`QuizState` and returns a new one;
nothing here reads media or runs an analysis (the caller passes the analysed level to
:func:`reveal`). The app only wires buttons to these functions (``verifier/ui/training_tab.py``).

Phases: ``ask`` (voting open; a vote may be changed) → ``revealed`` (answer shown) → ``ask`` of
the next item … → ``done`` (score). Items come from :func:`load_items`: a folder's
``quiz.tsv`` (``file<TAB>real|fake<TAB>tamper kind<TAB>note<TAB>note in English``) or, without it, every media file
of the folder with no answer key (such items are revealed but not scored).
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import ParameterError

REAL, FAKE = "real", "fake"
ANSWERS = (REAL, FAKE)
PHASES = ("ask", "revealed", "done")
MANIFEST = "quiz.tsv"  # the answer key of a quiz folder
MEDIA_EXT = (".mp4", ".mov", ".webm", ".mkv", ".3gp", ".avi", ".m4a", ".aac", ".mp3", ".ogg", ".opus", ".wav",
             ".flac", ".amr")


@dataclass(frozen=True)
class QuizItem:
    """One clip or voice message of the quiz.

    path : the media file (only read)
    answer : "real", "fake", or None when the folder gives no answer key (not scored)
    kind : how it was faked (a :data:`verifier.tamper.KINDS` name, or "synthetic" for a wholly
        generated clip), "" for a real one or when unknown: chooses what to look/listen for
    note : a free sentence of the quiz's author, shown at the reveal (Vietnamese, or any language)
    note_en : the same in English ("" = show ``note`` in both languages)
    """

    path: str
    answer: str | None = None
    kind: str = ""
    note: str = ""
    note_en: str = ""

    def note_in(self, lang: str) -> str:
        """The note in ``lang`` ("vi" or "en"), falling back on the other one."""
        return (self.note_en or self.note) if lang == "en" else (self.note or self.note_en)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass(frozen=True)
class QuizState:
    """Where the quiz stands. ``votes[i]`` is the room's vote on item i (None: not voted),
    ``levels[i]`` the analysis level given at its reveal (None: not revealed or not analysed)."""

    items: tuple[QuizItem, ...]
    index: int = 0
    phase: str = "ask"
    votes: tuple[str | None, ...] = ()
    levels: tuple[str | None, ...] = ()

    @property
    def item(self) -> QuizItem | None:
        """The current item (None once the quiz is done)."""
        return None if self.phase == "done" else self.items[self.index]

    @property
    def vote(self) -> str | None:
        return None if self.phase == "done" else self.votes[self.index]


@dataclass(frozen=True)
class Score:
    correct: int  # votes equal to the answer key
    scored: int  # items with an answer key that were voted on
    total: int  # items in the quiz


def start(items) -> QuizState:
    """A new quiz on ``items`` (at least one), at the first item, nothing voted."""
    items = tuple(items)
    if not items:
        raise ParameterError("a quiz needs at least one item")
    for it in items:
        if it.answer not in (None, *ANSWERS):
            raise ParameterError(f"answer must be real, fake or None, not {it.answer!r}")
    return QuizState(items, 0, "ask", (None,) * len(items), (None,) * len(items))


def _need(state: QuizState, phase: str, action: str) -> None:
    if state.phase != phase:
        raise ParameterError(f"cannot {action} in phase {state.phase!r} (needs {phase!r})")


def _set(seq: tuple, i: int, value) -> tuple:
    return seq[:i] + (value,) + seq[i + 1:]


def vote(state: QuizState, choice: str) -> QuizState:
    """Record the room's vote ("real" or "fake") on the current item; before the reveal a
    vote may be changed."""
    if choice not in ANSWERS:
        raise ParameterError(f"vote must be one of {ANSWERS}, not {choice!r}")
    _need(state, "ask", "vote")
    return replace(state, votes=_set(state.votes, state.index, choice))


def reveal(state: QuizState, level: str | None = None) -> QuizState:
    """Show the answer of the current item, with the analysis ``level`` (low / medium / high /
    inconclusive, or None when it could not be analysed). Allowed before any vote (the room may
    abstain: the item then counts as not correct)."""
    _need(state, "ask", "reveal")
    return replace(state, phase="revealed", levels=_set(state.levels, state.index, level))


def next_item(state: QuizState) -> QuizState:
    """After a reveal: the next item, or the end (phase "done") after the last one."""
    _need(state, "revealed", "go to the next item")
    if state.index + 1 >= len(state.items):
        return replace(state, phase="done")
    return replace(state, index=state.index + 1, phase="ask")


def restart(state: QuizState) -> QuizState:
    """The same items from the start, every vote and level forgotten."""
    return start(state.items)


def is_correct(state: QuizState, i: int) -> bool | None:
    """Whether the vote on item ``i`` matches its answer key; None when it has no key or is not
    revealed yet."""
    it = state.items[i]
    revealed = i < state.index or (i == state.index and state.phase in ("revealed", "done"))
    if it.answer is None or not revealed:
        return None
    return state.votes[i] == it.answer


def score(state: QuizState) -> Score:
    """Correct votes among the revealed items that have an answer key."""
    marks = [is_correct(state, i) for i in range(len(state.items))]
    return Score(sum(m is True for m in marks), sum(m is not None for m in marks), len(state.items))


def load_items(folder: str | os.PathLike) -> list[QuizItem]:
    """The quiz items of ``folder``: the rows of its ``quiz.tsv`` in order (``file``,
    ``answer`` real/fake, optional ``kind``, ``note`` and ``note_en``; ``#`` starts a comment), or every media
    file of the folder in name order, without answers, when there is no ``quiz.tsv``.

    Raises ParameterError when the folder is missing, a row names a missing file or a bad
    answer, or nothing playable is found.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError(f"quiz folder not found: {folder}")
    manifest = folder / MANIFEST
    items: list[QuizItem] = []
    if manifest.is_file():
        with open(manifest, encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t"):
                if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                    continue
                name, answer, kind, note, note_en = (row + ["", "", "", ""])[:5]
                path = folder / name.strip()
                if not path.is_file():
                    raise ParameterError(f"{MANIFEST}: no file {name.strip()!r} in {folder}")
                answer = answer.strip().lower() or None
                if answer not in (None, *ANSWERS):
                    raise ParameterError(f"{MANIFEST}: answer of {name.strip()!r} must be real or fake, not {answer!r}")
                items.append(QuizItem(str(path), answer, kind.strip(), note.strip(), note_en.strip()))
    else:
        items = [QuizItem(str(p)) for p in sorted(folder.iterdir())
                 if p.is_file() and p.suffix.lower() in MEDIA_EXT]
    if not items:
        raise ParameterError(f"no clip or voice message in {folder}")
    return items
