"""手机扫码继续: the desktop widget's endpoints, the phone's link and code entry, and the
face step. The phone is never signed in here; it holds a grant for one task."""

from __future__ import annotations

from flask import Response, current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.extensions import limiter
from app.handoff import bp, grants, services, tokens, widget
from app.handoff.forms import FacePhotoForm, MatchForm, ShortCodeForm
from app.handoff.models import HandoffToken
from app.handoff.purposes import DEMO_IDENTITY, get_purpose
from app.handoff.widget import handoff_widget, view_for_started, view_for_token
from app.htmx import render, see_other, wants_fragment
from app.web import STOP_POLLING, client_ip, found_or_404


@bp.record_once
def _setup(state) -> None:
    services.init_app(state.app)


def _code_rate_limit() -> str:
    return current_app.config["HANDOFF_CODE_RATE_LIMIT"]


def _owned(token_id: int) -> HandoffToken:
    return found_or_404(services.owned_token(current_user.id, token_id))


def _who(token: HandoffToken) -> str:
    """Masked name (or masked phone) of the account holder, shown on both screens."""
    return grants.holder(token).display_name


# --- Desktop ------------------------------------------------------------------------


@bp.get("/handoff/demo")
@login_required
def demo():
    """A real host page for the widget: verifies the signed-in resident's identity."""
    context = handoff_widget(
        current_user,
        DEMO_IDENTITY,
        current_user.id,
        continue_url=url_for("handoff.demo_result"),
    )
    return render("handoff/demo.html", title="手机扫码 · 人脸识别", **context)


@bp.post("/handoff/start")
@login_required
def start():
    """显示二维码 (sent by htmx as the widget loads) or 在本机继续: issue the offered code."""
    offer = widget.read_offer(request.form.get("offer", ""), current_user)
    if offer is None:
        if wants_fragment():  # reload the host page, which offers afresh
            return Response(status=204, headers={"HX-Refresh": "true"})
        flash("页面已过期，请刷新后重试", "error")
        return see_other(url_for("home.index"))
    started = widget.start(current_user, offer)
    if request.form.get("here"):
        return _continue_here(started.token)
    if wants_fragment():
        return render("handoff/_widget.html", handoff=view_for_started(current_user, started))
    return see_other(offer.return_url)


@bp.get("/handoff/demo/result")
@login_required
def demo_result():
    verification = services.passed_verification(current_user.id, DEMO_IDENTITY, current_user.id)
    return render(
        "handoff/demo_result.html",
        title="人脸识别结果",
        verification=verification,
        purpose=get_purpose(DEMO_IDENTITY),
    )


@bp.get("/handoff/<int:token_id>/status")
def status(token_id: int):
    """The polled status: 204 while unchanged, 286 (stop polling) once final."""
    fragment = wants_fragment()
    if not current_user.is_authenticated:
        return render(
            "handoff/status.html",
            "handoff_status",
            status=STOP_POLLING if fragment else 200,
            signed_out=True,
            title="扫码状态",
        )
    token = _owned(token_id)
    state = services.state_of(token)
    if fragment and not state.is_final and request.args.get("shown") == state:
        return current_app.response_class(status=204)
    return render(
        "handoff/status.html",
        "handoff_status",
        status=STOP_POLLING if fragment and state.is_final else 200,
        token=token,
        state=state,
        in_widget=fragment,  # a fragment is swapped into the widget; a page stands alone
        title="扫码状态",
    )


@bp.post("/handoff/<int:token_id>/cancel")
@login_required
def cancel(token_id: int):
    token = _owned(token_id)
    services.cancel_handoff(token, ip=client_ip())
    if wants_fragment():
        return render("handoff/_widget.html", handoff=view_for_token(current_user, token))
    flash("已取消手机扫码", "success")
    return see_other(url_for("handoff.status", token_id=token.id))


@bp.post("/handoff/<int:token_id>/renew")
@login_required
def renew(token_id: int):
    token = _owned(token_id)
    started = services.renew_handoff(token)
    widget.remember(started)
    if not wants_fragment():
        return see_other(token.return_url)  # the host page shows the new code
    return render("handoff/_widget.html", handoff=view_for_started(current_user, started))


@bp.post("/handoff/<int:token_id>/here")
@login_required
def continue_here(token_id: int):
    """在本机继续: this signed-in browser takes the face step itself."""
    return _continue_here(_owned(token_id))


