"""我想换 requests and their messages: sending one, answering it, the conversation, and the
contact details each side sees once it is accepted. Each function checks, changes, audits
where it matters, notifies the other tenant through the message centre, and commits.

Refusals are ``SwapError`` with the reasons in Chinese. The formal application is in
``app.swap.applications``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Community, Unit
from app.housing.services import active_lease_for
from app.messages.services import post_message
from app.status import change_once
from app.swap import board
from app.swap.blocks import block_between, has_blocked
from app.swap.listings import live_listing_of
from app.swap.models import ListingStatus, RequestStatus, SwapListing, SwapMessage, SwapRequest
from app.swap.rules import message_problem
from app.swap.statuses import MESSAGE_CATEGORY, REQUESTS, SwapError
from app.swap.tenant_standing import pair_check


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
            f"{own.guarantee_type.label}租户想和您换房，留言：{request.message}"
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
        raise SwapError(f"此换房沟通{request.status.label}，不能再发送消息。")
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
    other = db.session.get_one(User, request.other_tenant_id(viewer_id))
    lease = active_lease_for(other.id)
    address = db.session.get_one(Unit, lease.unit_id).address if lease else ""
    return Contact(name=other.real_name or "", phone=other.phone, address=address)
