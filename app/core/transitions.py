"""Status tables: for each status column, the moves it may make. Pure module: no Flask, no
database. ``app.status`` applies a table to a row (the one way a status changes).

A table lists moves: from a status, an action, to a status, who may take it (staff roles,
the row's ``OWNER``, or the ``SYSTEM`` — a scheduled job, a payment callback, a cascade from
another row's move) and what the resident is told (a :class:`Tell`, its ``{fields}`` filled
from what the service passes). Each area declares its tables in its rules module, e.g.
``app/swap/rules.py``; ``tests/test_status.py`` walks every table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Party(StrEnum):
    """Who acts, besides a staff role."""

    OWNER = "owner"  # the resident the row belongs to (the table says who that is)
    SYSTEM = "system"  # no person: a scheduled job, a verified callback, another row's move


OWNER = Party.OWNER
SYSTEM = Party.SYSTEM


@dataclass(frozen=True)
class Tell:
    """A message for the resident; ``{field}``s are filled from the service's values."""

    title: str
    body: str
    link: str | None = None

    def render(self, values: Mapping[str, Any]) -> tuple[str, str]:
        return self.title.format_map(values), self.body.format_map(values)


@dataclass(frozen=True)
class Move:
    action: str
    source: str
    target: str
    who: frozenset[str]  # Role values and/or Party values
    label: str = ""  # the button, where one shows
    tell: Tell | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # area data (tracks, danger, …)
    record_as: str = ""  # the audit action's last part, when not the action ("completed")


def move(
    action: str,
    sources: str | Iterable[str],
    target: str,
    who: str | Iterable[str],
    label: str = "",
    tell: Tell | None = None,
    record_as: str = "",
    **extra: Any,
) -> list[Move]:
    """One move from each of ``sources`` (a status or several)."""
    froms = [sources] if isinstance(sources, str) else list(sources)
    whom = frozenset([who] if isinstance(who, str) else who)
    return [Move(action, s, target, whom, label, tell, extra, record_as) for s in froms]


class Refused(Exception):
    """The move is not allowed now; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """The moves of one status column.

    ``owners`` names the residents a row belongs to (for ``OWNER`` moves); ``labels`` gives
    a status's Chinese name for refusals; ``stale`` is what the resident reads when another
    device changed the row first; ``error`` is the area's exception (built from one
    Chinese message); ``audit`` prefixes the audit action ("swap.listing" → "swap.listing.pause").
    """

    name: str  # "Model.column", for the guard and tests
    moves: tuple[Move, ...]
    statuses: tuple[str, ...]
    audit: str
    stale: str
    category: str = ""  # the resident's message category
    subject: str = ""  # the audit record's subject_type ("swap_listing")
    column: str = "status"  # the attribute the table governs
    owners: Callable[[Any], Iterable[int | None]] = lambda row: ()
    labels: Callable[[str], str] = str
    error: Callable[[str], Exception] = Refused

    def __post_init__(self) -> None:
        known = set(self.statuses)
        seen: set[tuple[str, str, str]] = set()
        for m in self.moves:
            if m.source not in known or m.target not in known:
                raise ValueError(f"{self.name}: {m.action} moves between undeclared statuses")
            key = (m.source, m.action, repr(sorted(m.extra.items())))
            if key in seen:
                raise ValueError(f"{self.name}: {m.action} from {m.source} declared twice")
            seen.add(key)

    def find(
        self, status: str, action: str, when: Callable[[Move], bool] | None = None
    ) -> Move | None:
        for m in self.moves:
            if m.source == status and m.action == action and (when is None or when(m)):
                return m
        return None

    def check(
        self,
        status: str,
        action: str,
        parties: Iterable[str],
        when: Callable[[Move], bool] | None = None,
    ) -> Move:
        """The move if one of ``parties`` may take ``action`` from ``status``; else Refused."""
        found = self.find(status, action, when)
        if found is None:
            raise Refused(self.refusal(status))
        if found.who.isdisjoint(parties):
            raise Refused(f"“{found.label or '此操作'}”不是您可以办理的事项")
        return found

    def refusal(self, status: str) -> str:
        return f"当前状态为“{self.labels(status)}”，不能进行此操作，请刷新页面查看最新状态"

    def available(
        self, status: str, parties: Iterable[str], when: Callable[[Move], bool] | None = None
    ) -> list[Move]:
        wanted = set(parties)
        return [
            m
            for m in self.moves
            if m.source == status and not m.who.isdisjoint(wanted) and (when is None or when(m))
        ]

    def sources(self, action: str) -> frozenset[str]:
        """Every status ``action`` may start from (for compare-and-set updates)."""
        return frozenset(m.source for m in self.moves if m.action == action)
