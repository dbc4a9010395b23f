"""Reading the swap board: the filtered list, and the matches of one listing.

Read-only. The rules of matching are in ``matching`` (pure); the SQL here mirrors them
(``home_fits_sql``, ``accepts_home_sql``, ``fit_points_sql``; rule 3 of who may swap with
whom is ``subsidy_sql``) to narrow tens of thousands of listings down to a few hundred
rows, and the pure functions then decide and rank.
``tests/swap/test_board.py`` checks that the SQL and the pure rules agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased, selectinload

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Community, District, Street
from app.swap import matching
from app.swap.browse import PAGE_SIZE, SUBSIDISED, BrowseFilters
from app.swap.matching import Chain, Home, Match, Party, Wishes
from app.swap.models import (
    ListingStatus,
    SwapBlock,
    SwapFavourite,
    SwapListing,
    SwapListingPhoto,
    SwapWishArea,
)
from app.swap.rules import LISTING_DAYS
from app.swap.search_hits import ListingText, SearchHits, search_hits
from app.swap.subsidy_sql import current_subsidy_sql, same_guarantee_sql, subsidy_status_sql

# How many rows the match view reads at most for each of its three questions. Newest first,
# so on a board far bigger than the demo the freshest listings are the ones considered.
MUTUAL_CAP = 1000
CHAIN_SIDE_CAP = 150
CHAIN_LIMIT = 10


def is_active() -> ColumnElement[bool]:
    """``status = 'active'`` with the value inline, so the partial indexes can serve it."""
    return SwapListing.status == literal(ListingStatus.ACTIVE.value, literal_execute=True)


def on_board(now: datetime) -> ColumnElement[bool]:
    """Shown on the board: active and published within the last 60 days."""
    return and_(is_active(), SwapListing.published_at > now - timedelta(days=LISTING_DAYS))


def is_on_board(listing: SwapListing, now: datetime | None = None) -> bool:
    return listing.status == ListingStatus.ACTIVE and listing.expires_at > (now or utcnow())


# --- listings as matching sees them ------------------------------------------------------


def home_of(listing: SwapListing) -> Home:
    return Home(
        district_id=listing.district_id,
        community_id=listing.community_id,
        bedrooms=listing.bedrooms,
        floor=listing.floor,
        has_lift=listing.has_lift,
        guarantee_type=listing.guarantee_type,
        monthly_subsidy_fen=listing.lease.current_term.monthly_subsidy_fen,
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


_PARTY_COLUMNS = (
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


def _wish_areas(listing_ids: Sequence[int]) -> dict[int, tuple[set[int], set[int]]]:
    areas: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for start in range(0, len(listing_ids), 500):
        rows = db.session.execute(
            select(
                SwapWishArea.listing_id, SwapWishArea.district_id, SwapWishArea.community_id
            ).where(SwapWishArea.listing_id.in_(listing_ids[start : start + 500]))
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


def _as_parties(rows: Sequence[Row]) -> list[Party]:
    areas = _wish_areas([row.id for row in rows])
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


# --- cards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaNames:
    districts: dict[int, str]
    communities: dict[int, str]
    # community id -> its street's name (searched, not shown on a card)
    streets: dict[int, str]


def area_names() -> AreaNames:
    return AreaNames(
        districts=dict(db.session.execute(select(District.id, District.name)).all()),
        communities=dict(db.session.execute(select(Community.id, Community.name)).all()),
        streets=dict(
            db.session.execute(
                select(Community.id, Street.name).join(Street, Street.id == Community.street_id)
            ).all()
        ),
    )


def describe_wishes(listing: SwapListing, names: AreaNames) -> list[str]:
    """The wishes in a few short Chinese phrases, e.g. ["濂溪区、十里公租房小区", "2室及以上"]."""
    areas = [names.districts.get(a.district_id, "") for a in listing.wish_areas if a.district_id]
    areas += [
        names.communities.get(a.community_id, "") for a in listing.wish_areas if a.community_id
    ]
    phrases = ["、".join(area for area in areas if area) or "区域不限"]
    if listing.min_bedrooms:
        phrases.append(f"{listing.min_bedrooms}室及以上")
    if listing.floor_min and listing.floor_max:
        phrases.append(f"{listing.floor_min}-{listing.floor_max}层")
    elif listing.floor_min:
        phrases.append(f"{listing.floor_min}层及以上")
    elif listing.floor_max:
        phrases.append(f"{listing.floor_max}层及以下")
    if listing.needs_lift:
        phrases.append("需有电梯")
    return phrases


@dataclass(frozen=True)
class Card:
    listing: SwapListing
    district_name: str
    community_name: str
    wishes: list[str]
    photo_id: int | None
    favourite: bool
    mine: bool
    # Where the board's keywords matched, when the card is a search result.
    hits: SearchHits | None = None


def listing_text(listing: SwapListing, names: AreaNames) -> ListingText:
    """What the keyword search reads of ``listing`` (see ``services.search_text_for``)."""
    return ListingText(
        community=names.communities.get(listing.community_id, ""),
        district=names.districts.get(listing.district_id, ""),
        layout=listing.layout,
        street=names.streets.get(listing.community_id, ""),
        orientation=listing.orientation,
        description=listing.description,
    )


def cards_for(
    listings: Sequence[SwapListing],
    viewer_id: int | None,
    names: AreaNames | None = None,
    keywords: Sequence[str] = (),
) -> list[Card]:
    """Cards for ``listings`` (with ``wish_areas`` loaded) in the given order; with
    ``keywords``, each card says where they matched."""
    if not listings:
        return []
    names = names or area_names()
    ids = [listing.id for listing in listings]
    photos = dict(
        db.session.execute(
            select(SwapListingPhoto.listing_id, func.min(SwapListingPhoto.id))
            .where(SwapListingPhoto.listing_id.in_(ids))
            .group_by(SwapListingPhoto.listing_id)
        ).all()
    )
    favourites = favourite_ids(viewer_id, ids) if viewer_id else set()
    return [
        Card(
            listing=listing,
            district_name=names.districts.get(listing.district_id, ""),
            community_name=names.communities.get(listing.community_id, ""),
            wishes=describe_wishes(listing, names),
            photo_id=photos.get(listing.id),
            favourite=listing.id in favourites,
            mine=listing.tenant_id == viewer_id,
            hits=search_hits(listing_text(listing, names), keywords) if keywords else None,
        )
        for listing in listings
    ]


def favourite_ids(user_id: int, listing_ids: Iterable[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(SwapFavourite.listing_id).where(
                SwapFavourite.user_id == user_id, SwapFavourite.listing_id.in_(list(listing_ids))
            )
        )
    )


def listings_by_id(ids: Sequence[int]) -> list[SwapListing]:
    """The listings with these ids, in this order, wish areas loaded."""
    if not ids:
        return []
    found = {
        listing.id: listing
        for listing in db.session.scalars(
            select(SwapListing)
            .where(SwapListing.id.in_(list(ids)))
            .options(selectinload(SwapListing.wish_areas))
        )
    }
    return [found[i] for i in ids if i in found]


# --- the board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardPage:
    cards: list[Card]
    total: int
    page: int
    pages: int
    filters: BrowseFilters
    sorted_by_match: bool


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def board_conditions(
    filters: BrowseFilters, now: datetime, viewer_id: int | None
) -> list[ColumnElement[bool]]:
    conditions = [on_board(now), not_blocked_sql(viewer_id)]
    if filters.district:
        conditions.append(SwapListing.district_id == filters.district)
    if filters.community:
        conditions.append(SwapListing.community_id == filters.community)
    if filters.layout == "3":
        conditions.append(SwapListing.bedrooms >= 3)
    elif filters.layout:
        conditions.append(SwapListing.bedrooms == int(filters.layout))
    if filters.area_min:
        conditions.append(SwapListing.area_m2 >= filters.area_min)
    if filters.area_max:
        conditions.append(SwapListing.area_m2 <= filters.area_max)
    if filters.floor_range:
        low, high = filters.floor_range
        conditions.append(SwapListing.floor >= low)
        if high is not None:
            conditions.append(SwapListing.floor <= high)
    if filters.lift:
        conditions.append(SwapListing.has_lift.is_(True))
    if filters.guarantee:
        conditions.append(subsidy_status_sql(filters.guarantee == SUBSIDISED))
    if filters.keywords:
        conditions.append(SwapListing.id.in_(_keyword_hits(filters.keywords)))
    return conditions


@cache
def _keyword_scan() -> type[SwapListing]:
    """Made once, on first use (the mappers are configured by then): building an alias
    copies every column of the table."""
    return aliased(SwapListing, name="keyword_scan")


def _keyword_hits(words: list[str]) -> Select:
    """Ids of active listings whose text holds every word. A subquery of its own: a substring
    search reads every candidate row anyway, and the outer query keeps the board's index.
    Only active listings are read (through a partial index): closed and swapped ones pile
    up over the years and would otherwise make every search slower."""
    text = _keyword_scan()
    return select(text.id).where(
        text.status == literal(ListingStatus.ACTIVE.value, literal_execute=True),
        *(text.search_text.like(f"%{_escape_like(word)}%", escape="\\") for word in words),
    )


def _page_of_ids(
    conditions: list[ColumnElement[bool]], order: list[ColumnElement], page: int
) -> tuple[list[int], int, int]:
    """One page of ids and the total, in one query (the count rides along as a window
    function, so the filters are evaluated once); a page past the end gives the last page."""
    query = select(SwapListing.id, func.count().over().label("total")).where(*conditions)
    rows = db.session.execute(
        query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    if rows:
        return [row.id for row in rows], rows[0].total, page
    total = db.session.scalar(select(func.count(SwapListing.id)).where(*conditions)) or 0
    last = max(1, -(-total // PAGE_SIZE))
    if total == 0 or last == page:
        return [], total, min(page, last)
    return _page_of_ids(conditions, order, last)


def board_page(
    filters: BrowseFilters,
    *,
    viewer_id: int | None = None,
    viewer_listing: SwapListing | None = None,
    now: datetime | None = None,
) -> BoardPage:
    """One page of the board. ``sort=match`` ranks by the viewer's own wishes when they
    have a listing, else puts keyword hits in the place name (小区、区、街道) first."""
    now = now or utcnow()
    conditions = board_conditions(filters, now, viewer_id)
    order: list[ColumnElement] = []
    by_match = False
    if filters.sort == "match":
        if viewer_listing is not None:
            order.append(fit_points_sql(wishes_of(viewer_listing)).desc())
            by_match = True
        elif filters.keywords:
            hits = [
                case((SwapListing.place_text.like(f"%{_escape_like(w)}%", escape="\\"), 1), else_=0)
                for w in filters.keywords
            ]
            total_hits = hits[0]
            for hit in hits[1:]:
                total_hits = total_hits + hit
            order.append(total_hits.desc())
            by_match = True
    order += [SwapListing.published_at.desc(), SwapListing.id.desc()]
    ids, total, page = _page_of_ids(conditions, order, filters.page)
    pages = max(1, -(-total // PAGE_SIZE))
    return BoardPage(
        cards=cards_for(listings_by_id(ids), viewer_id, keywords=filters.keywords),
        total=total,
        page=page,
        pages=pages,
        filters=filters.with_page(page),
        sorted_by_match=by_match,
    )


# --- matches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchCard:
    card: Card
    score: int


@dataclass(frozen=True)
class ChainView:
    gets: Card
    gives_to: Card
    score: int


@dataclass(frozen=True)
class MatchView:
    mutual: list[MatchCard]
    total: int
    page: int
    pages: int
    chains: list[ChainView]


def _candidates(viewer: Party, viewer_id: int, now: datetime) -> Select:
    return select(*_PARTY_COLUMNS).where(
        on_board(now),
        SwapListing.id != viewer.listing_id,
        SwapListing.tenant_id != viewer_id,
        same_guarantee_sql(viewer.home),
        not_blocked_sql(viewer_id),
    )


@dataclass(frozen=True)
class Sides:
    """The candidates of one viewer, newest first: homes that suit the viewer (``wanted``),
    listings that would take the viewer's home (``wanting``), and both (``mutual``)."""

    mutual: list[Party]
    wanted: list[Party]
    wanting: list[Party]


