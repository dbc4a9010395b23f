"""A code is used exactly once: concurrent requests on a database threads really share
(a SQLite file here, PostgreSQL in the CI pass)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.handoff.models import HandoffToken
from tests.conftest import csrf_token, login, race
from tests.factories import PASSWORD, create_resident
from tests.handoff.flow import right_number, scan, show_code, wrong_number

RACERS = 5


def _tapper(client: FlaskClient, number: str) -> Callable[[], tuple[int, str]]:
    data = {"csrf_token": csrf_token(client), "choice": number}

    def tap() -> tuple[int, str]:
        response = client.post("/h/match", data=data)
        return response.status_code, response.headers.get("Location", "")

    return tap


def _opened_events(token_id: int) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "handoff.opened", AuditEvent.subject_id == token_id
        )
    )


def _desktop(app: Flask):
    resident = create_resident(real_name="张小明")
    desktop = app.test_client()
    assert login(desktop, resident.phone, PASSWORD).status_code == 303
    return resident, desktop


def test_five_phones_tapping_the_right_number_at_once_give_one_grant(shared_app) -> None:
    _resident, desktop = _desktop(shared_app)
    shown = show_code(desktop)
    phones = [shared_app.test_client() for _ in range(RACERS)]
    for phone in phones:
        assert scan(phone, shown).status_code == 200
    right = right_number(shown.token_id)
    results = race(shared_app, [_tapper(phone, right) for phone in phones])
    face = f"/handoff/{shown.token_id}/face"
    assert sorted(results) == [(303, face)] + [(404, "")] * (RACERS - 1), results
    winners = [phone for phone, result in zip(phones, results, strict=True) if result[0] == 303]
    assert winners[0].get(face).status_code == 200
    for phone in phones:
        if phone is not winners[0]:
            assert phone.get(face).status_code == 404
    assert db.session.get(HandoffToken, shown.token_id).status == "opened"
    assert _opened_events(shown.token_id) == 1


def test_a_right_and_a_wrong_tap_at_once_never_both_win(shared_app) -> None:
    _resident, desktop = _desktop(shared_app)
    shown = show_code(desktop)
    honest, forwarded = shared_app.test_client(), shared_app.test_client()
    page = scan(honest, shown)
    scan(forwarded, shown)
    right = right_number(shown.token_id)
    wrong = wrong_number(page.get_data(as_text=True), right)
    results = race(shared_app, [_tapper(honest, right), _tapper(forwarded, wrong)])
    status = db.session.get(HandoffToken, shown.token_id).status
    codes = sorted(code for code, _location in results)
    if status == "opened":  # the right tap came first: the wrong one finds it used
        assert codes == [303, 404], results
        assert _opened_events(shown.token_id) == 1
    else:  # the wrong tap came first: it burns the code, the right one is too late
        assert status == "mismatched" and codes == [404, 409], results
        assert _opened_events(shown.token_id) == 0
        assert honest.get(f"/handoff/{shown.token_id}/face").status_code == 404


def test_five_browsers_continuing_in_place_at_once_give_one_grant(shared_app) -> None:
    resident, desktop = _desktop(shared_app)
    shown = show_code(desktop)
    browsers = [shared_app.test_client() for _ in range(RACERS)]
    for browser in browsers:
        assert login(browser, resident.phone, PASSWORD).status_code == 303

    def here(browser: FlaskClient) -> Callable[[], str]:
        data = {"csrf_token": csrf_token(browser)}
        return lambda: browser.post(f"/handoff/{shown.token_id}/here", data=data).headers.get(
            "Location", ""
        )

    locations = race(shared_app, [here(browser) for browser in browsers])
    face = f"/handoff/{shown.token_id}/face"
    assert locations.count(face) == 1, locations
    assert _opened_events(shown.token_id) == 1
