"""Working days (工作日) on the official Chinese calendar. Pure module, no Flask.

Holidays and 调休 make-up working days come from the ``chinesecalendar`` package,
which carries the State Council's yearly notice. A year the installed package does
not cover raises ``CalendarNotCovered`` rather than guessing: the fix is to upgrade
the package once the notice for that year is published (usually in November).

Periods follow the civil-law rule (民法典 第二百零一条): the day a period starts on
is not counted, counting begins the next day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _HOLIDAYS

FIRST_COVERED_YEAR = min(_HOLIDAYS).year
LAST_COVERED_YEAR = max(_HOLIDAYS).year


class CalendarNotCovered(LookupError):
    """The holiday arrangement for ``year`` is not in the installed calendar data."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.message = (
            f"{year}年的法定节假日和调休安排尚未录入（当前日历数据覆盖 "
            f"{FIRST_COVERED_YEAR}–{LAST_COVERED_YEAR} 年），暂时无法按工作日计算；"
            "请升级 chinesecalendar 后重试。"
        )
        super().__init__(self.message)


def covers(day: date) -> bool:
    return FIRST_COVERED_YEAR <= day.year <= LAST_COVERED_YEAR


@lru_cache(maxsize=8192)  # a few decades of days; queues ask about the same ones constantly
def is_working_day(day: date) -> bool:
    """Monday to Friday except public holidays, plus the 调休 weekend days worked in lieu."""
    if not covers(day):
        raise CalendarNotCovered(day.year)
    return chinese_calendar.is_workday(day)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted).

    ``count`` 0 returns ``start`` unchanged.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start`` (working days in (end, start]).
    """
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(offset))
    )
