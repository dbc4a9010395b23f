"""The 互换 card on the home page: requests waiting for an answer, an application waiting for
the tenant's step, or a listing about to expire."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.home.cards import HomeCard, home_card_provider
from app.swap.models import ListingStatus, RequestStatus, SwapListing, SwapRequest
from app.swap.rules import can_renew, days_left


@home_card_provider
def swap_card(user: User) -> list[HomeCard]:
    if user.is_staff:
        return []
    waiting = db.session.scalar(
        select(func.count(SwapRequest.id)).where(
            SwapRequest.to_tenant_id == user.id, SwapRequest.status == RequestStatus.PENDING
        )
    )
    if waiting:
        return [
            HomeCard(
                title=f"有 {waiting} 位租户想和您换房",
                body="查看对方的房屋后，可以接受或婉拒。",
                link=url_for("swap.mine"),
                action="去查看",
                priority=45,
            )
        ]
    listing = db.session.scalar(
        select(SwapListing).where(
            SwapListing.tenant_id == user.id, SwapListing.status == ListingStatus.ACTIVE
        )
    )
    now = utcnow()
    if listing is None or not can_renew(listing.expires_at, now):
        return []
    left = days_left(listing.expires_at, now)
    return [
        HomeCard(
            title="互换信息已过期" if left == 0 else f"互换信息 {left} 天后到期",
            body="续期后再展示60天，其他租户才能继续看到您的房屋。",
            link=url_for("swap.mine"),
            action="一键续期",
            tone="warning",
            priority=46,
        )
    ]
