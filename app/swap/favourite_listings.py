"""收藏: the listings a tenant keeps as favourites (only those on the board can be added)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.swap import board
from app.swap.models import SwapFavourite, SwapListing
from app.swap.statuses import SwapError


def toggle_favourite(user_id: int, listing: SwapListing) -> bool:
    """收藏 or 取消收藏; True when the listing is now a favourite."""
    existing = db.session.scalar(
        select(SwapFavourite).where(
            SwapFavourite.user_id == user_id, SwapFavourite.listing_id == listing.id
        )
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()
        return False
    if not board.is_on_board(listing):
        raise SwapError("此互换信息已不再展示，不能收藏。")
    try:
        db.session.add(SwapFavourite(user_id=user_id, listing_id=listing.id))
        db.session.commit()
    except IntegrityError:  # a double tap: it is a favourite already
        db.session.rollback()
    return True


def favourites_of(user_id: int) -> list[SwapListing]:
    return list(
        db.session.scalars(
            select(SwapListing)
            .join(SwapFavourite, SwapFavourite.listing_id == SwapListing.id)
            .where(SwapFavourite.user_id == user_id)
            .order_by(SwapFavourite.id.desc())
            .options(selectinload(SwapListing.wish_areas))
        )
    )
