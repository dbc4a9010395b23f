"""Unread counts, counted at most once per request and user: the 消息 badge in the layout
and the home page's card both ask for the signed-in user's."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from app.messages.services import unread_count


def unread_count_once(user_id: int) -> int:
    counts: dict[int, int] = g.setdefault("unread_counts", {})
    if user_id not in counts:
        counts[user_id] = unread_count(user_id)
    return counts[user_id]


def unread_messages() -> int:
    """The signed-in user's unread messages (0 signed out), for the layout's badge."""
    return unread_count_once(current_user.id) if current_user.is_authenticated else 0