def _continue_here(token: HandoffToken) -> Response:
    if not grants.continue_in_place(token, ip=client_ip()):
        flash("二维码已失效，请重新获取", "error")
        return see_other(token.return_url)
    return see_other(url_for("handoff.face", token_id=token.id))


# --- Phone --------------------------------------------------------------------------


def _refused_for(found: HandoffToken | None) -> Response | None:
    """The page refusing a code, or None if this browser may go on with it. A phone
    signed in as someone else may not take the task over, and is told nothing about it."""
    if found is None:
        return render("handoff/invalid.html", status=404, title="扫码办理")
    if current_user.is_authenticated and current_user.id != found.user_id:
        return render("handoff/invalid.html", status=403, title="扫码办理", other_account=True)
    return None


@bp.get("/h/<token>")
def open_link(token: str):
    """The QR link: note the scan, then on to the number (the token leaves the address)."""
    found = grants.redeemable_by_link(token)
    refused = _refused_for(found)
    if refused is not None or found is None:
        return refused
    grants.open_on_phone(found, ip=client_ip())
    return see_other(url_for("handoff.match"))


@bp.route("/h", methods=["GET", "POST"])
@limiter.limit(_code_rate_limit, methods=["POST"])
def enter_code():
    """扫不了码时: type the short code shown next to the QR code."""
    form = ShortCodeForm()
    if form.validate_on_submit():
        found = grants.redeemable_by_short_code(form.code.data)
        if found is None:
            form.code.errors = [
                "验证码不正确或已过期，请核对电脑屏幕上的验证码，或在电脑上刷新二维码"
            ]
        elif current_user.is_authenticated and current_user.id != found.user_id:
            form.code.errors = ["该验证码不属于当前登录的账号，请使用本人的手机"]
        else:
            grants.open_on_phone(found, ip=client_ip())
            return see_other(url_for("handoff.match"))
    return render("handoff/enter_code.html", "form_block", form=form, title="输入验证码")


@bp.route("/h/match", methods=["GET", "POST"])
def match():
    """Who and what, and the three numbers: tap the one the computer shows."""
    found = grants.opened_on_phone()
    refused = _refused_for(found)
    if refused is not None or found is None:
        return refused
    form = MatchForm()
    if form.validate_on_submit():
        tapped = grants.tap_number(found, form.number, ip=client_ip())
        if tapped is grants.Tap.MATCHED:
            return see_other(url_for("handoff.face", token_id=found.id))
        if tapped is grants.Tap.WRONG:
            return render("handoff/invalid.html", status=409, title="扫码办理", mismatched=True)
        return render("handoff/invalid.html", status=404, title="扫码办理")
    return render(
        "handoff/open.html",
        status=400 if form.errors else 200,
        title="确认办理",
        form=form,
        who=_who(found),
        purpose=get_purpose(found.purpose),
        choices=tokens.decode_choices(found.match_choices),
    )


@bp.route("/handoff/<int:token_id>/face", methods=["GET", "POST"])
def face(token_id: int):
    """人脸识别: explanation, then the photo form. Only with this browser's grant."""
    token = grants.granted_token(token_id)
    if token is None:
        return render("handoff/invalid.html", status=404, title="扫码办理", grant_missing=True)
    form = FacePhotoForm()
    locked = services.face_locked_until(token.user_id)
    if locked is None and form.validate_on_submit():
        try:
            verification = services.verify_face(token, form.photo_bytes(), ip=client_ip())
        except services.FaceStepLocked as error:
            locked = error.until
        else:
            if verification.passed:
                if token.redeemed_in_place:
                    flash("人脸识别已通过", "success")
                    return see_other(token.continue_url)
                return see_other(url_for("handoff.done", token_id=token.id))
            form.photo.errors = [verification.reason]
            locked = services.face_locked_until(token.user_id)
    return render(
        "handoff/face.html",
        "form_block",
        title="人脸识别",
        form=form,
        token=token,
        who=_who(token),
        purpose=get_purpose(token.purpose),
        locked_until=locked,
        attempts_left=services.attempts_left(token.user_id),
    )


@bp.get("/handoff/<int:token_id>/done")
def done(token_id: int):
    token = grants.granted_token(token_id, completed=True)
    if token is None:
        return render("handoff/invalid.html", status=404, title="扫码办理", grant_missing=True)
    purpose = get_purpose(token.purpose)
    next_url = purpose.phone_next(token.object_id) if purpose.phone_next else None
    return render(
        "handoff/done.html",
        title="人脸识别",
        who=_who(token),
        purpose=purpose,
        next_url=next_url,
    )
