"""Rent fixtures: the in-process sandbox gateway, and an app several threads can share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL, IsolatedClient


@pytest.fixture
def gateway(app: Flask) -> Flask:
    """The sandbox delivers its notification in-process (no HTTP server in unit tests)."""
    app.config["RENT_SANDBOX_DELIVERY"] = "inline"
    return app


@pytest.fixture
def threaded_app(tmp_path, request) -> Iterator[Flask]:
    """An app whose database several threads can really share: a SQLite file (in-memory
    SQLite is one connection), or the server database of the PostgreSQL pass."""
    if not TEST_DATABASE_URL.startswith("sqlite"):
        app = request.getfixturevalue("app")
        app.config["RENT_SANDBOX_DELIVERY"] = "inline"
        yield app
        return
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.sqlite3'}",
            "SMS_GATEWAY": "memory",
            "RENT_SANDBOX_DELIVERY": "inline",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
