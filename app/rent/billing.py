"""Billing periods, due dates and the monthly charge. Pure module, no Flask.

Policy: the bill for a month is issued on the 1st and due on day ``RENT_DUE_DAY`` of the
same month (declared with its default in ``app.config.policy``). A month the lease covers only in part is
charged pro rata by days, rounded half up to the fen; when a renewal changes the price in
the middle of a month, each term is charged for its own days.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})\Z")  # ASCII digits only


class PeriodError(ValueError):
    """A period that is not ``YYYY-MM``; the message is for people."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: object) -> Period:
        match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise PeriodError("账期格式应为 YYYY-MM，例如 2026-12")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"月份应在 01 到 12 之间，收到的是 {match.group(2)}")
        if not 2000 <= year <= 2100:
            raise PeriodError(f"年份 {year} 超出范围（2000 至 2100）")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def due_date(self, due_day: int) -> date:
        """The due date in this month; a due day past the month's end means its last day."""
        return date(self.year, self.month, min(due_day, self.days))


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last`` inclusive."""
    periods: list[Period] = []
    current = first
    while current <= last:
        periods.append(current)
        current = current.next()
    return periods


@dataclass(frozen=True, slots=True)
class TermPrice:
    """A lease term's dates (both inclusive) and monthly prices in fen."""

    start: date
    end: date
    rent_fen: int
    property_fee_fen: int
    subsidy_fen: int = 0


@dataclass(frozen=True, slots=True)
class Charge:
    rent_fen: int
    property_fee_fen: int
    subsidy_fen: int

    @property
    def amount_due_fen(self) -> int:
        return max(self.rent_fen + self.property_fee_fen - self.subsidy_fen, 0)


def prorate(monthly_fen: int, days: int, days_in_month: int) -> int:
    """``monthly_fen * days / days_in_month`` rounded half up, in integers only."""
    if days >= days_in_month:
        return monthly_fen
    return (2 * monthly_fen * days + days_in_month) // (2 * days_in_month)


def monthly_charge(
    terms: Iterable[TermPrice], period: Period, *, deduct_subsidy: bool = True
) -> Charge | None:
    """What the lease charges for ``period``, or None when no term covers any of its days.

    ``deduct_subsidy`` is False for households whose subsidy is paid out to them
    (廉租房·租金补贴) rather than taken off the bill.
    """
    rent = fee = subsidy = 0
    covered = False
    for term in terms:
        start = max(term.start, period.first_day)
        end = min(term.end, period.last_day)
        if end < start:
            continue
        covered = True
        days = (end - start).days + 1
        rent += prorate(term.rent_fen, days, period.days)
        fee += prorate(term.property_fee_fen, days, period.days)
        if deduct_subsidy:
            subsidy += prorate(term.subsidy_fen, days, period.days)
    if not covered:
        return None
    # A subsidy never takes the bill below zero.
    return Charge(rent, fee, min(subsidy, rent + fee))


def oldest_first_problem(unpaid_in_order: Sequence[int], selected: Iterable[int]) -> str | None:
    """Why ``selected`` bill ids are not a valid choice, or None.

    Bills are paid oldest first: the selection must be the first N unpaid bills.
    """
    chosen = set(selected)
    if not chosen:
        return "请至少选择一期账单"
    if not chosen <= set(unpaid_in_order):
        return "所选账单不存在或已缴清，请刷新页面后重新选择"
    expected = set(unpaid_in_order[: len(chosen)])
    if chosen != expected:
        return "请从最早的一期开始缴纳：不能跳过较早的未缴账单"
    return None
