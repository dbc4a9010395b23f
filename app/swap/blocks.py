"""屏蔽: a tenant blocks another; neither can contact the other, and conversations between
them end. Refusals are ``SwapError`` with the reasons in Chinese.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Community
from app.status import change
from app.swap.listings import latest_listing_of, open_application_for_listing
from app.swap.models import RequestStatus, SwapBlock, SwapRequest
from app.swap.statuses import REQUESTS, SwapError


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
