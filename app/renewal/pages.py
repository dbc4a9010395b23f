"""What the tenant's renewal pages share: the renewal a visitor may see (its tenant's, or
the signing phone's that holds a handoff grant for it), the details every step shows, and
下一步 after a step.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.core.steps import Flow
from app.handoff.grants import active_grant
from app.handoff.purposes import RENEWAL_SIGN
from app.renewal import queries, rules, services
from app.renewal.models import Renewal
from app.step_pages import next_url


def ip() -> str | None:
    return request.remote_addr


def owned(renewal_id: int) -> Renewal:
    renewal = queries.renewal_for(current_user.id, renewal_id)
    if renewal is None:
        abort(404)
    return renewal


def signer(renewal_id: int) -> Renewal | None:
    """The renewal for its signed-in tenant, or for a phone holding a grant for it."""
    if current_user.is_authenticated:
        found = queries.renewal_for(current_user.id, renewal_id)
        if found is not None:
            return found
    grant = active_grant(RENEWAL_SIGN, renewal_id)
    if grant is None:
        return None
    return queries.renewal_for(grant.user_id, renewal_id)


def details_context(renewal: Renewal) -> dict:
    lease = renewal.lease
    return {
        "renewal": renewal,
        "lease": lease,
        "unit": lease.unit,
        "term": lease.current_term,
        "data": services.contract_data(renewal),
    }


def after_step(flow: Flow[rules.RenewalFacts], step: str, renewal: Renewal) -> str:
    """下一步 of ``flow`` after ``step``, for this renewal."""
    return next_url(flow, step, renewal_id=renewal.id)
