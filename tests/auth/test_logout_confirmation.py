"""退出登录 is confirmed on its own page (no pop-up): the page signs nobody out, its
button does."""

from __future__ import annotations

from tests.conftest import confirm, login, page_text
from tests.factories import PASSWORD, create_resident


def test_logout_is_confirmed_on_its_own_page(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    account = page_text(client.get("/auth/me"))
    assert 'href="/auth/logout"' in account and "hx-confirm" not in account

    page = client.get("/auth/logout")
    html = page_text(page)
    assert "确定要退出登录吗？" in html and 'href="/auth/me"' in html
    assert client.get("/auth/me").status_code == 200  # still signed in

    response = confirm(client, page)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/auth/me").status_code == 302


def test_signed_out_the_logout_page_goes_home(client) -> None:
    response = client.get("/auth/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/"
