"""Swap fixtures: two tenants in different districts with listings that match both ways."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.swap import board_matches
from tests.factories import create_staff
from tests.swap import builders


@pytest.fixture
def pair(app):
    """刘洋 in 浔阳区 wants 濂溪区; 周婷 in 濂溪区 wants 浔阳区: a mutual match."""
    a, _a_lease = builders.tenant("刘洋", home=builders.unit("琵琶湖小区", "浔阳区"))
    b, _b_lease = builders.tenant("周婷", home=builders.unit("十里小区", "濂溪区", lift=True))
    a_listing = builders.listing(a, districts=("濂溪区",))
    b_listing = builders.listing(b, districts=("浔阳区",))
    return a, a_listing, b, b_listing


@pytest.fixture
def manager(app):
    return builders.signed_in(app, create_staff(Role.LEASE_MANAGER))


@pytest.fixture
def whole_graph(monkeypatch):
    """The chain search reads the whole (small) board, so it can be checked against the
    pure rules: no side of it is cut at the caps a city-sized board needs."""
    monkeypatch.setattr(board_matches, "SIDE_CAP", 10_000)
    monkeypatch.setattr(board_matches, "STEP_CAP", 10_000)
