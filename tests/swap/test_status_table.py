"""The four 互换 status tables, exhaustively: every (status, action, party) is either written
out below (allowed, with its target) or refused in Chinese. The moves are written out here,
apart from app/swap/statuses.py, so a change to either shows up. And a stored row's status
cannot be assigned outside ``app.status``."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.core.transitions import OWNER, SYSTEM
from app.extensions import db
from app.status import StatusWriteRefused
from app.swap import applications, listings, moderation, requests
from app.swap.statuses import (
    APPLICATIONS,
    LISTINGS,
    REPORTS,
    REQUESTS,
    TABLES,
    ApplicationStatus,
    ListingStatus,
    ReportStatus,
    RequestStatus,
    SwapError,
)
from tests.factories import create_staff
from tests.status_walk import CHINESE, assert_move, case_id, cases

L, R, P, A = ListingStatus, RequestStatus, ReportStatus, ApplicationStatus
STAFF = {Role.LEASE_MANAGER, Role.ADMIN}

# (table, from, action, to, the parties that may)
EXPECTED = [
    (LISTINGS, L.ACTIVE, "paused", L.PAUSED, {OWNER}),
    (LISTINGS, L.PAUSED, "resumed", L.ACTIVE, {OWNER}),
    (LISTINGS, L.ACTIVE, "closed", L.CLOSED, {OWNER}),
    (LISTINGS, L.PAUSED, "closed", L.CLOSED, {OWNER}),
    (LISTINGS, L.ACTIVE, "removed", L.REMOVED, {SYSTEM}),
    (LISTINGS, L.PAUSED, "removed", L.REMOVED, {SYSTEM}),
    (LISTINGS, L.ACTIVE, "swapped", L.SWAPPED, {SYSTEM}),
    (LISTINGS, L.PAUSED, "swapped", L.SWAPPED, {SYSTEM}),
    (REQUESTS, R.PENDING, "accepted", R.ACCEPTED, {OWNER}),
    (REQUESTS, R.PENDING, "declined", R.DECLINED, {OWNER}),
    (REQUESTS, R.PENDING, "withdrawn", R.WITHDRAWN, {OWNER}),
    (REQUESTS, R.PENDING, "closed", R.CLOSED, {SYSTEM}),
    (REQUESTS, R.ACCEPTED, "closed", R.CLOSED, {SYSTEM}),
    (REQUESTS, R.PENDING, "blocked", R.CLOSED, {SYSTEM}),
    (REQUESTS, R.ACCEPTED, "blocked", R.CLOSED, {SYSTEM}),
    (REPORTS, P.OPEN, "upheld", P.UPHELD, STAFF),
    (REPORTS, P.OPEN, "dismissed", P.DISMISSED, STAFF),
    (REPORTS, P.OPEN, "settled", P.UPHELD, {SYSTEM}),
    (APPLICATIONS, A.PREPARING, "submitted", A.SUBMITTED, {SYSTEM}),
    (APPLICATIONS, A.PREPARING, "withdrawn", A.WITHDRAWN, {OWNER}),
    (APPLICATIONS, A.SUBMITTED, "withdrawn", A.WITHDRAWN, {OWNER}),
    (APPLICATIONS, A.SUBMITTED, "approved", A.APPROVED, STAFF),
    (APPLICATIONS, A.SUBMITTED, "refused", A.REFUSED, STAFF),
]
ALLOWED = {(t.name, source, action): (target, who) for t, source, action, target, who in EXPECTED}


@pytest.mark.parametrize(("table", "status", "action", "party"), cases(*TABLES), ids=case_id)
def test_the_table_allows_exactly_the_declared_moves(table, status, action, party) -> None:
    target, who = ALLOWED.get((table.name, status, action), (None, set()))
    assert_move(table, status, action, party, target if party in who else None)


def test_every_status_is_declared_and_refusals_are_the_areas() -> None:
    assert LISTINGS.statuses == tuple(ListingStatus)
    assert REQUESTS.statuses == tuple(RequestStatus)
    assert REPORTS.statuses == tuple(ReportStatus)
    assert APPLICATIONS.statuses == tuple(ApplicationStatus)
    assert sum(len(table.moves) for table in TABLES) == len(EXPECTED)
    for table in TABLES:
        assert CHINESE.search(table.stale) and isinstance(table.error("x"), SwapError)
        assert all(m.label for m in table.moves if OWNER in m.who or m.who >= STAFF)


def test_a_stored_status_is_not_assigned_outside_the_helper(app, pair) -> None:
    a, a_listing, b, _ = pair
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    requests.accept_request(request, a)
    application = applications.start_application(a, request)
    report = moderation.report(b, a_listing, "other", "信息与实际情况不一致")
    with pytest.raises(StatusWriteRefused):
        a_listing.status = ListingStatus.PAUSED
    with pytest.raises(StatusWriteRefused):
        request.status = RequestStatus.CLOSED
    with pytest.raises(StatusWriteRefused):
        application.status = ApplicationStatus.SUBMITTED
    with pytest.raises(StatusWriteRefused):
        report.status = ReportStatus.DISMISSED
    db.session.rollback()
    assert db.session.get(type(a_listing), a_listing.id).status == ListingStatus.ACTIVE
    assert db.session.get(type(request), request.id).status == RequestStatus.ACCEPTED


def test_the_wrong_party_is_refused_and_nothing_is_kept(app, pair) -> None:
    _a, a_listing, b, _ = pair
    report = moderation.report(b, a_listing, "other", "信息与实际情况不一致")
    with pytest.raises(SwapError, match="不是您可以办理的事项"):
        moderation.decide_report(create_staff(Role.CIVIL_AFFAIRS), report, uphold=True, note="下架")
    db.session.expire_all()
    assert report.status == ReportStatus.OPEN and a_listing.status == ListingStatus.ACTIVE
    with pytest.raises(SwapError, match="当前状态为“展示中”"):
        listings.resume_listing(a_listing)
