"""How a tenant's bills stand (paid, due, overdue with its late fee) and the read-only
queries tenant pages need.

Public API for other areas:

* ``tenant_has_arrears(tenant_id)`` / ``months_in_arrears(lease_id)``: e.g. 互换 and 续约
  require "租金缴纳正常，没有欠租情况"; ``in_arrears_sql`` is the same for a list of tenants.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import Lease
from app.housing.services import WITH_ADDRESS
from app.rent.billing import Period
from app.rent.fees import LateFeePolicy, days_overdue, late_fee_fen
from app.rent.models import (
    BankDeductionMandate,
    Bill,
    BillStatus,
    DeductionResult,
    Payment,
    PaymentBill,
    PaymentState,
    SubsidyPayout,
)
from app.rent.policy import due_day, late_fee_policy, subsidy_paid_out


def is_unpaid() -> ColumnElement[bool]:
    """``status = 'unpaid'`` with the value inline, so the partial index can serve it."""
    return Bill.status == literal(BillStatus.UNPAID.value, literal_execute=True)


class StatusKind(StrEnum):
    PAID = "paid"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class RentStatus:
    kind: StatusKind
    days_overdue: int = 0

    @property
    def label(self) -> str:
        if self.kind is StatusKind.OVERDUE:
            return f"已逾期 {self.days_overdue} 天"
        return "已缴清" if self.kind is StatusKind.PAID else "待缴"


@dataclass(frozen=True, slots=True)
class BillView:
    """A bill with its late fee: as of today while unpaid, as collected once paid."""

    bill: Bill
    late_fee_fen: int
    days_overdue: int

    @property
    def total_fen(self) -> int:
        return self.bill.amount_due_fen + self.late_fee_fen

    @property
    def status(self) -> RentStatus:
        if self.bill.is_paid:
            return RentStatus(StatusKind.PAID)
        if self.days_overdue:
            return RentStatus(StatusKind.OVERDUE, self.days_overdue)
        return RentStatus(StatusKind.DUE)


def view_bill(bill: Bill, as_of: date, policy: LateFeePolicy) -> BillView:
    if bill.is_paid:
        return BillView(bill, bill.late_fee_paid_fen, 0)
    return BillView(
        bill,
        late_fee_fen(bill.amount_due_fen, bill.due_date, as_of, policy),
        days_overdue(bill.due_date, as_of),
    )


def view_bills(bills: Iterable[Bill], as_of: date, policy: LateFeePolicy) -> list[BillView]:
    return [view_bill(bill, as_of, policy) for bill in bills]


def overall_status(owed: Sequence[BillView]) -> RentStatus:
    """已缴清 when nothing is owed, else 已逾期 (counted from the oldest bill) or 待缴."""
    if not owed:
        return RentStatus(StatusKind.PAID)
    oldest = max(view.days_overdue for view in owed)
    return RentStatus(StatusKind.OVERDUE, oldest) if oldest else RentStatus(StatusKind.DUE)


@dataclass(frozen=True)
class RentSummary:
    lease: Lease
    owed: list[BillView]
    status: RentStatus
    current_bill: BillView | None
    next_due_date: date | None
    policy: LateFeePolicy
    mandate: BankDeductionMandate | None
    payouts: list[SubsidyPayout]
    open_payment: Payment | None

    @property
    def principal_fen(self) -> int:
        return sum(view.bill.amount_due_fen for view in self.owed)

    @property
    def late_fee_fen(self) -> int:
        return sum(view.late_fee_fen for view in self.owed)

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.late_fee_fen

    @property
    def months_overdue(self) -> int:
        return sum(1 for view in self.owed if view.days_overdue)


def unpaid_bills(lease_id: int) -> list[Bill]:
    """The lease's unpaid bills, oldest first (the order they must be paid in)."""
    return list(
        db.session.scalars(
            select(Bill).where(Bill.lease_id == lease_id, is_unpaid()).order_by(Bill.period)
        )
    )


def rent_summary(lease: Lease, today: date | None = None) -> RentSummary:
    today = today or today_in_china()
    policy = late_fee_policy()
    owed = view_bills(unpaid_bills(lease.id), today, policy)
    this_period = Period.of(today)
    latest = db.session.scalar(
        select(Bill).where(Bill.lease_id == lease.id).order_by(Bill.period.desc()).limit(1)
    )
    current = (
        latest
        if latest is not None and latest.period == str(this_period)
        else db.session.scalar(
            select(Bill).where(Bill.lease_id == lease.id, Bill.period == str(this_period))
        )
    )
    return RentSummary(
        lease=lease,
        owed=owed,
        status=overall_status(owed),
        current_bill=view_bill(current, today, policy) if current else None,
        next_due_date=_next_due_date(owed, latest, this_period),
        policy=policy,
        mandate=mandate_for(lease.id),
        payouts=subsidy_payouts(lease.id, limit=6) if subsidy_paid_out(lease) else [],
        open_payment=_open_payment_for_lease(lease.id),
    )


