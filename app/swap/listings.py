"""互换 listings: a tenant's one listing (its home copied from the lease, its wishes typed),
its photos, and who may see it when it is not on the board. Each function checks, changes,
audits where it matters, and commits.

Refusals are ``SwapError`` with the reasons in Chinese. Reading the board is in
``app.swap.board``; whether a tenant may swap at all is in ``app.swap.tenant_standing``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Building, Community, District, Lease, Street, Unit
from app.housing.services import active_lease_for
from app.status import change, commit_or_stale
from app.storage import storage
from app.swap import board
from app.swap.application_models import SwapApplication, SwapApplicationParty
from app.swap.eligibility import own_blockers
from app.swap.models import (
    ListingStatus,
    RequestStatus,
    SwapListing,
    SwapListingPhoto,
    SwapRequest,
    SwapWishArea,
)
from app.swap.rules import MAX_PHOTOS, ApplicationStatus, can_renew
from app.swap.statuses import LISTINGS, REQUESTS, SwapError
from app.swap.tenant_standing import own_problems, standing_of
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload

# --- listings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WishInput:
    district_ids: Sequence[int]
    community_ids: Sequence[int]
    min_bedrooms: int | None
    floor_min: int | None
    floor_max: int | None
    needs_lift: bool
    reason_category: str
    description: str


def live_listing_of(tenant_id: int) -> SwapListing | None:
    """The tenant's listing that is shown or paused (there is at most one)."""
    return db.session.scalar(
        select(SwapListing)
        .where(
            SwapListing.tenant_id == tenant_id,
            SwapListing.status.in_([ListingStatus.ACTIVE, ListingStatus.PAUSED]),
        )
        .options(selectinload(SwapListing.wish_areas), selectinload(SwapListing.photos))
    )


def latest_listing_of(tenant_id: int) -> SwapListing | None:
    """The live listing, else the most recent one (closed, swapped or taken down)."""
    return live_listing_of(tenant_id) or db.session.scalar(
        select(SwapListing)
        .where(SwapListing.tenant_id == tenant_id)
        .order_by(SwapListing.id.desc())
        .limit(1)
    )


def listing_by_id(listing_id: int) -> SwapListing | None:
    return db.session.scalar(
        select(SwapListing)
        .where(SwapListing.id == listing_id)
        .options(selectinload(SwapListing.wish_areas), selectinload(SwapListing.photos))
    )


def _lease_home(lease: Lease) -> tuple[Unit, Building, Community, Street, District]:
    unit = db.session.get_one(Unit, lease.unit_id)
    building = unit.building
    community = building.community
    street = community.street
    return unit, building, community, street, street.district


def _copy_home(listing: SwapListing, lease: Lease) -> None:
    """The home's facts, from the lease: never typed by the tenant."""
    unit, building, community, street, district = _lease_home(lease)
    listing.lease_id = lease.id
    listing.district_id = district.id
    listing.community_id = community.id
    listing.floor = unit.floor
    listing.floors_total = building.floors
    listing.has_lift = building.has_lift
    listing.area_m2 = unit.area_m2
    listing.bedrooms = unit.bedrooms
    listing.living_rooms = unit.living_rooms
    listing.bathrooms = unit.bathrooms
    listing.orientation = unit.orientation
    listing.monthly_rent_fen = lease.current_term.monthly_rent_fen
    listing.guarantee_type = lease.guarantee_type
    listing.place_text = place_text_for(community.name, district.name, street.name)


def preview_listing(lease: Lease) -> SwapListing:
    """An unsaved listing with the lease's home facts, to show before posting."""
    preview = SwapListing(wish_areas=[], photos=[])
    _copy_home(preview, lease)
    return preview


def _apply_wishes(listing: SwapListing, wishes: WishInput) -> None:
    listing.wish_areas = [SwapWishArea(district_id=d) for d in dict.fromkeys(wishes.district_ids)]
    listing.wish_areas += [
        SwapWishArea(community_id=c) for c in dict.fromkeys(wishes.community_ids)
    ]
    listing.wants_any_area = not listing.wish_areas
    listing.min_bedrooms = wishes.min_bedrooms
    listing.floor_min = wishes.floor_min
    listing.floor_max = wishes.floor_max
    listing.needs_lift = wishes.needs_lift
    listing.reason_category = wishes.reason_category
    listing.description = wishes.description.strip()


