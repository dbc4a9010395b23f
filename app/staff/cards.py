"""The home page card that leads staff to the back office."""

from __future__ import annotations

from flask import url_for

from app.auth.models import User
from app.core import clock
from app.home.cards import HomeCard, home_card_provider
from app.home.queues import queues_for


@home_card_provider
def back_office_card(user: User) -> list[HomeCard]:
    if not user.is_staff:
        return []
    links = queues_for(user, clock.today_in_china())
    waiting = sum(link.count.waiting for link in links if link.count)
    flagged = sum(link.count.flagged for link in links if link.count)
    body = f"待办 {waiting} 件" + (f"，其中 {flagged} 件已超期或即将到期" if flagged else "")
    return [
        HomeCard(
            title="业务办理",
            body=f"{user.role.label}：{body}。",
            link=url_for("staff.index"),
            action="进入后台",
            tone="warning" if flagged else "info",
            priority=5,
        )
    ]
