"""Walking a status table (app/core/transitions.py) move by move: each test declares the
moves it expects apart from the table, and every other (status, action, party) must be
refused in Chinese."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest

from app.auth.roles import Role
from app.core.transitions import OWNER, SYSTEM, Move, Refused, Table

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PARTIES = (*Role, OWNER, SYSTEM)


def cases(*tables: Table) -> list[tuple[Table, str, str, str]]:
    """Every (table, status, action, party) of ``tables``."""
    return [
        (table, status, action, party)
        for table in tables
        for status, action, party in itertools.product(
            table.statuses, sorted({m.action for m in table.moves}), PARTIES
        )
    ]


def case_id(value: object) -> str:
    """A readable test id part (pytest joins them with "-")."""
    return value.name if isinstance(value, Table) else str(value)


def assert_move(
    table: Table,
    status: str,
    action: str,
    party: str,
    target: str | None,
    when: Callable[[Move], bool] | None = None,
) -> None:
    """``party`` may take ``action`` from ``status`` to ``target``; or, when ``target`` is
    None, is refused with a Chinese message."""
    if target is not None:
        assert table.check(status, action, {party}, when).target == target
        return
    with pytest.raises(Refused) as refused:
        table.check(status, action, {party}, when)
    assert CHINESE.search(refused.value.message)
