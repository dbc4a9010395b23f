"""Working days on the official calendar: 中秋 and 国庆 2026, with their 调休 weekend days."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.workdays import (
    LAST_COVERED_YEAR,
    CalendarNotCovered,
    add_working_days,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 18), True),  # Friday
        (date(2026, 9, 19), False),  # Saturday
        (date(2026, 9, 20), True),  # Sunday worked in lieu (调休) for 国庆
        (date(2026, 9, 25), False),  # 中秋节, a Friday
        (date(2026, 9, 28), True),
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 5), False),  # a Monday inside the 国庆 break
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday worked in lieu (调休)
        (date(2026, 10, 11), False),  # Sunday
        (date(2026, 11, 23), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 9, 18), 0, date(2026, 9, 18)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # the 调休 Sunday is the next working day
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # over 中秋
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # over the whole 国庆 break
        (date(2026, 9, 23), 5, date(2026, 10, 8)),  # a 公示 posted before both holidays
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # the 调休 Saturday
        (date(2026, 10, 9), 15, date(2026, 10, 29)),  # 民政核对 from 10-09
        (date(2026, 9, 18), 30, date(2026, 11, 5)),  # 办结时限 from 9-18
        (date(2026, 10, 10), 1, date(2026, 10, 12)),  # from a Saturday (worked) to Monday
        (date(2026, 10, 3), 1, date(2026, 10, 8)),  # from inside the holiday
    ],
)
def test_add_working_days(start: date, count: int, expected: date) -> None:
    assert add_working_days(start, count) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 9, 30), date(2026, 10, 8), 1),
        (date(2026, 10, 9), date(2026, 10, 12), 2),  # 10-10 (调休) and 10-12
        (date(2026, 9, 18), date(2026, 11, 5), 30),
        (date(2026, 11, 5), date(2026, 9, 18), -30),
        (date(2026, 10, 1), date(2026, 10, 7), 0),
        (date(2026, 10, 8), date(2026, 10, 8), 0),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_adding_then_counting_agree() -> None:
    start = date(2026, 9, 1)
    for count in range(0, 60):
        assert working_days_between(start, add_working_days(start, count)) == count


def test_a_year_the_calendar_does_not_cover_is_an_error_not_a_guess() -> None:
    beyond = date(LAST_COVERED_YEAR + 1, 1, 4)
    with pytest.raises(CalendarNotCovered) as raised:
        is_working_day(beyond)
    assert raised.value.year == LAST_COVERED_YEAR + 1
    assert "尚未录入" in raised.value.message and "chinesecalendar" in raised.value.message
    with pytest.raises(CalendarNotCovered):
        add_working_days(date(LAST_COVERED_YEAR, 12, 20), 30)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1)
