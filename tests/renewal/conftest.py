from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import User
from app.auth.roles import Role
from app.housing.models import Lease
from tests.conftest import login
from tests.factories import PASSWORD, create_staff, create_tenant


@pytest.fixture
def tenancy(app: Flask) -> tuple[User, Lease]:
    """A tenant (王芳 of the tests) whose lease ends in 60 days: the window is open."""
    return create_tenant(lease_ends_in_days=60)


@pytest.fixture
def tenant(tenancy) -> User:
    return tenancy[0]


@pytest.fixture
def lease(tenancy) -> Lease:
    return tenancy[1]


@pytest.fixture
def client(app: Flask, tenant: User) -> FlaskClient:
    """The tenant, signed in."""
    client = app.test_client()
    assert login(client, tenant.phone, PASSWORD).status_code == 303
    return client


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.phone, PASSWORD).status_code == 303
    return client


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    return signed_in(app, create_staff(Role.LEASE_MANAGER))


@pytest.fixture
def civil(app: Flask) -> FlaskClient:
    return signed_in(app, create_staff(Role.CIVIL_AFFAIRS))
