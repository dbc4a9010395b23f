from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident, valid_id_number


def test_login_and_logout(client) -> None:
    user = create_resident()
    response = login(client, user.phone, PASSWORD)
    assert response.status_code == 303
    assert "退出登录" in page_text(client.get("/auth/me"))
    post(client, "/auth/logout")
    assert client.get("/auth/me").status_code == 302


def test_wrong_password_is_one_message_for_both_fields(client) -> None:
    user = create_resident()
    response = login(client, user.phone, "wrong-pass1")
    html = page_text(response)
    assert "手机号码或密码不正确" in html
    assert f'value="{user.phone}"' in html


def test_login_is_rate_limited(client, rate_limit_storage) -> None:
    user = create_resident()
    statuses = [login(client, user.phone, "wrong-pass1").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "操作过于频繁" in page_text(login(client, user.phone, PASSWORD))


def test_login_next_only_follows_local_paths(client) -> None:
    user = create_resident()
    token_page = client.get("/auth/login")
    assert token_page.status_code == 200
    response = post(
        client,
        "/auth/login?next=https://evil.example/x",
        {"phone": user.phone, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    post(client, "/auth/logout")
    response = post(
        client, "/auth/login?next=/messages/", {"phone": user.phone, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/messages/"


def test_login_starts_a_new_session(client) -> None:
    user = create_resident()
    client.get("/")
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    login(client, user.phone, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_real_name_binding_masks_and_encrypts_id(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    number = valid_id_number()
    response = post(client, "/auth/real-name", {"real_name": "张小明", "id_number": number})
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.id_number_encrypted and number not in stored.id_number_encrypted
    assert app.extensions["pii_vault"].decrypt(stored.id_number_encrypted) == number
    assert stored.birth_date.isoformat() == "1990-01-01"
    html = page_text(client.get("/auth/me"))
    assert "3604**********" + number[-4:] in html
    assert number not in html
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert "account.real_name_bound" in list(events)


def test_real_name_bad_check_digit(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    number = valid_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = post(client, "/auth/real-name", {"real_name": "张小明", "id_number": wrong})
    html = page_text(response)
    assert "校验位不正确" in html
    assert f'value="{wrong}"' in html
    assert db.session.get(User, user.id).real_name is None


def test_real_name_refuses_id_bound_to_another_account(client) -> None:
    create_resident(real_name="李华")  # serial derived from id → takes valid_id_number(serial)
    other = db.session.scalar(select(User).where(User.real_name == "李华"))
    taken_number = client.application.extensions["pii_vault"].decrypt(other.id_number_encrypted)
    user = create_resident()
    login(client, user.phone, PASSWORD)
    response = post(client, "/auth/real-name", {"real_name": "王五", "id_number": taken_number})
    assert "已绑定其他账号" in page_text(response)
    assert db.session.get(User, user.id).real_name is None


def test_real_name_rejects_non_chinese_name(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    response = post(client, "/auth/real-name", {"real_name": "abc", "id_number": valid_id_number()})
    assert "姓名应为2到20个汉字" in page_text(response)


def test_password_change_signs_out_other_devices(app) -> None:
    user = create_resident()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.phone, PASSWORD)
    login(phone, user.phone, PASSWORD)
    response = post(
        phone,
        "/auth/password",
        {
            "current_password": PASSWORD,
            "password": "newPass123",
            "password_confirm": "newPass123",
        },
    )
    assert response.status_code == 303
    assert phone.get("/auth/me").status_code == 200
    assert laptop.get("/auth/me").status_code == 302


def test_password_change_wrong_current(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    response = post(
        client,
        "/auth/password",
        {
            "current_password": "nope12345",
            "password": "newPass123",
            "password_confirm": "newPass123",
        },
    )
    assert "当前密码不正确" in page_text(response)


def test_activity_is_recorded_by_the_minute_without_resending_the_cookie(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    client.get("/auth/me")
    quiet = client.get("/auth/me")
    assert quiet.status_code == 200
    assert "Set-Cookie" not in quiet.headers
    with client.session_transaction() as session:
        session["last_seen_at"] = (utcnow() - timedelta(minutes=2)).isoformat()
    active = client.get("/auth/me")
    assert "anju_session=" in active.headers["Set-Cookie"]
    with client.session_transaction() as session:
        seen = datetime.fromisoformat(session["last_seen_at"])
    assert utcnow() - seen < timedelta(seconds=30)


def test_idle_session_times_out(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    with client.session_transaction() as session:
        session["last_seen_at"] = "2000-01-01T00:00:00"
    response = client.get("/auth/me")
    assert response.status_code == 302
    assert "自动退出" in page_text(client.get("/"))


def test_an_unknown_phone_costs_the_same_password_check(app, monkeypatch) -> None:
    """Sign-in answers alike for an unknown phone and a wrong password, in words and in
    work: both run one password hash check, so timing does not tell them apart."""
    from app.auth import services

    user = create_resident()
    checked: list[str] = []
    real_check = services.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$", 1)[0])
        return real_check(stored, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    assert services.authenticate("13999999999", PASSWORD) is None
    assert services.authenticate(user.phone, "wrong-pass1") is None
    assert services.authenticate(user.phone, PASSWORD) == user
    assert len(checked) == 3 and len(set(checked)) == 1  # the same hash method each time


def test_sign_in_errors_do_not_tell_whether_the_phone_has_an_account(client) -> None:
    user = create_resident()

    def answer(phone: str) -> str:
        html = page_text(login(client, phone, "wrong-pass1"))
        html = re.sub(r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", html)
        return html.replace(phone, "PHONE")

    assert answer(user.phone) == answer("13999999999")
