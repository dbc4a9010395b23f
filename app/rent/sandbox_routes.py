"""The sandbox gateway's own pages, standing in for a bank / WeChat Pay / Alipay checkout.

It shows the order and asks the payer to confirm, then (like a real gateway) sends the
signed notification to the merchant's notify URL and sends the browser back to the
merchant's return URL. It never touches the app's payment records itself.
"""

from __future__ import annotations

from flask import redirect, request

from app.core.clock import utcnow
from app.htmx import render
from app.rent import bp
from app.rent.online_payments import payment_provider
from app.rent.payments import TRADE_CLOSED, TRADE_SUCCESS, CheckoutError


def _refused(error: CheckoutError):
    return render("rent/sandbox.html", title="沙箱支付", error=str(error), status=400)


@bp.get("/sandbox/checkout")
def sandbox_checkout():
    provider = payment_provider()
    token = request.args.get("order", "")
    try:
        order = provider.read_order(token, utcnow())
    except CheckoutError as error:
        return _refused(error)
    return render(
        "rent/sandbox.html",
        title="沙箱支付",
        order=order,
        token=token,
        merchant=provider.merchant_name,
    )


@bp.post("/sandbox/checkout")
def sandbox_confirm():
    provider = payment_provider()
    try:
        order = provider.read_order(request.form.get("order", ""), utcnow())
    except CheckoutError as error:
        return _refused(error)
    paid = request.form.get("decision") == "pay"
    provider.notify(order, TRADE_SUCCESS if paid else TRADE_CLOSED, utcnow())
    # The return URL came signed inside the order token, so it is the merchant's own.
    return redirect(order.return_url, code=303)
