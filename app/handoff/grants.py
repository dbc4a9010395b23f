"""The phone side of the handoff: opening a code, number matching, and the grant.

A token is used exactly once, by one conditional UPDATE (compare-and-set): of any
number of phones tapping at the same moment, one gets the grant and the others are
told the code is used. Before that, the phone that opened the code taps the number the
computer shows among three; a wrong tap burns the token (a forwarded QR code is useless
to whoever has no view of the computer's screen).

The phone that redeems a token gets a *grant* in its Flask session, not a sign-in: it
reaches the face step of exactly that token and nothing else. A grant ends with the
token, with the computer's sign-in that showed the code, and with a password change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import current_app, session
from sqlalchemy import select

from app.audit.services import record
from app.auth import sessions
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.handoff import tokens
from app.handoff.models import HandoffToken
from app.handoff.rules import TOKENS, TokenStatus
from app.status import change_where

GRANT_KEY = "handoff_grant"
# The token this browser opened (by link or short code) and must now match; an id only.
OPENED_KEY = "handoff_opened"


def holder(token: HandoffToken) -> User:
    """The account the token was issued for."""
    user = db.session.get(User, token.user_id)
    if user is None:  # tokens reference users by foreign key
        raise LookupError(f"user {token.user_id} of handoff {token.id} is gone")
    return user


def _computer_signed_in(token: HandoffToken) -> bool:
    """The sign-in that showed the code is still live (退出登录 there ends the token)."""
    return token.login_session_id is None or sessions.is_live(token.login_session_id)


def is_redeemable(token: HandoffToken) -> bool:
    return (
        token.status is TokenStatus.PENDING
        and utcnow() < token.expires_at
        and _computer_signed_in(token)
    )


def redeemable_by_link(raw_token: str) -> HandoffToken | None:
    """The pending, unexpired token behind a QR link; None for anything else."""
    if not raw_token or len(raw_token) > 100:
        return None
    token = db.session.scalar(
        select(HandoffToken).where(HandoffToken.token_hash == tokens.hash_token(raw_token))
    )
    return token if token is not None and is_redeemable(token) else None


def redeemable_by_short_code(text: str | None) -> HandoffToken | None:
    """The pending, unexpired token whose short code was typed; None otherwise."""
    code = tokens.normalise_short_code(text)
    if code is None:
        return None
    matches = db.session.scalars(
        select(HandoffToken).where(
            HandoffToken.short_code_hash == tokens.hash_short_code(code),
            HandoffToken.status == TokenStatus.PENDING,
            HandoffToken.expires_at > utcnow(),
        )
    ).all()
    return matches[0] if len(matches) == 1 and is_redeemable(matches[0]) else None


def open_on_phone(token: HandoffToken, *, ip: str | None = None) -> None:
    """The link was opened or the code typed: the computer shows 已扫码 and the number,
    and this browser may now tap one of the three choices."""
    session[OPENED_KEY] = token.id
    if token.scanned_at is None:
        token.scanned_at = utcnow()
        record(
            "handoff.scanned",
            actor_id=token.user_id,
            subject_type="handoff",
            subject_id=token.id,
            ip=ip,
        )
        db.session.commit()


def opened_on_phone() -> HandoffToken | None:
    """The still redeemable token this browser opened, if any."""
    token_id = session.get(OPENED_KEY)
    if not isinstance(token_id, int):
        return None
    token = db.session.get(HandoffToken, token_id)
    return token if token is not None and is_redeemable(token) else None


class Tap(StrEnum):
    """What tapping a number did."""

    MATCHED = "matched"  # the grant is this browser's
    WRONG = "wrong"  # not the computer's number: the token is burnt
    GONE = "gone"  # used, cancelled or expired meanwhile (another phone was first)


def tap_number(token: HandoffToken, choice: int, *, ip: str | None = None) -> Tap:
    """The number tapped on the phone: the right one redeems, a wrong one burns."""
    if choice == token.match_number:
        return Tap.MATCHED if _redeem(token, in_place=False, ip=ip) else Tap.GONE
    burnt = change_where(
        TOKENS, "mismatch", HandoffToken, HandoffToken.id == token.id,
        values={"closed_at": utcnow()},
    )  # fmt: skip
    if burnt != 1:
        db.session.rollback()
        return Tap.GONE
    record(
        "handoff.mismatched",
        actor_id=token.user_id,
        subject_type="handoff",
        subject_id=token.id,
        ip=ip,
        detail=f"点选 {choice:02d}",
    )
    db.session.commit()
    session.pop(OPENED_KEY, None)
    return Tap.WRONG


def continue_in_place(token: HandoffToken, *, ip: str | None = None) -> bool:
    """在本机继续: the signed-in browser that shows the code takes the face step itself
    (no number to match: it is the computer). False if the code is no longer usable."""
    return is_redeemable(token) and _redeem(token, in_place=True, ip=ip)


def _redeem(token: HandoffToken, *, in_place: bool, ip: str | None) -> bool:
    """Use the token, once: a conditional UPDATE that only one request can win."""
    now = utcnow()
    conditions = [HandoffToken.id == token.id, HandoffToken.expires_at > now]
    if not in_place:
        conditions.append(HandoffToken.match_number == token.match_number)
    won = change_where(
        TOKENS,
        "open",
        HandoffToken,
        *conditions,
        values={
            "redeemed_at": now,
            "scanned_at": token.scanned_at or now,
            "redeemed_in_place": in_place,
            "expires_at": now + current_app.config["HANDOFF_GRANT_TTL"],
        },
    )
    if won != 1:
        db.session.rollback()
        return False
    record(
        "handoff.opened",
        actor_id=token.user_id,
        subject_type="handoff",
        subject_id=token.id,
        detail="在本机继续" if in_place else "手机扫码，数字一致",
        ip=ip,
    )
    db.session.commit()
    db.session.refresh(token)
    session.pop(OPENED_KEY, None)
    session[GRANT_KEY] = {
        "token_id": token.id,
        "user_id": token.user_id,
        "purpose": token.purpose,
        "object_id": token.object_id,
        "version": holder(token).session_version,
    }
    return True


@dataclass(frozen=True)
class Grant:
    token_id: int
    user_id: int
    purpose: str
    object_id: int


def _session_grant() -> tuple[Grant, HandoffToken] | None:
    """This browser's grant and its token, if the token still backs it."""
    data = session.get(GRANT_KEY)
    if not isinstance(data, dict):
        return None
    try:
        grant = Grant(
            token_id=int(data["token_id"]),
            user_id=int(data["user_id"]),
            purpose=str(data["purpose"]),
            object_id=int(data["object_id"]),
        )
        version = int(data["version"])
    except (KeyError, TypeError, ValueError):
        return None
    token = db.session.get(HandoffToken, grant.token_id)
    if (
        token is None
        or token.user_id != grant.user_id
        or token.purpose != grant.purpose
        or token.object_id != grant.object_id
        or utcnow() >= token.expires_at
        or not _computer_signed_in(token)
    ):
        return None
    user = db.session.get(User, token.user_id)
    if user is None or user.session_version != version:  # password changed: grants end
        return None
    return grant, token


def granted_token(token_id: int, *, completed: bool = False) -> HandoffToken | None:
    """The token this browser holds a grant for, if it is ``token_id`` and still open
    (or, with ``completed``, finished)."""
    found = _session_grant()
    if found is None or found[0].token_id != token_id:
        return None
    wanted = TokenStatus.COMPLETED if completed else TokenStatus.OPENED
    return found[1] if found[1].status is wanted else None


def active_grant(purpose: str, object_id: int) -> Grant | None:
    """This browser's grant for exactly (purpose, object_id), opened or completed; else None."""
    found = _session_grant()
    if found is None:
        return None
    grant, token = found
    if grant.purpose != purpose or grant.object_id != object_id:
        return None
    if token.status not in (TokenStatus.OPENED, TokenStatus.COMPLETED):
        return None
    return grant
