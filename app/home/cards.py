"""The home page shows what matters now; each area contributes cards.

An area registers a provider ``(user) -> list[HomeCard]``; providers must be cheap
(one or two indexed queries). Cards are ordered by ``priority`` (lower first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for

from app.auth.models import User
from app.core.clock import today_in_china
from app.housing.services import active_lease_for
from app.housing.tenancy import renewal_window
from app.messages.badge import unread_count_once
from app.renewal.services import open_renewal


@dataclass(frozen=True)
class HomeCard:
    title: str
    body: str
    link: str
    action: str
    tone: str = "info"  # info / warning / success
    priority: int = 50


CardProvider = Callable[[User], list[HomeCard]]
_providers: list[CardProvider] = []


def home_card_provider(provider: CardProvider) -> CardProvider:
    """Decorator: register a provider of home cards."""
    _providers.append(provider)
    return provider


def cards_for(user: User) -> list[HomeCard]:
    cards = [card for provider in _providers for card in provider(user)]
    return sorted(cards, key=lambda card: card.priority)


@home_card_provider
def real_name_card(user: User) -> list[HomeCard]:
    if user.has_real_name or user.is_staff:
        return []
    return [
        HomeCard(
            title="请完成实名认证",
            body="申请公租房、缴纳租金和续约前，需要先绑定姓名和身份证号码。",
            link=url_for("auth.real_name"),
            action="去认证",
            tone="warning",
            priority=10,
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


@home_card_provider
def unread_messages_card(user: User) -> list[HomeCard]:
    count = unread_count_once(user.id)  # the 消息 badge reuses it
    if not count:
        return []
    return [
        HomeCard(
            title=f"您有 {count} 条未读消息",
            body="审核进度、缴费提醒等通知都在消息中心。",
            link=url_for("messages.index"),
            action="查看消息",
            priority=30,
        )
    ]
