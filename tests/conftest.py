"""Fixtures: an app on a clean database per test, a client, and helpers.

The database is ``TEST_DATABASE_URL`` (in-memory SQLite by default; PostgreSQL in
the CI pass). On a server database the schema is created once per session and every
table is emptied after each test.
"""

from __future__ import annotations

import html
import os
import re
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
_schema_ready = False
# Lines a test wants in the run's final summary (the route sweep's coverage, say).
SUMMARY_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if SUMMARY_LINES:
        terminalreporter.section("summary")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)


def _prepare_schema() -> None:
    global _schema_ready
    if TEST_DATABASE_URL.startswith("sqlite"):
        db.create_all()
        return
    if not _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready = True


def _empty_tables() -> None:
    db.session.remove()
    if TEST_DATABASE_URL.startswith("sqlite"):
        db.drop_all()
        return
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own ``g``
    (Flask-Login and CSRF caches) and its own database session. Afterwards the test's
    session is expired so it reads what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def redis_or_skip() -> str:
    """The Redis of ``TEST_REDIS_URL``, emptied; a skip that says why when there is none
    (a failure in CI, where ``.ci/run`` starts one and sets ``REQUIRE_TEST_REDIS``)."""
    problem = None
    if not TEST_REDIS_URL:
        problem = "no Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/0 (.ci/run starts one)"
    else:
        import redis

        try:
            redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).flushdb()
        except redis.RedisError as error:
            problem = f"Redis at TEST_REDIS_URL is not reachable: {error}"
    if problem:
        if os.environ.get("REQUIRE_TEST_REDIS"):
            pytest.fail(problem)
        pytest.skip(problem)
    return TEST_REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def rate_limit_storage(request) -> str:
    """Run a rate-limit test on per-process memory and on the Redis production uses."""
    return "memory://" if request.param == "memory" else redis_or_skip()


@pytest.fixture
def app(tmp_path, request) -> Iterator[Flask]:
    storage = "memory://"
    if "rate_limit_storage" in request.fixturenames:
        storage = request.getfixturevalue("rate_limit_storage")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SMS_GATEWAY": "memory",
            "UPLOAD_ROOT": str(tmp_path / "uploads"),
            "RATELIMIT_STORAGE_URI": storage,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def shared_app(tmp_path, request) -> Iterator[Flask]:
    """An app whose database several threads can really share: a SQLite file (in-memory
    SQLite is one connection), or the server database of the PostgreSQL pass."""
    if not TEST_DATABASE_URL.startswith("sqlite"):
        yield request.getfixturevalue("app")
        return
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.sqlite3'}",
            "SMS_GATEWAY": "memory",
            "UPLOAD_ROOT": str(tmp_path / "uploads"),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a rendered page."""
    html = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST with the session's CSRF token, as a browser form would."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def login(client: FlaskClient, phone: str, password: str):
    return post(client, "/auth/login", {"phone": phone, "password": password})


def page_text(response) -> str:
    return response.get_data(as_text=True)


_CONFIRM_FORM = re.compile(
    r'<section class="card card-warning"[^>]*>.*?<form method="post" action="([^"]+)">(.*?)</form>',
    re.S,
)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm(client: FlaskClient, response, **kwargs):
    """Press the main button of a confirmation page (templates/_confirm.html): POST its
    form, with its hidden fields, to its action."""
    assert response.status_code == 200, response.status_code
    match = _CONFIRM_FORM.search(page_text(response))
    assert match, "not a confirmation page"
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(match.group(2))}
    return client.post(html.unescape(match.group(1)), data=fields, **kwargs)


@pytest.fixture
def server_env(tmp_path) -> dict[str, str]:
    from tests.servers import production_env

    return production_env(tmp_path)


@pytest.fixture
def start_server(tmp_path):
    from tests.servers import server_starter

    yield from server_starter(tmp_path)


def race(app: Flask, calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` at the same moment, each in its own thread; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results[index] = calls[index]()
            except BaseException as error:  # reported in the test's thread
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return results
