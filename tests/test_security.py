"""Security headers, CSRF, and the shape of every response."""

from __future__ import annotations

from tests.conftest import csrf_token, login, page_text, post
from tests.factories import PASSWORD, create_resident


def test_strict_security_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_or_third_party_origins(client) -> None:
    html = page_text(client.get("/"))
    assert "<script>" not in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_post_without_csrf_token_is_refused_in_chinese(client) -> None:
    response = client.post("/auth/register", data={"phone": "13912345678"})
    assert response.status_code == 400
    assert "页面已过期" in page_text(response)


def test_htmx_request_with_csrf_header_is_accepted(client) -> None:
    token = csrf_token(client)
    response = client.post(
        "/auth/register",
        data={"phone": "123"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "请输入正确的11位手机号码" in page_text(response)


def test_htmx_fragment_is_only_the_form_block(client) -> None:
    token = csrf_token(client)
    response = client.post(
        "/auth/register",
        data={"phone": "123"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    html = page_text(response)
    assert "<html" not in html and 'id="register-form"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_request_gets_the_full_page(client) -> None:
    response = client.get("/auth/login", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in page_text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_flags(client) -> None:
    user = create_resident()
    response = login(client, user.phone, PASSWORD)
    cookie = next(
        v for k, v in response.headers.items() if k == "Set-Cookie" and "anju_session" in v
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch) -> None:
    import pytest

    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch) -> None:
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SHOW_SMS_CODE_ON_SCREEN"] is False


def test_unknown_page_is_a_chinese_404(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in page_text(response)


def test_oversized_upload_is_a_chinese_413(app, client) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post(client, "/auth/register", {"phone": "1" * 5000})
    assert response.status_code == 413
    assert "文件过大" in page_text(response)
