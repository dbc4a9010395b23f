"""Sessions end on the server: a copy of the cookie kept from before is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.auth.models import LoginSession
from app.auth.roles import Role
from app.core.clock import utcnow
from app.extensions import db
from app.staff.accounts import update_staff_account
from tests.conftest import login, post
from tests.factories import PASSWORD, create_resident, create_staff

COOKIE = "anju_session"
NEW_PASSWORD = "newPass123"


def _saved(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def _replay(app, value: str):
    """A fresh browser that sends only the saved cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def _signed_in(client) -> bool:
    response = client.get("/auth/me")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _reasons(user_id: int) -> list[str | None]:
    return list(
        db.session.scalars(
            select(LoginSession.end_reason)
            .where(LoginSession.user_id == user_id)
            .order_by(LoginSession.id)
        )
    )


def test_a_cookie_saved_before_logout_is_refused_after_it(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    saved = _saved(client)
    assert _signed_in(_replay(app, saved))
    post(client, "/auth/logout")
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, saved))
    assert _reasons(user.id) == ["logout"]


def test_logout_ends_only_this_browser(app) -> None:
    user = create_resident()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.phone, PASSWORD)
    login(phone, user.phone, PASSWORD)
    post(laptop, "/auth/logout")
    assert not _signed_in(laptop)
    assert _signed_in(phone)


def test_password_change_ends_every_other_session_and_old_copies(app) -> None:
    user = create_resident()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.phone, PASSWORD)
    login(phone, user.phone, PASSWORD)
    laptop_copy, phone_copy = _saved(laptop), _saved(phone)
    response = post(
        phone,
        "/auth/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert _signed_in(phone)  # this device is signed in again, under a new session
    assert not _signed_in(laptop)
    assert not _signed_in(_replay(app, laptop_copy))
    assert not _signed_in(_replay(app, phone_copy))
    assert _reasons(user.id) == ["password", "password", None]


def test_a_new_staff_role_ends_every_session(app) -> None:
    admin = create_staff(Role.ADMIN)
    worker = create_staff(Role.STREET_REVIEWER)
    browser = app.test_client()
    login(browser, worker.phone, PASSWORD)
    saved = _saved(browser)
    update_staff_account(
        admin, worker, role=Role.DISTRICT_REVIEWER, district_id=None, street_id=None
    )
    assert not _signed_in(browser)
    assert not _signed_in(_replay(app, saved))
    assert _reasons(worker.id) == ["role"]


def test_the_absolute_limit_holds_on_the_server(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    assert _signed_in(client)
    nine_hours_ago = utcnow() - timedelta(hours=9)
    db.session.execute(update(LoginSession).values(created_at=nine_hours_ago))
    db.session.commit()
    # The cookie's own clock says "just signed in"; the server's record decides.
    assert not _signed_in(client)


def test_an_idle_timeout_ends_the_session_on_the_server(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    saved_before = _saved(client)
    with client.session_transaction() as session:
        session["last_seen_at"] = "2000-01-01T00:00:00"
    assert not _signed_in(client)
    assert _reasons(user.id) == ["timeout"]
    assert not _signed_in(_replay(app, saved_before))


def test_a_cookie_without_a_session_key_is_not_signed_in(app, client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    with client.session_transaction() as session:
        session.pop("sid")
    assert not _signed_in(client)
