"""How a renewal moves on: its status changes by its table (``rules.RENEWAL_STATUS``,
applied by ``app.status``), each with its line in the renewal's history (审核详情).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.auth.models import User
from app.extensions import db
from app.renewal.models import Renewal, RenewalEvent
from app.renewal.rules import RENEWAL_STATUS, RenewalError
from app.status import change


def add_event(renewal: Renewal, action: str, actor_id: int | None, note: str | None = None) -> None:
    renewal.events.append(RenewalEvent(action=action, actor_id=actor_id, note=note))


def tenant_of(renewal: Renewal) -> User:
    """The tenant, who takes the renewal's own moves (submitting, signing)."""
    return db.session.get_one(User, renewal.tenant_id)  # tenant_id: a non-null foreign key


def advance(
    renewal: Renewal,
    action: str,
    actor: User,
    *,
    history: str | None = None,
    note: str = "",
    say: Mapping[str, Any] | None = None,
    link: str | None = None,
    ip: str | None = None,
) -> None:
    """Take ``action``: the history line, the audit record, the tenant's message, commit.
    A refusal (or another device first) rolls back all the caller prepared for the move."""
    add_event(renewal, action, actor.id, history)
    try:
        change(
            renewal,
            RENEWAL_STATUS,
            action,
            actor=actor,
            note=note,
            ip=ip,
            say={"reference": renewal.reference, **(say or {})},
            link=link or f"/renewal/{renewal.id}",
        )
    except RenewalError:
        db.session.rollback()
        raise
