"""What the tenant's renewal pages share: the renewal a visitor may see (its tenant's, or
the signing phone's that holds a handoff grant for it), the details every step shows, and
下一步 after a step.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort
from flask_login import current_user
from flask_wtf import FlaskForm

from app.core.steps import Flow
from app.handoff.grants import active_grant
from app.handoff.purposes import RENEWAL_SIGN
from app.htmx import see_other
from app.renewal import queries, rules, services
from app.renewal.models import Renewal
from app.renewal.rules import RenewalError
from app.step_pages import next_url
from app.web import found_or_404


def owned(renewal_id: int) -> Renewal:
    return found_or_404(queries.renewal_for(current_user.id, renewal_id))


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


def step_done(
    form: FlaskForm,
    flow: Flow[rules.RenewalFacts],
    step: str,
    renewal: Renewal,
    action: Callable[[], Any],
) -> Response | None:
    """A step's form sent valid: run ``action`` and go to 下一步. None to show the page
    again: not sent, not valid, or refused (the refusal joins the form's errors)."""
    if not form.validate_on_submit():
        return None
    try:
        action()
    except RenewalError as error:
        form.form_errors.append(error.message)
        return None
    return see_other(after_step(flow, step, renewal))


Guard = Callable[[Renewal, Any], Response | None]


def guarded(
    guard: Guard,
    step: str | None = None,
    *,
    find: Callable[[int], Renewal | None] = owned,
    missing: Callable[[], Response] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A step's view gets the renewal ``find`` gives (by default the tenant's own: 404 for
    anyone else's; ``missing()`` answers when it finds none), or the guard's redirect when
    ``step`` may not be opened now."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(renewal_id: int, **kwargs: Any) -> Any:
            renewal = find(renewal_id)
            if renewal is None:
                return missing() if missing else abort(404)
            return guard(renewal, step) or view(renewal, **kwargs)

        return wrapper

    return decorate
