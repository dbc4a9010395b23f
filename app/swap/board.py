"""Reading the swap board: the filtered list and the cards it shows.

Read-only. The SQL mirrors of the matching rules are in ``matching_sql``; the matches of
one listing are in ``board_matches``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import aliased, selectinload

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Community, District, Street
from app.swap.browse import PAGE_SIZE, SUBSIDISED, BrowseFilters
from app.swap.matching_sql import fit_points_sql, not_blocked_sql, wishes_of
from app.swap.models import ListingStatus, SwapFavourite, SwapListing, SwapListingPhoto
from app.swap.rules import LISTING_DAYS
from app.swap.search_hits import ListingText, SearchHits, search_hits
from app.swap.subsidy_sql import subsidy_status_sql


def is_active() -> ColumnElement[bool]:
    """``status = 'active'`` with the value inline, so the partial indexes can serve it."""
    return SwapListing.status == literal(ListingStatus.ACTIVE.value, literal_execute=True)


def on_board(now: datetime) -> ColumnElement[bool]:
    """Shown on the board: active and published within the last 60 days."""
    return and_(is_active(), SwapListing.published_at > now - timedelta(days=LISTING_DAYS))


def is_on_board(listing: SwapListing, now: datetime | None = None) -> bool:
    return listing.status == ListingStatus.ACTIVE and listing.expires_at > (now or utcnow())


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
    """What the keyword search reads of ``listing`` (see ``listings.search_text_for``)."""
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
            total_hits: ColumnElement[int] = hits[0]
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