def candidate_sides(listing: SwapListing, now: datetime | None = None) -> Sides:
    """One pass over the board gives all three sides: each row says which way it fits,
    and reading stops once every side is full."""
    viewer = party_of(listing)
    fits = home_fits_sql(viewer.wishes)
    accepts = accepts_home_sql(viewer.home)
    query = (
        _candidates(viewer, listing.tenant_id, now or utcnow())
        .add_columns(
            case((fits, 1), else_=0).label("fits"), case((accepts, 1), else_=0).label("accepts")
        )
        .where(or_(fits, accepts))
    )
    mutual: list[Row] = []
    wanted: list[Row] = []
    wanting: list[Row] = []
    result = db.session.execute(_newest_first(query))
    for row in result:
        if row.fits and row.accepts and len(mutual) < MUTUAL_CAP:
            mutual.append(row)
        if row.fits and len(wanted) < CHAIN_SIDE_CAP:
            wanted.append(row)
        if row.accepts and len(wanting) < CHAIN_SIDE_CAP:
            wanting.append(row)
        if len(mutual) == MUTUAL_CAP and len(wanted) == len(wanting) == CHAIN_SIDE_CAP:
            break
    result.close()
    by_id = {party.listing_id: party for party in _as_parties([*mutual, *wanted, *wanting])}
    return Sides(
        mutual=[by_id[row.id] for row in mutual],
        wanted=[by_id[row.id] for row in wanted],
        wanting=[by_id[row.id] for row in wanting],
    )


