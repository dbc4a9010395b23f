"""Rent: state changes (bills, payments, notices) and the queries tenant pages need.

Every change goes through here, is committed here and, where staff or money is involved,
audited. Money rules live in the pure modules ``billing`` and ``fees``.

Public API for other areas:

* ``tenant_has_arrears(tenant_id)`` / ``months_in_arrears(lease_id)``: e.g. 互换 and 续约
  require "租金缴纳正常，没有欠租情况".
* ``issue_advance_bills(lease, months)``: bills for the coming months issued now, e.g. the
  year's rent a swap requires in advance; the tenant pays them through the usual flow
  (``url_for("rent.pay")``), and monthly generation later finds them already there.
* ``start_online_payment(tenant, bill_ids, idempotency_key)`` and ``checkout_url(payment)``:
  the online payment entry point.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, url_for
from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.core import policy_parameters
from app.core.clock import CHINA_TZ, to_china_time, today_in_china, utcnow
from app.core.money import format_yuan
from app.core.status import change_where
from app.extensions import db
from app.housing.models import GuaranteeType, Lease, LeaseStatus
from app.housing.services import WITH_ADDRESS, active_lease_for
from app.messages.services import post_message
from app.rent.billing import (
    Period,
    TermPrice,
    monthly_charge,
    oldest_first_problem,
)
from app.rent.events import bills_paid
from app.rent.fees import LateFeePolicy, days_overdue, late_fee_fen
from app.rent.models import (
    BankDeductionMandate,
    Bill,
    BillStatus,
    DeductionResult,
    NoticeKind,
    Payment,
    PaymentBill,
    PaymentChannel,
    PaymentState,
    RentNotice,
    SubsidyPayout,
)
from app.rent.payments import (
    TRADE_SUCCESS,
    HttpTransport,
    InlineTransport,
    NotificationError,
    Order,
    SandboxProvider,
)
from app.rent.statuses import BILLS, PAYMENTS, PaymentError

log = logging.getLogger(__name__)

MESSAGE_CATEGORY = "租金"
DEFAULT_PAYMENT_TTL_MINUTES = 30


def is_unpaid() -> ColumnElement[bool]:
    """``status = 'unpaid'`` with the value inline, so the partial index can serve it."""
    return Bill.status == literal(BillStatus.UNPAID.value, literal_execute=True)


# --- policy -----------------------------------------------------------------------------


def setting(name: str, default: Any = None) -> Any:
    """A rent setting that is not a policy figure (payment provider ...): the app config
    first (tests, ``create_app`` overrides), else the environment variable of the same
    name, else ``default``. Policy figures come from ``policy_figure``."""
    if name in current_app.config:
        return current_app.config[name]
    return os.environ.get(name, default)


def policy_figure(key: str) -> Any:
    """A figure of ``app.core.policy_parameters`` in force (config, environment, default)."""
    return policy_parameters.value(current_app.config, key)


def late_fee_policy() -> LateFeePolicy:
    return LateFeePolicy.from_config(current_app.config)


def due_day() -> int:
    return int(policy_figure("RENT_DUE_DAY"))


def arrears_thresholds() -> tuple[tuple[int, NoticeKind], ...]:
    """The months of arrears that trigger a reminder, and the notice each sends."""
    return (
        (int(policy_figure("RENT_ARREARS_WARNING_MONTHS")), NoticeKind.ARREARS_3),
        (reclaim_months(), NoticeKind.ARREARS_6),
    )


def reclaim_months() -> int:
    """Months of arrears after which the home may be reclaimed (收回)."""
    return int(policy_figure("RENT_ARREARS_RECLAIM_MONTHS"))


def payment_ttl() -> timedelta:
    minutes = setting("RENT_PAYMENT_TTL_MINUTES", DEFAULT_PAYMENT_TTL_MINUTES)
    return timedelta(minutes=int(minutes))


def subsidy_paid_out(lease: Lease) -> bool:
    """廉租房·租金补贴 households get their subsidy paid to them; it is not taken off bills."""
    return lease.guarantee_type == GuaranteeType.LIANZU


# --- how a bill stands ------------------------------------------------------------------


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


# --- bill generation --------------------------------------------------------------------


@dataclass
class GenerationResult:
    period: Period
    created: int = 0
    existing: int = 0
    not_covered: int = 0


def _term_prices(lease: Lease) -> list[TermPrice]:
    return [
        TermPrice(
            start=term.start_date,
            end=term.end_date,
            rent_fen=term.monthly_rent_fen,
            property_fee_fen=term.property_fee_fen,
            subsidy_fen=term.monthly_subsidy_fen,
        )
        for term in lease.terms
    ]


def build_bill(lease: Lease, period: Period, *, now: datetime | None = None) -> Bill | None:
    """The bill ``lease`` owes for ``period`` (not added to the session), or None."""
    charge = monthly_charge(_term_prices(lease), period, deduct_subsidy=not subsidy_paid_out(lease))
    if charge is None:
        return None
    free = charge.amount_due_fen == 0  # fully subsidised: nothing to pay
    return Bill(
        lease_id=lease.id,
        period=str(period),
        due_date=period.due_date(due_day()),
        rent_fen=charge.rent_fen,
        property_fee_fen=charge.property_fee_fen,
        subsidy_fen=charge.subsidy_fen,
        amount_due_fen=charge.amount_due_fen,
        status=BillStatus.PAID if free else BillStatus.UNPAID,
        paid_at=(now or utcnow()) if free else None,
    )


def _insert_once(bill: Bill) -> bool:
    """Insert in a savepoint; False when (lease, period) exists already (maybe just now,
    by a concurrent run): the unique constraint decides, not an earlier read."""
    try:
        with db.session.begin_nested():
            db.session.add(bill)
    except IntegrityError:
        return False
    return True


def generate_bills(period: Period) -> GenerationResult:
    """Issue ``period``'s bill for every active lease. Safe to run twice, or on several
    machines at once: an existing bill is left alone and counted as existing."""
    result = GenerationResult(period)
    billed = set(db.session.scalars(select(Bill.lease_id).where(Bill.period == str(period))))
    leases = db.session.scalars(
        select(Lease)
        .where(Lease.status == LeaseStatus.ACTIVE)
        .options(selectinload(Lease.terms))
        .order_by(Lease.id)
    ).all()
    for lease in leases:
        if lease.id in billed:
            result.existing += 1
            continue
        bill = build_bill(lease, period)
        if bill is None:
            result.not_covered += 1
        elif _insert_once(bill):
            result.created += 1
        else:
            result.existing += 1
    db.session.commit()
    return result


def issue_advance_bills(lease: Lease, months: int, today: date | None = None) -> list[Bill]:
    """Bills for the ``months`` periods after this one, issued now (e.g. a year's rent in
    advance); periods already billed are returned as they are. Periods past the lease end
    are not billed."""
    if months < 1:
        raise ValueError("months must be at least 1")
    period = Period.of(today or today_in_china())
    bills: list[Bill] = []
    for _ in range(months):
        period = period.next()
        existing = db.session.scalar(
            select(Bill).where(Bill.lease_id == lease.id, Bill.period == str(period))
        )
        if existing is None:
            fresh = build_bill(lease, period)
            if fresh is None:
                break
            if not _insert_once(fresh):
                fresh = db.session.scalar(
                    select(Bill).where(Bill.lease_id == lease.id, Bill.period == str(period))
                )
            existing = fresh
        bills.append(existing)
    db.session.commit()
    return bills


# --- arrears notices --------------------------------------------------------------------


def send_arrears_notices(today: date | None = None) -> int:
    """Post the overdue notice for each newly overdue bill, and the 3- and 6-month arrears
    notices; each exactly once (unique per lease, kind and period). Returns messages posted."""
    today = today or today_in_china()
    policy = late_fee_policy()
    rows = db.session.execute(
        select(Bill.lease_id, Bill.period, Bill.due_date, Bill.amount_due_fen, Lease.tenant_id)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(is_unpaid(), Bill.due_date < today)
        .order_by(Bill.lease_id, Bill.period)
    ).all()
    by_lease: dict[int, list] = defaultdict(list)
    for row in rows:
        by_lease[row.lease_id].append(row)
    sent = _notices_sent(list(by_lease))
    posted = 0
    for lease_id, bills in by_lease.items():
        tenant_id = bills[0].tenant_id
        fresh = [b for b in bills if (lease_id, NoticeKind.OVERDUE, b.period) not in sent]
        if fresh and _post_overdue_notice(lease_id, tenant_id, fresh, policy):
            posted += 1
        oldest = bills[0].period
        for threshold, kind in arrears_thresholds():
            if len(bills) >= threshold and (lease_id, kind, oldest) not in sent:
                posted += _post_arrears_notice(lease_id, tenant_id, kind, bills, today)
    db.session.commit()
    return posted


def _notices_sent(lease_ids: list[int]) -> set[tuple[int, str, str]]:
    sent: set[tuple[int, str, str]] = set()
    for start in range(0, len(lease_ids), 500):
        chunk = lease_ids[start : start + 500]
        sent.update(
            (row.lease_id, row.kind, row.period)
            for row in db.session.execute(
                select(RentNotice.lease_id, RentNotice.kind, RentNotice.period).where(
                    RentNotice.lease_id.in_(chunk)
                )
            )
        )
    return sent


def _post_once(
    lease_id: int, tenant_id: int, keys: list[tuple[str, str]], title: str, body: str
) -> bool:
    """Post one message and record its notice keys, all or nothing; False if a concurrent
    run recorded any of them first."""
    try:
        with db.session.begin_nested():
            message = post_message(
                tenant_id, category=MESSAGE_CATEGORY, title=title, body=body, link="/rent/"
            )
            db.session.flush()
            for kind, period in keys:
                db.session.add(
                    RentNotice(lease_id=lease_id, kind=kind, period=period, message_id=message.id)
                )
    except IntegrityError:
        return False
    return True


def _post_overdue_notice(lease_id: int, tenant_id: int, bills: list, policy: LateFeePolicy) -> bool:
    labels = "、".join(Period.parse(b.period).label for b in bills)
    principal = sum(b.amount_due_fen for b in bills)
    first_due = bills[0].due_date
    title = f"租金逾期提醒：{labels}" if len(bills) <= 2 else f"您有 {len(bills)} 期租金已逾期"
    body = (
        f"您 {labels} 的租金共 {format_yuan(principal)} 已过缴费期限"
        f"（{first_due:%Y年%m月%d日}到期）。"
        f"逾期超过 {policy.grace_days} 天起，按每日 {policy.rate_label} 计收滞纳金。"
        "请尽快在“租金缴纳”中缴清；如有困难，请联系所在小区服务站。"
    )
    keys = [(NoticeKind.OVERDUE.value, b.period) for b in bills]
    return _post_once(lease_id, tenant_id, keys, title[:100], body)


def _post_arrears_notice(
    lease_id: int, tenant_id: int, kind: NoticeKind, bills: list, today: date
) -> int:
    months = len(bills)
    since = Period.parse(bills[0].period).label
    principal = format_yuan(sum(b.amount_due_fen for b in bills))
    reclaim = reclaim_months()
    if kind is NoticeKind.ARREARS_6:
        title = f"您已累计欠缴 {reclaim} 个月租金，住房可能被依规收回"
        body = (
            f"截至 {today:%Y年%m月%d日}，您已累计欠缴 {months} 个月租金（自 {since} 起），"
            f"本金共 {principal}，另计滞纳金。根据公共租赁住房管理规定，承租人累计 {reclaim} "
            "个月以上拖欠租金的，住房保障部门可以依规收回其承租的住房。请立即缴清欠款，"
            "或尽快到所在小区服务站说明情况。"
        )
    else:
        title = f"您已累计欠缴 {policy_figure('RENT_ARREARS_WARNING_MONTHS')} 个月租金"
        body = (
            f"截至 {today:%Y年%m月%d日}，您已累计欠缴 {months} 个月租金（自 {since} 起），"
            f"本金共 {principal}，另计滞纳金。请尽快缴清。累计欠缴 {reclaim} 个月以上的，"
            "住房保障部门可以依规收回承租的住房。"
        )
    return int(_post_once(lease_id, tenant_id, [(kind.value, bills[0].period)], title, body))


# --- payments ---------------------------------------------------------------------------


def payment_provider() -> SandboxProvider:
    """The configured provider (``RENT_PAYMENT_PROVIDER``; only ``sandbox`` exists here)."""
    name = setting("RENT_PAYMENT_PROVIDER", "sandbox")
    if name != "sandbox":
        raise RuntimeError(f"unknown RENT_PAYMENT_PROVIDER {name!r}")
    delivery = setting("RENT_SANDBOX_DELIVERY", "http")
    if delivery == "inline":
        transport = InlineTransport(lambda body, headers: receive_notification(body, headers))
    elif delivery == "http":
        transport = HttpTransport()
    else:
        raise RuntimeError(f"unknown RENT_SANDBOX_DELIVERY {delivery!r}")
    return SandboxProvider(sandbox_merchant_key(), transport)


def sandbox_merchant_key() -> bytes:
    """The key the sandbox signs with and the app verifies with (``RENT_SANDBOX_KEY``, else
    derived from ``SECRET_KEY``), as a merchant shares an API key with its gateway."""
    configured = setting("RENT_SANDBOX_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"anju-rent-sandbox-merchant-key", hashlib.sha256).digest()


def _new_reference(now: datetime) -> str:
    return f"RP{to_china_time(now):%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def payment_by_key(payer_id: int, key: str) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.payer_id == payer_id, Payment.idempotency_key == key)
    )


def _open_payment_for_lease(lease_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .where(Payment.lease_id == lease_id, Payment.state == PaymentState.PENDING)
        .order_by(Payment.id.desc())
        .limit(1)
    )


def _open_payment_holding(bill_ids: Iterable[int]) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .join(PaymentBill, PaymentBill.payment_id == Payment.id)
        .where(PaymentBill.bill_id.in_(list(bill_ids)), Payment.state == PaymentState.PENDING)
        .limit(1)
    )


def _close_payment(payment_id: int, action: str, reason: str) -> bool:
    """Close a pending payment by ``action`` (PAYMENTS: cancel, fail, expire) and release its
    bills; False if it was no longer pending."""
    moved = change_where(
        PAYMENTS, action, Payment, Payment.id == payment_id,
        values={"failure_reason": reason},
    )  # fmt: skip
    if moved != 1:
        return False
    db.session.execute(
        update(PaymentBill)
        .where(PaymentBill.payment_id == payment_id)
        .values(lock_slot=None)
        .execution_options(synchronize_session=False)
    )
    return True


def expire_stale_payments(now: datetime | None = None, lease_id: int | None = None) -> int:
    """Expire pending payments past their deadline (the caller commits)."""
    now = now or utcnow()
    query = select(Payment.id).where(
        Payment.state == PaymentState.PENDING, Payment.expires_at < now
    )
    if lease_id is not None:
        query = query.where(Payment.lease_id == lease_id)
    expired = sum(
        _close_payment(pid, "expire", "超时未支付") for pid in db.session.scalars(query).all()
    )
    if expired:
        db.session.expire_all()
    return expired


def start_online_payment(
    tenant: User,
    bill_ids: Sequence[int],
    idempotency_key: str,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> Payment:
    """Create the pending payment for the chosen bills, or return the one this
    ``idempotency_key`` already created (double tap, retried request, concurrent submit).

    The late fee is fixed now, for as long as the order is open. Raises ``PaymentError``.
    """
    existing = payment_by_key(tenant.id, idempotency_key)
    if existing is not None:
        return existing
    lease = active_lease_for(tenant.id)
    if lease is None:
        raise PaymentError("您目前没有租约，无需缴纳租金")
    now, today = now or utcnow(), today or today_in_china()
    expire_stale_payments(now, lease.id)
    unpaid = unpaid_bills(lease.id)
    problem = oldest_first_problem([bill.id for bill in unpaid], bill_ids)
    if problem:
        raise PaymentError(problem)
    chosen = view_bills(unpaid[: len(set(bill_ids))], today, late_fee_policy())
    payment = Payment(
        reference=_new_reference(now),
        lease_id=lease.id,
        payer_id=tenant.id,
        channel=payment_provider().channel,
        state=PaymentState.PENDING,
        amount_fen=sum(view.total_fen for view in chosen),
        idempotency_key=idempotency_key,
        expires_at=now + payment_ttl(),
    )
    payment.items = [
        PaymentBill(
            bill_id=v.bill.id, principal_fen=v.bill.amount_due_fen, late_fee_fen=v.late_fee_fen
        )
        for v in chosen
    ]
    db.session.add(payment)
    try:
        db.session.flush()
        record(
            "rent.payment.started",
            actor_id=tenant.id,
            subject_type="rent_payment",
            subject_id=payment.id,
            detail=f"{payment.reference} {format_yuan(payment.amount_fen)}",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Lost a race: the same submission committed first, or another payment holds a bill.
        again = payment_by_key(tenant.id, idempotency_key)
        if again is not None:
            return again
        raise PaymentError(
            "这些账单有一笔支付尚未完成，请先完成或取消那笔支付",
            _open_payment_holding(view.bill.id for view in chosen),
        ) from None
    return payment


def checkout_url(payment: Payment) -> str:
    """Where the payer's browser goes to pay ``payment`` (the provider's page)."""
    if payment.state != PaymentState.PENDING or payment.expires_at is None:
        raise PaymentError("这笔支付已结束，无法继续")
    order = Order(
        reference=payment.reference,
        amount_fen=payment.amount_fen,
        subject=f"{payment.lease.contract_number} 租金",
        notify_url=setting("RENT_NOTIFY_URL") or url_for("rent.notify", _external=True),
        return_url=url_for("rent.payment", payment_id=payment.id, _external=True),
        expires_at=payment.expires_at,
    )
    return payment_provider().checkout_url(
        order, lambda token: url_for("rent.sandbox_checkout", order=token)
    )


@dataclass(frozen=True, slots=True)
class SeenPayment:
    """A payment as its page shows it: a pending one past its deadline reads as expired,
    without a write (``refresh_payment`` in the POSTs and ``rent mark-overdue`` close it)."""

    payment: Payment
    state: PaymentState
    reason: str | None


def seen_payment(payment: Payment, now: datetime | None = None) -> SeenPayment:
    if _overdue_pending(payment, now or utcnow()):
        return SeenPayment(payment, PaymentState.EXPIRED, "超时未支付")
    return SeenPayment(payment, payment.state_enum, payment.failure_reason)


def _overdue_pending(payment: Payment, now: datetime) -> bool:
    return (
        payment.state == PaymentState.PENDING
        and payment.expires_at is not None
        and payment.expires_at < now
    )


def refresh_payment(payment: Payment, now: datetime | None = None) -> Payment:
    """Expire ``payment`` if it is pending past its deadline."""
    if _overdue_pending(payment, now or utcnow()) and _close_payment(
        payment.id, "expire", "超时未支付"
    ):
        db.session.commit()
        db.session.refresh(payment)
    return payment


def cancel_payment(payment: Payment, actor_id: int) -> bool:
    if not _close_payment(payment.id, "cancel", "已取消"):
        return False
    record(
        "rent.payment.cancelled",
        actor_id=actor_id,
        subject_type="rent_payment",
        subject_id=payment.id,
        detail=payment.reference,
    )
    db.session.commit()
    db.session.refresh(payment)
    return True


@dataclass(frozen=True, slots=True)
class NotificationOutcome:
    accepted: bool
    message: str


def receive_notification(
    body: bytes, headers: Mapping[str, str], *, ip: str | None = None
) -> NotificationOutcome:
    """Handle a provider's asynchronous notification: the only thing that marks an online
    payment paid. Untrusted or inconsistent notifications are rejected and audited;
    duplicates are acknowledged without recording anything twice."""
    provider = payment_provider()
    try:
        note = provider.parse_notification(body, headers, utcnow())
    except NotificationError as error:
        return _reject(None, str(error), ip)
    payment = db.session.scalar(
        select(Payment)
        .where(Payment.reference == note.reference, Payment.channel == provider.channel)
        .options(selectinload(Payment.items).selectinload(PaymentBill.bill))
    )
    if payment is None:
        return _reject(None, f"未知订单 {note.reference[:32]}", ip)
    if note.amount_fen != payment.amount_fen:
        return _reject(
            payment,
            f"金额不符：通知 {format_yuan(note.amount_fen)}，订单 {format_yuan(payment.amount_fen)}",
            ip,
        )
    if payment.state == PaymentState.PAID:
        if payment.provider_txn_id == note.transaction_id:
            return NotificationOutcome(True, "重复通知，已处理过")
        return _reject(
            payment, f"订单已支付，又收到另一笔交易 {note.transaction_id}，需人工退款", ip
        )
    if payment.state != PaymentState.PENDING:
        if note.trade_status == TRADE_SUCCESS:
            label = payment.state_enum.label
            return _reject(payment, f"订单{label}后收到支付成功通知，需人工核对退款", ip)
        return NotificationOutcome(True, "订单已关闭")
    if note.trade_status != TRADE_SUCCESS:
        if _close_payment(payment.id, "fail", "付款人未完成支付"):
            db.session.commit()
        return NotificationOutcome(True, "订单已关闭")
    return _settle_online(payment, note.transaction_id, ip)


def _settle_online(payment: Payment, transaction_id: str, ip: str | None) -> NotificationOutcome:
    now = utcnow()
    try:
        settled = _settle(payment, transaction_id, now)
        if settled:
            record(
                "rent.payment.paid",
                actor_id=None,
                subject_type="rent_payment",
                subject_id=payment.id,
                detail=f"{payment.reference} {transaction_id}",
                ip=ip,
            )
            post_paid_message(payment)
            db.session.commit()
    except IntegrityError:
        settled = False
        db.session.rollback()
    if settled:
        return NotificationOutcome(True, "支付成功")
    # Someone else (a concurrent duplicate notification) got there first.
    db.session.rollback()
    db.session.expire_all()
    current = db.session.get(Payment, payment.id)
    if current and current.state == PaymentState.PAID and current.provider_txn_id == transaction_id:
        return NotificationOutcome(True, "重复通知，已处理过")
    return _reject(current, "订单状态已变化，未能入账", ip)


def receipt_number_for(payment_id: int, paid_at: datetime) -> str:
    return f"SJ{to_china_time(paid_at):%Y%m%d}{payment_id:08d}"


def _settle(payment: Payment, transaction_id: str | None, paid_at: datetime) -> bool:
    """Mark a pending payment paid and its bills paid (the caller commits). Compare-and-set
    on the state, so of two concurrent settlements exactly one wins."""
    moved = change_where(
        PAYMENTS,
        "settle",
        Payment,
        Payment.id == payment.id,
        values={
            "provider_txn_id": transaction_id,
            "paid_at": paid_at,
            "receipt_number": payment.receipt_number or receipt_number_for(payment.id, paid_at),
        },
    )
    if moved != 1:
        return False
    mark_bills_paid(payment, paid_at)
    db.session.expire(payment)
    return True


def mark_bills_paid(payment: Payment, paid_at: datetime) -> None:
    """Mark the payment's bills paid and tell ``events`` listeners (the caller commits)."""
    for item in payment.items:
        moved = change_where(
            BILLS,
            "pay",
            Bill,
            Bill.id == item.bill_id,
            values={
                "paid_at": paid_at,
                "late_fee_paid_fen": item.late_fee_fen,
                "payment_id": payment.id,
            },
        )
        if moved != 1:
            # Cannot happen while PaymentBill.lock_slot holds; refuse rather than double-charge.
            raise IntegrityError("bill already paid", None, Exception(str(item.bill_id)))
    for item in payment.items:
        db.session.expire(item.bill)
    bills_paid([item.bill_id for item in payment.items])


