"""Handoff tokens (desktop to phone) and face verification records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.handoff.rules import TokenStatus


class HandoffToken(TimestampMixin, Model):
    """A one-time link from a desktop page to the face step on a phone.

    Only hashes of the token and of its short code are stored. ``expires_at`` is 5
    minutes after creation while pending, and the phone grant's end once redeemed.
    """

    __tablename__ = "handoff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    short_code_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    status: Mapped[TokenStatus] = mapped_column(
        enum_type(TokenStatus, 16), default=TokenStatus.PENDING, nullable=False
    )
    continue_url: Mapped[str] = mapped_column(String(300), nullable=False)
    return_url: Mapped[str] = mapped_column(String(300), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime)
    redeemed_in_place: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The computer's sign-in that showed the code: when it ends, so does the token.
    login_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("login_sessions.id"), index=True
    )
    # Number matching: the computer shows ``match_number`` once the code is opened; the
    # phone offers ``match_choices`` (three two-digit numbers, in a fixed order).
    match_number: Mapped[int | None] = mapped_column(Integer)
    match_choices: Mapped[str | None] = mapped_column(String(8))


class FaceVerification(TimestampMixin, Model):
    """One run of the face provider. The photo itself is not kept by default."""

    __tablename__ = "face_verifications"
    __table_args__ = (
        Index("ix_face_verifications_subject", "user_id", "purpose", "object_id"),
        Index("ix_face_verifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    handoff_token_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_tokens.id"))
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    provider_reference: Mapped[str] = mapped_column(String(80), nullable=False)
    image_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # Set only while a retention period keeps the photo in the image store.
    image_key: Mapped[str | None] = mapped_column(String(80))
    image_delete_after: Mapped[datetime | None] = mapped_column(DateTime)
    image_deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def image_deleted(self) -> bool:
        return self.image_deleted_at is not None


# The status changes only through app.status, by app/handoff/rules.py's table.
from app.handoff.rules import TOKENS  # noqa: E402
from app.status import guard  # noqa: E402

guard(HandoffToken.status, TOKENS)
