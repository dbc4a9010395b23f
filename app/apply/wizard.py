"""What every step of the 公租房申请 wizard shares: the open draft (``with_draft``), the
version stamp its forms carry, a step page's context and the move to the next step.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from functools import wraps
from typing import Any

from flask import Response, flash, g, request, url_for
from flask_login import current_user, login_required

from app.apply import completeness, services
from app.apply.drafts import Stamp
from app.apply.services import VersionConflict
from app.apply.steps import FLOW, ApplicationFacts
from app.confirm_pages import Confirmation, confirm_page
from app.htmx import see_other
from app.step_pages import counter, step_url

# -- helpers -----------------------------------------------------------------------


def with_draft(view):
    """Load the signed-in resident's open application into ``g.application`` or go to the entry."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        application = services.active_application(current_user.id)
        if application is None:
            return see_other(url_for("apply.index"))
        if not application.is_editable:
            return see_other(url_for("apply.status"))
        g.application = application
        return view(*args, **kwargs)

    return wrapper


def version(*, deciding: bool = True) -> Stamp:
    """The stamp the form carries: the draft version its page shows, the page's editor id
    and, when the person has chosen between conflicting values, what they chose."""
    form = request.form
    choices = {
        key.removeprefix("keep:"): value for key, value in form.items() if key.startswith("keep:")
    }
    return Stamp.parse(
        version=form.get("version"),
        editor=form.get("editor"),
        seen=form.get("seen") if deciding else None,
        choices=choices if deciding else None,
    )


def page_stamp(posted: Stamp | None = None) -> Stamp:
    """The stamp a page renders: the posted one after a refused save (the page still shows
    what it showed), else the draft's current version and a new editor id."""
    if posted is not None and posted.editor:
        return Stamp(version=posted.version, editor=posted.editor)
    return Stamp(version=g.application.version, editor=secrets.token_hex(8))


def confirm_removal(
    title: str,
    question: str,
    *,
    facts: Sequence[str],
    consequence: str,
    action: str,
    back: str,
    image_url: str | None = None,
) -> Response:
    """The confirmation page before removing part of the draft (a co-applicant, an asset,
    a file). Its form carries the page's stamp, as every form of the wizard does."""
    stamp = page_stamp()
    return confirm_page(
        title,
        Confirmation(
            question=question,
            facts=facts,
            consequence=consequence,
            action=action,
            confirm_label="确认删除",
            cancel_url=back,
            cancel_label="不删除",
            image_url=image_url,
            image_alt=facts[0] if image_url else "",
            hidden={"version": stamp.version, "editor": stamp.editor or ""},
        ),
    )


def step_context(step_id: str, **context: Any) -> dict[str, Any]:
    application = g.application
    previous = FLOW.previous(step_id)
    return {
        "title": FLOW.step(step_id).label,
        "application": application,
        **counter(FLOW, step_id),
        "back_url": step_url(previous) if previous else url_for("apply.index"),
        "stamp": page_stamp(),
        "panel": None,
        **context,
    }


def go_next(step_id: str) -> Response:
    following = FLOW.after(step_id)
    services.reach_step(g.application, following.id)
    return see_other(step_url(following))


def draft_facts() -> ApplicationFacts:
    return completeness.facts(g.application, current_user)


def saved_flash() -> None:
    flash("已暂存，下次可以从这里继续", "success")


def flash_conflict(error: VersionConflict) -> None:
    flash(error.message, "error")
