"""Rent: issuing bills, the monthly run for every active lease and bills in advance.

Public API for other areas:

* ``issue_advance_bills(lease, months)``: bills for the coming months issued now, e.g. the
  year's rent a swap requires in advance; the tenant pays them through the usual flow
  (``url_for("rent.pay")``), and monthly generation later finds them already there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.clock import today_in_china, utcnow
from app.extensions import Model, db
from app.housing.models import Lease, LeaseStatus
from app.rent.billing import Period, TermPrice, monthly_charge
from app.rent.models import Bill, BillStatus
from app.rent.policy import due_day, subsidy_paid_out


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


def insert_once(bill: Model) -> bool:
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
        elif insert_once(bill):
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
            if not insert_once(fresh):
                # The unique constraint refused it: the row is there now.
                fresh = db.session.scalars(
                    select(Bill).where(Bill.lease_id == lease.id, Bill.period == str(period))
                ).one()
            existing = fresh
        bills.append(existing)
    db.session.commit()
    return bills
