"""Response headers that every page gets, and session lifetime enforcement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, current_app, request, session
from flask_login import current_user, logout_user

from app.auth import sessions
from app.core.clock import utcnow

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.before_request(enforce_session_timeouts)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    hsts = strict_transport_security(current_app.config)
    if hsts:
        headers.setdefault("Strict-Transport-Security", hsts)
    if _is_personal(response):
        headers["Cache-Control"] = "no-store"
    return response


def strict_transport_security(config: Mapping[str, Any]) -> str | None:
    """The HSTS value for this deployment (``HSTS_MAX_AGE`` 0 sends none)."""
    max_age = int(config["HSTS_MAX_AGE"] or 0)
    if max_age <= 0:
        return None
    return f"max-age={max_age}" + (
        "; includeSubDomains" if config["HSTS_INCLUDE_SUBDOMAINS"] else ""
    )


def _is_personal(response: Response) -> bool:
    """Anything rendered for a signed-in user, or any non-static HTML, is not cached."""
    if request.endpoint in {"static", "pwa.service_worker", "pwa.manifest", "pwa.icon"}:
        return False
    return response.mimetype in {"text/html", "application/json"} or current_user.is_authenticated


LAST_SEEN_PRECISION = timedelta(minutes=1)


def enforce_session_timeouts() -> None:
    """Sign out after 30 idle minutes or 8 hours in all (drafts autosave, so nothing is lost)."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return

    now = utcnow()
    started = _read_time(session.get("signed_in_at"))
    seen = _read_time(session.get("last_seen_at"))
    idle_limit = current_app.config["SESSION_IDLE_TIMEOUT"]
    absolute_limit = current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    if (seen and now - seen > idle_limit) or (started and now - started > absolute_limit):
        sessions.end_current(sessions.EndReason.TIMEOUT)
        logout_user()
        session.clear()
        session["timed_out"] = True
        return
    # Minute precision is plenty for a 30-minute limit, and an unchanged session is not
    # signed and sent back again: most responses carry no Set-Cookie at all.
    if seen is None or now - seen >= LAST_SEEN_PRECISION:
        session["last_seen_at"] = now.isoformat()


def _read_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