def post_paid_message(payment: Payment) -> None:
    periods = "、".join(item.bill.period_label for item in payment.items)
    fee = sum(item.late_fee_fen for item in payment.items)
    fee_text = f"（含滞纳金 {format_yuan(fee)}）" if fee else ""
    post_message(
        payment.payer_id,
        category=MESSAGE_CATEGORY,
        title=f"缴费成功：{format_yuan(payment.amount_fen)}",
        body=(
            f"您 {periods} 的租金共 {format_yuan(payment.amount_fen)}{fee_text}已缴清，"
            f"缴费方式：{payment.channel_enum.label}。电子收据可在“租金缴纳”中查看和打印。"
        ),
        link=f"/rent/payments/{payment.id}",
    )


def _reject(payment: Payment | None, reason: str, ip: str | None) -> NotificationOutcome:
    db.session.rollback()
    log.warning("rent notification rejected: %s", reason)
    record(
        "rent.payment.notification_rejected",
        actor_id=None,
        subject_type="rent_payment" if payment else None,
        subject_id=payment.id if payment else None,
        detail=reason,
        ip=ip,
    )
    db.session.commit()
    return NotificationOutcome(False, reason)


def china_day_start(day: date) -> datetime:
    """Midnight of ``day`` in China, as naive UTC."""
    return datetime.combine(day, time(), CHINA_TZ).astimezone(UTC).replace(tzinfo=None)


