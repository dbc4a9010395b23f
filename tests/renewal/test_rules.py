"""The pure rules: window, blockers, term and its prices, step order, countdowns, commitment
matching."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.housing.tenancy import renewal_window
from app.renewal import rules
from app.renewal.contract import COMMITMENT_TEXT
from app.renewal.rules import ApplyStep, SignStep

END = date(2027, 3, 31)
WINDOW = renewal_window(END, 90)


@pytest.mark.parametrize(
    ("today", "codes"),
    [
        (END - timedelta(days=91), ["window_not_open"]),
        (END - timedelta(days=90), []),  # opens exactly 90 days before the end
        (END - timedelta(days=60), []),
        (END, []),  # the last day of the lease still counts
        (END + timedelta(days=1), ["lease_ended"]),
    ],
)
def test_window_boundaries(today: date, codes: list[str]) -> None:
    found = rules.renewal_blockers(WINDOW, today, has_arrears=False, violations=[])
    assert [b.code for b in found] == codes


def test_window_days_is_a_parameter() -> None:
    window = renewal_window(END, 30)
    assert rules.renewal_blockers(
        window, END - timedelta(days=31), has_arrears=False, violations=[]
    )
    assert not rules.renewal_blockers(
        window, END - timedelta(days=30), has_arrears=False, violations=[]
    )


def test_arrears_and_violations_each_say_why() -> None:
    found = rules.renewal_blockers(
        WINDOW, END - timedelta(days=10), has_arrears=True, violations=["改变房屋用途"]
    )
    assert [b.code for b in found] == ["arrears", "violation"]
    assert "缴清" in found[0].message
    assert "改变房屋用途" in found[1].message


def test_window_not_open_gives_the_date() -> None:
    (blocker,) = rules.renewal_blockers(WINDOW, date(2026, 12, 1), has_arrears=False, violations=[])
    assert "2026年12月31日" in blocker.message


@pytest.mark.parametrize(
    ("end", "years", "expected"),
    [
        (date(2026, 12, 31), 3, (date(2027, 1, 1), date(2029, 12, 31))),
        (date(2027, 2, 28), 1, (date(2027, 3, 1), date(2028, 2, 29))),
        (date(2028, 2, 28), 1, (date(2028, 2, 29), date(2029, 2, 28))),
    ],
)
def test_proposed_term_follows_the_current_one(end, years, expected) -> None:
    assert rules.proposed_term(end, years) == expected


OWN = rules.Prices(monthly_rent_fen=60000, property_fee_fen=8000, monthly_subsidy_fen=20000)


@pytest.mark.parametrize(
    ("moved_into", "expected"),
    [
        # no 互换 since the term was agreed: the current term's prices
        (None, OWN),
        # after a 互换 (002 Q&A 10): the new unit's rent and 物业费, the household's subsidy
        (rules.Prices(42000, 5000, 15000), rules.Prices(42000, 5000, 20000)),
        (rules.Prices(75000, 9000, 0), rules.Prices(75000, 9000, 20000)),
    ],
)
def test_renewal_is_priced_from_the_unit_the_lease_is_on(moved_into, expected) -> None:
    assert rules.renewal_prices(OWN, moved_into) == expected


@pytest.mark.parametrize(
    ("first_start", "policy"),
    [(date(2023, 6, 1), "old"), (date(2024, 12, 31), "old"), (date(2025, 1, 1), "new")],
)
def test_lease_policy(first_start: date, policy: str) -> None:
    assert rules.lease_policy(first_start, date(2025, 1, 1)) == policy


@pytest.mark.parametrize(
    ("declared", "confirmed", "submitted", "step"),
    [
        (False, False, False, ApplyStep.DECLARATION),
        (True, False, False, ApplyStep.CONFIRM),
        (True, True, False, ApplyStep.MATERIALS),
        (True, True, True, ApplyStep.DONE),
    ],
)
def test_apply_step(declared, confirmed, submitted, step) -> None:
    facts = rules.RenewalFacts(declared=declared, confirmed=confirmed, submitted=submitted)
    assert rules.APPLY_FLOW.resume(facts).id is step


@pytest.mark.parametrize(
    ("flags", "step"),
    [
        ((False, False, False, False, False), SignStep.CONTRACT),
        ((True, False, False, False, False), SignStep.CONFIRM),
        ((True, True, False, False, False), SignStep.COMMITMENT),
        ((True, True, True, False, False), SignStep.COPY),
        ((True, True, True, True, False), SignStep.FACE),
        ((True, True, True, True, True), SignStep.SIGNED),
    ],
)
def test_sign_step(flags, step) -> None:
    started, confirmed, read, copied, signed = flags
    facts = rules.RenewalFacts(
        started=started, sign_confirmed=confirmed, read=read, copied=copied, signed=signed
    )
    assert rules.SIGN_FLOW.resume(facts).id is step


def test_a_later_step_is_not_reached_early() -> None:
    at_commitment = rules.RenewalFacts(started=True, sign_confirmed=True)
    at_contract = rules.RenewalFacts()
    assert rules.SIGN_FLOW.refusal(at_commitment, SignStep.CONTRACT) is None
    assert rules.SIGN_FLOW.refusal(at_commitment, SignStep.COMMITMENT) is None
    assert rules.SIGN_FLOW.refusal(at_commitment, SignStep.COPY) is not None
    assert rules.SIGN_FLOW.refusal(at_contract, SignStep.FACE) is not None


SHOWN = datetime(2026, 11, 23, 8, 0, 0)


@pytest.mark.parametrize(
    ("elapsed", "left"),
    [
        (timedelta(0), 10),
        (timedelta(seconds=0.2), 10),  # rounds up: never early
        (timedelta(seconds=9), 1),
        (timedelta(seconds=9, milliseconds=999), 1),
        (timedelta(seconds=10), 0),
        (timedelta(minutes=5), 0),
    ],
)
def test_seconds_left(elapsed: timedelta, left: int) -> None:
    assert rules.seconds_left(SHOWN, SHOWN + elapsed, 10) == left


def test_never_shown_means_the_whole_countdown() -> None:
    assert rules.seconds_left(None, SHOWN, 10) == 10


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        (COMMITMENT_TEXT, True),
        ("  " + COMMITMENT_TEXT + "\n", True),
        (COMMITMENT_TEXT.replace("，", "，\n"), True),
        (" ".join(COMMITMENT_TEXT), True),  # spaces between every character
        (COMMITMENT_TEXT.replace("本人", "本人\u3000"), True),  # full-width space
        (COMMITMENT_TEXT.replace("本人", "本\u200b人"), True),  # zero-width space
        (COMMITMENT_TEXT[:-1], False),  # the last character missing
        (COMMITMENT_TEXT.replace("不转租", "可转租"), False),
        ("我承诺遵守规定。", False),
        ("", False),
        ("   ", False),
    ],
)
def test_commitment_matching_ignores_whitespace_only(typed: str, matches: bool) -> None:
    assert rules.commitment_matches(COMMITMENT_TEXT, typed) is matches
