"""The step engine (``app/core/steps.py``) on the web: a step's URL, the step counter a page
shows (``templates/_steps.html``), and a page opened before its turn sent to the step the
engine names. Every flow's views read these instead of holding their own endpoint maps."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, url_for

from app.core.steps import Flow, Step
from app.htmx import see_other


def step_url(step: Step, **values: Any) -> str:
    """The page where ``step`` is done."""
    return url_for(step.endpoint, **values)


def resume_url(flow: Flow, state: Any, kept: str | None = None, **values: Any) -> str:
    """Where the person picks the flow up (see ``Flow.resume``)."""
    return step_url(flow.resume(state, kept), **values)


def counter(flow: Flow, step_id: str) -> dict[str, Any]:
    """What ``_steps.html`` shows: 第 N 步，共 M 步：label."""
    return {
        "step": flow.step(step_id),
        "step_number": flow.number(step_id),
        "step_total": flow.total,
    }


def refusal_redirect(
    flow: Flow, state: Any, wanted: str, *, tell: bool = True, **values: Any
) -> Response | None:
    """None when ``wanted`` may be opened; else a redirect to the step to complete first,
    with the engine's reason flashed when ``tell``."""
    refusal = flow.refusal(state, wanted)
    if refusal is None:
        return None
    if tell:
        flash(refusal.message, "error")
    return see_other(step_url(flow.step(refusal.go_to), **values))


def next_url(flow: Flow, step_id: str, **values: Any) -> str:
    """下一步: the page after ``step_id`` (the next step, else ``done``, else the step)."""
    return step_url(flow.after(step_id), **values)
