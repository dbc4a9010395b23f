"""Posting and reading in-app messages."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.core.clock import utcnow
from app.extensions import db, rows_changed
from app.messages.models import Message


def post_message(
    user_id: int, *, category: str, title: str, body: str, link: str | None = None
) -> Message:
    """Queue a message for a user in the current transaction (the caller commits)."""
    if link is not None and not link.startswith("/"):
        raise ValueError("message links must be in-app paths")
    message = Message(user_id=user_id, category=category, title=title, body=body, link=link)
    db.session.add(message)
    return message


def unread_count(user_id: int) -> int:
    query = select(func.count(Message.id)).where(
        Message.user_id == user_id, Message.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def messages_for(user_id: int, *, limit: int = 50, offset: int = 0) -> list[Message]:
    query = (
        select(Message)
        .where(Message.user_id == user_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(db.session.scalars(query))


def message_for(user_id: int, message_id: int) -> Message | None:
    """The message if it belongs to ``user_id``; None otherwise (no existence leak)."""
    return db.session.scalar(
        select(Message).where(Message.id == message_id, Message.user_id == user_id)
    )


def mark_read(message: Message) -> None:
    if message.read_at is None:
        message.read_at = utcnow()
        db.session.commit()


def mark_all_read(user_id: int) -> int:
    changed = rows_changed(
        update(Message)
        .where(Message.user_id == user_id, Message.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return changed
