"""Rent bills, payments, bank deduction (银行代扣) and subsidy payouts (租金补贴发放).

Money is integer fen. A bill is one lease's charge for one month (``period`` "YYYY-MM"),
unique per lease and period so generating bills twice, or on two machines at once, never
duplicates one. Every settlement of a bill, whether online, offline at the counter or by
bank deduction, is a ``Payment``; ``PaymentBill.lock_slot`` makes it impossible for one bill to
be in two open or paid payments at the same time.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.housing.models import Lease
from app.labels import Labelled
from app.rent.statuses import BILLS, PAYMENTS
from app.rent.statuses import BillStatus as BillStatus
from app.rent.statuses import PaymentState as PaymentState
from app.status import guard

# The partial index's condition; queries that should use it spell the value inline
# (``standing.is_unpaid``), since a bound parameter cannot be matched against it.
UNPAID_CONDITION = "status = 'unpaid'"


class PaymentChannel(Labelled):
    SANDBOX = "sandbox", "在线支付（沙箱演示）"
    OFFLINE = "offline", "线下缴费"
    BANK_DEDUCTION = "bank_deduction", "银行代扣"


class DeductionOutcome(Labelled):
    SUCCESS = "success", "扣款成功"
    FAILED = "failed", "扣款失败"


class NoticeKind(StrEnum):
    OVERDUE = "overdue"
    ARREARS_3 = "arrears_3"
    ARREARS_6 = "arrears_6"


class PeriodLabelMixin:
    """For rows with a ``period`` column ("YYYY-MM")."""

    period: str

    @property
    def period_label(self) -> str:
        """``"2026-09"`` -> ``"2026年9月"``."""
        year, month = self.period.split("-")
        return f"{year}年{int(month)}月"


class Bill(PeriodLabelMixin, TimestampMixin, Model):
    __tablename__ = "rent_bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)  # "2026-12"
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    rent_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    property_fee_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    subsidy_fen: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # rent + property fee - subsidy: the principal late fees are computed on.
    amount_due_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[BillStatus] = mapped_column(
        enum_type(BillStatus, 10), default=BillStatus.UNPAID, nullable=False
    )
    # Set when paid: the late fee actually collected and the payment that settled it.
    late_fee_paid_fen: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("rent_payments.id"), index=True)

    lease: Mapped[Lease] = relationship()
    payment: Mapped[Payment | None] = relationship(foreign_keys=[payment_id])

    __table_args__ = (
        UniqueConstraint("lease_id", "period"),
        # Arrears across all leases: a partial index of the (few) unpaid bills, so it stays
        # small and the planner uses it even where statistics say "status" is unselective.
        Index(
            "ix_rent_bills_unpaid_due_date",
            "due_date",
            "lease_id",
            sqlite_where=text(UNPAID_CONDITION),
            postgresql_where=text(UNPAID_CONDITION),
        ),
        # Whether one tenant is in arrears (in_arrears_sql, for every listing 互相匹配 shows).
        Index(
            "ix_rent_bills_unpaid_lease",
            "lease_id",
            "due_date",
            sqlite_where=text(UNPAID_CONDITION),
            postgresql_where=text(UNPAID_CONDITION),
        ),
        CheckConstraint("rent_fen >= 0", name="rent_not_negative"),
        CheckConstraint("property_fee_fen >= 0", name="fee_not_negative"),
        CheckConstraint("subsidy_fen >= 0", name="subsidy_not_negative"),
        CheckConstraint("amount_due_fen >= 0", name="amount_not_negative"),
        CheckConstraint("late_fee_paid_fen >= 0", name="late_fee_not_negative"),
    )

    @property
    def is_paid(self) -> bool:
        return self.status == BillStatus.PAID


class Payment(TimestampMixin, Model):
    __tablename__ = "rent_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Our order number (out_trade_no) as the provider knows it.
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    payer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[str] = mapped_column(String(10), default=PaymentState.PENDING, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    # One per submitted form: a double tap or a retried request finds the same payment.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    # The provider's transaction id (or bank serial / paper receipt number), once paid.
    provider_txn_id: Mapped[str | None] = mapped_column(String(64))
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    failure_reason: Mapped[str | None] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lease: Mapped[Lease] = relationship()
    items: Mapped[list[PaymentBill]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="PaymentBill.id"
    )

    __table_args__ = (
        UniqueConstraint("payer_id", "idempotency_key"),
        UniqueConstraint("channel", "provider_txn_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    @property
    def state_enum(self) -> PaymentState:
        return PaymentState(self.state)

    @property
    def channel_enum(self) -> PaymentChannel:
        return PaymentChannel(self.channel)


class PaymentBill(Model):
    """A bill in a payment, with the principal and late fee locked when the order was made."""

    __tablename__ = "rent_payment_bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("rent_payments.id"), index=True, nullable=False
    )
    bill_id: Mapped[int] = mapped_column(ForeignKey("rent_bills.id"), nullable=False)
    principal_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    late_fee_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    # 1 while the payment is pending or paid, NULL once it failed or expired: a bill is
    # in at most one open-or-paid payment, enforced by the database.
    lock_slot: Mapped[int | None] = mapped_column(Integer, default=1)

    payment: Mapped[Payment] = relationship(back_populates="items")
    bill: Mapped[Bill] = relationship()

    __table_args__ = (UniqueConstraint("bill_id", "lock_slot"),)

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.late_fee_fen


class BankDeductionMandate(TimestampMixin, Model):
    """银行代扣 authorisation. Only the bank name and the last 4 digits are ever stored."""

    __tablename__ = "rent_deduction_mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), unique=True, nullable=False)
    bank_name: Mapped[str] = mapped_column(String(40), nullable=False)
    account_last4: Mapped[str] = mapped_column(String(4), nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (CheckConstraint("length(account_last4) = 4", name="last4_only"),)

    @property
    def masked_account(self) -> str:
        return f"**** **** **** {self.account_last4}"


class DeductionResult(PeriodLabelMixin, TimestampMixin, Model):
    """The bank's result for one month's deduction."""

    __tablename__ = "rent_deduction_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    bill_id: Mapped[int] = mapped_column(ForeignKey("rent_bills.id"), index=True, nullable=False)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    deducted_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(50))  # e.g. 余额不足
    bank_reference: Mapped[str | None] = mapped_column(String(40))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("rent_deduction_imports.id"))

    __table_args__ = (UniqueConstraint("lease_id", "period"),)

    @property
    def outcome_enum(self) -> DeductionOutcome:
        return DeductionOutcome(self.outcome)


class DeductionImport(TimestampMixin, Model):
    """An uploaded bank result file, kept between the preview and the confirmation."""

    __tablename__ = "rent_deduction_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)


class SubsidyPayout(PeriodLabelMixin, TimestampMixin, Model):
    """租金补贴 paid to a 廉租房·租金补贴 household for one month."""

    __tablename__ = "rent_subsidy_payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    bank_name: Mapped[str] = mapped_column(String(40), nullable=False)
    account_last4: Mapped[str] = mapped_column(String(4), nullable=False)

    __table_args__ = (
        UniqueConstraint("lease_id", "period"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class RentNotice(TimestampMixin, Model):
    """Arrears notices already posted, so each is posted once (unique per lease, kind, period).

    ``period`` is the overdue bill's period, or for the 3- and 6-month notices the oldest
    unpaid period: arrears that are paid off and start again later get new notices.
    """

    __tablename__ = "rent_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    __table_args__ = (UniqueConstraint("lease_id", "kind", "period"),)


# Statuses change only through app.status, by the tables in app/rent/statuses.py.
guard(Bill.status, BILLS)
guard(Payment.state, PAYMENTS)
