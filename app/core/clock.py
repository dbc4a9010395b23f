"""One place that says what "now" is, so tests and services agree.

Timestamps are stored as naive UTC (the same on SQLite and PostgreSQL); dates shown
to residents are in China Standard Time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    """Current time as naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def today_in_china() -> date:
    return datetime.now(CHINA_TZ).date()


def to_china_time(value: datetime) -> datetime:
    """Convert a stored naive-UTC timestamp to China Standard Time for display."""
    return value.replace(tzinfo=UTC).astimezone(CHINA_TZ)
