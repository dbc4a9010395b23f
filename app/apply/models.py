"""Applications for public rental housing (公租房申请), from draft (暂存) onwards."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.apply.statuses import CLOSED_STATUSES as CLOSED_STATUSES
from app.apply.statuses import ApplicationStatus
from app.apply.workflow import TABLE
from app.core.clock import utcnow
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.status import guard


class Application(TimestampMixin, Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)  # given at submission
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, 24), default=ApplicationStatus.DRAFT, nullable=False
    )
    # 1 while the application is open, NULL once closed: at most one open per resident.
    active_slot: Mapped[int | None] = mapped_column(Integer, default=1)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)
    region_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    category: Mapped[str | None] = mapped_column(String(30))
    guarantee_mode: Mapped[str | None] = mapped_column(String(20))
    # The wizard's answers by section (applicant, members, assets ...), saved as typed.
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    current_step: Mapped[str] = mapped_column(String(30), default="consent", nullable=False)
    furthest_step: Mapped[str] = mapped_column(String(30), default="consent", nullable=False)
    # 大数据资格预审: the rules engine's output at submission, for reviewers only.
    precheck: Mapped[dict | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Review dates (China calendar days), set by app/apply/review.py. A due date is
    # NULL while the working-day calendar does not yet cover the year it falls in.
    accepted_on: Mapped[date | None] = mapped_column(Date)
    legal_due_on: Mapped[date | None] = mapped_column(Date)  # 办结时限: 30 working days
    # The publicity rounds it runs (workflow.Track), fixed when it is accepted: a later
    # change of REVIEW_PATH applies to applications accepted after it.
    review_track: Mapped[str | None] = mapped_column(String(16))
    civil_check_started_on: Mapped[date | None] = mapped_column(Date)
    civil_check_due_on: Mapped[date | None] = mapped_column(Date)  # 民政核对: 15 working days
    # The deadline the current stage answers to (the nearer one), NULL once closed.
    current_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    files: Mapped[list[ApplicationFile]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationFile.id"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEvent.id"
    )

    __table_args__ = (UniqueConstraint("applicant_id", "active_slot"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION_REQUESTED)


class ApplicationFile(TimestampMixin, Model):
    """An uploaded material (or the signature); the bytes live in storage."""

    __tablename__ = "application_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True, nullable=False
    )
    material_key: Mapped[str] = mapped_column(String(60), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(120), nullable=False)
    thumbnail_key: Mapped[str | None] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    application: Mapped[Application] = relationship(back_populates="files")


class ApplicationEvent(TimestampMixin, Model):
    """One step of the application's history: who did what, when and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True, nullable=False
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24), nullable=False)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # e.g. the list of items to fix for a 补正 request
    details: Mapped[dict | None] = mapped_column(JSON)
    application: Mapped[Application] = relationship(back_populates="events")


class Consent(TimestampMixin, Model):
    """A recorded authorisation (PIPL): which agreement version, which scopes, when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    agreement: Mapped[str] = mapped_column(String(40), nullable=False)
    version: Mapped[str] = mapped_column(String(20), nullable=False)
    scopes: Mapped[list] = mapped_column(JSON, nullable=False)
    ip: Mapped[str | None] = mapped_column(String(45))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)


# The status changes only through app.status, by the review table (app.apply.workflow).
guard(Application.status, TABLE)
