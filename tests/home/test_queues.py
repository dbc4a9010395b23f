"""The 工作台's queue registry: each area registers its queue when its module is imported,
and the list keeps the queues' own order, not the order the modules happened to load in."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.home import queues
from app.home.queues import Queue, register_queue


@pytest.fixture
def empty_registry(monkeypatch) -> list[Queue]:
    registry: list[Queue] = []
    monkeypatch.setattr(queues, "QUEUES", registry)
    return registry


def queue(key: str, position: int) -> Queue:
    return Queue(key, key, frozenset({Role.LEASE_MANAGER}), f"x.{key}", position=position)


def test_queues_are_listed_by_position_whatever_the_import_order(empty_registry) -> None:
    for key, position in (("swap", 50), ("applications", 10), ("renewals", 30), ("rent", 20)):
        register_queue(queue(key, position))
    assert [q.key for q in empty_registry] == ["applications", "rent", "renewals", "swap"]


def test_a_queue_registered_twice_is_listed_once(empty_registry) -> None:
    register_queue(queue("rent", 20))
    register_queue(queue("rent", 20))
    assert [q.key for q in empty_registry] == ["rent"]


def test_the_app_lists_the_application_queue_before_the_later_areas(app) -> None:
    keys = [q.key for q in queues.QUEUES]
    assert keys.index("applications") < keys.index("rent") < keys.index("renewals")
    assert keys.index("renewal_checks") < keys.index("swap_applications")
