"""Late-fee arithmetic at its boundaries: integer fen, explicit rounding, a cap."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.rent.fees import (
    DEFAULT_POLICY,
    LateFeePolicy,
    chargeable_days,
    days_overdue,
    late_fee_fen,
)

DUE = date(2026, 10, 15)


def day(offset: int) -> date:
    return DUE + timedelta(days=offset)


@pytest.mark.parametrize(
    ("principal", "as_of", "expected", "why"),
    [
        (77_500, day(-1), 0, "before the due date"),
        (77_500, day(0), 0, "on the due date"),
        (77_500, day(1), 0, "first overdue day, inside grace"),
        (77_500, day(5), 0, "last day of the 5-day grace period"),
        (77_500, day(6), 39, "first charged day: 38.75 fen rounds half up to 39"),
        (77_500, day(7), 78, "two days: 77.5 -> 78"),
        (77_500, day(35), 1_163, "30 charged days: 1162.5 -> 1163"),
        (1_000, day(6), 1, "exactly half a fen rounds up"),
        (999, day(6), 0, "0.4995 fen rounds down"),
        (1, day(6), 0, "a tiny principal"),
        (0, day(400), 0, "nothing owed, no fee"),
        (77_500, day(5 + 1_999), 77_461, "one day short of the cap"),
        (77_500, day(5 + 2_000), 77_500, "the fee reaches the principal"),
        (77_500, day(5 + 5_000), 77_500, "capped: never more than the principal"),
    ],
)
def test_late_fee_boundaries(principal: int, as_of: date, expected: int, why: str) -> None:
    assert late_fee_fen(principal, DUE, as_of) == expected, why


def test_fee_is_integer_fen_not_float() -> None:
    fee = late_fee_fen(77_500, DUE, day(6))
    assert type(fee) is int


@pytest.mark.parametrize(
    ("as_of", "overdue", "charged"),
    [(day(-3), 0, 0), (day(0), 0, 0), (day(1), 1, 0), (day(5), 5, 0), (day(6), 6, 1)],
)
def test_overdue_and_chargeable_days(as_of: date, overdue: int, charged: int) -> None:
    assert days_overdue(DUE, as_of) == overdue
    assert chargeable_days(DUE, as_of, DEFAULT_POLICY) == charged


def test_policy_parameters_change_the_fee() -> None:
    no_grace = LateFeePolicy(daily_rate=Decimal("0.001"), grace_days=0)
    assert late_fee_fen(100_000, DUE, day(1), no_grace) == 100
    assert late_fee_fen(100_000, DUE, day(0), no_grace) == 0
    free = LateFeePolicy(daily_rate=Decimal(0), grace_days=3)
    assert late_fee_fen(100_000, DUE, day(100), free) == 0


def test_policy_from_config_reads_strings_and_refuses_floats() -> None:
    policy = LateFeePolicy.from_config({"RENT_LATE_FEE_DAILY_RATE": "0.0003", "RENT_GRACE_DAYS": 0})
    assert policy == LateFeePolicy(Decimal("0.0003"), 0)
    assert LateFeePolicy.from_config({}) == DEFAULT_POLICY
    assert DEFAULT_POLICY.rate_label == "0.05%"
    with pytest.raises(TypeError):
        LateFeePolicy.from_config({"RENT_LATE_FEE_DAILY_RATE": 0.0005})
    with pytest.raises(ValueError, match="not a number"):
        LateFeePolicy.from_config({"RENT_LATE_FEE_DAILY_RATE": "abc"})
    with pytest.raises(ValueError, match="outside"):
        LateFeePolicy(daily_rate=Decimal("0.5"))
    with pytest.raises(ValueError, match="negative"):
        LateFeePolicy(grace_days=-1)
