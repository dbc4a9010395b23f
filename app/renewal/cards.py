"""The renewal's cards on the home page: the lease (its end, the renewal window) and, once
started, the renewal when the tenant has something to do or to see."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from app.auth.models import User
from app.core.clock import today_in_china
from app.extensions import db
from app.home.cards import HomeCard, home_card_provider
from app.housing.services import active_lease_for
from app.housing.tenancy import renewal_window
from app.renewal.models import Renewal, RenewalStatus
from app.renewal.queries import open_renewal

CARDS = {
    RenewalStatus.DRAFT: ("续约申请尚未提交", "请继续填写并提交续约申请。", "继续办理", "warning"),
    RenewalStatus.SUBMITTED: ("续约申请审核中", "租赁管理人员审核后会通知您。", "查看进度", "info"),
    RenewalStatus.APPROVED: (
        "续约申请已通过，请签订合同",
        "请进入“个人租赁合同签订”，阅读承诺书并完成人脸识别后签署。",
        "去签订合同",
        "warning",
    ),
    RenewalStatus.SIGNED: ("续约合同已签订", "待租赁管理人员审批后生效。", "查看详情", "info"),
}


@home_card_provider
def renewal_card(user: User) -> list[HomeCard]:
    if user.is_staff:
        return []
    renewal = db.session.scalar(
        select(Renewal)
        .where(Renewal.tenant_id == user.id, Renewal.status.in_(list(CARDS)))
        .order_by(Renewal.id.desc())
        .limit(1)
    )
    if renewal is None:
        return []
    title, body, action, tone = CARDS[renewal.status]
    return [
        HomeCard(
            title=title,
            body=body,
            link=url_for("renewal.index"),
            action=action,
            tone=tone,
            priority=18,
        )
    ]


@home_card_provider
def lease_card(user: User) -> list[HomeCard]:
    lease = active_lease_for(user.id)
    if lease is None:
        return []
    term = lease.current_term
    window = renewal_window(term.end_date, current_app.config["RENEWAL_WINDOW_DAYS"])
    today = today_in_china()
    if window.is_open(today):
        if open_renewal(lease.id) is not None:
            return []  # the renewal's own card says what to do next
        return [
            HomeCard(
                title="租约即将到期，可以申请续约",
                body=(
                    f"您的租约将于 {term.end_date:%Y年%m月%d日} 到期"
                    f"（还有 {window.days_left(today)} 天），现在可以在线申请续约。"
                ),
                link=url_for("renewal.index"),
                action="申请续约",
                tone="warning",
                priority=20,
            )
        ]
    return [
        HomeCard(
            title="我的租约",
            body=(
                f"{lease.unit.address}，租期至 {term.end_date:%Y年%m月%d日}；"
                f"续约申请将于 {window.opens_on:%Y年%m月%d日} 开放。"
            ),
            link=url_for("renewal.index"),
            action="查看",
            priority=60,
        )
    ]
