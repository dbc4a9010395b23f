"""The one way a status changes (app/status.py): the helper, the guard on every status
column, and a check over the code that nothing else writes a status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.core.transitions import OWNER, SYSTEM, Table, Tell, move
from app.extensions import db
from app.housing.models import Lease, LeaseStatus
from app.messages.models import Message
from app.status import GUARDED, StatusWriteRefused, change, change_where
from tests.factories import create_tenant
from tests.status_walk import assert_move, cases

APP = Path(__file__).resolve().parents[1] / "app"
HELPER = APP / "status.py"


class Oops(Exception):
    pass


# A table of the test's own on the lease's column, with a message and an owner-only move.
TEST_TABLE = Table(
    name="Lease.status (test)",
    statuses=tuple(LeaseStatus),
    moves=(
        *move("end", LeaseStatus.ACTIVE, LeaseStatus.ENDED, OWNER, "退租",
              tell=Tell("租约已结束", "您的租约 {number} 已结束", "/housing/")),
        *move("terminate", LeaseStatus.ACTIVE, LeaseStatus.TERMINATED, Role.LEASE_MANAGER),
    ),
    owners=lambda lease: (lease.tenant_id,),
    labels=lambda status: LeaseStatus(status).label,
    audit="test.lease",
    stale="已在其他设备上更新",
    error=Oops,
    category="租约",
)  # fmt: skip


def test_a_move_sets_audits_tells_and_commits(app) -> None:
    tenant, lease = create_tenant()
    taken = change(lease, TEST_TABLE, "end", actor=tenant, say={"number": "GZ-1"}, ip="10.0.0.9")
    assert taken.target == LeaseStatus.ENDED
    db.session.expire_all()
    assert db.session.get(Lease, lease.id).status == LeaseStatus.ENDED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.lease.end"))
    assert event is not None
    assert (event.actor_id, event.subject_id, event.ip) == (tenant.id, lease.id, "10.0.0.9")
    assert event.detail == "active -> ended"
    message = db.session.scalar(select(Message).where(Message.user_id == tenant.id))
    assert (message.title, message.body, message.link) == (
        "租约已结束",
        "您的租约 GZ-1 已结束",
        "/housing/",
    )
    assert message.category == "租约"


def test_a_refused_move_changes_nothing_and_says_why_in_chinese(app) -> None:
    tenant, lease = create_tenant()
    staff_like = type("Actor", (), {"id": tenant.id + 1000, "role": Role.RESIDENT})()
    with pytest.raises(Oops, match="不是您可以办理"):
        change(lease, TEST_TABLE, "end", actor=staff_like, say={"number": "x"})
    with pytest.raises(Oops, match="不是您可以办理"):
        change(lease, TEST_TABLE, "end", actor=None, say={"number": "x"})
    change(lease, TEST_TABLE, "end", actor=tenant, say={"number": "x"})
    with pytest.raises(Oops, match="当前状态为“已到期”"):
        change(lease, TEST_TABLE, "end", actor=tenant, say={"number": "x"})
    assert db.session.scalar(select(Message.id).where(Message.user_id == tenant.id + 1000)) is None


def test_an_old_version_is_reported_as_stale_and_nothing_is_written(app) -> None:
    tenant, lease = create_tenant()
    with pytest.raises(Oops, match="已在其他设备上更新"):
        change(lease, TEST_TABLE, "end", actor=tenant, version=lease.version + 1, say={"number": 1})
    db.session.rollback()
    assert db.session.get(Lease, lease.id).status == LeaseStatus.ACTIVE


def test_a_concurrent_write_first_is_reported_as_stale(app) -> None:
    tenant, lease = create_tenant()
    with db.engine.begin() as connection:  # another device saves first
        connection.execute(
            text("UPDATE leases SET version = version + 1 WHERE id = :id"), {"id": lease.id}
        )
    with pytest.raises(Oops, match="已在其他设备上更新"):
        change(lease, TEST_TABLE, "end", actor=tenant, say={"number": 1})
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.lease.end"))
        is None
    )


def test_compare_and_set_moves_only_rows_in_a_source_status(app) -> None:
    _tenant, lease = create_tenant()
    assert change_where(TEST_TABLE, "terminate", Lease, Lease.id == lease.id) == 1
    assert change_where(TEST_TABLE, "terminate", Lease, Lease.id == lease.id) == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Lease, lease.id).status == LeaseStatus.TERMINATED


def test_a_stored_status_refuses_writes_outside_the_helper(app) -> None:
    _tenant, lease = create_tenant()
    with pytest.raises(StatusWriteRefused):
        lease.status = LeaseStatus.ENDED
    with pytest.raises(StatusWriteRefused, match="not a declared status"):
        Lease(status="gone")


def test_a_table_refuses_undeclared_statuses_and_duplicate_moves() -> None:
    with pytest.raises(ValueError, match="undeclared"):
        Table("X.status", moves=tuple(move("a", "x", "nowhere", SYSTEM)), statuses=("x",),
              audit="x", stale="")  # fmt: skip
    with pytest.raises(ValueError, match="twice"):
        Table("X.status", moves=(*move("a", "x", "y", SYSTEM), *move("a", "x", "x", SYSTEM)),
              statuses=("x", "y"), audit="x", stale="")  # fmt: skip


# -- every table, every column ------------------------------------------------------


def test_every_status_column_has_a_guarded_table(app) -> None:
    """Each mapped column called status/state (not the history's from/to) has one table."""
    found = {
        f"{mapper.class_.__name__}.{column.key}"
        for mapper in db.Model.registry.mappers
        for column in mapper.column_attrs
        if column.key in {"status", "state"}
    }
    assert found, "no status columns found"
    assert found <= set(GUARDED), sorted(found - set(GUARDED))
    for name, table in GUARDED.items():
        model, column = name.split(".")
        cls = next(m.class_ for m in db.Model.registry.mappers if m.class_.__name__ == model)
        assert column == table.column
        assert getattr(cls, column).type.length >= max(len(s) for s in table.statuses), name


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_each_table_allows_exactly_its_declared_moves(name: str) -> None:
    table = GUARDED[name]
    for _table, status, action, party in cases(table):
        declared = [
            m.target
            for m in table.moves
            if m.source == status and m.action == action and party in m.who
        ]
        assert_move(table, status, action, party, declared[0] if declared else None)


def _status_writes(path: Path, columns: set[str]) -> list[str]:
    """Assignments to a status attribute, and status values in an UPDATE, in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        unpacked = [
            part
            for target in targets
            for part in (target.elts if isinstance(target, ast.Tuple | ast.List) else [target])
        ]
        found += [
            f"{path.name}:{node.lineno}"
            for target in unpacked
            if isinstance(target, ast.Attribute) and target.attr in columns
        ]
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "values":
            keys = [k.arg for k in node.keywords] + [
                k.value for arg in node.args if isinstance(arg, ast.Dict)
                for k in arg.keys if isinstance(k, ast.Constant)
            ]  # fmt: skip
            if columns & set(keys):
                found.append(f"{path.name}:{node.lineno} (UPDATE)")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "setattr"
            and len(node.args) > 1
            and getattr(node.args[1], "value", None) in columns
        ):
            found.append(f"{path.name}:{node.lineno} (setattr)")
    return found


def test_no_code_writes_a_status_except_the_helper(app) -> None:
    """A check over app/: new rows take their first status in the constructor; every later
    change goes through app.status (the guard catches the rest at run time)."""
    columns = {table.column for table in GUARDED.values()}
    writes = [
        hit
        for path in sorted(APP.rglob("*.py"))
        if path != HELPER
        for hit in _status_writes(path, columns)
    ]
    assert writes == []
