"""Paying online: the sandbox gateway, signed notifications, idempotency, oldest-first."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.clock import today_in_china, utcnow
from app.core.money import format_yuan
from app.extensions import db
from app.messages.models import Message
from app.rent import online_payments, policy, standing
from app.rent.models import BillStatus, Payment, PaymentBill, PaymentState
from app.rent.payments import TRADE_CLOSED, HttpTransport, NotificationError, Order, sign
from app.rent.statuses import PaymentError
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_tenant
from tests.rent.builders import add_overdue_bills, count, idempotency_key_from, signed_notification

NOTIFY = "/rent/payments/notify"


def confirm_page(client: FlaskClient, bill_ids: list[int]):
    return client.get("/rent/pay/confirm", query_string={"bill": bill_ids})


def start(client: FlaskClient, bill_ids: list[int], key: str | None = None):
    if key is None:
        key = idempotency_key_from(page_text(confirm_page(client, bill_ids)))
    return post(client, "/rent/pay/confirm", {"bill": bill_ids, "idempotency_key": key}), key


def sandbox_token(client: FlaskClient, location: str) -> str:
    html = page_text(client.get(location))
    match = re.search(r'name="order" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def only_payment() -> Payment:
    (payment,) = db.session.scalars(select(Payment))
    return payment


def audit_details(action: str) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def paid_messages(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Message.id)).where(
            Message.user_id == user_id, Message.title.like("缴费成功%")
        )
    )


@pytest.fixture
def tenant_with_two_overdue(client):
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 2, newest_due_days_ago=20)
    login(client, tenant.phone, PASSWORD)
    return tenant, lease, bills


@pytest.fixture
def held_notifications(monkeypatch) -> list[tuple[str, bytes, dict]]:
    """The gateway's outbox: notifications are captured instead of sent (not yet arrived)."""
    outbox: list[tuple[str, bytes, dict]] = []
    monkeypatch.setattr(
        HttpTransport,
        "deliver",
        lambda self, url, body, headers: outbox.append((url, body, headers)),
    )
    return outbox


