"""The renewal's two status tables, exhaustively: every (status, action, party) is either
written out below (allowed, with its target) or refused in Chinese. The moves are written
out here, apart from app/renewal/rules.py, so a change to either shows up. And a stored
row's status cannot be assigned outside ``app.status``."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.core.transitions import OWNER
from app.extensions import db
from app.renewal import services
from app.renewal.models import IncomeCheck, Renewal
from app.renewal.rules import (
    INCOME_CHECK_STATUS,
    RENEWAL_STATUS,
    IncomeCheckStatus,
    RenewalError,
    RenewalStatus,
)
from app.status import StatusWriteRefused
from tests.factories import create_staff, create_tenant
from tests.renewal.flow import apply, submit
from tests.status_walk import CHINESE, assert_move, case_id, cases

R, C = RenewalStatus, IncomeCheckStatus

# (table, from, action, to, the one party that may)
EXPECTED = [
    (RENEWAL_STATUS, R.DRAFT, "submitted", R.SUBMITTED, OWNER),
    (RENEWAL_STATUS, R.SUBMITTED, "approved", R.APPROVED, Role.LEASE_MANAGER),
    (RENEWAL_STATUS, R.SUBMITTED, "rejected", R.REJECTED, Role.LEASE_MANAGER),
    (RENEWAL_STATUS, R.APPROVED, "signed", R.SIGNED, OWNER),
    (RENEWAL_STATUS, R.SIGNED, "completed", R.COMPLETED, Role.LEASE_MANAGER),
    (INCOME_CHECK_STATUS, C.REQUESTED, "passed", C.PASSED, Role.CIVIL_AFFAIRS),
    (INCOME_CHECK_STATUS, C.REQUESTED, "failed", C.FAILED, Role.CIVIL_AFFAIRS),
]
ALLOWED = {(t.name, source, action): (target, who) for t, source, action, target, who in EXPECTED}


CASES = cases(RENEWAL_STATUS, INCOME_CHECK_STATUS)


@pytest.mark.parametrize(("table", "status", "action", "party"), CASES, ids=case_id)
def test_the_table_allows_exactly_the_declared_moves(table, status, action, party) -> None:
    target, who = ALLOWED.get((table.name, status, action), (None, None))
    assert_move(table, status, action, party, target if party == who else None)


def test_every_status_is_declared_and_every_move_tells_the_tenant() -> None:
    assert RENEWAL_STATUS.statuses == tuple(RenewalStatus)
    assert INCOME_CHECK_STATUS.statuses == tuple(IncomeCheckStatus)
    assert len(RENEWAL_STATUS.moves) + len(INCOME_CHECK_STATUS.moves) == len(EXPECTED)
    for table in (RENEWAL_STATUS, INCOME_CHECK_STATUS):
        assert all(m.tell is not None and m.label for m in table.moves)
        assert CHINESE.search(table.stale)


def test_a_stored_status_is_not_assigned_outside_the_helper(app) -> None:
    tenant, lease = create_tenant(lease_ends_in_days=60)
    term = lease.current_term
    check = IncomeCheck(tenant_id=tenant.id, lease_id=lease.id)
    renewal = Renewal(
        lease_id=lease.id,
        tenant_id=tenant.id,
        renews_term_id=term.id,
        policy="old",
        new_start_date=term.start_date,
        new_end_date=term.end_date,
        monthly_rent_fen=term.monthly_rent_fen,
        property_fee_fen=term.property_fee_fen,
    )
    db.session.add_all([check, renewal])
    db.session.commit()
    with pytest.raises(StatusWriteRefused):
        renewal.status = RenewalStatus.SUBMITTED
    with pytest.raises(StatusWriteRefused):
        check.status = IncomeCheckStatus.PASSED
    db.session.rollback()
    assert db.session.get(Renewal, renewal.id).status == RenewalStatus.DRAFT


def test_a_move_by_the_wrong_party_is_refused_and_nothing_is_kept(client) -> None:
    renewal = apply(client)
    assert submit(client, renewal.id).status_code == 303
    with pytest.raises(RenewalError) as refused:
        services.review(renewal, create_staff(Role.CIVIL_AFFAIRS), approve=True)
    assert "不是您可以办理的事项" in refused.value.message
    stored = db.session.get(Renewal, renewal.id)
    assert stored.status == RenewalStatus.SUBMITTED and stored.reviewed_at is None
    assert [e.action for e in stored.events] == ["started", "submitted"]
