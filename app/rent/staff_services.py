"""租赁管理 staff work: the arrears list and offline payments at the counter. Importing
the bank's deduction result file is in ``deduction_import``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, desc, func, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import User
from app.core.clock import to_china_time, today_in_china, utcnow
from app.core.masking import mask_name, mask_phone
from app.core.money import format_yuan
from app.extensions import db
from app.housing.models import Lease
from app.housing.services import WITH_ADDRESS
from app.rent.billing import Period
from app.rent.fees import late_fee_fen
from app.rent.models import Bill, Payment, PaymentChannel
from app.rent.policy import late_fee_policy
from app.rent.settlement import china_day_start, mark_bills_paid, paid_payment, post_paid_message
from app.rent.standing import BillView, is_unpaid, unpaid_bills, view_bills
from app.rent.statuses import PaymentError

ARREARS_PAGE_SIZE = 50


# --- staff: offline payments ------------------------------------------------------------


def offline_quote(lease_id: int, bill_count: int, paid_on: date) -> list[BillView]:
    """The oldest ``bill_count`` unpaid bills with late fees as of ``paid_on``."""
    return view_bills(unpaid_bills(lease_id)[:bill_count], paid_on, late_fee_policy())


def record_offline_payment(
    staff: User,
    lease: Lease,
    *,
    bill_count: int,
    receipt_number: str,
    paid_on: date,
    amount_fen: int,
    ip: str | None = None,
) -> Payment:
    """Record rent paid at the counter against the oldest ``bill_count`` bills.

    ``amount_fen`` must equal what those bills cost on ``paid_on`` (principal + late fee):
    a keying error is caught here rather than in the books. Raises ``PaymentError``.
    """
    quote = offline_quote(lease.id, bill_count, paid_on)
    if bill_count < 1 or len(quote) != bill_count:
        raise PaymentError("所选期数超过了未缴账单数，请刷新页面后重新选择")
    expected = sum(view.total_fen for view in quote)
    if amount_fen != expected:
        fees = sum(view.late_fee_fen for view in quote)
        raise PaymentError(
            f"实收金额与应收金额不符：应收 {format_yuan(expected)}"
            f"（其中滞纳金 {format_yuan(fees)}），请核对"
        )
    if db.session.scalar(select(Payment.id).where(Payment.receipt_number == receipt_number)):
        raise PaymentError(f"收据编号 {receipt_number} 已登记过，请核对收据")
    now = utcnow()
    paid_at = now if paid_on >= to_china_time(now).date() else china_day_start(paid_on)
    payment = paid_payment(
        lease, PaymentChannel.OFFLINE, quote, receipt_number, paid_at, staff.id, receipt_number
    )
    try:
        db.session.flush()
        mark_bills_paid(payment, paid_at)
    except IntegrityError:
        db.session.rollback()
        raise PaymentError(
            "这些账单中有在线支付正在进行或已缴清，请稍后刷新页面再登记", None
        ) from None
    record(
        "rent.payment.offline",
        actor_id=staff.id,
        subject_type="rent_payment",
        subject_id=payment.id,
        ip=ip,
        detail=f"{lease.contract_number} 收据 {receipt_number} {format_yuan(expected)}",
    )
    post_paid_message(payment)
    db.session.commit()
    return payment


# --- staff: arrears list ----------------------------------------------------------------

ARREARS_SORTS = {
    "months": "欠缴月数（多到少）",
    "months_asc": "欠缴月数（少到多）",
    "amount": "欠缴金额（多到少）",
    "oldest": "最早欠缴账期",
}


@dataclass(frozen=True)
class ArrearsRow:
    lease: Lease
    tenant_name: str
    months: int
    principal_fen: int
    late_fee_fen: int
    oldest_period: str

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.late_fee_fen

    @property
    def oldest_label(self) -> str:
        return Period.parse(self.oldest_period).label


@dataclass(frozen=True)
class ArrearsPage:
    rows: list[ArrearsRow]
    total: int
    page: int
    pages: int
    sort: str


def arrears_page(sort: str = "months", page: int = 1, today: date | None = None) -> ArrearsPage:
    """Leases with overdue bills, sorted as asked, ``ARREARS_PAGE_SIZE`` to a page."""
    today = today or today_in_china()
    sort = sort if sort in ARREARS_SORTS else "months"
    months = func.count(Bill.id).label("months")
    principal = func.sum(Bill.amount_due_fen).label("principal")
    oldest = func.min(Bill.period).label("oldest")
    grouped = (
        select(Bill.lease_id, months, principal, oldest)
        .where(is_unpaid(), Bill.due_date < today)
        .group_by(Bill.lease_id)
    )
    total = db.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    pages = max((total + ARREARS_PAGE_SIZE - 1) // ARREARS_PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    order = {
        "months": (desc(months), Bill.lease_id),
        "months_asc": (months, Bill.lease_id),
        "amount": (desc(principal), Bill.lease_id),
        "oldest": (oldest, desc(months), Bill.lease_id),
    }[sort]
    found = db.session.execute(
        grouped.order_by(*order).limit(ARREARS_PAGE_SIZE).offset((page - 1) * ARREARS_PAGE_SIZE)
    ).all()
    return ArrearsPage(_arrears_rows(found, today), total, page, pages, sort)


def _arrears_rows(found: Sequence, today: date) -> list[ArrearsRow]:
    lease_ids = [row.lease_id for row in found]
    if not lease_ids:
        return []
    leases = {
        lease.id: lease
        for lease in db.session.scalars(
            select(Lease).where(Lease.id.in_(lease_ids)).options(WITH_ADDRESS)
        )
    }
    # Only what the list shows of each tenant: a masked name, else a masked phone.
    tenants = {
        user.id: user
        for user in db.session.execute(
            select(User.id, User.real_name, User.phone).where(
                User.id.in_({lease.tenant_id for lease in leases.values()})
            )
        )
    }
    fees: dict[int, int] = defaultdict(int)
    policy = late_fee_policy()
    overdue = db.session.execute(
        select(Bill.lease_id, Bill.amount_due_fen, Bill.due_date).where(
            Bill.lease_id.in_(lease_ids), is_unpaid(), Bill.due_date < today
        )
    )
    for row in overdue:
        fees[row.lease_id] += late_fee_fen(row.amount_due_fen, row.due_date, today, policy)
    rows = []
    for row in found:
        lease = leases[row.lease_id]
        tenant = tenants.get(lease.tenant_id)
        rows.append(
            ArrearsRow(
                lease=lease,
                tenant_name=_staff_display_name(tenant),
                months=row.months,
                principal_fen=row.principal,
                late_fee_fen=fees[row.lease_id],
                oldest_period=row.oldest,
            )
        )
    return rows


def _staff_display_name(user: Row | None) -> str:
    if user is None:
        return "—"
    return mask_name(user.real_name) if user.real_name else mask_phone(user.phone)


def lease_payments(lease_id: int, limit: int = 20) -> list[Payment]:
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.lease_id == lease_id)
            .order_by(Payment.id.desc())
            .limit(limit)
        )
    )
