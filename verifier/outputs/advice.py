"""What to do next: the technical level combined with the situation of the call.

A deepfake detector can miss a good fake, so the advice never rests on the technical score
alone. The situation questions are the tell-tale signs of the "relative in trouble" scam
(asked for money or an OTP, urgency or secrecy, an account in someone else's name, a
short call with excuses, a new account); any "yes" to money + urgency means *stop* even
when the clip shows few technical signs.

Everything here returns i18n keys (messages in ``verifier/core/locales/advice.py``), never
sentences, so the app, the HTML report and the CLI render the same advice in vi or en.

The fixed part follows the slogan "4 không, 2 phải" of Kế hoạch 129/KH-UBND (UBND tỉnh
Vĩnh Phúc, 17/4/2023): không sợ, không tham, không kết bạn với người lạ, không làm;
phải thường xuyên cảnh giác, phải tố giác ngay với cơ quan pháp luật khi có nghi ngờ.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.levels import HIGH, INCONCLUSIVE, LEVELS, LOW, MEDIUM

# Situation questions, in display order (stable keys; the text is ``advice.q.<key>``).
QUESTIONS = (
    "money_or_otp",  # asked to transfer money, lend money, or read out an OTP / card code
    "urgent_or_secret",  # pressed to act now, or told to keep it secret from the family
    "account_not_in_name",  # the receiving account is not in the person's own name
    "evasive_call",  # very short call, "weak signal" excuse, refused to turn the head / pass a hand over the face
    "new_contact",  # contacted from a new account, a new number or an unusual app
)

# Overall caution, from least to most (``advice.caution.<key>``). There is no "all clear":
# the lowest level still says to verify through another channel.
CAUTIONS = ("verify", "elevated", "strong")

# The plan's "4 không, 2 phải" (``advice.plan.<key>``), in the plan's order.
PLAN = ("no_fear", "no_greed", "no_strangers", "no_doing", "must_vigilant", "must_report")

# Actions always given, in this order after the situation-specific ones (``advice.do.<key>``).
ALWAYS = (
    "call_back_saved",  # hang up and call back on a number you already had saved
    "ask_secret",  # ask something only the real person knows, or a family code word
    "no_other_name_account",  # never transfer to an account not in the person's name
    "police_no_video",  # police do not work by video call, never ask for transfers or OTP
    "report_police",  # report to the local police (công an xã/phường)
)

TECH_LEVELS = LEVELS  # the fused levels (verifier.core.levels)


@dataclass(frozen=True)
class Advice:
    """The advice for one situation.

    caution : one of :data:`CAUTIONS`
    reasons : i18n keys saying why (``advice.reason.*``), most important first
    actions : i18n keys of what to do (``advice.do.*``), most urgent first
    plan : i18n keys of the "4 không, 2 phải" items (``advice.plan.*``)
    """

    caution: str
    reasons: tuple[str, ...]
    actions: tuple[str, ...]
    plan: tuple[str, ...] = tuple(f"advice.plan.{k}" for k in PLAN)

    @property
    def caution_key(self) -> str:
        return f"advice.caution.{self.caution}"


def _yes(answers: dict | None, key: str) -> bool:
    return bool((answers or {}).get(key, False))


def advise(level: str | None, answers: dict[str, bool] | None = None) -> Advice:
    """Combine the technical ``level`` (low/medium/high/inconclusive, or None when nothing
    was analysed) with the yes/no ``answers`` to :data:`QUESTIONS`.

    Unknown answer keys are ignored; a missing answer counts as "no".
    """
    if level is not None and level not in TECH_LEVELS:
        raise ValueError(f"level must be one of {TECH_LEVELS} or None, not {level!r}")
    money = _yes(answers, "money_or_otp")
    urgent = _yes(answers, "urgent_or_secret")
    other_account = _yes(answers, "account_not_in_name")
    evasive = _yes(answers, "evasive_call")
    new_contact = _yes(answers, "new_contact")
    n_yes = sum((money, urgent, other_account, evasive, new_contact))

    reasons: list[str] = []
    # The situation first: it does not depend on how good the fake is.
    if money and urgent:
        reasons.append("advice.reason.money_and_urgency")
    if money and other_account:
        reasons.append("advice.reason.money_other_account")
    if level == HIGH:
        reasons.append("advice.reason.tech_high")
    if level == MEDIUM:
        reasons.append("advice.reason.tech_medium")
    if money and not (urgent or other_account):
        reasons.append("advice.reason.money")
    if evasive:
        reasons.append("advice.reason.evasive")
    if new_contact:
        reasons.append("advice.reason.new_contact")
    if urgent and not money:
        reasons.append("advice.reason.urgency")
    if other_account and not money:
        reasons.append("advice.reason.other_account")
    if level == LOW:
        reasons.append("advice.reason.tech_low")
    if level == INCONCLUSIVE:
        reasons.append("advice.reason.tech_inconclusive")
    if level is None:
        reasons.append("advice.reason.not_analysed")

    if (money and (urgent or other_account)) or level == HIGH or (money and level == MEDIUM) or n_yes >= 3:
        caution = "strong"
    elif n_yes >= 1 or level == MEDIUM:
        caution = "elevated"
    else:
        caution = "verify"

    actions: list[str] = []
    if caution == "strong":
        actions.append("stop_now")
    if money:
        actions.append("no_otp")
    if evasive:
        actions.append("ask_move")
    if new_contact:
        actions.append("old_channel")
    actions += ALWAYS
    if caution != "verify":
        actions.append("keep_evidence")
    if money or caution == "strong":
        actions.append("if_sent_call_bank")
    return Advice(caution, tuple(reasons), tuple(f"advice.do.{a}" for a in actions))


def question_keys() -> tuple[str, ...]:
    """i18n keys of the question texts, in :data:`QUESTIONS` order."""
    return tuple(f"advice.q.{q}" for q in QUESTIONS)