def test_pay_two_overdue_bills_through_the_sandbox(client, gateway, tenant_with_two_overdue):
    tenant, _lease, bills = tenant_with_two_overdue
    views = standing.view_bills(bills, today_in_china(), policy.late_fee_policy())
    total = sum(view.total_fen for view in views)
    assert all(view.late_fee_fen > 0 for view in views)

    confirm = confirm_page(client, [b.id for b in bills])
    assert confirm.status_code == 200
    assert format_yuan(total) in page_text(confirm)

    response, _key = start(client, [b.id for b in bills])
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/rent/sandbox/checkout?order=")
    payment = only_payment()
    assert payment.state == PaymentState.PENDING and payment.amount_fen == total
    assert [item.late_fee_fen for item in payment.items] == [v.late_fee_fen for v in views]

    sandbox = client.get(response.headers["Location"])
    assert "模拟支付平台" in page_text(sandbox) and format_yuan(total) in page_text(sandbox)
    token = sandbox_token(client, response.headers["Location"])
    done = post(client, "/rent/sandbox/checkout", {"order": token, "decision": "pay"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/rent/payments/{payment.id}")

    db.session.refresh(payment)
    assert payment.state == PaymentState.PAID
    assert payment.provider_txn_id.startswith("SBX") and payment.receipt_number
    for bill, view in zip(bills, views, strict=True):
        db.session.refresh(bill)
        assert bill.status == BillStatus.PAID and bill.payment_id == payment.id
        assert bill.late_fee_paid_fen == view.late_fee_fen
    assert "支付成功" in page_text(client.get(done.headers["Location"]))
    rent = page_text(client.get("/rent/"))
    assert "已缴清" in rent and "已逾期" not in rent
    receipt = client.get(f"/rent/bills/{bills[0].id}/receipt")
    assert receipt.status_code == 200 and payment.receipt_number in page_text(receipt)
    assert paid_messages(tenant.id) == 1


def test_the_browser_returning_proves_nothing_only_the_notification_does(
    client, tenant_with_two_overdue, held_notifications
):
    _tenant, _lease, bills = tenant_with_two_overdue
    response, _key = start(client, [b.id for b in bills])
    token = sandbox_token(client, response.headers["Location"])
    back = post(client, "/rent/sandbox/checkout", {"order": token, "decision": "pay"})
    payment = only_payment()
    page = page_text(client.get(back.headers["Location"]))
    assert "正在确认支付结果" in page
    assert payment.state == PaymentState.PENDING
    assert standing.unpaid_bills(payment.lease_id) == bills
    # While pending, htmx polling gets 204 (nothing to swap) and keeps polling.
    poll = client.get(back.headers["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 204

    ((url, body, headers),) = held_notifications
    assert url == f"http://localhost{NOTIFY}"
    delivered = client.post(NOTIFY, data=body, headers=headers)
    assert delivered.status_code == 200 and delivered.get_data() == b"success"
    db.session.refresh(payment)
    assert payment.state == PaymentState.PAID
    final = client.get(back.headers["Location"], headers={"HX-Request": "true"})
    assert final.status_code == 286 and "支付成功" in page_text(final)
    assert "<html" not in page_text(final)


def test_a_duplicate_notification_records_nothing_twice(client, tenant_with_two_overdue):
    tenant, _lease, bills = tenant_with_two_overdue
    start(client, [b.id for b in bills])
    payment = only_payment()
    body, headers = signed_notification(payment)
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    again = client.post(NOTIFY, data=body, headers=headers)
    assert again.status_code == 200 and again.get_data() == b"success"
    assert count(Payment) == 1 and paid_messages(tenant.id) == 1
    assert len(audit_details("rent.payment.paid")) == 1
    db.session.refresh(payment)
    txn = payment.provider_txn_id

    # Another transaction for an order already paid: a double charge, refused and logged.
    other = json.loads(body)
    other["transaction_id"] = "SBXDIFFERENT"
    body3 = json.dumps(other).encode()
    headers3 = dict(headers)
    headers3["X-Sandbox-Signature"] = sign(
        online_payments.sandbox_merchant_key(), headers["X-Sandbox-Timestamp"], body3
    )
    refused = client.post(NOTIFY, data=body3, headers=headers3)
    assert refused.status_code == 400
    assert any("需人工退款" in d for d in audit_details("rent.payment.notification_rejected"))
    db.session.refresh(payment)
    assert payment.provider_txn_id == txn


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("body", "签名无效"),
        ("signature", "签名无效"),
        ("missing", "缺少签名"),
        ("stale", "重放"),
    ],
)
def test_untrusted_notifications_are_rejected_and_logged(
    client, tenant_with_two_overdue, tamper: str, reason: str
):
    _tenant, _lease, bills = tenant_with_two_overdue
    start(client, [b.id for b in bills])
    payment = only_payment()
    now = utcnow() - timedelta(hours=1) if tamper == "stale" else None
    body, headers = signed_notification(payment, now=now)
    if tamper == "body":
        body = body.replace(b'"trade_status":"SUCCESS"', b'"trade_status":"SUCCESS" ')
    elif tamper == "signature":
        headers["X-Sandbox-Signature"] = "0" * 64
    elif tamper == "missing":
        headers.pop("X-Sandbox-Signature")
    response = client.post(NOTIFY, data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["code"] == "FAIL"
    assert any(reason in d for d in audit_details("rent.payment.notification_rejected"))
    db.session.refresh(payment)
    assert payment.state == PaymentState.PENDING
    assert all(not bill.is_paid for bill in standing.unpaid_bills(payment.lease_id))


def test_a_notification_with_the_wrong_amount_is_rejected_and_logged(
    client, tenant_with_two_overdue
):
    _tenant, _lease, bills = tenant_with_two_overdue
    start(client, [b.id for b in bills])
    payment = only_payment()
    body, headers = signed_notification(payment, amount_fen=payment.amount_fen - 1)
    response = client.post(NOTIFY, data=body, headers=headers)
    assert response.status_code == 400
    (detail,) = audit_details("rent.payment.notification_rejected")
    assert "金额不符" in detail
    db.session.refresh(payment)
    assert (
        payment.state == PaymentState.PENDING and len(standing.unpaid_bills(payment.lease_id)) == 2
    )


def test_an_unknown_order_is_rejected(client, tenant_with_two_overdue):
    start(client, [b.id for b in tenant_with_two_overdue[2]])
    payment = only_payment()
    payment.reference = "RPNOSUCHORDER"
    body, headers = signed_notification(payment)
    db.session.rollback()
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 400
    assert any("未知订单" in d for d in audit_details("rent.payment.notification_rejected"))


def test_the_same_idempotency_key_twice_makes_one_payment(client, tenant_with_two_overdue):
    bills = tenant_with_two_overdue[2]
    first, key = start(client, [b.id for b in bills])
    second, _ = start(client, [b.id for b in bills], key)
    assert first.status_code == second.status_code == 303
    assert (
        parse_qs(urlsplit(first.headers["Location"]).query)["order"]
        == parse_qs(urlsplit(second.headers["Location"]).query)["order"]
    )
    assert count(Payment) == 1
    # Retried after it was paid: back to the result, no new payment.
    body, headers = signed_notification(only_payment())
    client.post(NOTIFY, data=body, headers=headers)
    third, _ = start(client, [b.id for b in bills], key)
    assert third.headers["Location"] == f"/rent/payments/{only_payment().id}"
    assert count(Payment) == 1


def test_a_lost_race_on_the_idempotency_key_returns_the_winner(app, monkeypatch):
    """Two submissions of one form: the second read the key before the first committed,
    so the unique constraint stops its insert and it returns the first payment."""
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 2)
    key = "a" * 32
    winner = online_payments.start_online_payment(tenant, [b.id for b in bills], key)
    real = online_payments.payment_by_key
    calls = []

    def stale_then_real(payer_id, k):
        calls.append(k)
        return None if len(calls) == 1 else real(payer_id, k)

    monkeypatch.setattr(online_payments, "payment_by_key", stale_then_real)
    again = online_payments.start_online_payment(tenant, [b.id for b in bills], key)
    assert again.id == winner.id and len(calls) == 2
    assert count(Payment) == 1 and count(PaymentBill) == 2


def test_two_tabs_cannot_open_two_payments_for_one_bill(client, tenant_with_two_overdue):
    bills = tenant_with_two_overdue[2]
    start(client, [b.id for b in bills])
    first = only_payment()
    second, _ = start(client, [bills[0].id])
    assert second.status_code == 303
    assert second.headers["Location"] == f"/rent/payments/{first.id}"
    assert count(Payment) == 1
    with pytest.raises(PaymentError) as caught:
        online_payments.start_online_payment(tenant_with_two_overdue[0], [bills[0].id], "b" * 32)
    assert caught.value.payment.id == first.id


def test_concurrent_double_submit_charges_once(threaded_app):
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 2)
    browser = threaded_app.test_client()
    login(browser, tenant.phone, PASSWORD)
    key = idempotency_key_from(page_text(confirm_page(browser, [b.id for b in bills])))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page_text(browser.get("/rent/"))).group(1)
    cookie = browser.get_cookie("anju_session").value
    bill_ids = [b.id for b in bills]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def tap(index: int) -> None:
        tab = FlaskClient(threaded_app, threaded_app.response_class, use_cookies=True)
        tab.set_cookie("anju_session", cookie)
        barrier.wait(timeout=10)
        results[index] = tab.post(
            "/rent/pay/confirm",
            data={"csrf_token": token, "bill": bill_ids, "idempotency_key": key},
        )

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in results] == [303, 303], [page_text(r) for r in results]
    assert results[0].headers["Location"] == results[1].headers["Location"]
    db.session.expire_all()
    assert count(Payment) == 1 and count(PaymentBill) == 2


