from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import User
from tests.conftest import login
from tests.factories import PASSWORD, create_resident


@pytest.fixture
def resident(app: Flask) -> User:
    return create_resident(real_name="张小明")


@pytest.fixture
def desktop(app: Flask, resident: User) -> FlaskClient:
    """The resident's computer, signed in."""
    client = app.test_client()
    assert login(client, resident.phone, PASSWORD).status_code == 303
    return client


@pytest.fixture
def phone(app: Flask) -> FlaskClient:
    """A phone that is not signed in."""
    return app.test_client()
