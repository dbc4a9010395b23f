"""The rent card on the home page: what is due or overdue now."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.core.clock import today_in_china
from app.core.money import format_yuan
from app.extensions import db
from app.home.cards import HomeCard, home_card_provider
from app.housing.models import Lease, LeaseStatus
from app.rent.models import Bill, BillStatus
from app.rent.policy import late_fee_policy
from app.rent.standing import StatusKind, overall_status, view_bills


@home_card_provider
def rent_card(user: User) -> list[HomeCard]:
    if user.is_staff:
        return []
    unpaid = list(
        db.session.scalars(
            select(Bill)
            .join(Lease, Lease.id == Bill.lease_id)
            .where(
                Lease.tenant_id == user.id,
                Lease.status == LeaseStatus.ACTIVE,
                Bill.status == BillStatus.UNPAID,
            )
            .order_by(Bill.period)
        )
    )
    if not unpaid:
        return []
    views = view_bills(unpaid, today_in_china(), late_fee_policy())
    status = overall_status(views)
    total = sum(view.total_fen for view in views)
    fees = sum(view.late_fee_fen for view in views)
    if status.kind is StatusKind.OVERDUE:
        fee_text = f"（含滞纳金 {format_yuan(fees)}）" if fees else ""
        return [
            HomeCard(
                title=f"租金{status.label}",
                body=f"您有 {len(views)} 期租金未缴，共 {format_yuan(total)}{fee_text}，请尽快缴纳。",
                link=url_for("rent.index"),
                action="去缴费",
                tone="warning",
                priority=15,
            )
        ]
    first = views[0].bill
    return [
        HomeCard(
            title="本期租金待缴",
            body=f"{first.period_label}租金 {format_yuan(total)}，请于 {first.due_date:%Y年%m月%d日} 前缴纳。",
            link=url_for("rent.index"),
            action="去缴费",
            priority=40,
        )
    ]
