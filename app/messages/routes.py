"""消息中心: the signed-in user's notifications."""

from __future__ import annotations

from flask import flash, url_for
from flask_login import current_user, login_required

from app.htmx import render, see_other
from app.messages import bp, services
from app.web import found_or_404


@bp.get("/")
@login_required
def index():
    messages = services.messages_for(current_user.id)
    return render("messages/index.html", "message_list", title="消息", messages=messages)


def _own_or_404(message_id: int):
    return found_or_404(services.message_for(current_user.id, message_id))


@bp.get("/<int:message_id>")
@login_required
def show(message_id: int):
    return render("messages/show.html", title="消息详情", message=_own_or_404(message_id))


@bp.post("/<int:message_id>/open")
@login_required
def open_message(message_id: int):
    """Opening an unread message from the list marks it read, then shows it."""
    message = _own_or_404(message_id)
    services.mark_read(message)
    return see_other(url_for("messages.show", message_id=message.id))


@bp.post("/read-all")
@login_required
def read_all():
    count = services.mark_all_read(current_user.id)
    flash(f"已将 {count} 条消息标为已读" if count else "没有未读消息", "success")
    return see_other(url_for("messages.index"))
