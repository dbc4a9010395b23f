"""Rent: recording the subsidy paid out to 廉租房·租金补贴 households (not taken off
their bills)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.housing.models import Lease
from app.rent.bill_generation import insert_once
from app.rent.billing import Period
from app.rent.models import SubsidyPayout


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
    if not insert_once(payout):
        # The unique constraint refused it: the row is there now.
        payout = db.session.scalars(
            select(SubsidyPayout).where(
                SubsidyPayout.lease_id == lease.id, SubsidyPayout.period == str(period)
            )
        ).one()
    db.session.commit()
    return payout


def tenant_of(lease: Lease) -> User | None:
    return db.session.get(User, lease.tenant_id)
