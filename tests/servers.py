"""Real server processes for tests: the Werkzeug development server and gunicorn, in
production mode on a fresh SQLite file migrated to head, their output kept for reading.

The fixtures ``server_env`` and ``start_server`` are in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class RunningServer:
    process: subprocess.Popen
    port: int
    log_path: Path

    def log(self) -> str:
        """Everything the process wrote, without Werkzeug's colour codes."""
        return ANSI_STYLE.sub("", self.log_path.read_text(encoding="utf-8", errors="replace"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], server: RunningServer, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if server.process.poll() is not None:
            pytest.fail(f"server exited ({server.process.returncode}):\n{server.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{server.log()}")
        time.sleep(0.05)


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def production_env(tmp_path: Path) -> dict[str, str]:
    """Production settings on a fresh SQLite file migrated to head. Rate limits are per
    process unless a test sets ``RATELIMIT_STORAGE_URI`` (one worker, said explicitly)."""
    url = f"sqlite:///{tmp_path / 'anju.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "GUNICORN_", "ANJU_", "RATELIMIT_", "HSTS_"))
    }
    env.update(
        ANJU_ENV="production",
        SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=url,
        SMS_GATEWAY="log",
        PYTHONUNBUFFERED="1",
        WEB_CONCURRENCY="1",
        RATELIMIT_ALLOW_MEMORY="1",
    )
    return env


def server_starter(
    tmp_path: Path,
) -> Iterator[Callable[[list[str], dict[str, str], int], RunningServer]]:
    """Yields ``start(command, env, port)``; every server started is killed afterwards."""
    started: list[RunningServer] = []

    def start(command: list[str], env: dict[str, str], port: int) -> RunningServer:
        log_path = tmp_path / f"server-{len(started)}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(  # noqa: S603 - our own venv's executables
                command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        server = RunningServer(process, port, log_path)
        started.append(server)
        wait_until(lambda: port_answers(port), server, f"port {port}")
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=10)


def gunicorn_command() -> list[str]:
    return [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app.wsgi:app"]
