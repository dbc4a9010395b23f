"""The application's status table (app/apply/workflow.py ``TABLE``) as ``app.status``
applies it: every (status, action, party, track) is a declared move or refused in Chinese,
and a stored application's status is never assigned outside the helper."""

from __future__ import annotations

import itertools
import string

import pytest

from app.apply.models import ApplicationStatus as S
from app.apply.workflow import TABLE, Action, Track, on
from app.auth.roles import Role
from app.core.transitions import OWNER
from app.extensions import db
from app.status import StatusWriteRefused
from tests.apply.test_workflow import EXPECTED
from tests.staff.review import quick_application
from tests.status_walk import CHINESE, PARTIES, assert_move

# The resident's moves are the owner's: a resident acts only on their own application.
DECLARED = {
    (source, action, track): (target, OWNER if role is Role.RESIDENT else role)
    for source, action, tracks, target, role in EXPECTED
    for track in tracks
}
# What the services fill in the applicant's messages (app/apply/services.py, app/apply/review.py).
SAID = {
    Action.SUBMIT: {"ref", "limit"},
    Action.ACCEPT: {"ref", "day", "limit"},
    Action.REQUEST_CORRECTION: {"ref", "listed", "explained"},
    Action.NOT_ACCEPT: {"ref", "reason"},
    Action.REJECT: {"ref", "reason"},
    Action.STOP: {"ref", "reason"},
    Action.START_PUBLICITY: {"ref", "label", "starts", "ends"},
    Action.APPROVE: {"ref", "label", "starts", "ends"},
    Action.FINISH_PUBLICITY: {"ref", "label", "civil_due"},
    Action.RECORD_CIVIL_REPORT: {"ref"},
    Action.ISSUE_CERTIFICATE: {"ref", "number", "until"},
}


@pytest.mark.parametrize(
    ("status", "action", "party", "track"), list(itertools.product(S, Action, PARTIES, Track))
)
def test_every_move_is_declared_or_refused_in_chinese(status, action, party, track) -> None:
    target, who = DECLARED.get((status, action, track), (None, None))
    assert_move(TABLE, status, action, party, target if party == who else None, on(track))


def test_the_table_declares_every_status_and_its_texts() -> None:
    assert set(TABLE.statuses) == set(S)
    assert CHINESE.search(TABLE.stale) and TABLE.error("x").message == "x"
    assert all(m.label for m in TABLE.moves)


@pytest.mark.parametrize("move", TABLE.moves, ids=lambda m: f"{m.source}-{m.action}")
def test_each_message_is_filled_by_what_its_service_says(move) -> None:
    if move.action == Action.WITHDRAW:  # the resident withdrew: no message to them
        assert move.tell is None
        return
    fields = {
        name
        for text in (move.tell.title, move.tell.body)
        for _, name, _, _ in string.Formatter().parse(text)
        if name
    }
    assert fields <= SAID[move.action]
    assert move.tell.link == "/apply/status"


def test_a_stored_status_is_not_assigned_outside_the_helper(app, region) -> None:
    application = quick_application(region, status=S.ACCEPTED)
    with pytest.raises(StatusWriteRefused):
        application.status = S.CIVIL_CHECK
    db.session.rollback()
    assert db.session.get(type(application), application.id).status == S.ACCEPTED
