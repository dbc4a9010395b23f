"""Handoff from desktop to phone (the computer's side) and face verification.

State changes commit and write audit events; the phone's side (opening a code, number
matching, the grant) is ``handoff.grants``.

Other areas call:
- ``passed_verification(user_id, purpose, object_id)`` before accepting a step that
  needs the face check;
- ``grants.active_grant(purpose, object_id)`` when a phone-side step after the face
  check (e.g. signing the renewal) must know which task and user the phone was handed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select

from app.audit.services import record
from app.auth import sessions
from app.auth.models import User
from app.core.clock import utcnow
from app.core.navigation import safe_next_url
from app.extensions import db
from app.handoff import tokens
from app.handoff.face import FaceProvider, make_provider
from app.handoff.grants import holder
from app.handoff.models import FaceVerification, HandoffToken
from app.handoff.photos import SNIFF_BYTES, sha256_hex, sniff_image_type
from app.handoff.purposes import get_purpose
from app.handoff.rules import LIVE, TOKENS, DesktopState, TokenStatus, desktop_state, locked_until
from app.status import change, change_where
from app.storage import storage


def init_app(app: Flask) -> None:
    """The face provider the config names (settings in ``app/config/settings.py``).

    Refuses to start when the configuration asks for the demo provider in production.
    """
    app.extensions["face_provider"] = make_provider(
        app.config["FACE_PROVIDER"], env_name=app.config["ENV_NAME"]
    )


def face_provider() -> FaceProvider:
    return current_app.extensions["face_provider"]


# --- Desktop side -------------------------------------------------------------------


@dataclass(frozen=True)
class StartedHandoff:
    """A fresh token with its raw value, for the QR code and the link: the database keeps
    only its hash, and the browser it was issued to keeps the raw value in its session
    (app.handoff.widget) to show it again until the sign-in ends."""

    token: HandoffToken
    raw_token: str
    short_code: str  # formatted for display, e.g. ``7K3M-Q9TR``


def start_handoff(
    user: User, purpose: str, object_id: int, *, continue_url: str, return_url: str
) -> StartedHandoff:
    """Issue a token for ``user``'s task, voiding any earlier one for the same task."""
    get_purpose(purpose)  # refuses unknown purposes
    continue_path = safe_next_url(continue_url)
    return_path = safe_next_url(return_url)
    if continue_path is None or return_path is None:
        raise ValueError("handoff URLs must be paths on this site")
    now = utcnow()
    _void_active(user.id, purpose, object_id, now)
    raw, code = _unused_token(now)
    match_number, match_choices = tokens.new_match()
    token = HandoffToken(
        user_id=user.id,
        purpose=purpose,
        object_id=object_id,
        token_hash=tokens.hash_token(raw),
        short_code_hash=tokens.hash_short_code(code),
        status=TokenStatus.PENDING,
        continue_url=continue_path,
        return_url=return_path,
        created_at=now,
        expires_at=now + current_app.config["HANDOFF_TOKEN_TTL"],
        login_session_id=sessions.current_session_id(),
        match_number=match_number,
        match_choices=match_choices,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "handoff.created",
        actor_id=user.id,
        subject_type="handoff",
        subject_id=token.id,
        detail=f"{purpose} #{object_id}",
    )
    db.session.commit()
    return StartedHandoff(token=token, raw_token=raw, short_code=tokens.format_short_code(code))


def _unused_token(now: datetime) -> tuple[str, str]:
    """A new token whose short code no other live token shares (40 bits: clashes are rare)."""
    while True:
        raw = tokens.new_token()
        code = tokens.short_code_for(raw)
        clash = db.session.scalar(
            select(HandoffToken.id).where(
                HandoffToken.short_code_hash == tokens.hash_short_code(code),
                HandoffToken.status.in_(LIVE),
                HandoffToken.expires_at > now,
            )
        )
        if clash is None:
            return raw, code


def _void_active(user_id: int, purpose: str, object_id: int, now: datetime) -> None:
    change_where(
        TOKENS,
        "replace",
        HandoffToken,
        HandoffToken.user_id == user_id,
        HandoffToken.purpose == purpose,
        HandoffToken.object_id == object_id,
        values={"closed_at": now},
        synchronize="auto",
    )


def latest_token(user_id: int, purpose: str, object_id: int) -> HandoffToken | None:
    """The newest token issued for ``user_id``'s task, whatever its state."""
    return db.session.scalar(
        select(HandoffToken)
        .where(
            HandoffToken.user_id == user_id,
            HandoffToken.purpose == purpose,
            HandoffToken.object_id == object_id,
        )
        .order_by(HandoffToken.id.desc())
        .limit(1)
    )


def started_from(token: HandoffToken, raw_token: str) -> StartedHandoff | None:
    """The token again with its raw value (kept by the browser it was shown in), or None
    if ``raw_token`` is not this token's."""
    if not secrets.compare_digest(tokens.hash_token(raw_token), token.token_hash):
        return None
    code = tokens.format_short_code(tokens.short_code_for(raw_token))
    return StartedHandoff(token=token, raw_token=raw_token, short_code=code)


def renew_handoff(token: HandoffToken) -> StartedHandoff:
    """刷新二维码: a new token for the same task; the old one is void."""
    return start_handoff(
        holder(token),
        token.purpose,
        token.object_id,
        continue_url=token.continue_url,
        return_url=token.return_url,
    )