def place_text_for(community: str, district: str, street: str) -> str:
    """The place a listing's keyword search ranks first: community, district, street."""
    return f"{community} {district} {street}".lower()


def search_text_for(place_text: str, layout: str, orientation: str, description: str) -> str:
    """Everything the keyword search looks in, lower-case."""
    return " ".join([place_text, layout, orientation, description.lower()])


def _refresh_search_text(listing: SwapListing) -> None:
    listing.search_text = search_text_for(
        listing.place_text, listing.layout, listing.orientation, listing.description
    )


def post_listing(tenant: User, wishes: WishInput, *, now: datetime | None = None) -> SwapListing:
    """Publish the tenant's one listing for 60 days, its home taken from their lease."""
    now = now or utcnow()
    standing, lease = standing_of(tenant.id)
    problems = [blocker.message for blocker in own_blockers(standing)]
    if problems or lease is None:
        raise SwapError(*problems)
    if live_listing_of(tenant.id) is not None:
        raise SwapError("您已发布过互换信息，每位租户只能发布一条；可以修改，或关闭后重新发布。")
    listing = SwapListing(
        tenant_id=tenant.id,
        status=ListingStatus.ACTIVE,
        published_at=now,
        updated_at=now,
    )
    _copy_home(listing, lease)
    _apply_wishes(listing, wishes)
    _refresh_search_text(listing)
    db.session.add(listing)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SwapError("您已发布过互换信息，每位租户只能发布一条。") from None
    record(
        "swap.listing.posted",
        actor_id=tenant.id,
        subject_type="swap_listing",
        subject_id=listing.id,
    )
    db.session.commit()
    return listing


def _require_live(listing: SwapListing) -> None:
    if not listing.is_live:
        raise SwapError(f"此互换信息{listing.status.label}，不能再修改。")


def _check_version(listing: SwapListing, version: str | None) -> None:
    if version is not None and version != str(listing.version):
        raise SwapError(LISTINGS.stale)


def update_listing(
    listing: SwapListing, wishes: WishInput, *, version: str | None, now: datetime | None = None
) -> None:
    """Change the wishes and description; the home's facts are read from the lease again."""
    _require_live(listing)
    _check_version(listing, version)
    lease = active_lease_for(listing.tenant_id)
    if lease is None:
        raise SwapError("您目前没有有效的租赁合同，不能修改互换信息。")
    _copy_home(listing, lease)
    _apply_wishes(listing, wishes)
    _refresh_search_text(listing)
    listing.updated_at = now or utcnow()
    commit_or_stale(LISTINGS)


def pause_listing(listing: SwapListing) -> None:
    """The tenant hides their listing for a while (their own: the view finds it)."""
    change(listing, LISTINGS, "paused", actor=listing.tenant)


def resume_listing(listing: SwapListing) -> None:
    problems = own_problems(listing.tenant_id)
    if problems:
        raise SwapError(*problems)
    change(listing, LISTINGS, "resumed", actor=listing.tenant)


def renew_listing(listing: SwapListing, *, now: datetime | None = None) -> None:
    """一键续期: another 60 days from now (in the last 7 days, or once expired)."""
    now = now or utcnow()
    _require_live(listing)
    if not can_renew(listing.expires_at, now):
        raise SwapError("到期前7天内才能续期，请到时再来。")
    problems = own_problems(listing.tenant_id)
    if problems:
        raise SwapError(*problems)
    listing.published_at = now
    listing.updated_at = now
    commit_or_stale(LISTINGS)


def open_application_for_listing(listing_id: int) -> SwapApplication | None:
    return db.session.scalar(
        select(SwapApplication)
        .join(SwapApplicationParty, SwapApplicationParty.application_id == SwapApplication.id)
        .where(
            SwapApplicationParty.listing_id == listing_id,
            SwapApplication.status.in_([ApplicationStatus.PREPARING, ApplicationStatus.SUBMITTED]),
        )
        .limit(1)
    )


