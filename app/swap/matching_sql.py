"""The rules of ``matching`` as SQL: a listing as matching sees it (``party_of``), and the
SQL mirrors of its rules (``home_fits_sql``, ``accepts_home_sql``, ``fit_points_sql``; rule
3 of who may swap with whom is ``subsidy_sql``) that narrow tens of thousands of listings
down to a few hundred rows, for the pure functions to decide and rank.
``tests/swap/test_board.py`` checks that the SQL and the pure rules agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, Select, and_, case, literal, or_, select, true

from app.extensions import batches, db
from app.swap import matching
from app.swap.matching import Home, Party, Wishes
from app.swap.models import SwapBlock, SwapListing, SwapWishArea
from app.swap.subsidy_sql import current_subsidy_sql

# --- listings as matching sees them ------------------------------------------------------


def home_of(listing: SwapListing, *, subsidy_fen: int | None = None) -> Home:
    """The listing's home; its 租金补贴 read from the lease unless ``subsidy_fen`` is given
    (where the subsidy plays no part, e.g. saying which wishes a home meets)."""
    if subsidy_fen is None:
        subsidy_fen = listing.lease.current_term.monthly_subsidy_fen
    return Home(
        district_id=listing.district_id,
        community_id=listing.community_id,
        bedrooms=listing.bedrooms,
        floor=listing.floor,
        has_lift=listing.has_lift,
        guarantee_type=listing.guarantee_type,
        monthly_subsidy_fen=subsidy_fen,
    )


def wishes_of(listing: SwapListing) -> Wishes:
    return Wishes(
        district_ids=frozenset(a.district_id for a in listing.wish_areas if a.district_id),
        community_ids=frozenset(a.community_id for a in listing.wish_areas if a.community_id),
        min_bedrooms=listing.min_bedrooms,
        floor_min=listing.floor_min,
        floor_max=listing.floor_max,
        needs_lift=listing.needs_lift,
    )


def party_of(listing: SwapListing) -> Party:
    return Party(listing.id, listing.tenant_id, home_of(listing), wishes_of(listing))


PARTY_COLUMNS = (
    SwapListing.id,
    SwapListing.tenant_id,
    SwapListing.district_id,
    SwapListing.community_id,
    SwapListing.bedrooms,
    SwapListing.floor,
    SwapListing.has_lift,
    SwapListing.guarantee_type,
    current_subsidy_sql().label("monthly_subsidy_fen"),
    SwapListing.min_bedrooms,
    SwapListing.floor_min,
    SwapListing.floor_max,
    SwapListing.needs_lift,
)


def wish_areas(listing_ids: Sequence[int]) -> dict[int, tuple[set[int], set[int]]]:
    areas: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for chunk in batches(listing_ids):
        rows = db.session.execute(
            select(
                SwapWishArea.listing_id, SwapWishArea.district_id, SwapWishArea.community_id
            ).where(SwapWishArea.listing_id.in_(chunk))
        )
        for listing_id, district_id, community_id in rows:
            districts, communities = areas[listing_id]
            if district_id:
                districts.add(district_id)
            if community_id:
                communities.add(community_id)
    return areas


def _newest_first(query: Select) -> Select:
    return query.order_by(SwapListing.published_at.desc(), SwapListing.id.desc())


def parties_of_rows(rows: Sequence[Row]) -> list[Party]:
    areas = wish_areas([row.id for row in rows])
    found = []
    for row in rows:
        districts, communities = areas.get(row.id, (set(), set()))
        found.append(
            Party(
                row.id,
                row.tenant_id,
                Home(
                    row.district_id,
                    row.community_id,
                    row.bedrooms,
                    row.floor,
                    row.has_lift,
                    row.guarantee_type,
                    row.monthly_subsidy_fen,
                ),
                Wishes(
                    frozenset(districts),
                    frozenset(communities),
                    row.min_bedrooms,
                    row.floor_min,
                    row.floor_max,
                    row.needs_lift,
                ),
            )
        )
    return found


# --- the SQL mirrors of matching's rules -------------------------------------------------


def _area_sql(wishes: Wishes) -> ColumnElement[bool] | None:
    if wishes.any_area:
        return None
    conditions = []
    if wishes.district_ids:
        conditions.append(SwapListing.district_id.in_(sorted(wishes.district_ids)))
    if wishes.community_ids:
        conditions.append(SwapListing.community_id.in_(sorted(wishes.community_ids)))
    return or_(*conditions)


def _floor_sql(wishes: Wishes) -> list[ColumnElement[bool]]:
    conditions = []
    if wishes.floor_min is not None:
        conditions.append(SwapListing.floor >= wishes.floor_min)
    if wishes.floor_max is not None:
        conditions.append(SwapListing.floor <= wishes.floor_max)
    return conditions


def home_fits_sql(wishes: Wishes) -> ColumnElement[bool]:
    """SQL for ``matching.fits(listing's home, wishes)``."""
    conditions: list[ColumnElement[bool]] = []
    area = _area_sql(wishes)
    if area is not None:
        conditions.append(area)
    if wishes.min_bedrooms is not None:
        conditions.append(SwapListing.bedrooms >= wishes.min_bedrooms)
    conditions += _floor_sql(wishes)
    if wishes.needs_lift:
        conditions.append(SwapListing.has_lift.is_(True))
    return and_(true(), *conditions)


def accepts_home_sql(home: Home) -> ColumnElement[bool]:
    """SQL for ``matching.fits(home, listing's wishes)``: the listing would take ``home``."""
    # Correlated, so it reads the few wish rows of each live candidate through the
    # listing_id index, not every listing's wishes ever made for the area (closed ones too).
    wished_here = (
        select(SwapWishArea.id)
        .where(
            SwapWishArea.listing_id == SwapListing.id,
            or_(
                SwapWishArea.district_id == home.district_id,
                SwapWishArea.community_id == home.community_id,
            ),
        )
        .exists()
    )
    return and_(
        or_(SwapListing.wants_any_area.is_(True), wished_here),
        or_(SwapListing.min_bedrooms.is_(None), SwapListing.min_bedrooms <= home.bedrooms),
        or_(SwapListing.floor_min.is_(None), SwapListing.floor_min <= home.floor),
        or_(SwapListing.floor_max.is_(None), SwapListing.floor_max >= home.floor),
        true() if home.has_lift else SwapListing.needs_lift.is_(False),
    )


def fit_points_sql(wishes: Wishes) -> ColumnElement[int]:
    """SQL for ``matching.fit_points(listing's home, wishes)``."""
    terms: list[ColumnElement[int]] = []
    whens = []
    if wishes.community_ids:
        whens.append(
            (
                SwapListing.community_id.in_(sorted(wishes.community_ids)),
                matching.COMMUNITY_POINTS,
            )
        )
    if wishes.district_ids:
        whens.append(
            (SwapListing.district_id.in_(sorted(wishes.district_ids)), matching.DISTRICT_POINTS)
        )
    if whens:
        terms.append(case(*whens, else_=0))
    if wishes.min_bedrooms is not None:
        terms.append(
            case((SwapListing.bedrooms >= wishes.min_bedrooms, matching.LAYOUT_POINTS), else_=0)
        )
    floor = _floor_sql(wishes)
    if floor:
        terms.append(case((and_(*floor), matching.FLOOR_POINTS), else_=0))
    if wishes.needs_lift:
        terms.append(case((SwapListing.has_lift.is_(True), matching.LIFT_POINTS), else_=0))
    if not terms:
        return literal(0)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def not_blocked_sql(viewer_id: int | None) -> ColumnElement[bool]:
    """Hide listings of users the viewer blocked, or who blocked the viewer."""
    if viewer_id is None:
        return true()
    return and_(
        SwapListing.tenant_id.not_in(
            select(SwapBlock.blocked_id).where(SwapBlock.blocker_id == viewer_id)
        ),
        SwapListing.tenant_id.not_in(
            select(SwapBlock.blocker_id).where(SwapBlock.blocked_id == viewer_id)
        ),
    )
