"""Rent fixtures: the in-process sandbox gateway, and an app several threads can share."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture
def gateway(app: Flask) -> Flask:
    """The sandbox delivers its notification in-process (no HTTP server in unit tests)."""
    app.config["RENT_SANDBOX_DELIVERY"] = "inline"
    return app


@pytest.fixture
def threaded_app(shared_app: Flask) -> Flask:
    """An app several threads can share, with the sandbox delivering in-process."""
    shared_app.config["RENT_SANDBOX_DELIVERY"] = "inline"
    return shared_app
