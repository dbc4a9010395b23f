"""Applications for public rental housing (公租房申请), from draft (暂存) onwards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.core.models import TimestampMixin
from app.extensions import db


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"draft": "草稿（暂存）", "submitted": "已提交", "withdrawn": "已放弃"}[self.value]


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.DRAFT, nullable=False)
    # 1 while the application is active, NULL once closed: at most one active per resident.
    active_slot: Mapped[int | None] = mapped_column(Integer, default=1)
    category: Mapped[str | None] = mapped_column(String(30))
    guarantee_mode: Mapped[str | None] = mapped_column(String(20))
    # The wizard's answers by section (members, assets ...), saved as the resident types.
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    current_step: Mapped[str] = mapped_column(String(30), default="entry", nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    __table_args__ = (UniqueConstraint("applicant_id", "active_slot"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)
