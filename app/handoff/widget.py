"""The desktop widget a host page shows to hand a task over to the phone.

A host view calls ``handoff_widget(...)`` and passes the result to its template, which
does ``{% include "handoff/_widget.html" %}``::

    context = handoff_widget(current_user, APPLY_IDENTITY, application.id,
                             continue_url=url_for("apply.identity_done", ...))
    return render("apply/identity.html", title="身份验证", **context)

Showing the page writes nothing. A code is issued by a POST (``handoff.start``): htmx
sends it as soon as the widget loads on a computer, and without JavaScript the person
presses 显示二维码. The browser a code was issued to keeps its raw value in its session,
so a refresh or 返回 shows the same code again instead of voiding it; another browser
is offered a new one. The offer is signed by the host page: it names the task, the
account and where to go afterwards, and ``handoff.start`` accepts nothing else.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import qrcode
from flask import current_app, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from qrcode.constants import ERROR_CORRECT_M

from app.auth import sessions
from app.auth.models import User
from app.core.navigation import safe_next_url
from app.handoff import services
from app.handoff.models import HandoffToken
from app.handoff.purposes import Purpose, get_purpose
from app.handoff.rules import DesktopState, is_mobile_user_agent

QR_BOX_PX = 6
QR_BORDER_BOXES = 4
SHOWN_KEY = "handoff_shown"  # session: [token id, raw token], for the browser it was shown in
SHOWN_KEPT = 4
OFFER_SALT = "handoff-offer"
OFFER_MAX_AGE_SECONDS = 3600  # a page left open longer is refreshed first


@dataclass(frozen=True)
class QrImage:
    data_uri: str
    size_px: int


@dataclass(frozen=True)
class Offer:
    """What a host page lets ``handoff.start`` issue a code for."""

    user_id: int
    login_session_id: int | None  # the sign-in that saw the host page
    purpose: str
    object_id: int
    continue_url: str
    return_url: str


@dataclass(frozen=True)
class WidgetView:
    token: HandoffToken | None  # None: no code shown yet, ``offer`` issues one
    purpose: Purpose
    who: str  # masked name (or masked phone) of the account holder
    state: DesktopState | None
    on_phone: bool  # this browser is a phone: continue in place, no QR
    phone_url: str | None = None  # only in the browser the code was issued to
    qr: QrImage | None = None
    short_code: str | None = None
    code_entry_url: str | None = None
    offer: str | None = None  # the signed Offer, for 显示二维码 / 在本机继续


def handoff_widget(
    user: User,
    purpose: str,
    object_id: int,
    *,
    continue_url: str,
    return_url: str | None = None,
) -> dict[str, Any]:
    """The template context for the widget; reads only.

    ``continue_url`` is where 继续 leads once the phone has finished; ``return_url`` is
    the host page (default: the current path), where the widget's buttons return without
    JavaScript.
    """
    token = services.latest_token(user.id, purpose, object_id)
    if token is not None and not services.state_of(token).is_final:
        started = _shown_here(token)
        if started is not None:
            return {"handoff": view_for_started(user, started)}
    offer = Offer(
        user.id,
        sessions.current_session_id(),
        purpose,
        object_id,
        continue_url,
        return_url or _current_path(),
    )
    return {"handoff": view_for_offer(user, offer)}


def view_for_offer(user: User, offer: Offer) -> WidgetView:
    return WidgetView(
        token=None,
        purpose=get_purpose(offer.purpose),
        who=user.display_name,
        state=None,
        on_phone=is_mobile_user_agent(request.user_agent.string),
        offer=_serializer().dumps(offer.__dict__),
    )


def read_offer(signed: str, user: User) -> Offer | None:
    """The offer a host page signed for ``user`` in this sign-in; None if forged, older than
    an hour, someone else's or from a sign-in that has ended."""
    try:
        fields = _serializer().loads(signed, max_age=OFFER_MAX_AGE_SECONDS)
        offer = Offer(**fields)
    except (BadData, TypeError):
        return None
    if offer.user_id != user.id or offer.login_session_id != sessions.current_session_id():
        return None
    return offer


def start(user: User, offer: Offer) -> services.StartedHandoff:
    """Issue the offered code (voiding an earlier one) and keep it for this browser."""
    started = services.start_handoff(
        user,
        offer.purpose,
        offer.object_id,
        continue_url=offer.continue_url,
        return_url=offer.return_url,
    )
    remember(started)
    return started


def remember(started: services.StartedHandoff) -> None:
    """Keep the raw token in this browser's session, so its page can show it again."""
    kept = [pair for pair in _shown() if pair[0] != started.token.id]
    session[SHOWN_KEY] = [*kept, [started.token.id, started.raw_token]][-SHOWN_KEPT:]


def _shown() -> list[list]:
    """[token id, raw token] pairs, oldest first (a list: the session keeps its order)."""
    pairs = session.get(SHOWN_KEY)
    return [pair for pair in pairs if len(pair) == 2] if isinstance(pairs, list) else []


def _shown_here(token: HandoffToken) -> services.StartedHandoff | None:
    raw = next((raw for token_id, raw in _shown() if token_id == token.id), None)
    return services.started_from(token, raw) if isinstance(raw, str) else None


def _serializer() -> URLSafeTimedSerializer:
    secret_key = current_app.secret_key
    if secret_key is None:  # create_app refuses to start without SECRET_KEY
        raise RuntimeError("SECRET_KEY is not set")
    return URLSafeTimedSerializer(secret_key, salt=OFFER_SALT)


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
