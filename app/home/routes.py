"""首页, 办事 and the 长辈模式 switch."""

from __future__ import annotations

from flask import flash, request, session, url_for
from flask_login import current_user

from app.auth.services import set_elder_mode
from app.core.navigation import safe_next_url
from app.home import bp
from app.home.cards import cards_for
from app.htmx import render, see_other

ELDER_COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
def index():
    cards = cards_for(current_user) if current_user.is_authenticated else []
    timed_out = session.pop("timed_out", False)
    return render("home/index.html", title="安居", cards=cards, timed_out=timed_out)


@bp.get("/services")
def services():
    return render("home/services.html", title="办事")


@bp.post("/settings/elder-mode")
def toggle_elder_mode():
    """Switch 长辈模式; remembered on the account when signed in, else in a cookie."""
    enabled = request.form.get("enabled") == "1"
    if current_user.is_authenticated:
        set_elder_mode(current_user, enabled)
    flash("已开启长辈模式" if enabled else "已关闭长辈模式", "success")
    target = safe_next_url(request.form.get("next")) or url_for("home.index")
    response = see_other(target)
    response.set_cookie(
        "elder",
        "1" if enabled else "0",
        max_age=ELDER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


@bp.get("/healthz")
def healthz():
    """Liveness for a load balancer, and the load benchmark's baseline: the whole request
    stack (routing, security headers, compression) with no template and no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
