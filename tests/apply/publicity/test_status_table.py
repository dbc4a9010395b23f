"""The objection's status table (app/apply/publicity/rules.py ``OBJECTIONS``): every (status,
action, party) is a declared move or refused in Chinese, and a stored objection's status is
never assigned outside ``app.status``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.apply.publicity.models import Objection
from app.apply.publicity.rules import OBJECTIONS, ObjectionStatus
from app.auth.roles import Role
from app.extensions import db
from app.status import StatusWriteRefused
from tests.apply.publicity.test_publicity import OBJECTION, in_publicity
from tests.conftest import post
from tests.status_walk import CHINESE, assert_move, case_id, cases

OFFICES = (Role.STREET_REVIEWER, Role.DISTRICT_REVIEWER, Role.CITY_REVIEWER)
DECIDED = {"uphold": ObjectionStatus.UPHELD, "dismiss": ObjectionStatus.DISMISSED}
DECLARED = {
    (ObjectionStatus.OPEN, action, office): target
    for action, target in DECIDED.items()
    for office in OFFICES
}


@pytest.mark.parametrize(("table", "status", "action", "party"), cases(OBJECTIONS), ids=case_id)
def test_every_move_is_declared_or_refused_in_chinese(table, status, action, party) -> None:
    assert_move(table, status, action, party, DECLARED.get((status, action, party)))


def test_the_table_declares_every_status_and_its_texts() -> None:
    assert set(OBJECTIONS.statuses) == set(ObjectionStatus)
    assert CHINESE.search(OBJECTIONS.stale) and OBJECTIONS.error("x").message == "x"


def test_a_stored_status_is_not_assigned_outside_the_helper(app, client, places, staff, today):
    _resident, _application, _street, publicity = in_publicity(app, places, staff, today)
    assert post(client, f"/publicity/{publicity.id}/objection", OBJECTION).status_code == 303
    objection = db.session.scalar(select(Objection))
    with pytest.raises(StatusWriteRefused):
        objection.status = ObjectionStatus.DISMISSED
    db.session.rollback()
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.OPEN
