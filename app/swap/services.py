"""互换 state changes: listings and their photos, favourites, 我想换 requests and their
messages, blocks, reports and their moderation. Each function checks, changes, audits
where it matters, notifies the other tenant through the message centre, and commits.

Refusals are ``SwapError`` with the reasons in Chinese. The formal application is in
``app.swap.applications``; reading the board is in ``app.swap.board``.

Lease violations are those 租赁管理 records for 续约 (``app.renewal``): an unresolved one
blocks a swap as it blocks a renewal.
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
from app.core.status import announce, change, change_once, change_where, commit_or_stale
from app.extensions import db
from app.housing.models import Building, Community, District, Lease, Street, Unit
from app.housing.services import active_lease_for
from app.messages.services import post_message
from app.renewal.services import VIOLATION_KINDS, open_violations
from app.rent.models import Bill, BillStatus
from app.rent.services import tenant_has_arrears
from app.storage import storage
from app.swap import board
from app.swap.eligibility import PairCheck, Standing, own_blockers, pair_blockers
from app.swap.models import (
    ListingStatus,
    ReportStatus,
    RequestStatus,
    SwapApplication,
    SwapApplicationParty,
    SwapBlock,
    SwapFavourite,
    SwapListing,
    SwapListingPhoto,
    SwapMessage,
    SwapReport,
    SwapRequest,
    SwapWishArea,
)
from app.swap.rules import (
    MAX_PHOTOS,
    ApplicationStatus,
    can_renew,
    message_problem,
)
from app.swap.statuses import LISTINGS, MESSAGE_CATEGORY, REPORTS, REQUESTS, SwapError
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload

# --- eligibility ----------------------------------------------------------------------------


def violations_of(lease_id: int) -> tuple[str, ...]:
    """The lease's unresolved violations (违规记录), by kind."""
    return tuple(VIOLATION_KINDS.get(v.kind, v.kind) for v in open_violations(lease_id))


def has_paid_rent(lease_id: int) -> bool:
    """已缴租: at least one bill on the lease has been paid."""
    found = db.session.scalar(
        select(Bill.id).where(Bill.lease_id == lease_id, Bill.status == BillStatus.PAID).limit(1)
    )
    return found is not None


def standing_of(tenant_id: int) -> tuple[Standing, Lease | None]:
    """What the eligibility rules need about ``tenant_id``, and their current lease."""
    lease = active_lease_for(tenant_id)
    if lease is None:
        return Standing(has_lease=False), None
    return (
        Standing(
            has_lease=True,
            has_paid_rent=has_paid_rent(lease.id),
            has_arrears=tenant_has_arrears(tenant_id),
            violations=violations_of(lease.id),
            guarantee_type=lease.guarantee_type,
            monthly_subsidy_fen=lease.current_term.monthly_subsidy_fen,
        ),
        lease,
    )


def own_problems(tenant_id: int) -> list[str]:
    standing, _lease = standing_of(tenant_id)
    return [blocker.message for blocker in own_blockers(standing)]


def pair_check(tenant_id: int, other_tenant_id: int) -> PairCheck:
    return pair_blockers(standing_of(tenant_id)[0], standing_of(other_tenant_id)[0])


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
    unit = db.session.get(Unit, lease.unit_id)
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
        raise SwapError(f"此互换信息{listing.status_enum.label}，不能再修改。")


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

    return user.role_enum in (Role.LEASE_MANAGER, Role.ADMIN)


# --- favourites -------------------------------------------------------------------------------


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


# --- blocks -----------------------------------------------------------------------------------


def block_between(a: int, b: int) -> SwapBlock | None:
    return db.session.scalar(
        select(SwapBlock).where(
            or_(
                and_(SwapBlock.blocker_id == a, SwapBlock.blocked_id == b),
                and_(SwapBlock.blocker_id == b, SwapBlock.blocked_id == a),
            )
        )
    )


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    found = db.session.scalar(
        select(SwapBlock.id).where(
            SwapBlock.blocker_id == blocker_id, SwapBlock.blocked_id == blocked_id
        )
    )
    return found is not None


