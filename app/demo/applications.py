"""Idempotent demo data for the back office (called at the end of ``seed_demo``).

- 13900000001 (街道审核) gets the scope 甘棠街道;
- 赵敏 13800000005: a submitted 公租房 application in 甘棠街道, waiting for 受理;
- 孙丽 13800000006: accepted and in 一榜公示 (visible on the public 公示 page);
- 吴刚 13800000007: a 廉租房 household through every round, with a 资格证明.

Applications are found by their reference before anything is created, and the review
steps run through the real services (with dates in the past where a round must end).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.apply import review
from app.apply.categories import Category
from app.apply.models import ApplicationStatus
from app.apply.review import ReviewError
from app.auth.models import User
from app.core import clock
from app.demo.people import DemoResident, seed_resident
from app.demo.review import walk
from app.demo.submitted import submitted
from app.extensions import db
from app.housing.models import Street

GANTANG = "360403001"
STREET_REVIEWER_PHONE = "13900000001"


def seed_review_demo() -> None:

    street = db.session.scalars(select(Street).where(Street.code == GANTANG)).one()
    reviewer = _user(STREET_REVIEWER_PHONE)
    if reviewer.street_id is None:
        reviewer.street_id = street.id
        db.session.commit()
    residents = {
        "waiting": seed_resident(DemoResident("13800000005", "赵敏", "36040319880512402")),
        "publicity": seed_resident(DemoResident("13800000006", "孙丽", "36040319910823404")),
        "qualified": seed_resident(DemoResident("13800000007", "吴刚", "36040319750302301")),
    }
    db.session.commit()
    today = clock.today_in_china()
    submitted("JJGZDEMO0001", residents["waiting"], street, Category.LOW_MIDDLE_INCOME)
    waiting_publicity = submitted(
        "JJGZDEMO0002", residents["publicity"], street, Category.NEW_EMPLOYEE
    )
    if waiting_publicity.status == ApplicationStatus.SUBMITTED:
        try:
            review.accept(waiting_publicity, reviewer, version=None, today=today)
            review.start_publicity(waiting_publicity, reviewer, version=None, today=today)
        except ReviewError:  # e.g. the calendar does not cover the publicity period yet
            db.session.rollback()
    qualified = submitted(
        "JJGZDEMO0003", residents["qualified"], street, Category.LOW_INCOME, days_ago=77
    )
    walk(qualified, ApplicationStatus.QUALIFIED, today - timedelta(days=75), today)


def _user(phone: str) -> User:
    return db.session.scalars(select(User).where(User.phone == phone)).one()