def paid_payment(
    lease: Lease,
    channel: PaymentChannel,
    views: Sequence[BillView],
    txn_id: str,
    paid_at: datetime,
    staff_id: int,
    receipt_number: str | None = None,
) -> Payment:
    payment = Payment(
        reference=_new_reference(paid_at),
        lease_id=lease.id,
        payer_id=lease.tenant_id,
        channel=channel,
        state=PaymentState.PAID,
        amount_fen=sum(view.total_fen for view in views),
        provider_txn_id=txn_id,
        receipt_number=receipt_number,
        paid_at=paid_at,
        recorded_by_id=staff_id,
    )
    payment.lease = lease
    payment.items = [
        PaymentBill(bill=v.bill, principal_fen=v.bill.amount_due_fen, late_fee_fen=v.late_fee_fen)
        for v in views
    ]
    db.session.add(payment)
    return payment


# --- subsidy payouts ---------------------------------------------------------------------


def record_subsidy_payout(
    lease: Lease, period: Period, amount_fen: int, paid_on: date, bank_name: str, last4: str
) -> SubsidyPayout:
    """Record a month's subsidy paid to the household (idempotent per lease and period)."""
    existing = db.session.scalar(
        select(SubsidyPayout).where(
            SubsidyPayout.lease_id == lease.id, SubsidyPayout.period == str(period)
        )
    )
    if existing is not None:
        return existing
    payout = SubsidyPayout(
        lease_id=lease.id,
        period=str(period),
        amount_fen=amount_fen,
        paid_on=paid_on,
        bank_name=bank_name,
        account_last4=last4[-4:],
    )
    if not _insert_once(payout):
        payout = db.session.scalar(
            select(SubsidyPayout).where(
                SubsidyPayout.lease_id == lease.id, SubsidyPayout.period == str(period)
            )
        )
    db.session.commit()
    return payout


def tenant_of(lease: Lease) -> User | None:
    return db.session.get(User, lease.tenant_id)