def test_skipping_an_older_bill_is_refused_by_the_server(client, tenant_with_two_overdue):
    tenant, _lease, bills = tenant_with_two_overdue
    chosen = confirm_page(client, [bills[1].id])
    assert chosen.status_code == 200 and "请从最早的一期开始缴纳" in page_text(chosen)
    # A hand-made POST that skips the oldest bill creates nothing.
    response, _ = start(client, [bills[1].id], "c" * 32)
    assert response.status_code == 200 and "请从最早的一期开始缴纳" in page_text(response)
    assert count(Payment) == 0
    with pytest.raises(PaymentError, match="最早"):
        online_payments.start_online_payment(tenant, [bills[1].id], "d" * 32)
    # Paying just the oldest is fine.
    only_oldest, _ = start(client, [bills[0].id])
    assert only_oldest.status_code == 303 and [i.bill_id for i in only_payment().items] == [
        bills[0].id
    ]


def test_another_tenants_bill_cannot_be_paid(client, tenant_with_two_overdue):
    _other, other_lease = create_tenant()
    (theirs,) = add_overdue_bills(other_lease, 1)
    response, _ = start(client, [theirs.id], "e" * 32)
    assert response.status_code == 200 and "所选账单不存在或已缴清" in page_text(response)
    assert count(Payment) == 0