def block_user(blocker_id: int, blocked_id: int) -> None:
    """屏蔽: the other's listings are hidden from the blocker (and the blocker's from them),
    neither can contact the other, and conversations between them end."""
    if blocker_id == blocked_id:
        raise SwapError("不能屏蔽自己。")
    if not has_blocked(blocker_id, blocked_id):
        try:
            with db.session.begin_nested():
                db.session.add(SwapBlock(blocker_id=blocker_id, blocked_id=blocked_id))
        except IntegrityError:
            pass  # blocked a moment ago (double tap)
    requests = db.session.scalars(
        select(SwapRequest).where(
            or_(
                and_(
                    SwapRequest.from_tenant_id == blocker_id,
                    SwapRequest.to_tenant_id == blocked_id,
                ),
                and_(
                    SwapRequest.from_tenant_id == blocked_id,
                    SwapRequest.to_tenant_id == blocker_id,
                ),
            ),
            SwapRequest.status.in_([RequestStatus.PENDING, RequestStatus.ACCEPTED]),
        )
    ).all()
    blocker = db.session.get(User, blocker_id)
    for request in requests:
        if open_application_for_listing(request.from_listing_id) is None:
            change(request, REQUESTS, "blocked", actor=blocker, system=True, commit=False)
            request.decided_at = request.decided_at or utcnow()
    record("swap.user.blocked", actor_id=blocker_id, subject_type="user", subject_id=blocked_id)
    db.session.commit()


def blocks_of(user_id: int) -> list[tuple[SwapBlock, str]]:
    """The users ``user_id`` blocked, each with the community of their latest listing."""
    blocks = db.session.scalars(
        select(SwapBlock).where(SwapBlock.blocker_id == user_id).order_by(SwapBlock.id.desc())
    ).all()
    found = []
    for block in blocks:
        latest = latest_listing_of(block.blocked_id)
        community = db.session.get(Community, latest.community_id) if latest else None
        found.append((block, community.name if community else ""))
    return found


def unblock(user_id: int, block_id: int) -> bool:
    block = db.session.scalar(
        select(SwapBlock).where(SwapBlock.id == block_id, SwapBlock.blocker_id == user_id)
    )
    if block is None:
        return False
    db.session.delete(block)
    record(
        "swap.user.unblocked", actor_id=user_id, subject_type="user", subject_id=block.blocked_id
    )
    db.session.commit()
    return True


# --- 我想换 requests ----------------------------------------------------------------------------


def request_between(listing_a: int, listing_b: int) -> SwapRequest | None:
    """A request between two listings, in either direction."""
    return db.session.scalar(
        select(SwapRequest).where(
            or_(
                and_(
                    SwapRequest.from_listing_id == listing_a, SwapRequest.to_listing_id == listing_b
                ),
                and_(
                    SwapRequest.from_listing_id == listing_b, SwapRequest.to_listing_id == listing_a
                ),
            )
        )
    )


@dataclass(frozen=True)
class RequestCheck:
    problems: list[str]
    existing: SwapRequest | None = None
    needs_listing: bool = False
    own: SwapListing | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.existing is None


def request_check(viewer: User, listing: SwapListing, now: datetime | None = None) -> RequestCheck:
    """Can ``viewer`` send 我想换 to ``listing``? Every reason they cannot, in Chinese."""
    now = now or utcnow()
    if listing.tenant_id == viewer.id:
        return RequestCheck(["这是您自己发布的互换信息。"])
    if has_blocked(viewer.id, listing.tenant_id):
        return RequestCheck(["您已屏蔽该用户，解除屏蔽后才能联系对方。"])
    if has_blocked(listing.tenant_id, viewer.id):
        return RequestCheck(["对方暂不接受您的换房请求。"])
    if not board.is_on_board(listing, now):
        return RequestCheck(["此互换信息已不再展示，不能发起换房请求。"])
    problems = pair_check(viewer.id, listing.tenant_id).messages
    own = live_listing_of(viewer.id)
    needs_listing = own is None
    if own is None:
        problems.append("请先发布您自己的互换信息，对方才能看到您的房屋情况。")
    elif own.status == ListingStatus.PAUSED:
        problems.append("您的互换信息已暂停展示，恢复展示后才能发起换房请求。")
    elif not board.is_on_board(own, now):
        problems.append("您的互换信息已过期，续期后才能发起换房请求。")
    existing = request_between(own.id, listing.id) if own is not None else None
    return RequestCheck(problems, existing, needs_listing, own)


