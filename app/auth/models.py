"""Accounts, their real-name binding, and SMS verification codes."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import Role
from app.core.clock import utcnow
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[Role] = mapped_column(enum_type(Role, 32), default=Role.RESIDENT, nullable=False)
    # Real-name binding (实名认证). The ID number itself is encrypted at rest.
    real_name: Mapped[str | None] = mapped_column(String(50))
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(6))
    real_name_bound_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Staff work within a district (and optionally a street); None means citywide.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    elder_mode: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Bumped on password change so every other signed-in device is signed out.
    session_version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def has_real_name(self) -> bool:
        return self.real_name_bound_at is not None

    @property
    def display_name(self) -> str:
        from app.core.masking import mask_name, mask_phone

        return mask_name(self.real_name) if self.real_name else mask_phone(self.phone)


class SmsCode(TimestampMixin, Model):
    """A 6-digit code sent to a phone; only its hash is kept."""

    __tablename__ = "sms_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11), index=True, nullable=False)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.expires_at


class LoginSession(TimestampMixin, Model):
    """One sign-in on one browser. The cookie carries a random key; only its hash is here.

    A session is live while ``ended_at`` is empty: 退出登录, a timeout, a password change
    elsewhere or a new role end it, and a copy of the cookie kept from before is refused.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(16))
