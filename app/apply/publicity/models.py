"""What the public sees of a review: publicity rounds (公示), objections (异议) and
qualification certificates (资格证明). Rows are written by app/apply/review.py and
app/apply/publicity/services.py only.

Each round keeps a snapshot of the masked name and ID it published, so the public page
never reads (or decrypts) the resident's own records.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.apply.models import Application
from app.apply.publicity.rules import OBJECTIONS, ObjectionStatus
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.status import guard


class PublicityRound(TimestampMixin, Model):
    __tablename__ = "publicity_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True, nullable=False
    )
    level: Mapped[str] = mapped_column(String(12), nullable=False)  # workflow.Round
    programme: Mapped[str] = mapped_column(String(12), nullable=False)  # workflow.Programme
    masked_name: Mapped[str] = mapped_column(String(30), nullable=False)
    masked_id: Mapped[str] = mapped_column(String(18), nullable=False)
    household_size: Mapped[int] = mapped_column(nullable=False)
    district_name: Mapped[str] = mapped_column(String(50), nullable=False)
    street_name: Mapped[str] = mapped_column(String(50), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_on: Mapped[date | None] = mapped_column(Date)
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(12))  # passed / stopped

    application: Mapped[Application] = relationship()
    objections: Mapped[list[Objection]] = relationship(
        back_populates="round", order_by="Objection.id"
    )

    __table_args__ = (UniqueConstraint("application_id", "level"),)


class Objection(TimestampMixin, Model):
    """异议: sent by anyone during a round; handled by the office running the round."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("publicity_rounds.id"), index=True, nullable=False
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), index=True, nullable=False
    )
    contact_name: Mapped[str] = mapped_column(String(30), nullable=False)
    contact_phone: Mapped[str] = mapped_column(String(11), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    ip: Mapped[str | None] = mapped_column(String(45))
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_type(ObjectionStatus, 12), default=ObjectionStatus.OPEN, nullable=False
    )
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(Text)

    round: Mapped[PublicityRound] = relationship(back_populates="objections")


class QualificationCertificate(TimestampMixin, Model):
    """住房保障资格证明, valid 3 years. ``token`` is the unguessable key in the QR code."""

    __tablename__ = "qualification_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id"), unique=True, nullable=False
    )
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    token: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    programme: Mapped[str] = mapped_column(String(12), nullable=False)
    masked_name: Mapped[str] = mapped_column(String(30), nullable=False)
    masked_id: Mapped[str] = mapped_column(String(18), nullable=False)
    household_size: Mapped[int] = mapped_column(nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()


# The status changes only through app.status, by app/apply/publicity/rules.py's table.
guard(Objection.status, OBJECTIONS)
