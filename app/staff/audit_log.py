"""Reading and exporting the append-only audit log (系统管理 only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, Select, func, select

from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.models import User
from app.core.clock import to_china_time
from app.extensions import db
from app.inputs import arg_int, arg_page

PAGE_SIZE = 50
CSV_COLUMNS = ("时间", "操作人", "角色", "操作", "对象类型", "对象编号", "详情", "IP")


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # phone
    subject_id: int | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        return cls(
            action=args.get("action", "").strip()[:50],
            actor=args.get("actor", "").strip()[:11],
            subject_id=arg_int("subject_id", args=args, label="对象编号"),
            since=_date(args.get("since")),
            until=_date(args.get("until")),
            page=arg_page(args),
        )

    def args(self, **changes) -> dict[str, str | int]:
        values = {**self.__dict__, **changes}
        return {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in values.items()
            if value not in ("", None) and (key, value) != ("page", 1)
        }


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _query(filters: AuditFilters) -> Select[AuditEvent, str, str]:
    query = select(AuditEvent, User.phone, User.role).outerjoin(
        User, User.id == AuditEvent.actor_id
    )
    if filters.action:
        query = query.where(AuditEvent.action.contains(filters.action, autoescape=True))
    if filters.actor:
        query = query.where(User.phone == filters.actor)
    if filters.subject_id is not None:
        query = query.where(AuditEvent.subject_id == filters.subject_id)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _utc_midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _utc_midnight(filters.until + timedelta(1)))
    return query.order_by(AuditEvent.id.desc())


def _utc_midnight(day: date) -> datetime:
    """Midnight China time (UTC+8, no daylight saving) as the naive UTC the log stores."""
    return datetime.combine(day, time()) - timedelta(hours=8)


def audit_page(filters: AuditFilters) -> tuple[Sequence[Row[AuditEvent, str, str]], int, int]:
    query = _query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return rows, total, pages


def _cell(value: object) -> str:
    """Text for a spreadsheet cell; formula-looking text is quoted (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(admin: User, filters: AuditFilters, *, ip: str | None) -> Iterator[str]:
    """The filtered log as CSV (UTF-8 with BOM, so spreadsheet software reads the Chinese).

    The export itself is recorded first.
    """
    record(
        "audit.exported",
        actor_id=admin.id,
        subject_type="audit",
        detail=str(filters.args(page=1)),
        ip=ip,
    )
    db.session.commit()
    rows = db.session.execute(_query(filters)).all()

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for event, phone, role in rows:
            writer.writerow(
                [
                    _cell(f"{to_china_time(event.created_at):%Y-%m-%d %H:%M:%S}"),
                    _cell(phone),
                    _cell(role),
                    _cell(event.action),
                    _cell(event.subject_type),
                    _cell(event.subject_id),
                    _cell(event.detail),
                    _cell(event.ip),
                ]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return generate()
