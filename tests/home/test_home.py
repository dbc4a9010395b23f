from __future__ import annotations

from app.extensions import db
from app.messages.services import post_message
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident, create_tenant


def test_signed_out_home_invites_to_sign_in(client) -> None:
    html = page_text(client.get("/"))
    assert "登录" in html and "注册" in html
    assert "常用服务" in html


def test_home_asks_for_real_name_first(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    assert "请完成实名认证" in page_text(client.get("/"))


def test_home_shows_renewal_window_and_unread_messages(client) -> None:
    tenant, _lease = create_tenant(lease_ends_in_days=45)
    post_message(tenant.id, category="系统", title="测试通知", body="内容")
    db.session.commit()
    login(client, tenant.phone, PASSWORD)
    html = page_text(client.get("/"))
    assert "租约即将到期，可以申请续约" in html
    assert "还有 45 天" in html
    assert "您有 1 条未读消息" in html
    assert "请完成实名认证" not in html


def test_home_shows_lease_outside_window(client) -> None:
    tenant, _lease = create_tenant(lease_ends_in_days=400)
    login(client, tenant.phone, PASSWORD)
    html = page_text(client.get("/"))
    assert "我的租约" in html and "续约申请将于" in html


def test_elder_mode_is_remembered_per_user(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    response = post(client, "/settings/elder-mode", {"enabled": "1", "next": "/auth/me"})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/me"
    assert '<html lang="zh-CN" class="elder">' in page_text(client.get("/"))
    other_device = app.test_client()
    login(other_device, user.phone, PASSWORD)
    assert 'class="elder"' in page_text(other_device.get("/"))
    post(client, "/settings/elder-mode", {"enabled": "0"})
    assert 'class="elder"' not in page_text(other_device.get("/"))


def test_elder_mode_works_signed_out_and_hides_the_grid(client) -> None:
    post(client, "/settings/elder-mode", {"enabled": "1", "next": "https://evil.example"})
    html = page_text(client.get("/"))
    assert 'class="elder"' in html
    assert "常用服务" not in html  # simplified home


def test_healthz_answers_plain_ok_without_a_session(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    assert "Set-Cookie" not in response.headers
