"""In-app notifications (消息中心) that every area posts to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import TimestampMixin
from app.extensions import Model


class Message(TimestampMixin, Model):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False)  # 系统 / 申请 / 租金 ...
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # An in-app path (never an external URL) the message points to, if any.
    link: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_messages_user_unread", "user_id", "read_at"),)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
