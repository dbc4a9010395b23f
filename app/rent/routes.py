"""租金缴纳 for tenants: status, bills, receipts, paying online, bank deduction.

Only the provider's signed notification (``notify``) marks an online payment paid; the
payment page the browser returns to just shows what the server knows.
"""

from __future__ import annotations

import secrets

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

import app.rent.cards  # registers the home card
import app.rent.sandbox_routes  # noqa: F401 - registers the sandbox gateway's pages
from app.core.clock import today_in_china
from app.extensions import csrf
from app.housing.services import active_lease_for
from app.htmx import render, see_other, wants_fragment
from app.inputs import arg_int
from app.rent import bp, online_payments, standing
from app.rent.forms import BillSelectionForm, ConfirmPaymentForm
from app.rent.models import PaymentState
from app.rent.policy import late_fee_policy, payment_ttl, subsidy_paid_out
from app.rent.statuses import PaymentError
from app.web import STOP_POLLING, client_ip, found_or_404


@bp.get("/")
@login_required
def index():
    lease = active_lease_for(current_user.id)
    summary = standing.rent_summary(lease) if lease else None
    return render(
        "rent/index.html",
        title="租金缴纳",
        summary=summary,
        subsidy_paid_out=lease is not None and subsidy_paid_out(lease),
    )


@bp.get("/bills")
@login_required
def bills():
    years = standing.bill_years_for_tenant(current_user.id)
    year = arg_int("year", minimum=2000, maximum=2100, label="年份")
    if year not in years:
        year = years[0] if years else None
    found = standing.bills_for_tenant(current_user.id, year) if year else []
    return render(
        "rent/bills.html",
        "bill_list",
        title="账单明细",
        years=years,
        year=year,
        views=standing.view_bills(found, today_in_china(), late_fee_policy()),
    )


def _own_bill_or_404(bill_id: int):
    return found_or_404(standing.bill_for_tenant(current_user.id, bill_id))


@bp.get("/bills/<int:bill_id>")
@login_required
def bill(bill_id: int):
    found = _own_bill_or_404(bill_id)
    policy = late_fee_policy()
    return render(
        "rent/bill.html",
        title=f"{found.period_label}账单",
        view=standing.view_bill(found, today_in_china(), policy),
        policy=policy,
        subsidy_paid_out=subsidy_paid_out(found.lease),
    )


@bp.get("/bills/<int:bill_id>/receipt")
@login_required
def receipt(bill_id: int):
    found = _own_bill_or_404(bill_id)
    if not found.is_paid or found.payment is None:
        abort(404)
    return render(
        "rent/receipt.html",
        title="电子收据",
        bill=found,
        payment=found.payment,
        lease=standing.lease_with_unit(found.lease_id),
        tenant=current_user,
    )


def _unpaid_views():
    lease = active_lease_for(current_user.id)
    if lease is None:
        return None, []
    unpaid = standing.unpaid_bills(lease.id)
    return lease, standing.view_bills(unpaid, today_in_china(), late_fee_policy())


def _render_selection(form: BillSelectionForm | ConfirmPaymentForm, views, selected):
    return render(
        "rent/pay.html",
        title="在线缴费",
        form=form,
        views=views,
        selected=set(selected),
        total_fen=sum(view.total_fen for view in views),
    )


@bp.get("/pay")
@login_required
def pay():
    lease, views = _unpaid_views()
    if lease is None or not views:
        flash("目前没有需要缴纳的账单", "info")
        return redirect(url_for("rent.index"))
    form = BillSelectionForm(formdata=None)
    form.bill.choices = [(view.bill.id, view.bill.period_label) for view in views]
    return _render_selection(form, views, [view.bill.id for view in views])