def cancel_handoff(token: HandoffToken, *, ip: str | None = None) -> None:
    """取消 on the desktop: the token, and any phone grant made from it, stop working."""
    cancelled = change_where(
        TOKENS, "cancel", HandoffToken, HandoffToken.id == token.id,
        values={"closed_at": utcnow()},
    )  # fmt: skip
    if cancelled != 1:
        db.session.rollback()
        return
    record(
        "handoff.cancelled",
        actor_id=token.user_id,
        subject_type="handoff",
        subject_id=token.id,
        ip=ip,
    )
    db.session.commit()
    db.session.refresh(token)


def owned_token(user_id: int, token_id: int) -> HandoffToken | None:
    """The token if it is ``user_id``'s; None otherwise (no existence leak)."""
    return db.session.scalar(
        select(HandoffToken).where(HandoffToken.id == token_id, HandoffToken.user_id == user_id)
    )


def state_of(token: HandoffToken, now: datetime | None = None) -> DesktopState:
    return desktop_state(
        token.status,
        scanned=token.scanned_at is not None,
        expires_at=token.expires_at,
        now=now or utcnow(),
    )


# --- Face verification --------------------------------------------------------------


class FaceStepLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"face step locked until {until.isoformat()}")
        self.until = until


def face_locked_until(user_id: int, now: datetime | None = None) -> datetime | None:
    """When the face step opens again after too many failures; None if it is open."""
    config = current_app.config
    now = now or utcnow()
    horizon = now - config["FACE_FAILURE_WINDOW"] - config["FACE_LOCK_DURATION"]
    failures = db.session.scalars(
        select(FaceVerification.created_at).where(
            FaceVerification.user_id == user_id,
            FaceVerification.passed.is_(False),
            FaceVerification.created_at > horizon,
        )
    ).all()
    return locked_until(
        failures,
        now,
        max_failures=config["FACE_MAX_FAILURES"],
        window=config["FACE_FAILURE_WINDOW"],
        lock=config["FACE_LOCK_DURATION"],
    )


def attempts_left(user_id: int, now: datetime | None = None) -> int:
    """Failures still allowed before the lock, counting those in the current window."""
    config = current_app.config
    now = now or utcnow()
    recent = db.session.scalar(
        select(func.count(FaceVerification.id)).where(
            FaceVerification.user_id == user_id,
            FaceVerification.passed.is_(False),
            FaceVerification.created_at > now - config["FACE_FAILURE_WINDOW"],
        )
    )
    return max(0, config["FACE_MAX_FAILURES"] - (recent or 0))


def verify_face(
    token: HandoffToken, image_bytes: bytes, *, ip: str | None = None
) -> FaceVerification:
    """Run the provider on the photo for the token's task and record the result.

    The photo is kept only if ``FACE_IMAGE_RETENTION_SECONDS`` > 0; its SHA-256 always is.
    A pass completes the token. Raises ``FaceStepLocked`` after too many failures.
    """
    now = utcnow()
    until = face_locked_until(token.user_id, now)
    if until is not None:
        raise FaceStepLocked(until)
    provider = face_provider()
    result = provider.verify(token.user_id, image_bytes)
    verification = FaceVerification(
        user_id=token.user_id,
        purpose=token.purpose,
        object_id=token.object_id,
        handoff_token_id=token.id,
        passed=result.passed,
        score=result.score,
        reason=result.reason[:200],
        provider=provider.name,
        provider_reference=result.provider_reference[:80],
        image_sha256=sha256_hex(image_bytes),
        created_at=now,
    )
    _keep_or_discard_image(verification, image_bytes, now)
    db.session.add(verification)
    db.session.flush()
    record(
        "face.passed" if result.passed else "face.failed",
        actor_id=token.user_id,
        subject_type="face_verification",
        subject_id=verification.id,
        ip=ip,
        detail=f"{token.purpose} #{token.object_id} {provider.name} "
        f"{result.provider_reference} {result.reason}",
    )
    if result.passed:
        change(token, TOKENS, "complete", actor=holder(token), ip=ip, commit=False)
        token.completed_at = now
    elif face_locked_until(token.user_id, now) is not None:
        record(
            "face.locked",
            actor_id=token.user_id,
            subject_type="user",
            subject_id=token.user_id,
            ip=ip,
        )
    db.session.commit()
    purge_expired_images(now)
    return verification


def _keep_or_discard_image(verification: FaceVerification, image_bytes: bytes, now) -> None:
    retention = int(current_app.config["FACE_IMAGE_RETENTION_SECONDS"])
    kind = sniff_image_type(image_bytes[:SNIFF_BYTES])
    if retention <= 0 or kind is None:
        verification.image_deleted_at = now  # never written anywhere
        return
    # Through the app's storage interface (instance/uploads by default), never static/.
    verification.image_key = storage().save(image_bytes, suffix=f".{kind}")
    verification.image_delete_after = now + timedelta(seconds=retention)


def purge_expired_images(now: datetime | None = None) -> int:
    """Delete kept photos whose retention has run out; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(FaceVerification).where(
            FaceVerification.image_key.is_not(None),
            FaceVerification.image_delete_after <= now,
        )
    ).all()
    for verification in due:
        storage().delete(verification.image_key or "")
        verification.image_key = None
        verification.image_deleted_at = now
    if due:
        db.session.commit()
    return len(due)


def passed_verification(user_id: int, purpose: str, object_id: int) -> FaceVerification | None:
    """The latest passed face verification of ``user_id`` for this task, or None."""
    return db.session.scalar(
        select(FaceVerification)
        .where(
            FaceVerification.user_id == user_id,
            FaceVerification.purpose == purpose,
            FaceVerification.object_id == object_id,
            FaceVerification.passed.is_(True),
        )
        .order_by(FaceVerification.created_at.desc(), FaceVerification.id.desc())
        .limit(1)
    )
