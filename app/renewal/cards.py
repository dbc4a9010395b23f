"""The renewal's card on the home page when the tenant has something to do or to see."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.home.cards import HomeCard, home_card_provider
from app.renewal.models import Renewal, RenewalStatus

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
    title, body, action, tone = CARDS[renewal.status_enum]
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
