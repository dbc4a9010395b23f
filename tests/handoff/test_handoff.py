"""Desktop to phone: the QR code, the one-time token and the phone's scoped grant."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import session
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.extensions import db
from app.handoff import grants, services
from app.handoff.models import HandoffToken
from app.handoff.purposes import DEMO_IDENTITY, RENEWAL_SIGN
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident
from tests.handoff import samples
from tests.handoff.flow import (
    HX,
    offer_of,
    offered_numbers,
    right_number,
    scan,
    scan_and_confirm,
    show_code,
    shown_number,
    start,
    status,
    tap,
    upload,
    widget_code,
    wrong_number,
)

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def token_row(token_id: int) -> HandoffToken:
    token = db.session.get(HandoffToken, token_id)
    assert token is not None
    return token


def expire(token_id: int) -> None:
    token_row(token_id).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_desktop_shows_a_qr_code_of_a_one_time_link_and_a_short_code(desktop, resident) -> None:
    response = desktop.get("/handoff/demo")
    assert response.headers["Cache-Control"] == "no-store"
    shown = show_code(desktop)
    assert shown.url.startswith("http://localhost/h/")
    token = shown.path.removeprefix("/h/")
    assert len(token) >= 22  # >= 128 bits in URL-safe base64
    assert len(shown.short_code) == 9 and shown.short_code[4] == "-"
    row = token_row(shown.token_id)
    assert row.user_id == resident.id
    assert (row.purpose, row.object_id) == (DEMO_IDENTITY, resident.id)
    assert token not in (row.token_hash, row.short_code_hash)
    assert row.expires_at - row.created_at == timedelta(minutes=5)
    assert "张*明" in shown.html and "人脸识别体验" in shown.html
    assert "张小明" not in shown.html
    assert "人工核验" in shown.html and "0792-8136274" in shown.html
    assert 'hx-trigger="every 2s"' in shown.html


def test_widget_needs_a_signed_in_user(client) -> None:
    response = client.get("/handoff/demo")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_phone_sees_who_and_what_taps_the_number_and_the_token_works_once(desktop, phone) -> None:
    shown = show_code(desktop)
    assert status(desktop, shown.token_id).status_code == 200  # no number before the scan
    assert "handoff-match" not in page_text(status(desktop, shown.token_id))
    opened = phone.get(shown.path)
    assert opened.status_code == 303 and opened.headers["Location"] == "/h/match"
    page = phone.get("/h/match")
    assert page.status_code == 200
    text = page_text(page)
    assert "张*明" in text and "人脸识别体验" in text and "张小明" not in text
    assert page.headers["Cache-Control"] == "no-store"
    numbers = offered_numbers(text)
    assert len(numbers) == 3 and len(set(numbers)) == 3
    right = shown_number(desktop, shown.token_id)
    assert right in numbers

    redeemed = tap(phone, right)
    assert redeemed.status_code == 303
    assert redeemed.headers["Location"] == f"/handoff/{shown.token_id}/face"
    face = phone.get(f"/handoff/{shown.token_id}/face")
    assert face.status_code == 200
    assert 'capture="user"' in page_text(face) and 'accept="image/*"' in page_text(face)
    assert "请在手机上继续" in page_text(status(desktop, shown.token_id))

    again = tap(phone, right)
    assert again.status_code == 404 and "张*明" not in page_text(again)
    assert phone.get(shown.path).status_code == 404
    other_phone = desktop.application.test_client()
    assert other_phone.get(shown.path).status_code == 404
    assert other_phone.get("/h/match").status_code == 404
    assert tap(other_phone, right).status_code == 404


def test_a_wrong_tap_burns_the_code_and_the_computer_says_so(desktop, phone) -> None:
    shown = show_code(desktop)
    page = scan(phone, shown)
    right = shown_number(desktop, shown.token_id)
    refused = tap(phone, wrong_number(page_text(page), right))
    assert refused.status_code == 409
    assert "数字不一致，二维码已作废" in page_text(refused)
    assert token_row(shown.token_id).status == "mismatched"
    # The right number no longer helps, on this phone or any other.
    assert tap(phone, right).status_code == 404
    assert phone.get(shown.path).status_code == 404
    assert "验证码不正确或已过期" in page_text(post(phone, "/h", {"code": shown.short_code}))
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 404
    computer = status(desktop, shown.token_id, shown="scanned")
    assert computer.status_code == 286  # final: polling stops
    assert "点选的数字不对，二维码已作废" in page_text(computer)
    assert "刷新二维码" in page_text(computer)
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == shown.token_id)
    ).all()
    assert "handoff.mismatched" in events and "handoff.opened" not in events


def test_a_tap_that_is_not_a_number_burns_nothing(desktop, phone) -> None:
    shown = show_code(desktop)
    scan(phone, shown)
    for bad in ("", "1", "100", "٣٧", "3e1", "09", "abc", "-12", "9" * 400):
        response = tap(phone, bad)
        assert response.status_code == 400, bad
        assert "请点选电脑屏幕上显示的那个数字" in page_text(response)
    assert token_row(shown.token_id).status == "pending"
    assert tap(phone, right_number(shown.token_id)).status_code == 303


def test_expired_token_is_refused_and_gives_no_data(desktop, phone) -> None:
    shown = show_code(desktop)
    expire(shown.token_id)
    response = phone.get(shown.path)
    assert response.status_code == 404
    assert "二维码已失效" in page_text(response) and "张*明" not in page_text(response)
    assert phone.get("/h/match").status_code == 404
    typed = post(phone, "/h", {"code": shown.short_code})
    assert "验证码不正确或已过期" in page_text(typed)
    assert token_row(shown.token_id).redeemed_at is None


def test_expiry_after_redeeming_ends_the_phone_grant(desktop, phone) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 200
    expire(shown.token_id)
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 404
    assert upload(phone, shown.token_id, samples.face_jpeg()).status_code == 404


def test_cancelled_token_is_refused_and_ends_a_grant(desktop, phone) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    cancelled = post(desktop, f"/handoff/{shown.token_id}/cancel", headers=HX)
    assert cancelled.status_code == 200
    assert "已取消" in page_text(cancelled) and "刷新二维码" in page_text(cancelled)
    assert "<html" not in page_text(cancelled)
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 404

    second = show_code(desktop)
    post(desktop, f"/handoff/{second.token_id}/cancel")
    assert phone.get(second.path).status_code == 404
    assert "验证码不正确或已过期" in page_text(post(phone, "/h", {"code": second.short_code}))


def test_a_new_code_voids_the_old_one(desktop, phone) -> None:
    first = show_code(desktop)
    renewed = post(desktop, f"/handoff/{first.token_id}/renew", headers=HX)
    assert renewed.status_code == 200
    second = widget_code(page_text(renewed))
    assert second.path != first.path and second.token_id != first.token_id
    assert phone.get(first.path).status_code == 404
    again = show_code(desktop)  # the host page again (refresh, 返回): the same code
    assert (again.token_id, again.path) == (second.token_id, second.path)
    assert token_row(first.token_id).status == "replaced"
    assert token_row(second.token_id).status == "pending"
    assert phone.get(second.path).status_code == 303


def test_another_browser_is_offered_a_new_code_that_voids_the_first(app, desktop, resident):
    first = show_code(desktop)
    laptop = app.test_client()
    login(laptop, resident.phone, PASSWORD)
    page = page_text(laptop.get("/handoff/demo"))
    assert "data:image/png" not in page and "显示二维码" in page  # the raw token stays put
    assert token_row(first.token_id).status == "pending"  # looking voids nothing
    second = widget_code(page_text(start(laptop, page)))
    assert second.token_id != first.token_id
    assert token_row(first.token_id).status == "replaced"


def test_a_forged_or_foreign_offer_issues_nothing(app, desktop, resident) -> None:
    page = page_text(desktop.get("/handoff/demo"))
    other = create_resident(real_name="李四")
    intruder = app.test_client()
    login(intruder, other.phone, PASSWORD)
    foreign = post(intruder, "/handoff/start", {"offer": offer_of(page)})
    forged = post(desktop, "/handoff/start", {"offer": offer_of(page)[:-2] + "xx"})
    for refused in (foreign, forged):
        assert refused.status_code == 303 and refused.headers["Location"] == "/"
    assert db.session.scalar(select(func.count(HandoffToken.id))) == 0


def test_another_users_token_is_refused_and_gives_no_data(app, desktop, resident) -> None:
    shown = show_code(desktop)
    other = create_resident(real_name="李四")
    intruder = app.test_client()
    login(intruder, other.phone, PASSWORD)
    for response in (
        intruder.get(f"/handoff/{shown.token_id}/status", headers=HX),
        intruder.get(f"/handoff/{shown.token_id}/status"),
        post(intruder, f"/handoff/{shown.token_id}/cancel", headers=HX),
        post(intruder, f"/handoff/{shown.token_id}/renew", headers=HX),
        post(intruder, f"/handoff/{shown.token_id}/here"),
    ):
        assert response.status_code == 404
        assert "张*明" not in page_text(response)
        assert "人脸识别体验" not in page_text(response)
    # Signed in as someone else, the link itself is refused without naming anyone.
    refused = intruder.get(shown.path)
    assert refused.status_code == 403
    assert "张*明" not in page_text(refused) and "人脸识别体验" not in page_text(refused)
    assert intruder.get("/h/match").status_code == 404
    typed = post(intruder, "/h", {"code": shown.short_code})
    assert "不属于当前登录的账号" in page_text(typed) and "张*明" not in page_text(typed)
    row = token_row(shown.token_id)
    assert row.status == "pending" and row.redeemed_at is None and row.scanned_at is None


def test_grant_reaches_only_the_face_step_of_that_task(app, desktop, phone, resident) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    for path in ("/auth/me", "/messages/", "/handoff/demo", "/handoff/demo/result"):
        response = phone.get(path)
        assert response.status_code == 302, path
        assert "/auth/login" in response.headers["Location"]
    # Another task of the same user: a new token the phone holds no grant for.
    started = services.start_handoff(
        resident, RENEWAL_SIGN, 42, continue_url="/", return_url="/handoff/demo"
    )
    assert phone.get(f"/handoff/{started.token.id}/face").status_code == 404
    assert upload(phone, started.token.id, samples.face_jpeg()).status_code == 404
    assert phone.get(f"/handoff/{shown.token_id}/done").status_code == 404  # not finished yet
    assert phone.get(f"/handoff/{shown.token_id}/status").status_code == 200  # signed-out notice
    assert "登录已超时" in page_text(phone.get(f"/handoff/{shown.token_id}/status"))


def test_active_grant_names_exactly_one_task(app, resident) -> None:
    started = services.start_handoff(
        resident, DEMO_IDENTITY, 7, continue_url="/", return_url="/handoff/demo"
    )
    with app.test_request_context("/h"):
        assert grants.active_grant(DEMO_IDENTITY, 7) is None
        assert grants.tap_number(started.token, started.token.match_number) is grants.Tap.MATCHED
        grant = grants.active_grant(DEMO_IDENTITY, 7)
        assert grant is not None and grant.user_id == resident.id
        assert grants.active_grant(DEMO_IDENTITY, 8) is None
        assert grants.active_grant(RENEWAL_SIGN, 7) is None
        session[grants.GRANT_KEY] = {**session[grants.GRANT_KEY], "object_id": 8}
        assert grants.active_grant(DEMO_IDENTITY, 8) is None  # the token says 7


def test_password_change_ends_phone_grants(app, desktop, phone, resident) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    resident.session_version += 1
    db.session.commit()
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 404


def test_status_fragment_goes_waiting_scanned_completed_and_stops_polling(desktop, phone) -> None:
    shown = show_code(desktop)
    waiting = status(desktop, shown.token_id)
    assert waiting.status_code == 200 and "等待扫码" in page_text(waiting)
    assert 'hx-trigger="every 2s"' in page_text(waiting)
    assert "<html" not in page_text(waiting) and len(waiting.data) < 1024
    assert waiting.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in waiting.headers["Vary"]
    unchanged = status(desktop, shown.token_id, shown="waiting")
    assert unchanged.status_code == 204 and unchanged.data == b""

    phone.get(shown.path)  # opening the link is enough to show 已扫码
    scanned = status(desktop, shown.token_id, shown="waiting")
    assert scanned.status_code == 200 and "已扫码，请在手机上点选" in page_text(scanned)
    assert len(scanned.data) < 1024
    assert status(desktop, shown.token_id, shown="scanned").status_code == 204
    tap(phone, shown_number(desktop, shown.token_id))
    opened = status(desktop, shown.token_id, shown="scanned")
    assert opened.status_code == 200 and "请在手机上继续" in page_text(opened)
    assert "handoff-match" not in page_text(opened)  # the number has done its job
    assert status(desktop, shown.token_id, shown="opened").status_code == 204

    assert upload(phone, shown.token_id, samples.face_jpeg()).status_code == 303
    done = status(desktop, shown.token_id, shown="opened")
    assert done.status_code == 286
    text = page_text(done)
    assert "已完成" in text and 'href="/handoff/demo/result"' in text and "继续" in text
    assert "hx-trigger" not in text and len(done.data) < 1024


def test_status_fragment_when_expired_offers_a_new_code_and_stops(desktop) -> None:
    shown = show_code(desktop)
    expire(shown.token_id)
    response = status(desktop, shown.token_id, shown="waiting")
    assert response.status_code == 286
    text = page_text(response)
    assert "已过期" in text and "刷新二维码" in text and "hx-trigger" not in text
    assert f'hx-post="/handoff/{shown.token_id}/renew"' in text
    assert len(response.data) < 1024


def test_status_fragment_when_cancelled_stops(desktop) -> None:
    shown = show_code(desktop)
    post(desktop, f"/handoff/{shown.token_id}/cancel", headers=HX)
    response = status(desktop, shown.token_id)
    assert response.status_code == 286 and "已取消" in page_text(response)


def test_status_page_without_javascript(desktop) -> None:
    shown = show_code(desktop)
    page = desktop.get(f"/handoff/{shown.token_id}/status")
    assert page.status_code == 200 and "<html" in page_text(page) and "等待扫码" in page_text(page)
    cancelled = post(desktop, f"/handoff/{shown.token_id}/cancel")
    assert cancelled.status_code == 303
    assert cancelled.headers["Location"] == f"/handoff/{shown.token_id}/status"
    renewed = post(desktop, f"/handoff/{shown.token_id}/renew")
    assert renewed.status_code == 303 and renewed.headers["Location"] == "/handoff/demo"


def test_polling_after_sign_out_stops(desktop) -> None:
    shown = show_code(desktop)
    post(desktop, "/auth/logout")
    response = status(desktop, shown.token_id, shown="waiting")
    assert response.status_code == 286 and "重新登录" in page_text(response)


def test_short_code_typed_on_the_phone(desktop, phone) -> None:
    shown = show_code(desktop)
    form = phone.get("/h")
    assert form.status_code == 200 and "验证码" in page_text(form)
    wrong = post(phone, "/h", {"code": "0000-0000"})
    assert wrong.status_code == 200 and "验证码不正确或已过期" in page_text(wrong)
    typed = post(phone, "/h", {"code": shown.short_code.lower().replace("-", " ")})
    assert typed.status_code == 303
    assert typed.headers["Location"] == "/h/match"  # the number to match, as for a scan
    assert "张*明" in page_text(phone.get("/h/match"))
    assert "已扫码" in page_text(status(desktop, shown.token_id))
    tapped = tap(phone, shown_number(desktop, shown.token_id))
    assert tapped.headers["Location"] == f"/handoff/{shown.token_id}/face"
    assert "张*明" in page_text(phone.get(tapped.headers["Location"]))
    assert "验证码不正确或已过期" in page_text(post(phone, "/h", {"code": shown.short_code}))


def test_on_a_phone_already_continue_in_place(app, resident) -> None:
    mobile = app.test_client()
    mobile.environ_base["HTTP_USER_AGENT"] = IPHONE
    login(mobile, resident.phone, PASSWORD)
    page = mobile.get("/handoff/demo")
    text = page_text(page)
    assert "data:image/png" not in text and "在本机继续" in text and "显示二维码" not in text
    moved = start(mobile, text, here=True, fragment=False)
    found = re.fullmatch(r"/handoff/(\d+)/face", moved.headers["Location"])
    assert found
    token_id = int(found.group(1))
    assert mobile.get("/auth/me").status_code == 200  # still the normal signed-in session
    passed = upload(mobile, token_id, samples.face_jpeg())
    assert passed.status_code == 303 and passed.headers["Location"] == "/handoff/demo/result"
    result = page_text(mobile.get("/handoff/demo/result"))
    assert "人脸识别已通过" in result and "已删除，仅保留校验值" in result


def test_desktop_can_always_continue_in_place(desktop) -> None:
    shown = show_code(desktop)
    assert "在本机继续" in shown.html
    moved = post(desktop, f"/handoff/{shown.token_id}/here")
    assert moved.headers["Location"] == f"/handoff/{shown.token_id}/face"
    assert token_row(shown.token_id).redeemed_in_place


def test_handoff_steps_are_audited(desktop, phone, resident) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    upload(phone, shown.token_id, samples.face_jpeg())
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == resident.id)
    ).all()
    for action in (
        "handoff.created",
        "handoff.scanned",
        "handoff.opened",
        "face.passed",
        "handoff.completed",
    ):
        assert action in actions
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.ip.is_not(None)))
    assert count and count >= 3


def test_typing_codes_is_rate_limited(phone, rate_limit_storage) -> None:
    for _ in range(10):
        assert post(phone, "/h", {"code": "0000-0000"}).status_code == 200
    limited = post(phone, "/h", {"code": "0000-0000"})
    assert limited.status_code == 429 and "操作过于频繁" in page_text(limited)


def test_signing_out_on_the_computer_ends_the_phone_grant(desktop, phone) -> None:
    shown = show_code(desktop)
    scan_and_confirm(phone, shown)
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 200
    post(desktop, "/auth/logout")
    assert phone.get(f"/handoff/{shown.token_id}/face").status_code == 404
    assert upload(phone, shown.token_id, samples.face_jpeg()).status_code == 404


def test_signing_out_on_the_computer_ends_its_code(desktop, phone) -> None:
    shown = show_code(desktop)
    post(desktop, "/auth/logout")
    assert phone.get(shown.path).status_code == 404
    typed = post(phone, "/h", {"code": shown.short_code})
    assert "验证码不正确或已过期" in page_text(typed)


def test_a_code_opened_before_the_computer_signs_out_cannot_be_tapped(desktop, phone) -> None:
    shown = show_code(desktop)
    scan(phone, shown)
    post(desktop, "/auth/logout")
    assert tap(phone, right_number(shown.token_id)).status_code == 404
    assert token_row(shown.token_id).redeemed_at is None


def test_an_offer_from_an_ended_sign_in_issues_nothing(app, desktop, resident) -> None:
    page = page_text(desktop.get("/handoff/demo"))
    post(desktop, "/auth/logout")
    login(desktop, resident.phone, PASSWORD)
    stale = post(desktop, "/handoff/start", {"offer": offer_of(page)})
    assert stale.status_code == 303 and stale.headers["Location"] == "/"
    htmx = post(desktop, "/handoff/start", {"offer": offer_of(page)}, headers=HX)
    assert htmx.status_code == 204 and htmx.headers["HX-Refresh"] == "true"
    assert db.session.scalar(select(func.count(HandoffToken.id))) == 0
    fresh = page_text(desktop.get("/handoff/demo"))
    assert start(desktop, fresh).status_code == 200  # the page's new offer works
