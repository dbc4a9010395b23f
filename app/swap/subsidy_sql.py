"""Rule 3 of 互换 (002 Q&A 10 ③) in SQL, for the board and the match view.

``enjoys_rent_subsidy_sql`` mirrors ``eligibility.enjoys_rent_subsidy``: a listing's tenancy
享受租金补贴 when it is 廉租房 or its lease's current term carries a subsidy. The subsidy is
read from the lease, not copied onto the listing, so it is never out of date.
``tests/swap/test_board.py`` checks the SQL and the pure rule agree.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, not_, or_, select

from app.housing.models import LeaseTerm
from app.swap.eligibility import LIANZU
from app.swap.matching import Home
from app.swap.models import SwapListing


def current_subsidy_sql() -> ColumnElement[int]:
    """The listing's lease's current 租金补贴 (its newest term, as ``Lease.current_term``),
    read live: a subsidy granted or ended at a renewal counts at once."""
    newest = (
        select(LeaseTerm.monthly_subsidy_fen)
        .where(LeaseTerm.lease_id == SwapListing.lease_id)
        .order_by(LeaseTerm.start_date.desc(), LeaseTerm.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(newest, 0)


def enjoys_rent_subsidy_sql() -> ColumnElement[bool]:
    """SQL for ``eligibility.enjoys_rent_subsidy`` (002 Q&A 10 ③): 廉租房, or a subsidy."""
    return or_(SwapListing.guarantee_type == LIANZU, current_subsidy_sql() > 0)


def subsidy_status_sql(subsidised: bool) -> ColumnElement[bool]:
    """Listings whose tenancy 享受租金补贴 (``subsidised``), or whose tenancy does not."""
    condition = enjoys_rent_subsidy_sql()
    return condition if subsidised else not_(condition)


def same_guarantee_sql(home: Home) -> ColumnElement[bool]:
    """Listings whose tenant may swap with ``home``'s under rule 3 (as ``matching.can_pair``)."""
    return subsidy_status_sql(home.enjoys_rent_subsidy)
