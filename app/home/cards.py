"""The home page shows what matters now; each area contributes cards.

An area registers a provider ``(user) -> list[HomeCard]``; providers must be cheap
(one or two indexed queries). Cards are ordered by ``priority`` (lower first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from app.auth.models import User
from app.messages.badge import unread_count_once


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
