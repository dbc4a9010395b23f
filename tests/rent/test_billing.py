"""Periods, due dates, pro-rating and the oldest-first rule (pure functions)."""

from __future__ import annotations

from datetime import date

import pytest

from app.rent.billing import (
    Period,
    PeriodError,
    TermPrice,
    monthly_charge,
    oldest_first_problem,
    periods_between,
    prorate,
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "月份应在 01 到 12 之间"),
        ("2026-00", "月份应在 01 到 12 之间"),
        ("2026-1", "账期格式应为 YYYY-MM"),
        ("202612", "账期格式应为 YYYY-MM"),
        ("十二月", "账期格式应为 YYYY-MM"),
        ("", "账期格式应为 YYYY-MM"),
        ("1999-12", "超出范围"),
    ],
)
def test_bad_periods_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


def test_period_arithmetic() -> None:
    december = Period.parse(" 2026-12 ")
    assert str(december) == "2026-12" and december.label == "2026年12月"
    assert december.next() == Period(2027, 1)
    assert Period(2027, 1).previous() == december
    assert december.first_day == date(2026, 12, 1) and december.last_day == date(2026, 12, 31)
    assert periods_between(Period(2026, 11), Period(2027, 2)) == [
        Period(2026, 11),
        Period(2026, 12),
        Period(2027, 1),
        Period(2027, 2),
    ]
    assert periods_between(Period(2027, 1), Period(2026, 12)) == []


@pytest.mark.parametrize(
    ("period", "due_day", "expected"),
    [
        (Period(2026, 10), 15, date(2026, 10, 15)),
        (Period(2027, 2), 30, date(2027, 2, 28)),
        (Period(2028, 2), 30, date(2028, 2, 29)),
        (Period(2026, 4), 31, date(2026, 4, 30)),
    ],
)
def test_due_date_is_clamped_to_the_month(period: Period, due_day: int, expected: date) -> None:
    assert period.due_date(due_day) == expected


@pytest.mark.parametrize(
    ("monthly", "days", "in_month", "expected"),
    [
        (68_000, 31, 31, 68_000),
        (68_000, 0, 31, 0),
        (68_000, 20, 31, 43_871),  # 43870.97 -> 43871
        (100, 1, 2, 50),
        (1, 1, 2, 1),  # 0.5 fen rounds half up
        (1, 1, 3, 0),
    ],
)
def test_prorate_rounds_half_up(monthly: int, days: int, in_month: int, expected: int) -> None:
    assert prorate(monthly, days, in_month) == expected


TERM = TermPrice(date(2026, 10, 12), date(2027, 10, 11), 68_000, 9_500, 30_000)


def test_full_month_charge_with_and_without_subsidy_deduction() -> None:
    charge = monthly_charge([TERM], Period(2026, 11))
    assert (charge.rent_fen, charge.property_fee_fen, charge.subsidy_fen) == (68_000, 9_500, 30_000)
    assert charge.amount_due_fen == 47_500
    paid_out = monthly_charge([TERM], Period(2026, 11), deduct_subsidy=False)
    assert paid_out.subsidy_fen == 0 and paid_out.amount_due_fen == 77_500


def test_first_and_last_months_are_pro_rated_and_outside_is_not_billed() -> None:
    first = monthly_charge([TERM], Period(2026, 10), deduct_subsidy=False)
    assert first.rent_fen == prorate(68_000, 20, 31)  # 12..31 October
    last = monthly_charge([TERM], Period(2027, 10), deduct_subsidy=False)
    assert last.rent_fen == prorate(68_000, 11, 31)
    assert monthly_charge([TERM], Period(2026, 9)) is None
    assert monthly_charge([TERM], Period(2027, 11)) is None


def test_renewal_in_the_middle_of_a_month_charges_each_price_for_its_days() -> None:
    old = TermPrice(date(2024, 1, 1), date(2026, 6, 15), 60_000, 8_000)
    new = TermPrice(date(2026, 6, 16), date(2029, 6, 15), 66_000, 8_000)
    charge = monthly_charge([old, new], Period(2026, 6))
    assert charge.rent_fen == prorate(60_000, 15, 30) + prorate(66_000, 15, 30) == 63_000
    assert charge.property_fee_fen == 8_000


def test_subsidy_never_takes_a_bill_below_zero() -> None:
    generous = TermPrice(date(2026, 1, 1), date(2026, 12, 31), 10_000, 0, 50_000)
    charge = monthly_charge([generous], Period(2026, 5))
    assert charge.subsidy_fen == 10_000 and charge.amount_due_fen == 0


@pytest.mark.parametrize(
    ("selected", "problem"),
    [
        ([1], None),
        ([1, 2], None),
        ([2, 1, 3], None),
        ([], "请至少选择一期账单"),
        ([2], "请从最早的一期开始缴纳"),
        ([1, 3], "请从最早的一期开始缴纳"),
        ([1, 99], "所选账单不存在或已缴清"),
    ],
)
def test_oldest_first(selected: list[int], problem: str | None) -> None:
    found = oldest_first_problem([1, 2, 3], selected)
    if problem is None:
        assert found is None
    else:
        assert found and problem in found
