"""Registration with an SMS code: the happy path and every refusal."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import SmsCode, User
from app.extensions import db
from tests.conftest import page_text, post
from tests.factories import create_resident

PHONE = "13912345678"


def outbox(app):
    return app.extensions["sms_gateway"]


def start_registration(client, phone: str = PHONE):
    return post(client, "/auth/register", {"phone": phone})


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_register_with_code_creates_account_and_signs_in(app, client) -> None:
    response = start_registration(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/auth/register/verify")
    code = outbox(app).last_code_for(PHONE)
    assert code and len(code) == 6

    response = post(
        client,
        "/auth/register/verify",
        {"code": code, "password": "abc12345", "password_confirm": "abc12345"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/auth/real-name")
    user = db.session.scalar(select(User).where(User.phone == PHONE))
    assert user is not None and user.password_hash != "abc12345"
    assert "未认证" in page_text(client.get("/auth/me"))


def test_code_is_stored_hashed_and_expires_in_five_minutes(app, client) -> None:
    start_registration(client)
    stored = db.session.scalar(select(SmsCode))
    code = outbox(app).last_code_for(PHONE)
    assert code not in stored.code_hash
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


def test_wrong_code_is_refused_and_nothing_saved(app, client) -> None:
    start_registration(client)
    real = outbox(app).last_code_for(PHONE)
    wrong = "000000" if real != "000000" else "111111"
    response = post(
        client,
        "/auth/register/verify",
        {"code": wrong, "password": "abc12345", "password_confirm": "abc12345"},
    )
    html = page_text(response)
    assert response.status_code == 200
    assert "验证码不正确" in html
    assert f'value="{wrong}"' in html  # what the user typed is kept
    assert user_count() == 0


def test_expired_code_is_refused(app, client) -> None:
    start_registration(client)
    code = outbox(app).last_code_for(PHONE)
    stored = db.session.scalar(select(SmsCode))
    stored.expires_at = stored.created_at - timedelta(seconds=1)
    db.session.commit()
    response = post(
        client,
        "/auth/register/verify",
        {"code": code, "password": "abc12345", "password_confirm": "abc12345"},
    )
    assert "验证码已过期" in page_text(response)
    assert user_count() == 0


def test_too_many_wrong_codes_lock_the_code(app, client) -> None:
    start_registration(client)
    code = outbox(app).last_code_for(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["SMS_MAX_ATTEMPTS"]):
        post(
            client,
            "/auth/register/verify",
            {"code": wrong, "password": "abc12345", "password_confirm": "abc12345"},
        )
    response = post(
        client,
        "/auth/register/verify",
        {"code": code, "password": "abc12345", "password_confirm": "abc12345"},
    )
    assert "错误次数过多" in page_text(response)
    assert user_count() == 0


def test_resend_is_rate_limited(app, client) -> None:
    start_registration(client)
    response = post(client, "/auth/register/resend", follow_redirects=True)
    assert "发送过于频繁" in page_text(response)
    assert len(outbox(app).outbox) == 1


def test_hourly_limit(app, client) -> None:
    app.config["SMS_RESEND_INTERVAL"] = timedelta(0)
    app.config["REGISTER_RATE_LIMIT"] = "100 per minute"  # the per-phone limit is tested
    for _ in range(app.config["SMS_MAX_PER_HOUR"]):
        assert start_registration(client).status_code == 303
    response = start_registration(client)
    assert "次数已达上限" in page_text(response)


def _answers_for(app, phone: str) -> tuple[int, str, str, str]:
    """What a stranger sees: the first step's answer, where it leads, and the verify page
    after a guessed code (the CSRF token and the masked number aside)."""
    client = app.test_client()
    first = start_registration(client, phone)
    landing = client.get(first.headers.get("Location", "/auth/register"))
    guess = post(
        client,
        "/auth/register/verify",
        {"code": "123456", "password": "abc12345", "password_confirm": "abc12345"},
    )

    def plain(response) -> str:
        text = re.sub(r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", page_text(response))
        return text.replace(phone[-4:], "####")

    return first.status_code, first.headers.get("Location", ""), plain(landing), plain(guess)


def test_registration_does_not_tell_whether_a_phone_has_an_account(app) -> None:
    create_resident(PHONE)
    taken = _answers_for(app, PHONE)
    free = _answers_for(app, "13912340000")
    assert taken == free
    assert taken[0] == 303 and "验证码已发送" in taken[2]
    assert "验证码不正确" in taken[3] and "已注册" not in taken[3]
    assert user_count() == 1


def test_a_registered_phone_gets_a_notice_and_no_code(app, client) -> None:
    create_resident(PHONE)
    start_registration(client)
    [(phone, text)] = outbox(app).outbox
    assert phone == PHONE and "本号码已注册" in text and "请直接登录" in text
    assert not outbox(app).last_code_for(PHONE)  # no digits at all
    # The phone's send limits count the notice like a code.
    again = post(client, "/auth/register/resend", follow_redirects=True)
    assert "发送过于频繁" in page_text(again)
    assert db.session.scalar(select(func.count(SmsCode.id))) == 1


def test_invalid_phone_shows_error_next_to_field(client) -> None:
    response = start_registration(client, "12345")
    html = page_text(response)
    assert "请输入正确的11位手机号码" in html
    assert 'aria-invalid="true"' in html
    assert 'href="#phone"' in html  # error summary links to the field
    assert 'value="12345"' in html


def test_weak_or_mismatched_password_keeps_code_unused(app, client) -> None:
    start_registration(client)
    code = outbox(app).last_code_for(PHONE)
    response = post(
        client,
        "/auth/register/verify",
        {"code": code, "password": "abcdefgh", "password_confirm": "abcdefgx"},
    )
    html = page_text(response)
    assert "须同时包含字母和数字" in html
    assert "两次输入的密码不一致" in html
    assert user_count() == 0
    # the same code still works once the password is fixed
    response = post(
        client,
        "/auth/register/verify",
        {"code": code, "password": "abc12345", "password_confirm": "abc12345"},
    )
    assert response.status_code == 303
    assert user_count() == 1


def test_verify_without_pending_phone_goes_back_to_step_one(client) -> None:
    response = client.get("/auth/register/verify")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/auth/register")


def test_one_address_may_not_text_many_phones(app, client, rate_limit_storage) -> None:
    """A registration for a taken number texts its owner: per address, registration and
    resend share one limit on top of the per-phone ones."""
    app.config["REGISTER_RATE_LIMIT"] = "5 per minute"
    statuses = [start_registration(client, f"1391234{n:04d}").status_code for n in range(5)]
    assert statuses == [303] * 5
    refused = start_registration(client, "13912349999")
    assert refused.status_code == 429 and "操作过于频繁" in page_text(refused)
    assert post(client, "/auth/register/resend").status_code == 429
    assert len(outbox(app).outbox) == 5
