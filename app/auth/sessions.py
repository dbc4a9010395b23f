"""Sign-in sessions that end on the server, not only in the browser.

The session cookie is signed but lives with the browser: clearing it on 退出登录 does
not stop a copy saved earlier. So every sign-in also gets a row in ``login_sessions``
with a random key; the cookie carries the key, the row its hash. A request is signed
in only while that row is open and younger than the absolute limit. Ending a session
is one conditional update: 退出登录 and timeouts end this one; a password change ends
the others; a new staff role ends them all (with the account's ``session_version``,
which also ends phone grants of the QR handoff).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app, has_request_context, session
from sqlalchemy import ColumnElement, select, update

from app.auth.models import LoginSession, User
from app.core.clock import utcnow
from app.core.numbers import MAX_ID, int_or_none
from app.extensions import db, rows_changed

SESSION_KEY = "sid"
KEY_BYTES = 24


class EndReason:
    LOGOUT = "logout"
    TIMEOUT = "timeout"
    PASSWORD = "password"  # noqa: S105 (a reason, not a secret)
    ROLE = "role"


def _hash(key: str) -> str:
    return hashlib.sha256(b"anju-login-session:" + key.encode()).hexdigest()


def open_session(user: User, now: datetime | None = None) -> str:
    """A new live session for ``user``; returns the key for the cookie (not committed)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(key), created_at=now or utcnow()))
    return key


def current_key() -> str | None:
    if not has_request_context():  # a CLI command or a job: no browser
        return None
    key = session.get(SESSION_KEY)
    return key if isinstance(key, str) and 0 < len(key) <= 64 else None


def _live() -> tuple[ColumnElement[bool], ...]:
    """What makes a session live: not ended, and younger than the absolute limit."""
    oldest = utcnow() - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    return LoginSession.ended_at.is_(None), LoginSession.created_at > oldest


def current_session_id() -> int | None:
    """The id of this browser's live login session, if it has one."""
    key = current_key()
    if key is None:
        return None
    return db.session.scalar(
        select(LoginSession.id).where(LoginSession.key_hash == _hash(key), *_live())
    )


def end_current(reason: str) -> None:
    """End this browser's session on the server (the caller clears the cookie)."""
    key = current_key()
    if key is None:
        return
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.key_hash == _hash(key), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    db.session.commit()


def end_all(user_id: int, reason: str, *, keep_key: str | None = None) -> int:
    """End every live session of ``user_id`` but the one holding ``keep_key``; returns
    how many ended. The caller commits."""
    statement = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if keep_key is not None:
        statement = statement.where(LoginSession.key_hash != _hash(keep_key))
    return rows_changed(statement.values(ended_at=utcnow(), end_reason=reason))


def load_user(user_token: str) -> User | None:
    """Flask-Login loader: ``id.session_version`` from the cookie, and its live session."""
    user_id, _, version = user_token.partition(".")
    uid = int_or_none(user_id, minimum=1, maximum=MAX_ID)
    session_version = int_or_none(version, maximum=MAX_ID)
    key = current_key()
    if uid is None or session_version is None or key is None:
        return None
    return db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == uid,
            User.session_version == session_version,
            LoginSession.key_hash == _hash(key),
            *_live(),
        )
    )


def is_live(session_id: int) -> bool:
    """The login session has not ended (logout, timeout, password change, new role)."""
    found = db.session.scalar(
        select(LoginSession.id).where(LoginSession.id == session_id, *_live())
    )
    return found is not None