def test_cancelled_then_paid_at_the_gateway_is_refused_for_refund(client, tenant_with_two_overdue):
    bills = tenant_with_two_overdue[2]
    start(client, [b.id for b in bills])
    payment = only_payment()
    body, headers = signed_notification(payment)
    cancelled = post(client, f"/rent/payments/{payment.id}/cancel")
    assert cancelled.status_code == 303
    db.session.refresh(payment)
    assert payment.state == PaymentState.FAILED
    assert all(item.lock_slot is None for item in payment.items)
    late = client.post(NOTIFY, data=body, headers=headers)
    assert late.status_code == 400
    assert any("退款" in d for d in audit_details("rent.payment.notification_rejected"))
    assert len(standing.unpaid_bills(payment.lease_id)) == 2
    # The bills are free again for a new payment.
    again, _ = start(client, [b.id for b in bills])
    assert again.status_code == 303 and count(Payment) == 2


def test_giving_up_at_the_sandbox_closes_the_order(client, gateway, tenant_with_two_overdue):
    bills = tenant_with_two_overdue[2]
    response, _ = start(client, [b.id for b in bills])
    token = sandbox_token(client, response.headers["Location"])
    back = post(client, "/rent/sandbox/checkout", {"order": token, "decision": "cancel"})
    payment = only_payment()
    assert payment.state == PaymentState.FAILED
    assert "重新缴费" in page_text(client.get(back.headers["Location"]))


def test_an_order_left_open_expires_and_the_sandbox_refuses_it(
    client, tenant_with_two_overdue, monkeypatch
):
    bills = tenant_with_two_overdue[2]
    response, _ = start(client, [b.id for b in bills])
    payment = only_payment()
    later = utcnow() + policy.payment_ttl() + timedelta(seconds=1)
    monkeypatch.setattr("app.rent.sandbox_routes.utcnow", lambda: later)
    late = client.get(response.headers["Location"])
    assert late.status_code == 400 and "已超时关闭" in page_text(late)
    payment.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    shown = page_text(client.get(f"/rent/payments/{payment.id}"))
    assert "已过期" in shown and "超时未支付" in shown and "继续支付" not in shown
    db.session.refresh(payment)
    assert payment.state == PaymentState.PENDING  # the page only reads
    resumed = post(client, f"/rent/payments/{payment.id}/checkout")
    assert resumed.status_code == 303 and resumed.headers["Location"].endswith(f"/{payment.id}")
    db.session.refresh(payment)
    assert payment.state == PaymentState.EXPIRED and payment.failure_reason == "超时未支付"
    tampered = client.get("/rent/sandbox/checkout?order=not-a-token")
    assert tampered.status_code == 400 and "支付订单无效" in page_text(tampered)


def test_stale_pending_payments_expire_in_bulk(app):
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 1)
    payment = online_payments.start_online_payment(tenant, [bills[0].id], "f" * 32)
    assert online_payments.expire_stale_payments() == 0
    assert online_payments.expire_stale_payments(utcnow() + timedelta(hours=1)) == 1
    db.session.commit()
    db.session.refresh(payment)
    assert payment.state == PaymentState.EXPIRED and payment.failure_reason == "超时未支付"


def test_a_closed_notification_for_a_closed_order_is_acknowledged(client, tenant_with_two_overdue):
    start(client, [b.id for b in tenant_with_two_overdue[2]])
    payment = only_payment()
    body, headers = signed_notification(payment, status=TRADE_CLOSED)
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    assert client.post(NOTIFY, data=body, headers=headers).status_code == 200
    db.session.refresh(payment)
    assert payment.state == PaymentState.FAILED


def test_http_transport_posts_the_signed_notification(app):
    received: list[tuple[bytes, dict]] = []
    arrived = threading.Event()

    class Merchant(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, dict(self.headers)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"success")
            arrived.set()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Merchant)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        provider = online_payments.payment_provider()
        order = Order(
            "RP1",
            100,
            "租金",
            f"http://127.0.0.1:{server.server_port}/n",
            "http://x/",
            utcnow() + timedelta(minutes=5),
        )
        provider.notify(order, "SUCCESS", utcnow())
        assert arrived.wait(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    ((body, headers),) = received
    note = provider.parse_notification(body, headers, utcnow())
    assert (note.reference, note.amount_fen) == ("RP1", 100)
    with pytest.raises(NotificationError):
        provider.parse_notification(body + b" ", headers, utcnow())
    with pytest.raises(ValueError, match="non-HTTP"):
        HttpTransport().deliver("file:///etc/passwd", b"", {})
