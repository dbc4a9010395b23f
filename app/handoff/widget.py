"""The desktop widget a host page shows to hand a task over to the phone.

A host view calls ``handoff_widget(...)`` and passes the result to its template, which
does ``{% include "handoff/_widget.html" %}``::

    context = handoff_widget(current_user, APPLY_IDENTITY, application.id,
                             continue_url=url_for("apply.identity_done", ...))
    return render("apply/identity.html", title="身份验证", **context)

Each call issues a new one-time token (voiding the previous one for the same task).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import qrcode
from flask import request, url_for
from qrcode.constants import ERROR_CORRECT_M

from app.auth.models import User
from app.core.navigation import safe_next_url
from app.handoff import services
from app.handoff.models import HandoffToken
from app.handoff.purposes import Purpose, get_purpose
from app.handoff.rules import DesktopState, is_mobile_user_agent

QR_BOX_PX = 6
QR_BORDER_BOXES = 4


@dataclass(frozen=True)
class QrImage:
    data_uri: str
    size_px: int


@dataclass(frozen=True)
class WidgetView:
    token: HandoffToken
    purpose: Purpose
    who: str  # masked name (or masked phone) of the account holder
    state: DesktopState
    on_phone: bool  # this browser is a phone: continue in place, no QR
    phone_url: str | None = None  # only right after issuing: the raw token is not kept
    qr: QrImage | None = None
    short_code: str | None = None
    code_entry_url: str | None = None


def handoff_widget(
    user: User,
    purpose: str,
    object_id: int,
    *,
    continue_url: str,
    return_url: str | None = None,
) -> dict[str, Any]:
    """Issue a token for the task and return the template context for the widget.

    ``continue_url`` is where 继续 leads once the phone has finished; ``return_url`` is
    the host page (default: the current path), where the widget's buttons return without
    JavaScript.
    """
    started = services.start_handoff(
        user,
        purpose,
        object_id,
        continue_url=continue_url,
        return_url=return_url or _current_path(),
    )
    return {"handoff": view_for_started(user, started)}


def _current_path() -> str:
    path = request.full_path if request.query_string else request.path
    return safe_next_url(path) or "/"


def view_for_started(user: User, started: services.StartedHandoff) -> WidgetView:
    phone_url = url_for("handoff.open_link", token=started.raw_token, _external=True)
    return WidgetView(
        token=started.token,
        purpose=get_purpose(started.token.purpose),
        who=user.display_name,
        state=services.state_of(started.token),
        on_phone=is_mobile_user_agent(request.user_agent.string),
        phone_url=phone_url,
        qr=qr_png(phone_url),
        short_code=started.short_code,
        code_entry_url=url_for("handoff.enter_code", _external=True),
    )


def view_for_token(user: User, token: HandoffToken) -> WidgetView:
    """The widget for an existing token (cancelled, finished): no QR, the raw token is gone."""
    return WidgetView(
        token=token,
        purpose=get_purpose(token.purpose),
        who=user.display_name,
        state=services.state_of(token),
        on_phone=is_mobile_user_agent(request.user_agent.string),
    )


def qr_png(text: str) -> QrImage:
    """A QR code PNG for ``text``, drawn here (qrcode + Pillow), as a ``data:`` URI."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=QR_BOX_PX, border=QR_BORDER_BOXES
    )
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    size = (code.modules_count + 2 * QR_BORDER_BOXES) * QR_BOX_PX
    return QrImage("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), size)
