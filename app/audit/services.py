"""Recording audit events."""

from __future__ import annotations

from app.audit.models import AuditEvent
from app.extensions import db


def record(
    action: str,
    *,
    actor_id: int | None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    detail: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:500],
        ip=ip,
    )
    db.session.add(event)
    return event
