"""A renewal's new prices for the unit the lease is on now (002 Q&A 10)."""

from __future__ import annotations

from app.housing.models import Lease
from app.housing.moves import moved_into_prices, prices_of
from app.housing.tenancy import Prices
from app.renewal.rules import renewal_prices


def unit_prices(lease: Lease) -> Prices:
    """The lease's prices for the unit it is on now: after a 互换, the rent and 物业费 that
    unit was let for; the 租金补贴 stays the household's own. A renewal's new term."""
    return renewal_prices(prices_of(lease.current_term), moved_into_prices(lease))
