"""Queries over housing stock and leases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.housing.models import Building, Community, District, Lease, LeaseStatus, Unit

# The unit, its building and community come with the lease in one joined query (each is
# many-to-one, so no rows multiply); the address needs all three.
WITH_ADDRESS = (
    joinedload(Lease.unit, innerjoin=True)
    .joinedload(Unit.building, innerjoin=True)
    .joinedload(Building.community, innerjoin=True)
)


def active_lease_for(tenant_id: int) -> Lease | None:
    """The tenant's current lease with its unit and terms loaded, if any."""
    return db.session.scalar(
        select(Lease)
        .where(Lease.tenant_id == tenant_id, Lease.status == LeaseStatus.ACTIVE)
        .options(
            selectinload(Lease.terms),
            WITH_ADDRESS,
        )
        .order_by(Lease.id.desc())
        .limit(1)
    )


def districts() -> list[District]:
    return list(
        db.session.scalars(
            select(District).options(selectinload(District.streets)).order_by(District.code)
        )
    )


def communities() -> list[Community]:
    return list(db.session.scalars(select(Community).order_by(Community.id)))
