"""换房沟通: a 我想换 request and its conversation (answer, messages, block, report). Only
its two tenants see it; anyone else gets 404. Thin views: parse, call a service, render or
303-redirect.
"""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.htmx import render, see_other, wants_fragment
from app.inputs import entered
from app.swap import applications, blocks, board, bp, requests
from app.swap.forms import ConfirmForm, MessageForm
from app.swap.models import RequestStatus
from app.swap.routes import file_report
from app.swap.statuses import SwapError
from app.web import found_or_404


def own_request_or_404(request_id: int):
    return found_or_404(requests.request_for_party(current_user.id, request_id))


def _conversation_page(found, message_form: MessageForm | None = None):
    mine_listing = found.listing_of(current_user.id)
    other_listing = found.other_listing(current_user.id)
    cards = {
        card.listing.id: card
        for card in board.cards_for([mine_listing, other_listing], current_user.id)
    }
    application = applications.application_for_request(found.id)
    return render(
        "swap/conversation.html",
        "thread",
        title="换房沟通",
        back_url=url_for("swap.mine"),
        conversation=found,
        mine_card=cards[mine_listing.id],
        other_card=cards[other_listing.id],
        is_recipient=found.to_tenant_id == current_user.id,
        contact=requests.contact_of(found, current_user.id),
        message_form=message_form or MessageForm(formdata=None),
        application=application,
        can_apply=found.status == RequestStatus.ACCEPTED
        and (application is None or not application.status.is_open),
        blocked=blocks.has_blocked(current_user.id, found.other_tenant_id(current_user.id)),
    )


@bp.get("/requests/<int:request_id>")
@login_required
def conversation(request_id: int):
    return _conversation_page(own_request_or_404(request_id))


def _request_action(request_id: int, action, done: str):
    found = own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return see_other(url_for("swap.conversation", request_id=found.id))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    return _request_action(
        request_id, requests.accept_request, "已接受，双方现在可以看到对方的联系方式"
    )


@bp.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    return _request_action(request_id, requests.decline_request, "已婉拒")


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    return _request_action(request_id, requests.withdraw_request, "已撤回换房请求")


@bp.post("/requests/<int:request_id>/messages")
@login_required
def send_message(request_id: int):
    found = own_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            requests.send_message(found, current_user, entered(form.body))
        except SwapError as error:
            form.body.errors = [*form.body.errors, *error.messages]
        else:
            if not wants_fragment():
                return see_other(url_for("swap.conversation", request_id=found.id) + "#thread")
            db.session.expire_all()
            return _conversation_page(own_request_or_404(request_id))
    return _conversation_page(found, form)


@bp.post("/requests/<int:request_id>/block")
@login_required
def block_in_conversation(request_id: int):
    found = own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    blocks.block_user(current_user.id, found.other_tenant_id(current_user.id))
    flash("已屏蔽对方，双方不能再联系。可在“我的互换”中解除。", "success")
    return see_other(url_for("swap.mine"))


@bp.route("/requests/<int:request_id>/report", methods=["GET", "POST"])
@login_required
def report_user(request_id: int):
    found = own_request_or_404(request_id)
    return file_report(found.other_listing(current_user.id), found)