def close_listing(listing: SwapListing, actor_id: int) -> None:
    """The tenant takes the listing down; open conversations on it end."""
    if open_application_for_listing(listing.id) is not None:
        raise SwapError("您有正在办理的互换申请，请先撤回申请再关闭互换信息。")
    change(listing, LISTINGS, "closed", actor=db.session.get(User, actor_id), commit=False)
    listing.closed_at = utcnow()
    end_requests_of(listing, "对方已关闭互换信息")
    commit_or_stale(LISTINGS)


def end_requests_of(listing: SwapListing, why: str, *, keep: int | None = None) -> None:
    """End the listing's pending and accepted requests (the caller commits), telling the
    other tenant ``why``; ``keep`` is a request to leave as it is."""
    requests = db.session.scalars(
        select(SwapRequest).where(
            or_(SwapRequest.from_listing_id == listing.id, SwapRequest.to_listing_id == listing.id),
            SwapRequest.status.in_([RequestStatus.PENDING, RequestStatus.ACCEPTED]),
        )
    ).all()
    for request in requests:
        if request.id == keep:
            continue
        change(
            request,
            REQUESTS,
            "closed",
            actor=None,
            say={"why": why},
            tell=[request.other_tenant_id(listing.tenant_id)],
            link=f"/swap/requests/{request.id}",
            commit=False,
        )
        request.decided_at = request.decided_at or utcnow()


# --- photos ---------------------------------------------------------------------------------


def read_upload(stream) -> bytes:
    """Read at most the size limit (+1 byte to detect oversize)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SwapError("文件超过 10MB，请压缩后再上传，或拍照时选择较小的尺寸")
    return data


def add_photo(listing: SwapListing, data: bytes) -> SwapListingPhoto:
    _require_live(listing)
    if len(listing.photos) >= MAX_PHOTOS:
        raise SwapError(f"最多上传{MAX_PHOTOS}张照片，请先删除一张再添加。")
    try:
        clean = clean_upload(data, allow_pdf=False)
    except UploadError as error:
        raise SwapError(str(error)) from None
    store = storage()
    photo = SwapListingPhoto(
        storage_key=store.save(clean.data, suffix=clean.suffix),
        thumbnail_key=store.save(clean.thumbnail or clean.data, suffix=".jpg"),
        content_type=clean.content_type,
        size_bytes=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
    )
    listing.photos.append(photo)
    listing.updated_at = utcnow()
    commit_or_stale(LISTINGS)
    return photo


def delete_photo(listing: SwapListing, photo: SwapListingPhoto) -> None:
    _require_live(listing)
    store = storage()
    store.delete(photo.storage_key)
    store.delete(photo.thumbnail_key)
    listing.photos.remove(photo)
    db.session.delete(photo)
    listing.updated_at = utcnow()
    commit_or_stale(LISTINGS)


def photo_by_id(photo_id: int) -> SwapListingPhoto | None:
    return db.session.get(SwapListingPhoto, photo_id)


# --- who may see a listing that is not on the board ------------------------------------------


def has_request_between(user_id: int, listing_id: int) -> bool:
    found = db.session.scalar(
        select(SwapRequest.id)
        .where(
            or_(
                and_(
                    SwapRequest.to_listing_id == listing_id, SwapRequest.from_tenant_id == user_id
                ),
                and_(
                    SwapRequest.from_listing_id == listing_id, SwapRequest.to_tenant_id == user_id
                ),
            )
        )
        .limit(1)
    )
    return found is not None


def can_view_listing(listing: SwapListing, user: User | None) -> bool:
    """Anyone sees a listing on the board; otherwise its tenant, staff who handle swaps, and
    tenants who have talked with it about swapping."""
    if board.is_on_board(listing):
        return True
    if user is None:
        return False
    if listing.tenant_id == user.id or is_swap_staff(user):
        return True
    return has_request_between(user.id, listing.id)


def is_swap_staff(user: User) -> bool:
    from app.auth.roles import Role

    return user.role in (Role.LEASE_MANAGER, Role.ADMIN)
