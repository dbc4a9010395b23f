"""Payment providers: the interface the app pays through, and the sandbox behind it.

Real providers (bank, WeChat Pay, Alipay) cannot be reached from here, so the default is
``SandboxProvider``: a checkout page served by this app that plays the gateway. It shows its
own confirmation page and then, like a real asynchronous gateway, sends a notification
signed with HMAC-SHA256 to the app's notify URL. The app marks an order paid only on a
verified notification; the browser's return to the app proves nothing.

Notification wire format (what a real adapter would translate its gateway's format into):

* body: JSON ``{"out_trade_no", "transaction_id", "amount_fen", "trade_status", "paid_at"}``,
  ``trade_status`` being ``SUCCESS`` or ``CLOSED`` (the payer gave up);
* headers: ``X-Sandbox-Timestamp`` (Unix seconds) and ``X-Sandbox-Signature``, the hex
  HMAC-SHA256 of ``timestamp + "\\n" + body`` under the merchant key;
* the notify URL answers 200 ``success`` once the notification is handled (including a
  duplicate), anything else makes the gateway retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer

from app.rent.models import PaymentChannel

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sandbox-Signature"
TIMESTAMP_HEADER = "X-Sandbox-Timestamp"
TRADE_SUCCESS = "SUCCESS"
TRADE_CLOSED = "CLOSED"
SIGNATURE_TOLERANCE = timedelta(minutes=10)


class NotificationError(Exception):
    """A notification that must not be trusted; the message goes to the audit log."""


class CheckoutError(Exception):
    """The sandbox cannot take this order (tampered or expired); the message is for people."""


@dataclass(frozen=True, slots=True)
class Order:
    """What the merchant tells the gateway when it creates an order."""

    reference: str
    amount_fen: int
    subject: str
    notify_url: str
    return_url: str
    expires_at: datetime  # naive UTC


@dataclass(frozen=True, slots=True)
class Notification:
    reference: str
    transaction_id: str
    amount_fen: int
    trade_status: str
    paid_at: str


class NotificationHeaders(Protocol):
    """A notification's headers: a dict, or the request's (case-insensitive) ``Headers``."""

    def get(self, key: str, default: str, /) -> str: ...


class Transport(Protocol):
    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class PaymentProvider(Protocol):
    channel: PaymentChannel

    def checkout_url(self, order: Order, url_for_checkout: Callable[[str], str]) -> str:
        """Where to send the payer's browser to pay ``order``."""
        ...

    def parse_notification(
        self, body: bytes, headers: NotificationHeaders, now: datetime
    ) -> Notification:
        """Verify and decode a notification; raise ``NotificationError`` if untrustworthy."""
        ...


def sign(key: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(key, timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def _unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


class SandboxProvider:
    """Both sides of the sandbox: the merchant adapter and the pretend gateway."""

    channel = PaymentChannel.SANDBOX
    merchant_name = "九江市住房保障中心"

    def __init__(self, key: bytes, transport: Transport) -> None:
        if len(key) < 16:
            raise ValueError("the sandbox merchant key must be at least 16 bytes")
        self._key = key
        self._orders = URLSafeSerializer(key, salt="anju-sandbox-order")
        self.transport = transport

    # --- merchant side -------------------------------------------------------------
    def checkout_url(self, order: Order, url_for_checkout: Callable[[str], str]) -> str:
        token = self._orders.dumps(
            {
                "ref": order.reference,
                "amt": order.amount_fen,
                "sub": order.subject,
                "ntf": order.notify_url,
                "ret": order.return_url,
                "exp": _unix(order.expires_at),
            }
        )
        return url_for_checkout(token)

    def parse_notification(
        self, body: bytes, headers: NotificationHeaders, now: datetime
    ) -> Notification:
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not timestamp or not signature:
            raise NotificationError("通知缺少签名")
        if not hmac.compare_digest(sign(self._key, timestamp, body), signature.lower()):
            raise NotificationError("通知签名无效")
        try:
            sent_at = _from_unix(int(timestamp))
        except (ValueError, OverflowError, OSError) as error:
            raise NotificationError("通知时间戳无效") from error
        if abs(now - sent_at) > SIGNATURE_TOLERANCE:
            raise NotificationError("通知时间戳超出允许范围（可能是重放）")
        try:
            data = json.loads(body)
            note = Notification(
                reference=str(data["out_trade_no"]),
                transaction_id=str(data["transaction_id"]),
                amount_fen=int(data["amount_fen"]),
                trade_status=str(data["trade_status"]),
                paid_at=str(data.get("paid_at", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise NotificationError("通知内容格式有误") from error
        if note.trade_status not in {TRADE_SUCCESS, TRADE_CLOSED}:
            raise NotificationError(f"未知的交易状态 {note.trade_status[:20]}")
        return note

    # --- gateway side (the sandbox's own pages) ------------------------------------
    def read_order(self, token: str, now: datetime) -> Order:
        try:
            data = self._orders.loads(token)
            order = Order(
                reference=data["ref"],
                amount_fen=int(data["amt"]),
                subject=data["sub"],
                notify_url=data["ntf"],
                return_url=data["ret"],
                expires_at=_from_unix(int(data["exp"])),
            )
        except (BadSignature, KeyError, TypeError, ValueError) as error:
            raise CheckoutError("支付订单无效，请返回商户重新发起支付") from error
        if now > order.expires_at:
            raise CheckoutError("支付订单已超时关闭，请返回商户重新发起支付")
        return order

    def transaction_id_for(self, order: Order) -> str:
        """One transaction per order: confirming twice produces the same id."""
        digest = hmac.new(self._key, b"txn:" + order.reference.encode(), hashlib.sha256)
        return "SBX" + digest.hexdigest()[:24].upper()

    def notification(self, order: Order, trade_status: str, now: datetime) -> tuple[bytes, dict]:
        body = json.dumps(
            {
                "out_trade_no": order.reference,
                "transaction_id": self.transaction_id_for(order),
                "amount_fen": order.amount_fen,
                "trade_status": trade_status,
                "paid_at": now.replace(tzinfo=UTC).isoformat(),
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        timestamp = str(_unix(now))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._key, timestamp, body),
        }
        return body, headers

    def notify(self, order: Order, trade_status: str, now: datetime) -> None:
        """Send the signed notification for ``order`` to the merchant's notify URL."""
        body, headers = self.notification(order, trade_status, now)
        self.transport.deliver(order.notify_url, body, headers)


class HttpTransport:
    """Deliver notifications by HTTP POST from a background thread, retrying like a gateway."""

    def __init__(self, retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0), timeout: float = 10):
        self.retry_delays = retry_delays
        self.timeout = timeout

    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError(f"refusing to notify a non-HTTP URL: {url!r}")
        thread = threading.Thread(
            target=self._post_until_acknowledged, args=(url, body, headers), daemon=True
        )
        thread.start()

    def _post_until_acknowledged(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
            time.sleep(delay)
            if self._post(url, body, headers):
                return
            log.warning("sandbox notification to %s not acknowledged (attempt %d)", url, attempt)
        log.error("sandbox notification to %s given up", url)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> bool:
        # The scheme was checked in deliver(): only http(s) URLs get here.
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status == 200 and response.read().strip() == b"success"
        except (urllib.error.URLError, OSError):
            return False


class InlineTransport:
    """Hand the notification straight to the app's handler (tests, single-process setups)."""

    def __init__(self, handler: Callable[[bytes, Mapping[str, str]], Any]) -> None:
        self.handler = handler

    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        self.handler(body, headers)
