"""The one way a status changes: :func:`change` applies a row's table (``app.core.transitions``)
— checks the move and who acts, sets the status, writes the audit record and the resident's
message, and commits with the optimistic version check (another device's change first is
reported as the table's ``stale`` message, nothing half-done). :func:`change_once` does the
same in one compare-and-set UPDATE, for moves decided once (two concurrent: one wins);
:func:`change_where` is the bare compare-and-set, for moves of many rows or none audited.

Each status column is :func:`guard`-ed: once a row is stored, assigning its status anywhere
but here raises. A new row may start in any declared status (its insert is its first state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record
from app.core.transitions import OWNER, SYSTEM, Move, Refused, Table
from app.extensions import db, rows_changed
from app.messages.services import post_message

_changing: ContextVar[bool] = ContextVar("status_changing", default=False)
GUARDED: dict[str, Table] = {}


class StatusWriteRefused(RuntimeError):
    """A stored row's status was assigned outside :func:`change` (a programming error)."""


def guard(column: Any, table: Table) -> None:
    """Refuse writes to ``column`` of stored rows except through this module."""
    GUARDED[table.name] = table
    statuses = frozenset(table.statuses)

    def on_set(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        if value not in statuses:
            raise StatusWriteRefused(f"{table.name}: {value!r} is not a declared status")
        if not _changing.get() and inspect(target).has_identity:
            raise StatusWriteRefused(f"{table.name} changes only through app.status")

    event.listen(column, "set", on_set)


@contextmanager
def _writing() -> Iterator[None]:
    token = _changing.set(True)
    try:
        yield
    finally:
        _changing.reset(token)


def parties(table: Table, row: Any, actor: Any | None) -> set[str]:
    """The capacities ``actor`` acts in on ``row``: its role, and OWNER if the row is theirs."""
    if actor is None:
        return {SYSTEM}
    found = {str(actor.role)}
    if actor.id in set(table.owners(row)):
        found.add(OWNER)
    return found


def change(
    row: Any,
    table: Table,
    action: str,
    *,
    actor: Any | None,
    system: bool = False,
    version: str | int | None = None,
    when: Callable[[Move], bool] | None = None,
    note: str = "",
    ip: str | None = None,
    say: Mapping[str, Any] | None = None,
    tell: Iterable[int | None] | None = None,
    link: str | None = None,
    audit: bool = True,
    commit: bool = True,
) -> Move:
    """Take ``action`` on ``row``; raises ``table.error(message)`` when refused or stale.

    ``actor`` is the person acting (None for a job); ``system=True`` when a person's move on
    another row carries this one along (a cascade: checked as SYSTEM, audited as theirs).
    ``say`` fills the move's message; ``tell`` overrides who reads it (default: the owners).
    ``commit=False`` leaves the commit to the caller (a cascade inside a larger change).
    """
    who = {SYSTEM} if system else parties(table, row, actor)
    try:
        found = table.check(getattr(row, table.column), action, who, when)
    except Refused as refused:
        raise table.error(refused.message) from None
    if version is not None and str(getattr(row, "version", "")) != str(version):
        raise table.error(table.stale)
    previous = getattr(row, table.column)
    with _writing():
        setattr(row, table.column, found.target)
    if audit:
        _audit(table, found, row, actor, previous, note, ip)
    announce(table, found, row, say=say, tell=tell, link=link)
    if commit:
        commit_or_stale(table)
    return found


def change_once(
    row: Any,
    table: Table,
    action: str,
    *,
    actor: Any | None,
    values: Mapping[str, Any] | None = None,
    lost: str | None = None,
    note: str = "",
    ip: str | None = None,
    say: Mapping[str, Any] | None = None,
    tell: Iterable[int | None] | None = None,
    link: str | None = None,
) -> Move:
    """:func:`change` as one compare-and-set UPDATE, for moves decided once (a request
    answered, a report decided): of two concurrent moves exactly one wins. Checks the table,
    moves the row (also setting ``values``) only if it is still in a source status, audits
    and tells; the caller commits. The loser gets ``table.error(lost)`` (default: the
    table's refusal, or ``stale`` when the row moved meanwhile) and nothing is written.
    ``row`` is expired afterwards (it reloads as moved)."""
    status = getattr(row, table.column)
    if table.find(status, action) is None:
        raise table.error(lost or table.refusal(status))
    try:
        found = table.check(status, action, parties(table, row, actor))
    except Refused as refused:
        raise table.error(refused.message) from None
    model = type(row)
    if change_where(table, action, model, model.id == row.id, values=values) != 1:
        raise table.error(lost or table.stale)
    db.session.expire(row)
    _audit(table, found, row, actor, status, note, ip)
    announce(table, found, row, say=say, tell=tell, link=link)
    return found


def _audit(
    table: Table, found: Move, row: Any, actor: Any | None, previous: str, note: str, ip: str | None
) -> None:
    record(
        f"{table.audit}.{found.record_as or found.action}",
        actor_id=getattr(actor, "id", None),
        subject_type=table.subject or table.audit.rsplit(".", 1)[-1],
        subject_id=row.id,
        detail=f"{previous} -> {found.target}" + (f": {note}" if note else ""),
        ip=ip,
    )


def announce(
    table: Table,
    found: Move,
    row: Any,
    *,
    say: Mapping[str, Any] | None = None,
    tell: Iterable[int | None] | None = None,
    link: str | None = None,
) -> None:
    """Post the move's message to ``tell`` (default: the row's owners), filled from ``say``."""
    readers = [u for u in dict.fromkeys(tell if tell is not None else table.owners(row)) if u]
    if found.tell is None or not readers:
        return
    title, body = found.tell.render(say or {})
    for user_id in readers:
        post_message(
            user_id, category=table.category, title=title, body=body, link=link or found.tell.link
        )


def commit_or_stale(table: Table) -> None:
    """Commit; a row another device changed first rolls back as ``table.error(table.stale)``."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise table.error(table.stale) from None


def change_where(
    table: Table,
    action: str,
    model: Any,
    *where: Any,
    values: Mapping[str, Any] | None = None,
    sources: Iterable[str] | None = None,
    synchronize: str | bool = False,
) -> int:
    """Compare-and-set: move every row matching ``where`` that is in one of ``action``'s
    source statuses (or ``sources``, a subset) to its target, in one UPDATE; returns how
    many moved (0: someone else got there first). The caller audits, tells and commits."""
    froms = table.sources(action)
    if sources is not None:
        froms = froms & frozenset(sources)
    targets = {m.target for m in table.moves if m.action == action and m.source in froms}
    if len(targets) != 1:
        raise ValueError(f"{table.name}: {action} has no single target from {sorted(froms)}")
    column = getattr(model, table.column)
    statement = (
        update(model)
        .where(column.in_(sorted(froms)), *where)
        .values({table.column: targets.pop(), **(values or {})})
        .execution_options(synchronize_session=synchronize)
    )
    return rows_changed(statement)
