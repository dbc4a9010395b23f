"""No QR handoff token in any log: the scrubbing rules, and both real servers.

The server tests start the Werkzeug development server (``flask run``) and gunicorn
(with ``gunicorn.conf.py``) as real processes in production mode on a migrated SQLite
file, open and post a handoff link with a Referer carrying it too, and read back
everything the process wrote.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import signal
from collections.abc import Iterator
from datetime import timedelta

import pytest
from gunicorn.config import Config as GunicornConfig

from app import create_app
from app.core.gunicorn_logging import SecretScrubbingLogger
from app.core.logscrub import SecretScrubbingFilter, scrub_secrets
from tests.servers import VENV_BIN, RunningServer, free_port, gunicorn_command, wait_until

HIDDEN = "/h/[hidden]"
# Shaped like secrets.token_urlsafe(24): 32 characters, '-' and '_' included.
T = "Zx-9_aQ3kLmN0pR7sT2uVwXy4b6c8dEf"
ANOTHER = "_-AbCdEfGhIjKlMnOpQrStUvWxYz0123"

SCRUBBED = [
    (f"/h/{T}", HIDDEN),
    (f"GET /h/{T} HTTP/1.1", f"GET {HIDDEN} HTTP/1.1"),
    (f"POST /h/{T}?next=%2Fapply HTTP/1.1", f"POST {HIDDEN}?next=%2Fapply HTTP/1.1"),
    (f"/h/{T}?", f"{HIDDEN}?"),
    (f"/h/{T}#top", f"{HIDDEN}#top"),
    (f"/h/{T}/", f"{HIDDEN}/"),
    # Percent-encoded bytes after the token go with it.
    (f"/h/{T}%20%E4%BD%A0?x=1", f"{HIDDEN}?x=1"),
    # A client may encode the token, the slash or the 'h' (all decode to the route).
    (f"/h/{T[:8]}%41%42%43%44{T[8:]}", HIDDEN),
    (f"/h%2F{T}", HIDDEN),
    (f"/h%2f{T}", HIDDEN),
    (f"/%68/{T}", HIDDEN),
    (f"//h//{T}", f"/{HIDDEN}"),
    (f"/H/{T}", HIDDEN),
    # A Referer, alone and inside gunicorn's default access line.
    (f"https://anju.example/h/{T}?x=1", f"https://anju.example{HIDDEN}?x=1"),
    (f"http://127.0.0.1:8000/h/{T}", f"http://127.0.0.1:8000{HIDDEN}"),
    (
        f'127.0.0.1 - - [05/Dec/2026:10:00:00 +0800] "GET /h/{T} HTTP/1.1" 404 812 '
        f'"https://anju.example/h/{ANOTHER}" "Mozilla/5.0"',
        f'127.0.0.1 - - [05/Dec/2026:10:00:00 +0800] "GET {HIDDEN} HTTP/1.1" 404 812 '
        f'"https://anju.example{HIDDEN}" "Mozilla/5.0"',
    ),
    # Werkzeug colours the request line on a terminal.
    (f"\x1b[33mGET /h/{T} HTTP/1.1\x1b[0m", f"\x1b[33mGET {HIDDEN} HTTP/1.1\x1b[0m"),
    ("Exception on /h/" + T + " [POST]", f"Exception on {HIDDEN} [POST]"),
    ("/h/abcdefghijklmnop", HIDDEN),  # 16 characters: the shortest secret
]

UNCHANGED = [
    "/h",
    "/h/",
    "GET /h HTTP/1.1",
    "POST /h?next=%2Fapply HTTP/1.1",
    "/h/match",
    "/h/match?x=1",
    "/h/abcdefghijklmno",  # 15 characters
    "/handoff/12/face",
    "/handoff/12/status",
    f"/help/{T}",
    f"/hx/{T}",
    "https://anju.example/h",
    "",
    "plain text with no path",
]


@pytest.mark.parametrize(("text", "expected"), SCRUBBED)
def test_scrub_secrets_hides_the_token(text: str, expected: str) -> None:
    assert scrub_secrets(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_scrub_secrets_keeps_other_paths(text: str) -> None:
    assert scrub_secrets(text) == text


def _record(msg: object, args: tuple | dict) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)


def test_filter_scrubs_the_formatted_message() -> None:
    record = _record('%s - - "%s" %s %s', ("127.0.0.1", f"GET /h/{T} HTTP/1.1", "404", "-"))
    assert SecretScrubbingFilter().filter(record) is True
    assert record.msg == f'127.0.0.1 - - "GET {HIDDEN} HTTP/1.1" 404 -'
    assert record.args == ()
    assert record.getMessage() == record.msg


def test_filter_scrubs_mapping_args() -> None:
    record = _record('"%(r)s" "%(f)s"', ({"r": f"GET /h/{T} HTTP/1.1", "f": f"/h/{T}"},))
    SecretScrubbingFilter().filter(record)
    assert record.getMessage() == f'"GET {HIDDEN} HTTP/1.1" "{HIDDEN}"'


def test_filter_survives_arguments_that_do_not_fit() -> None:
    record = _record("%s and %s", (f"/h/{T}",))
    assert SecretScrubbingFilter().filter(record) is True
    assert T not in record.getMessage()
    assert HIDDEN in record.getMessage()


def test_create_app_installs_one_filter_per_logger() -> None:
    for _ in range(3):
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for logger in (logging.getLogger("werkzeug"), app.logger):
        filters = [f for f in logger.filters if isinstance(f, SecretScrubbingFilter)]
        assert len(filters) == 1


class _FakeResponse:
    status = "302 FOUND"
    sent = 0
    headers = (("Location", f"/h/{T}/done"),)


class _FakeRequest:
    headers = (("REFERER", f"https://anju.example/h/{T}"), ("USER-AGENT", "phone"))


@pytest.fixture
def gunicorn_logger() -> Iterator[SecretScrubbingLogger]:
    logger = SecretScrubbingLogger(GunicornConfig())
    yield logger
    for log in (logger.error_log, logger.access_log):
        for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
            log.removeHandler(handler)
        log.filters.clear()


def test_gunicorn_atoms_carry_no_token(gunicorn_logger: SecretScrubbingLogger) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/h/{T}?x=1",
        "PATH_INFO": f"/h/{T}",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://anju.example/h/{T}",
        "wsgi.input": object(),
    }
    atoms = gunicorn_logger.atoms(_FakeResponse(), _FakeRequest(), environ, timedelta(0))
    assert atoms["r"] == f"GET {HIDDEN}?x=1 HTTP/1.1"
    assert atoms["U"] == HIDDEN
    assert atoms["f"] == atoms["{referer}i"] == f"https://anju.example{HIDDEN}"
    assert atoms["{location}o"] == f"{HIDDEN}/done"
    assert atoms["{raw_uri}e"] == f"{HIDDEN}?x=1"
    assert not any(T in value for value in atoms.values() if isinstance(value, str))


def test_gunicorn_error_log_is_filtered(gunicorn_logger: SecretScrubbingLogger) -> None:
    gunicorn_logger.setup(gunicorn_logger.cfg)  # a config reload adds no second filter
    filters = gunicorn_logger.error_log.filters
    assert [type(f) for f in filters] == [SecretScrubbingFilter]


# --- Real servers (tests/servers.py starts them) -----------------------------------


def _open_and_post_handoff_link(server: RunningServer) -> str:
    """GET and POST ``/h/<a fresh token>`` with the link as Referer; returns the token
    once both request lines are in the log, the server stopped."""
    token = secrets.token_urlsafe(24)
    headers = {"Referer": f"http://127.0.0.1:{server.port}/h/{token}"}
    for method in ("GET", "POST"):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        body = b"" if method == "POST" else None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, f"/h/{token}", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status in {404, 405}  # an unknown token; no POST on the link
        connection.close()
    wait_until(lambda: '"POST /h/' in server.log(), server, "the POST request line")
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)
    return token


def _assert_token_hidden(log: str, token: str) -> None:
    assert token not in log, log
    assert f'"GET {HIDDEN} HTTP/1.1"' in log, log
    assert f'"POST {HIDDEN} HTTP/1.1"' in log, log


def test_werkzeug_dev_server_logs_no_token(server_env, start_server) -> None:
    port = free_port()
    command = [str(VENV_BIN / "flask"), "--app", "app", "run", "--port", str(port)]
    server = start_server(command, server_env, port)
    token = _open_and_post_handoff_link(server)
    _assert_token_hidden(server.log(), token)


def test_gunicorn_logs_no_token(server_env, start_server) -> None:
    port = free_port()
    env = {**server_env, "BIND": f"127.0.0.1:{port}"}
    command = gunicorn_command()
    server = start_server(command, env, port)
    token = _open_and_post_handoff_link(server)
    log = server.log()
    _assert_token_hidden(log, token)
    assert f'"http://127.0.0.1:{port}{HIDDEN}"' in log, log  # the Referer, in the line
