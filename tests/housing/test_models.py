from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.housing.models import LeaseTerm
from app.housing.statuses import LEASES
from app.status import change
from tests.factories import create_tenant

pytestmark = pytest.mark.usefixtures("app")


def test_lease_terms_keep_history_and_current_is_newest() -> None:
    _tenant, lease = create_tenant()
    first = lease.current_term
    lease.terms.append(
        LeaseTerm(
            start_date=first.end_date,
            end_date=first.end_date.replace(year=first.end_date.year + 3),
            monthly_rent_fen=62000,
            property_fee_fen=8000,
        )
    )
    db.session.commit()
    db.session.expire_all()
    assert [t.monthly_rent_fen for t in lease.terms] == [60000, 62000]
    assert lease.current_term.monthly_rent_fen == 62000


def test_negative_rent_is_refused_by_the_database() -> None:
    _tenant, lease = create_tenant()
    lease.terms.append(
        LeaseTerm(
            start_date=lease.current_term.end_date,
            end_date=lease.current_term.end_date.replace(year=2099),
            monthly_rent_fen=-1,
            property_fee_fen=0,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_concurrent_edit_of_a_lease_is_detected(app) -> None:
    _tenant, lease = create_tenant()
    lease_id = lease.id
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE leases SET version = version + 1 WHERE id = :id"), {"id": lease_id}
        )
    change(lease, LEASES, "end", actor=None, audit=False, commit=False)
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