def send_request(viewer: User, listing: SwapListing, message: str) -> SwapRequest:
    """我想换: ask the listing's tenant to consider a swap, with a message."""
    check = request_check(viewer, listing)
    if check.existing is not None:
        raise SwapError("您与对方已有换房沟通记录，请在沟通页面继续。")
    if check.problems:
        raise SwapError(*check.problems)
    problem = message_problem(message, accepted=False)
    if problem:
        raise SwapError(problem)
    own = check.own
    if own is None:  # cannot happen: no listing is one of the problems above
        raise SwapError("请先发布您自己的互换信息。")
    request = SwapRequest(
        from_listing_id=own.id,
        to_listing_id=listing.id,
        from_tenant_id=viewer.id,
        to_tenant_id=listing.tenant_id,
        message=message.strip(),
        status=RequestStatus.PENDING,
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SwapError("您与对方已有换房沟通记录，请在沟通页面继续。") from None
    community = db.session.get(Community, own.community_id)
    post_message(
        listing.tenant_id,
        category=MESSAGE_CATEGORY,
        title="有人想和您换房",
        body=(
            f"{community.name if community else ''}一套{own.layout}、{own.area_m2}平方米的"
            f"{own.guarantee.label}租户想和您换房，留言：{request.message}"
            "\n您可以查看对方的房屋后接受或婉拒；接受后双方可以看到对方的联系方式。"
        ),
        link=f"/swap/requests/{request.id}",
    )
    record(
        "swap.request.sent", actor_id=viewer.id, subject_type="swap_request", subject_id=request.id
    )
    db.session.commit()
    return request


def request_for_party(user_id: int, request_id: int) -> SwapRequest | None:
    """The request if ``user_id`` is one of its two tenants; None otherwise (no leak)."""
    return db.session.scalar(
        select(SwapRequest)
        .where(
            SwapRequest.id == request_id,
            or_(SwapRequest.from_tenant_id == user_id, SwapRequest.to_tenant_id == user_id),
        )
        .options(selectinload(SwapRequest.messages))
    )


def requests_of(user_id: int) -> list[SwapRequest]:
    return list(
        db.session.scalars(
            select(SwapRequest)
            .where(or_(SwapRequest.from_tenant_id == user_id, SwapRequest.to_tenant_id == user_id))
            .order_by(SwapRequest.id.desc())
            .limit(50)
        )
    )


def accept_request(request: SwapRequest, user: User) -> None:
    if user.id != request.to_tenant_id:
        raise SwapError("只有收到请求的一方可以接受。")
    check = pair_check(user.id, request.from_tenant_id)
    if not check.ok:
        raise SwapError(*check.messages)
    if block_between(user.id, request.from_tenant_id) is not None:
        raise SwapError("你们之间已屏蔽，不能接受此请求。")
    _answer(request, user, "accepted")


def decline_request(request: SwapRequest, user: User) -> None:
    if user.id != request.to_tenant_id:
        raise SwapError("只有收到请求的一方可以婉拒。")
    _answer(request, user, "declined")


def withdraw_request(request: SwapRequest, user: User) -> None:
    if user.id != request.from_tenant_id:
        raise SwapError("只有发起请求的一方可以撤回。")
    _answer(request, user, "withdrawn")


def _answer(request: SwapRequest, user: User, action: str) -> None:
    """接受, 婉拒 (by the recipient) or 撤回 (by the sender) a pending request, compare-and-set:
    of two concurrent answers exactly one wins. The other tenant is told."""
    change_once(
        request,
        REQUESTS,
        action,
        actor=user,
        values={"decided_at": utcnow()},
        tell=[request.other_tenant_id(user.id)],
        link=f"/swap/requests/{request.id}",
    )
    db.session.commit()


def send_message(request: SwapRequest, sender: User, body: str) -> SwapMessage:
    """A message in the conversation; no phone numbers before the request is accepted."""
    if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise SwapError(f"此换房沟通{request.status_enum.label}，不能再发送消息。")
    other = request.other_tenant_id(sender.id)
    if block_between(sender.id, other) is not None:
        raise SwapError("你们之间已屏蔽，不能再发送消息。")
    problem = message_problem(body, accepted=request.is_accepted)
    if problem:
        raise SwapError(problem)
    message = SwapMessage(request_id=request.id, sender_id=sender.id, body=body.strip())
    db.session.add(message)
    post_message(
        other,
        category=MESSAGE_CATEGORY,
        title="换房沟通有新消息",
        body=body.strip()[:200],
        link=f"/swap/requests/{request.id}",
    )
    db.session.commit()
    return message


@dataclass(frozen=True)
class Contact:
    """What each side sees of the other once a request is accepted."""

    name: str
    phone: str
    address: str


def contact_of(request: SwapRequest, viewer_id: int) -> Contact | None:
    """The other tenant's contact details, only once the request has been accepted."""
    if request.status != RequestStatus.ACCEPTED:
        return None
    other = db.session.get(User, request.other_tenant_id(viewer_id))
    lease = active_lease_for(other.id) if other else None
    address = db.session.get(Unit, lease.unit_id).address if lease else ""
    return Contact(name=other.real_name or "", phone=other.phone, address=address)


# --- reports and moderation -------------------------------------------------------------------


def report(
    reporter: User,
    listing: SwapListing,
    reason: str,
    detail: str,
    request: SwapRequest | None = None,
) -> SwapReport:
    """举报 a listing, or (from a conversation) its tenant."""
    if listing.tenant_id == reporter.id:
        raise SwapError("不能举报自己发布的互换信息。")
    already = db.session.scalar(
        select(SwapReport.id).where(
            SwapReport.reporter_id == reporter.id,
            SwapReport.listing_id == listing.id,
            SwapReport.status == ReportStatus.OPEN,
        )
    )
    if already is not None:
        raise SwapError("您已举报过此信息，工作人员正在核实，请耐心等待。")
    found = SwapReport(
        reporter_id=reporter.id,
        listing_id=listing.id,
        reported_user_id=listing.tenant_id,
        request_id=request.id if request else None,
        reason=reason,
        detail=detail.strip(),
        status=ReportStatus.OPEN,
    )
    db.session.add(found)
    db.session.flush()
    record(
        "swap.report.filed",
        actor_id=reporter.id,
        subject_type="swap_report",
        subject_id=found.id,
        detail=reason,
    )
    db.session.commit()
    return found


def open_reports(limit: int = 50) -> list[SwapReport]:
    return list(
        db.session.scalars(
            select(SwapReport)
            .where(SwapReport.status == ReportStatus.OPEN)
            .order_by(SwapReport.created_at, SwapReport.id)
            .limit(limit)
        )
    )


def decide_report(
    staff: User, found: SwapReport, *, uphold: bool, note: str, ip: str | None = None
) -> None:
    """Uphold (take the listing down, tell its tenant why) or dismiss a report."""
    note = note.strip()
    decided = {"decided_by": staff.id, "decided_at": utcnow(), "decision_note": note}
    action = "upheld" if uphold else "dismissed"
    decision = change_once(
        found, REPORTS, action, actor=staff, values=decided, note=note, ip=ip, tell=()
    )
    listing = db.session.get(SwapListing, found.listing_id)
    if uphold and listing is not None and listing.is_live:
        if open_application_for_listing(listing.id) is not None:
            db.session.rollback()
            raise SwapError("该租户有正在办理的互换申请，请先在互换审核中处理申请。")
        change(
            listing, LISTINGS, "removed", actor=staff, system=True, say={"note": note}, commit=False
        )
        listing.closed_at = utcnow()
        end_requests_of(listing, "对方的互换信息已被下架")
        # Other open reports on the same listing are settled by this decision.
        change_where(
            REPORTS, "settled", SwapReport, SwapReport.listing_id == listing.id, values=decided
        )
    announce(REPORTS, decision, found)  # the reporter reads the outcome last
    commit_or_stale(LISTINGS)
    db.session.expire(found)