def _next_due_date(
    owed: Sequence[BillView], latest: Bill | None, this_period: Period
) -> date | None:
    """The next date a payment falls due; None while bills are already overdue."""
    not_yet_due = [view for view in owed if not view.days_overdue]
    if not_yet_due:
        return not_yet_due[0].bill.due_date
    if owed:
        return None
    upcoming = Period.parse(latest.period).next() if latest else this_period
    return max(upcoming, this_period).due_date(due_day())


def bills_for_tenant(tenant_id: int, year: int | None = None) -> list[Bill]:
    """The tenant's bills on all their leases, newest first; one year when given."""
    query = (
        select(Bill)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(Lease.tenant_id == tenant_id)
        .order_by(Bill.period.desc(), Bill.id.desc())
    )
    if year is not None:
        query = query.where(Bill.period.like(f"{year:04d}-%"))
    return list(db.session.scalars(query))


def bill_years_for_tenant(tenant_id: int) -> list[int]:
    periods = db.session.scalars(
        select(func.substr(Bill.period, 1, 4))
        .join(Lease, Lease.id == Bill.lease_id)
        .where(Lease.tenant_id == tenant_id)
        .distinct()
    )
    return sorted((int(year) for year in periods), reverse=True)


def bill_for_tenant(tenant_id: int, bill_id: int) -> Bill | None:
    """The bill if it is on one of the tenant's leases; None otherwise (no existence leak)."""
    return db.session.scalar(
        select(Bill)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(Bill.id == bill_id, Lease.tenant_id == tenant_id)
        .options(selectinload(Bill.payment))
    )


def payment_for_tenant(tenant_id: int, payment_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .join(Lease, Lease.id == Payment.lease_id)
        .where(Payment.id == payment_id, Lease.tenant_id == tenant_id)
        .options(selectinload(Payment.items).selectinload(PaymentBill.bill))
    )


def lease_with_unit(lease_id: int) -> Lease | None:
    return db.session.scalar(
        select(Lease)
        .where(Lease.id == lease_id)
        .options(
            selectinload(Lease.terms),
            WITH_ADDRESS,
        )
    )


def mandate_for(lease_id: int) -> BankDeductionMandate | None:
    return db.session.scalar(
        select(BankDeductionMandate).where(BankDeductionMandate.lease_id == lease_id)
    )


def deduction_results(lease_id: int, limit: int = 12) -> list[DeductionResult]:
    return list(
        db.session.scalars(
            select(DeductionResult)
            .where(DeductionResult.lease_id == lease_id)
            .order_by(DeductionResult.period.desc())
            .limit(limit)
        )
    )


def subsidy_payouts(lease_id: int, limit: int = 12) -> list[SubsidyPayout]:
    return list(
        db.session.scalars(
            select(SubsidyPayout)
            .where(SubsidyPayout.lease_id == lease_id)
            .order_by(SubsidyPayout.period.desc())
            .limit(limit)
        )
    )


def months_in_arrears(lease_id: int, today: date | None = None) -> int:
    """How many of the lease's bills are unpaid past their due date."""
    today = today or today_in_china()
    return (
        db.session.scalar(
            select(func.count(Bill.id)).where(
                Bill.lease_id == lease_id, is_unpaid(), Bill.due_date < today
            )
        )
        or 0
    )


def in_arrears_sql(
    tenant_id: ColumnElement[int] | InstrumentedAttribute[int], today: date
) -> ColumnElement[bool]:
    """SQL for ``tenant_has_arrears`` of the tenant in ``tenant_id`` (a column), for lists."""
    return (
        select(Bill.id)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(Lease.tenant_id == tenant_id, is_unpaid(), Bill.due_date < today)
        .exists()
    )


def tenant_has_arrears(tenant_id: int, today: date | None = None) -> bool:
    """True when any bill on any of the tenant's leases is unpaid past its due date."""
    today = today or today_in_china()
    found = db.session.scalar(
        select(Bill.id)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(
            Lease.tenant_id == tenant_id,
            is_unpaid(),
            Bill.due_date < today,
        )
        .limit(1)
    )
    return found is not None


def _open_payment_for_lease(lease_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .where(Payment.lease_id == lease_id, Payment.state == PaymentState.PENDING)
        .order_by(Payment.id.desc())
        .limit(1)
    )
