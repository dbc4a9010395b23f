"""续约 (lease renewal): the application, its files and contract documents, the
经济状况核对 (income and asset check) a new-policy renewal needs, lease violations that
block a renewal, and the once-per-term notice that the renewal window is open.

A status changes only through its table (``app.renewal.rules``, applied by
``app.status``): both status columns are guarded below. Timestamps are naive UTC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.housing.models import Lease
from app.labels import Labelled
from app.renewal.rules import (
    INCOME_CHECK_STATUS,
    RENEWAL_STATUS,
    IncomeCheckStatus,
    RenewalStatus,
)
from app.status import guard


class RenewalPolicy(Labelled):
    OLD = "old", "按照原政策执行"
    NEW = "new", "按照新政策执行（经济状况核对）"  # 新政策: needs a passing 经济状况核对


class Renewal(TimestampMixin, Model):
    """One renewal of one lease term: application, review, signing, final approval."""

    __tablename__ = "renewals"
    __table_args__ = (Index("ix_renewals_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    renews_term_id: Mapped[int] = mapped_column(ForeignKey("lease_terms.id"), nullable=False)
    policy: Mapped[RenewalPolicy] = mapped_column(enum_type(RenewalPolicy, 8), nullable=False)
    income_check_id: Mapped[int | None] = mapped_column(ForeignKey("renewal_income_checks.id"))
    status: Mapped[RenewalStatus] = mapped_column(
        enum_type(RenewalStatus, 16), default=RenewalStatus.DRAFT, nullable=False
    )
    # The proposed new term, fixed when the renewal starts; money in fen.
    new_start_date: Mapped[date] = mapped_column(Date, nullable=False)
    new_end_date: Mapped[date] = mapped_column(Date, nullable=False)
    monthly_rent_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    property_fee_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    monthly_subsidy_fen: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # 续租申请
    declaration_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    details_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)
    # 合同签订
    sign_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    sign_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    commitment_shown_at: Mapped[datetime | None] = mapped_column(DateTime)
    commitment_read_at: Mapped[datetime | None] = mapped_column(DateTime)
    commitment_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    contract_shown_at: Mapped[datetime | None] = mapped_column(DateTime)
    face_verification_id: Mapped[int | None] = mapped_column(ForeignKey("face_verifications.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 审批 of the signed contract; the new lease term it created
    contract_approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    contract_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The approval record printed with the contract (app.renewal.approval): the SHA-256 of
    # the signed version approved, and the code anyone can check it by.
    contract_approved_sha256: Mapped[str | None] = mapped_column(String(64))
    approval_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    new_term_id: Mapped[int | None] = mapped_column(ForeignKey("lease_terms.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    # The desktop and the phone both change this row: stale writes are refused.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    lease: Mapped[Lease] = relationship()
    files: Mapped[list[RenewalFile]] = relationship(
        back_populates="renewal", cascade="all, delete-orphan", order_by="RenewalFile.id"
    )
    documents: Mapped[list[RenewalDocument]] = relationship(
        back_populates="renewal", order_by="RenewalDocument.version"
    )
    events: Mapped[list[RenewalEvent]] = relationship(
        back_populates="renewal", order_by="RenewalEvent.id"
    )
    income_check: Mapped[IncomeCheck | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RenewalFile(TimestampMixin, Model):
    """An uploaded ID card side, or the drawn signature; the bytes live in storage."""

    __tablename__ = "renewal_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    renewal_id: Mapped[int] = mapped_column(ForeignKey("renewals.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(120), nullable=False)
    thumbnail_key: Mapped[str | None] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    renewal: Mapped[Renewal] = relationship(back_populates="files")


class RenewalDocument(TimestampMixin, Model):
    """A contract PDF. Never changed once stored: a later change is a new version."""

    __tablename__ = "renewal_documents"
    __table_args__ = (UniqueConstraint("renewal_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    renewal_id: Mapped[int] = mapped_column(ForeignKey("renewals.id"), index=True, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # unsigned / signed
    storage_key: Mapped[str] = mapped_column(String(120), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    renewal: Mapped[Renewal] = relationship(back_populates="documents")


class RenewalEvent(TimestampMixin, Model):
    """The renewal's history (审核详情): who did what, when and why."""

    __tablename__ = "renewal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    renewal_id: Mapped[int] = mapped_column(ForeignKey("renewals.id"), index=True, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    renewal: Mapped[Renewal] = relationship(back_populates="events")


class IncomeCheck(TimestampMixin, Model):
    """经济状况核对 for a renewal under the new policy: requested by the tenant, decided
    by 民政核对 staff."""

    __tablename__ = "renewal_income_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    status: Mapped[IncomeCheckStatus] = mapped_column(
        enum_type(IncomeCheckStatus, 12), default=IncomeCheckStatus.REQUESTED, nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    report_number: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    lease: Mapped[Lease] = relationship()


class WindowNotice(TimestampMixin, Model):
    """The message that the renewal window opened was posted for this lease term."""

    __tablename__ = "renewal_window_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    term_id: Mapped[int] = mapped_column(ForeignKey("lease_terms.id"), unique=True, nullable=False)


guard(Renewal.status, RENEWAL_STATUS)
guard(IncomeCheck.status, INCOME_CHECK_STATUS)
