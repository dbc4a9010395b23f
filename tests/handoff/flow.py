"""Helpers that drive the handoff as the two screens would."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import cv2
import numpy as np
from flask.testing import FlaskClient

from app.extensions import db
from app.handoff.models import HandoffToken
from tests.conftest import page_text, post

HX = {"HX-Request": "true"}


@dataclass(frozen=True)
class ShownCode:
    url: str  # what the QR code says
    path: str  # /h/<token>
    short_code: str
    token_id: int
    html: str


def decode_qr(png: bytes) -> str:
    """Read a QR code PNG with OpenCV's detector (real decoding, not the HTML)."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    # The ArUco-based detector reads our codes reliably; the classic one is the fallback.
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _points, _straight = detector.detectAndDecode(image)
        if text:
            return text
    raise AssertionError("no QR code found in the image")


def widget_code(html: str) -> ShownCode:
    """The QR link, short code and token id of the widget in ``html``."""
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, "no QR code image on the page"
    url = decode_qr(base64.b64decode(match.group(1)))
    code = re.search(r'class="handoff-code">([^<]+)<', html)
    token_id = re.search(r"/handoff/(\d+)/cancel", html)
    assert code and token_id
    return ShownCode(
        url=url,
        path=urlsplit(url).path,
        short_code=code.group(1),
        token_id=int(token_id.group(1)),
        html=html,
    )


_OFFER = re.compile(r'name="offer" value="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def offer_of(html: str) -> str:
    found = _OFFER.search(html)
    assert found, "the widget offers no code"
    return found.group(1)


def start(desktop: FlaskClient, html: str, *, here: bool = False, fragment: bool = True):
    """Press 显示二维码 (htmx sends it as the widget loads), or 在本机继续, on ``html``."""
    data = {"csrf_token": _CSRF.search(html).group(1), "offer": offer_of(html)}
    if here:
        data["here"] = "1"
    return desktop.post("/handoff/start", data=data, headers=HX if fragment else {})


def show_code(desktop: FlaskClient, path: str = "/handoff/demo") -> ShownCode:
    """Open the host page and let its widget issue a code, as the browser would."""
    response = desktop.get(path)
    assert response.status_code == 200
    html = page_text(response)
    if "data:image/png" not in html:
        started = start(desktop, html)
        assert started.status_code == 200 and "data:image/png" in page_text(started)
        html = page_text(desktop.get(path))  # the page again shows the code it issued
    return widget_code(html)


def renew_code(desktop: FlaskClient, token_id: int) -> ShownCode:
    """刷新二维码 on the computer: a new code for the task, the old one void."""
    renewed = post(desktop, f"/handoff/{token_id}/renew", headers=HX)
    assert renewed.status_code == 200
    return widget_code(page_text(renewed))


def status(desktop: FlaskClient, token_id: int, shown: str | None = None):
    query = f"?shown={shown}" if shown else ""
    return desktop.get(f"/handoff/{token_id}/status{query}", headers=HX)


def shown_number(desktop: FlaskClient, token_id: int) -> str:
    """The two-digit number the computer's status shows once the code is opened."""
    found = re.search(r'class="handoff-match">.*?(\d{2})</p>', page_text(status(desktop, token_id)))
    assert found, "the computer shows no number"
    return found.group(1)


def offered_numbers(html: str) -> list[str]:
    """The three numbers the phone's page offers, in order."""
    return re.findall(r'name="choice" value="(\d{2})"', html)


def scan(phone: FlaskClient, shown: ShownCode):
    """Open the QR link: on to the number page, whose response is returned."""
    opened = phone.get(shown.path)
    assert opened.status_code == 303, page_text(opened)
    assert opened.headers["Location"] == "/h/match"
    return phone.get("/h/match")


def tap(phone: FlaskClient, number: str):
    return post(phone, "/h/match", {"choice": number})


def right_number(token_id: int) -> str:
    token = db.session.get(HandoffToken, token_id)
    assert token is not None and token.match_number is not None
    return f"{token.match_number:02d}"


def wrong_number(html: str, right: str) -> str:
    return next(number for number in offered_numbers(html) if number != right)


def scan_and_confirm(phone: FlaskClient, shown: ShownCode):
    """Open the link and tap the number the computer shows (read from its record)."""
    page = scan(phone, shown)
    assert page.status_code == 200, page_text(page)
    right = right_number(shown.token_id)
    assert right in offered_numbers(page_text(page))
    return tap(phone, right)


def upload(phone: FlaskClient, token_id: int, image: bytes, name: str = "face.jpg"):
    return post(phone, f"/handoff/{token_id}/face", {"photo": (io.BytesIO(image), name)})
