"""Production defaults: shared rate limits (refused in memory, failing closed when Redis
is down, holding across two gunicorn workers) and HSTS."""

from __future__ import annotations

import http.client
import re
import subprocess

import pytest

from app import create_app
from app.config import production_problems
from tests.conftest import login, page_text, post, redis_or_skip
from tests.factories import PASSWORD, create_resident
from tests.servers import REPO_ROOT, VENV_BIN, free_port, gunicorn_command

PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "x" * 32, "HSTS_MAX_AGE": 31536000}


def _closed_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"RATELIMIT_STORAGE_URI": "memory://"}, True),
        ({"RATELIMIT_STORAGE_URI": ""}, True),
        ({"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ALLOW_MEMORY": True}, False),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, False),
    ],
)
def test_production_refuses_per_process_rate_limits(settings, refused) -> None:
    problems = production_problems({**PRODUCTION, **settings})
    assert bool(problems) is refused
    config = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://", **settings}
    if refused:
        assert "RATELIMIT_STORAGE_URI" in problems[0] and "RATELIMIT_ALLOW_MEMORY" in problems[0]
        with pytest.raises(RuntimeError, match="RATELIMIT_ALLOW_MEMORY"):
            create_app(config)
    else:
        assert create_app(config).config["ENV_NAME"] == "production"


def test_testing_and_development_may_count_in_memory() -> None:
    app = create_app({"RATELIMIT_STORAGE_URI": "memory://"})
    assert app.config["ENV_NAME"] == "testing"


def test_a_production_process_without_shared_limits_will_not_start(server_env) -> None:
    env = {key: value for key, value in server_env.items() if key != "RATELIMIT_ALLOW_MEMORY"}
    finished = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(VENV_BIN / "flask"), "--app", "app", "routes"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode != 0
    assert (
        "RATELIMIT_STORAGE_URI" in finished.stderr and "RATELIMIT_ALLOW_MEMORY" in finished.stderr
    )


# --- When Redis is down ----------------------------------------------------------------


@pytest.fixture
def redis_down(app, tmp_path):
    """The test app again, with its limits in a Redis that does not answer."""
    from app.extensions import db

    down = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SMS_GATEWAY": "memory",
            "UPLOAD_ROOT": str(tmp_path / "uploads"),
            "RATELIMIT_STORAGE_URI": _closed_redis(),
        }
    )
    down.test_client_class = app.test_client_class
    with down.app_context():
        db.create_all()
        yield down
        db.session.remove()
        db.engine.dispose()  # its own pool: PostgreSQL connections are closed, not dropped


def test_sign_in_fails_closed_when_the_limit_store_is_down(app, redis_down) -> None:
    with app.app_context():
        user = create_resident()
        phone = user.phone
    client = redis_down.test_client()
    refused = login(client, phone, PASSWORD)
    assert refused.status_code == 503
    assert "安全校验服务暂时连接不上" in page_text(refused)
    assert refused.headers["Retry-After"] == "60"
    # Not signed in: the account page still asks for a sign-in.
    assert client.get("/auth/me").status_code in {302, 303}


def test_the_short_code_fails_closed_and_other_pages_serve(redis_down) -> None:
    client = redis_down.test_client()
    refused = post(client, "/h", {"code": "0000-0000"})
    assert refused.status_code == 503 and "暂时无法办理" in page_text(refused)
    for path in ("/", "/auth/login", "/auth/register", "/h"):
        assert client.get(path).status_code == 200, path


def test_htmx_shows_the_refusal_as_the_whole_page(redis_down) -> None:
    client = redis_down.test_client()
    refused = post(client, "/h", {"code": "0000-0000"}, headers={"HX-Request": "true"})
    assert refused.status_code == 503
    assert refused.headers["HX-Retarget"] == "body"


# --- Two gunicorn workers share one Redis ----------------------------------------------

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response, text


def test_two_workers_count_sign_in_attempts_together(server_env, start_server) -> None:
    redis_url = redis_or_skip()
    port = free_port()
    env = {
        **server_env,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "RATELIMIT_STORAGE_URI": redis_url,
        "SESSION_COOKIE_SECURE": "0",
    }
    del env["RATELIMIT_ALLOW_MEMORY"]
    server = start_server(gunicorn_command(), env, port)
    page, html = _request(port, "GET", "/auth/login")
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = _CSRF.search(html).group(1)
    body = f"csrf_token={token}&phone=13800000000&password=wrong-pass1"
    statuses = [_request(port, "POST", "/auth/login", body, cookie)[0].status for _ in range(12)]
    assert server.log().count("Booting worker") == 2, server.log()
    assert statuses == [200] * 10 + [429] * 2, server.log()


# --- HSTS ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "max-age=31536000; includeSubDomains"),
        ({"HSTS_INCLUDE_SUBDOMAINS": False}, "max-age=31536000"),
        ({"HSTS_MAX_AGE": 600}, "max-age=600; includeSubDomains"),
        ({"HSTS_MAX_AGE": 0}, None),
    ],
)
def test_production_sends_hsts(settings, expected) -> None:
    config = {
        **PRODUCTION,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ALLOW_MEMORY": True,
        "HSTS_INCLUDE_SUBDOMAINS": True,
        **settings,
    }
    response = create_app(config).test_client().get("/healthz")
    assert response.headers.get("Strict-Transport-Security") == expected


def test_production_defaults_to_a_year_of_hsts(server_env, start_server) -> None:
    port = free_port()
    server = start_server(gunicorn_command(), {**server_env, "BIND": f"127.0.0.1:{port}"}, port)
    response, _text = _request(port, "GET", "/healthz")
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert server.process.poll() is None


def test_no_hsts_on_the_local_test_server(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_a_storage_error_after_the_check_does_not_undo_a_sign_in(app, client, monkeypatch) -> None:
    """The limit is checked before the view; nothing asks the storage afterwards (no
    X-RateLimit headers), so Redis failing mid-request cannot turn a sign-in into a 500."""
    from limits.errors import StorageError

    from app.extensions import limiter

    def down(*_args, **_kwargs):
        raise StorageError(ConnectionError("redis went away"))

    user = create_resident()
    monkeypatch.setattr(limiter.limiter, "get_window_stats", down)
    signed_in = login(client, user.phone, PASSWORD)
    assert signed_in.status_code == 303
    assert not any(name.startswith("X-RateLimit") for name, _value in signed_in.headers.items())
    assert client.get("/auth/me").status_code == 200