def mutual_parties(listing: SwapListing, now: datetime | None = None) -> list[Match]:
    """Listings that match ``listing`` both ways, best first."""
    return matching.mutual_matches(party_of(listing), candidate_sides(listing, now).mutual)


def chains_for(listing: SwapListing, now: datetime | None = None) -> list[Chain]:
    sides = candidate_sides(listing, now)
    return _chains(party_of(listing), sides)


def _chains(viewer: Party, sides: Sides) -> list[Chain]:
    return matching.three_way_chains(viewer, sides.wanted, sides.wanting, limit=CHAIN_LIMIT)


def match_view(listing: SwapListing, page: int = 1, now: datetime | None = None) -> MatchView:
    """互相匹配 for ``listing``'s tenant: mutual matches (a page of them) and three-way chains."""
    viewer = party_of(listing)
    sides = candidate_sides(listing, now)
    matches = matching.mutual_matches(viewer, sides.mutual)
    chains = _chains(viewer, sides)
    pages = max(1, -(-len(matches) // PAGE_SIZE))
    page = max(1, min(page, pages))
    shown = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    wanted_ids = [m.party.listing_id for m in shown]
    for chain in chains:
        wanted_ids += [chain.gets.listing_id, chain.gives_to.listing_id]
    unique_ids = list(dict.fromkeys(wanted_ids))
    cards = {
        card.listing.id: card for card in cards_for(listings_by_id(unique_ids), listing.tenant_id)
    }
    return MatchView(
        mutual=[
            MatchCard(cards[m.party.listing_id], m.score)
            for m in shown
            if m.party.listing_id in cards
        ],
        total=len(matches),
        page=page,
        pages=pages,
        chains=[
            ChainView(cards[c.gets.listing_id], cards[c.gives_to.listing_id], c.score)
            for c in chains
            if c.gets.listing_id in cards and c.gives_to.listing_id in cards
        ],
    )
