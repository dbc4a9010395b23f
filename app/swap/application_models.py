"""申请互换: the formal application two tenants make once they agree, with its parties,
their proofs and pre-paid bills. Its status changes only through its table
(``app.swap.statuses.APPLICATIONS``). Timestamps are naive UTC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.housing.models import Lease
from app.status import guard
from app.swap.models import ReasonCategory, SwapRequest
from app.swap.statuses import APPLICATIONS
from app.swap.statuses import ApplicationStatus as ApplicationStatus


class SwapApplication(TimestampMixin, Model):
    """申请互换: the formal application two tenants make once they agree."""

    __tablename__ = "swap_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("swap_requests.id"), index=True, nullable=False
    )
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, 10), default=ApplicationStatus.PREPARING, nullable=False
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    request: Mapped[SwapRequest] = relationship()
    parties: Mapped[list[SwapApplicationParty]] = relationship(
        back_populates="application",
        order_by="SwapApplicationParty.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (Index("ix_swap_applications_status", "status", "submitted_at"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def party_of(self, user_id: int) -> SwapApplicationParty | None:
        return next((p for p in self.parties if p.tenant_id == user_id), None)

    def other_party(self, user_id: int) -> SwapApplicationParty:
        """The party who is not ``user_id``: an application always has two."""
        for party in self.parties:
            if party.tenant_id != user_id:
                return party
        raise LookupError(f"swap application {self.id} has no party besides user {user_id}")


class SwapApplicationParty(Model):
    """One tenant in an application: their lease, the unit they leave and the one they get,
    their reason and proof, their signature of the 承诺书 and their pre-paid bills."""

    __tablename__ = "swap_application_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("swap_applications.id"), index=True, nullable=False
    )
    tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id"), index=True, nullable=False
    )
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    reason_category: Mapped[str | None] = mapped_column(String(10))
    reason_text: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_ip: Mapped[str | None] = mapped_column(String(45))
    prepay_issued_at: Mapped[datetime | None] = mapped_column(DateTime)

    application: Mapped[SwapApplication] = relationship(back_populates="parties")
    lease: Mapped[Lease] = relationship()
    tenant: Mapped[User] = relationship()
    files: Mapped[list[SwapApplicationFile]] = relationship(
        back_populates="party", order_by="SwapApplicationFile.id", cascade="all, delete-orphan"
    )
    prepaid_bills: Mapped[list[SwapPrepaidBill]] = relationship(
        back_populates="party", order_by="SwapPrepaidBill.id", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("application_id", "tenant_id"),)

    @property
    def reason(self) -> ReasonCategory | None:
        return ReasonCategory(self.reason_category) if self.reason_category else None


class SwapApplicationFile(TimestampMixin, Model):
    """A proof material (证明材料) one party uploaded."""

    __tablename__ = "swap_application_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(
        ForeignKey("swap_application_parties.id"), index=True, nullable=False
    )
    storage_key: Mapped[str] = mapped_column(String(80), nullable=False)
    thumbnail_key: Mapped[str | None] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    party: Mapped[SwapApplicationParty] = relationship(back_populates="files")


class SwapPrepaidBill(Model):
    """A rent bill issued in advance for the year's pre-payment a swap requires."""

    __tablename__ = "swap_prepaid_bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("swap_application_parties.id"), nullable=False)
    bill_id: Mapped[int] = mapped_column(ForeignKey("rent_bills.id"), nullable=False)

    party: Mapped[SwapApplicationParty] = relationship(back_populates="prepaid_bills")

    __table_args__ = (UniqueConstraint("party_id", "bill_id"),)


guard(SwapApplication.status, APPLICATIONS)
