"""What every part of the scale seed shares: the random generator, the writer, the clock,
the regions and staff, and the rows many areas write (messages, audit events)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.core.pii import PiiVault
from app.core.workdays import CalendarNotCovered, add_working_days
from bench.scale.volume import Volume
from bench.scale.writer import BulkWriter, Sink

CHINA_OFFSET = timedelta(hours=8)
# The app went live this long before today: accounts, online payments, applications and
# swap listings are no older than this; leases and bills are (paid at the counter or by
# bank deduction before then).
APP_AGE_DAYS = 900

MESSAGE_COLUMNS = ("id", "user_id", "category", "title", "body", "link", "read_at", "created_at")
AUDIT_COLUMNS = (
    "id",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "detail",
    "ip",
    "created_at",
)


def china_time(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` in China, as the naive UTC the columns store."""
    return datetime.combine(day, time(hour, minute)) - CHINA_OFFSET


def china_date(moment: datetime) -> date:
    return (moment + CHINA_OFFSET).date()


def working_days_after(day: date, count: int) -> date:
    """``add_working_days``, or weekdays only where the holiday calendar ends (the app
    itself would leave such a deadline open; a seeded staff action still needs a day)."""
    try:
        return add_working_days(day, count)
    except CalendarNotCovered:
        while count:
            day += timedelta(days=1)
            if day.weekday() < 5:
                count -= 1
        return day


@dataclass(frozen=True)
class StreetInfo:
    id: int
    code: str
    name: str
    district_id: int
    district_name: str


@dataclass
class Staff:
    """Staff account ids: the demo's, plus one reviewer for each street and district."""

    lease_manager: int
    city_reviewer: int
    civil_affairs: int
    street_reviewers: dict[int, int] = field(default_factory=dict)  # street id -> user id
    district_reviewers: dict[int, int] = field(default_factory=dict)  # district id -> user id


@dataclass
class Scene:
    volume: Volume
    writer: BulkWriter
    vault: PiiVault
    password_hash: str
    today: date
    now: datetime
    streets: list[StreetInfo]
    staff: Staff
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.volume.seed)
        self._messages: Sink = self.writer.sink("messages", MESSAGE_COLUMNS)
        self._audit: Sink = self.writer.sink("audit_events", AUDIT_COLUMNS)

    @property
    def launch(self) -> date:
        return self.today - timedelta(days=APP_AGE_DAYS)

    def moment_between(self, start: datetime, end: datetime) -> datetime:
        """A random time between two moments (``start`` when the span is empty)."""
        span = (end - start).total_seconds()
        if span <= 0:
            return start
        return start + timedelta(seconds=self.rng.uniform(0, span))

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def message(
        self,
        user_id: int,
        category: str,
        title: str,
        body: str,
        link: str | None,
        at: datetime,
    ) -> None:
        """A message-centre notice, read some time later unless it is recent."""
        at = min(at, self.now)
        age = self.now - at
        chance = 0.9 if age > timedelta(days=14) else 0.35
        read_at = None
        if self.rng.random() < chance:
            read_at = min(at + timedelta(minutes=self.rng.randrange(5, 60 * 72)), self.now)
        self._messages.add(
            self.writer.next_id("messages"), user_id, category, title[:100], body, link, read_at, at
        )

    def audit(
        self,
        action: str,
        actor_id: int | None,
        subject_type: str | None,
        subject_id: int | None,
        at: datetime,
        detail: str = "",
        ip: str | None = None,
    ) -> None:
        self._audit.add(
            self.writer.next_id("audit_events"),
            actor_id,
            action,
            subject_type,
            subject_id,
            detail[:500],
            ip,
            min(at, self.now),
        )

    def ip(self) -> str:
        return f"10.{self.rng.randrange(1, 255)}.{self.rng.randrange(255)}.{self.rng.randrange(1, 255)}"