@bp.get("/pay/confirm")
@login_required
def pay_confirm():
    """Step 2: the chosen bills and the total to confirm (nothing is created yet)."""
    lease, views = _unpaid_views()
    if lease is None or not views:
        return redirect(url_for("rent.index"))
    form = BillSelectionForm(formdata=request.args)
    form.bill.choices = [(view.bill.id, view.bill.period_label) for view in views]
    if not form.validate():
        return _render_selection(form, views, form.bill.data or [])
    chosen = views[: len(set(form.bill.data or []))]
    return render(
        "rent/confirm.html",
        title="确认缴费",
        views=chosen,
        total_fen=sum(view.total_fen for view in chosen),
        idempotency_key=secrets.token_hex(16),
        ttl_minutes=int(payment_ttl().total_seconds() // 60),
    )


@bp.post("/pay/confirm")
@login_required
def pay_start():
    """Create the payment (idempotent per form) and send the browser to the provider."""
    _lease, views = _unpaid_views()
    form = ConfirmPaymentForm()
    form.bill.choices = [(view.bill.id, view.bill.period_label) for view in views]
    existing = None
    if form.idempotency_key.data:
        existing = online_payments.payment_by_key(current_user.id, form.idempotency_key.data)
    if existing is None and not form.validate():
        if not views:
            flash("目前没有需要缴纳的账单", "info")
            return see_other(url_for("rent.index"))
        return _render_selection(form, views, form.bill.data or [])
    try:
        payment = existing or online_payments.start_online_payment(
            current_user, form.bill.data or [], form.idempotency_key.data or ""
        )
    except PaymentError as error:
        flash(error.message, "error")
        if error.payment is not None:
            return see_other(url_for("rent.payment", payment_id=error.payment.id))
        return see_other(url_for("rent.pay"))
    if payment.state != PaymentState.PENDING:
        return see_other(url_for("rent.payment", payment_id=payment.id))
    return see_other(online_payments.checkout_url(payment))


def _own_payment_or_404(payment_id: int):
    return found_or_404(standing.payment_for_tenant(current_user.id, payment_id))


@bp.get("/payments/<int:payment_id>")
@login_required
def payment(payment_id: int):
    """The payment as the server knows it; htmx polls it while the provider's notification
    has not arrived yet (204 = no change, 286 = final, stop polling)."""
    seen = online_payments.seen_payment(_own_payment_or_404(payment_id))
    if wants_fragment() and seen.state is PaymentState.PENDING:
        return Response(status=204)
    response = render(
        "rent/payment.html",
        "payment_status",
        title="缴费结果",
        payment=seen.payment,
        state=seen.state,
        reason=seen.reason,
    )
    if wants_fragment():
        response.status_code = STOP_POLLING
    return response


@bp.post("/payments/<int:payment_id>/checkout")
@login_required
def payment_checkout(payment_id: int):
    found = online_payments.refresh_payment(_own_payment_or_404(payment_id))
    if found.state != PaymentState.PENDING:
        flash("这笔支付已结束，请重新选择账单", "info")
        return see_other(url_for("rent.payment", payment_id=found.id))
    return see_other(online_payments.checkout_url(found))


@bp.post("/payments/<int:payment_id>/cancel")
@login_required
def payment_cancel(payment_id: int):
    found = _own_payment_or_404(payment_id)
    if online_payments.cancel_payment(found, current_user.id):
        flash("已取消这笔支付，可以重新选择账单缴费", "success")
    return see_other(url_for("rent.payment", payment_id=found.id))


@bp.post("/payments/notify")
@csrf.exempt
def notify():
    """The provider's asynchronous notification (server to server, signed)."""
    outcome = online_payments.receive_notification(
        request.get_data(cache=False), request.headers, ip=client_ip()
    )
    if outcome.accepted:
        return Response("success", mimetype="text/plain")
    return jsonify(code="FAIL", message=outcome.message), 400


@bp.get("/bank-deduction")
@login_required
def bank_deduction():
    lease = active_lease_for(current_user.id)
    return render(
        "rent/bank_deduction.html",
        title="银行代扣",
        lease=lease,
        mandate=standing.mandate_for(lease.id) if lease else None,
        results=standing.deduction_results(lease.id) if lease else [],
    )
