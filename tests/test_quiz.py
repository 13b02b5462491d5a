"""The quiz's state machine (verifier/outputs/quiz.py): vote, reveal, next, score, restart, and the
answer key of a folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from verifier.core.errors import ParameterError
from verifier.outputs import quiz

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def items():
    return [quiz.QuizItem("a.mp4", "fake", "noblink"), quiz.QuizItem("b.mp4", "real"), quiz.QuizItem("c.wav", None)]


def test_vote_can_change_until_the_reveal(items):
    s = quiz.start(items)
    assert (s.index, s.phase, s.vote, s.item.path) == (0, "ask", None, "a.mp4")
    s = quiz.vote(s, "real")
    s = quiz.vote(s, "fake")
    assert s.vote == "fake" and s.votes == ("fake", None, None)
    s = quiz.reveal(s, "medium")
    assert s.phase == "revealed" and s.levels == ("medium", None, None)
    with pytest.raises(ParameterError):
        quiz.vote(s, "real")  # the answer is out: no more voting on this item
    with pytest.raises(ParameterError):
        quiz.reveal(s)


def test_states_are_not_modified_in_place(items):
    s0 = quiz.start(items)
    s1 = quiz.vote(s0, "fake")
    assert s0.votes == (None, None, None) and s1.votes[0] == "fake"


def test_next_only_after_reveal_and_done_after_the_last(items):
    s = quiz.start(items)
    with pytest.raises(ParameterError):
        quiz.next_item(s)
    for _ in items:
        s = quiz.next_item(quiz.reveal(quiz.vote(s, "fake")))
    assert s.phase == "done" and s.item is None and s.vote is None
    with pytest.raises(ParameterError):
        quiz.vote(s, "fake")


def test_score_counts_right_votes_on_revealed_items_with_a_key(items):
    s = quiz.start(items)
    s = quiz.vote(s, "fake")
    assert quiz.score(s) == quiz.Score(0, 0, 3)  # not revealed yet: not counted
    s = quiz.reveal(s, "high")
    assert quiz.is_correct(s, 0) is True
    assert quiz.score(s) == quiz.Score(1, 1, 3)
    s = quiz.next_item(s)
    s = quiz.reveal(quiz.vote(s, "fake"), "low")  # item b is real: wrong
    assert quiz.is_correct(s, 1) is False
    s = quiz.next_item(s)
    s = quiz.next_item(quiz.reveal(s))  # item c: no answer key, no vote: not scored
    assert quiz.is_correct(s, 2) is None
    assert quiz.score(s) == quiz.Score(1, 2, 3)


def test_abstaining_counts_as_wrong(items):
    s = quiz.reveal(quiz.start(items))
    assert quiz.is_correct(s, 0) is False and quiz.score(s) == quiz.Score(0, 1, 3)


def test_restart_forgets_votes_and_levels(items):
    s = quiz.next_item(quiz.reveal(quiz.vote(quiz.start(items), "fake"), "high"))
    r = quiz.restart(s)
    assert r == quiz.start(items)
    assert (r.index, r.phase, r.votes, r.levels) == (0, "ask", (None,) * 3, (None,) * 3)


def test_bad_input_is_refused(items):
    with pytest.raises(ParameterError):
        quiz.start([])
    with pytest.raises(ParameterError):
        quiz.vote(quiz.start(items), "maybe")
    with pytest.raises(ParameterError):
        quiz.start([quiz.QuizItem("a.mp4", "fals")])


def test_folder_with_an_answer_key(tmp_path):
    for n in ("one.mp4", "two.wav", "three.mp4"):
        (tmp_path / n).write_bytes(b"x")
    (tmp_path / "quiz.tsv").write_text("# comment\ntwo.wav\tFake\tespeak\tgiọng máy\tmachine voice\n\none.mp4\treal\n",
                                       encoding="utf-8")
    got = quiz.load_items(tmp_path)
    assert [(Path(i.path).name, i.answer, i.kind) for i in got] == [("two.wav", "fake", "espeak"), ("one.mp4", "real", "")]
    assert got[0].note_in("vi") == "giọng máy" and got[0].note_in("en") == "machine voice"
    assert got[1].note_in("en") == ""


def test_folder_without_an_answer_key_takes_every_media_file(tmp_path):
    for n in ("b.mp4", "a.m4a", "notes.txt"):
        (tmp_path / n).write_bytes(b"x")
    got = quiz.load_items(tmp_path)
    assert [(Path(i.path).name, i.answer) for i in got] == [("a.m4a", None), ("b.mp4", None)]


@pytest.mark.parametrize("manifest", ["missing.mp4\tfake\n", "one.mp4\tmaybe\n"])
def test_bad_answer_key_is_refused(tmp_path, manifest):
    (tmp_path / "one.mp4").write_bytes(b"x")
    (tmp_path / "quiz.tsv").write_text(manifest, encoding="utf-8")
    with pytest.raises(ParameterError):
        quiz.load_items(tmp_path)
    with pytest.raises(ParameterError):
        quiz.load_items(tmp_path / "nope")


def test_demo_set_has_an_answer_for_every_shipped_clip():
    got = quiz.load_items(ROOT / "samples")
    media = {p.name for p in (ROOT / "samples").iterdir() if p.suffix.lower() in quiz.MEDIA_EXT}
    assert {Path(i.path).name for i in got} == media
    assert {i.answer for i in got} == {"real", "fake"}
    from verifier.core.i18n import messages

    for it in got:  # every kind has its "what to look for" sentence in both languages
        assert it.answer == "real" or f"quiz.look.{it.kind}" in messages()
