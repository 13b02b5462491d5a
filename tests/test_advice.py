"""Advice: the situation outweighs a low technical score; fixed advice always present."""
import itertools

import pytest

from verifier.core.i18n import LANGS, messages, t
from verifier.outputs.advice import ALWAYS, CAUTIONS, PLAN, QUESTIONS, advise, question_keys

LEVELS = ("low", "medium", "high", "inconclusive", None)
ALL_ANSWERS = [dict(zip(QUESTIONS, bits)) for bits in itertools.product((False, True), repeat=len(QUESTIONS))]


@pytest.mark.parametrize("level", LEVELS)
def test_money_and_urgency_is_strong_whatever_the_score(level):
    a = advise(level, {"money_or_otp": True, "urgent_or_secret": True})
    assert a.caution == "strong"
    assert a.actions[0] == "advice.do.stop_now"
    assert a.reasons[0] == "advice.reason.money_and_urgency"
    assert "advice.do.no_otp" in a.actions


def test_money_to_someone_elses_account_is_strong_even_when_low():
    assert advise("low", {"money_or_otp": True, "account_not_in_name": True}).caution == "strong"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("answers", ALL_ANSWERS[::3])
def test_fixed_advice_always_included_in_order(level, answers):
    a = advise(level, answers)
    fixed = [f"advice.do.{k}" for k in ALWAYS]
    positions = [a.actions.index(k) for k in fixed]
    assert positions == sorted(positions)
    assert a.plan == tuple(f"advice.plan.{k}" for k in PLAN)
    assert len(a.actions) == len(set(a.actions))
    assert a.caution in CAUTIONS and a.reasons


def test_low_level_without_signs_still_says_verify_and_caveat():
    a = advise("low", {})
    assert a.caution == "verify"
    assert "advice.reason.tech_low" in a.reasons
    assert "KHÔNG" in t("advice.reason.tech_low", "vi")


def test_technical_level_raises_caution():
    assert advise("high", {}).caution == "strong"
    assert advise("medium", {}).caution == "elevated"
    assert advise("medium", {"money_or_otp": True}).caution == "strong"
    assert advise("inconclusive", {}).caution == "verify"
    assert advise(None, {"new_contact": True}).caution == "elevated"


def test_caution_is_monotonic_in_answers():
    rank = {c: i for i, c in enumerate(CAUTIONS)}
    for level in LEVELS:
        for ans in ALL_ANSWERS:
            base = rank[advise(level, ans).caution]
            for q in QUESTIONS:
                if not ans[q]:
                    assert rank[advise(level, {**ans, q: True}).caution] >= base


def test_unknown_level_rejected_and_unknown_answers_ignored():
    with pytest.raises(ValueError, match="level"):
        advise("safe", {})
    assert advise("low", {"whatever": True}) == advise("low", {})


def test_every_key_translated_and_no_verdict_words():
    table = messages()
    keys = set(question_keys())
    for level in LEVELS:
        for ans in ALL_ANSWERS:
            a = advise(level, ans)
            keys |= {a.caution_key, *a.reasons, *a.actions, *a.plan}
    for k in keys:
        assert k in table, k
        for lang in LANGS:
            text = table[k][lang].lower()
            assert text.strip()
            assert "an toàn" not in text and " safe" not in text and "genuine" not in text


def test_no_phone_numbers_in_advice():
    import re

    from verifier.core.locales.advice import MESSAGES

    for k, v in MESSAGES.items():
        for lang in LANGS:
            assert not re.search(r"\d{3,}", v[lang].replace("2023", "").replace("129", "").replace("SHA-256", "")), k
