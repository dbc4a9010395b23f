"""Demo applications at every review desk (called from ``app.demo.seed_demo``).

Each household's application is submitted and then walked through the real review
services (``app.apply.review``), one step after another on past dates, until it waits
at the desk named in ``DEMO_LOGINS``; a later run picks up where an earlier one stopped
(a step that would fall after today waits for another day). Found by reference first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from app.apply import certification, review, review_reads
from app.apply import services as apply_services
from app.apply.categories import Category
from app.apply.models import Application
from app.apply.models import ApplicationStatus as S
from app.apply.review import ReviewError
from app.apply.workflow import Round
from app.auth.models import User
from app.auth.roles import Role
from app.config.policy import ReviewPath
from app.core import clock
from app.core.workdays import CalendarNotCovered, add_working_days
from app.demo.people import DemoResident, seed_resident
from app.demo.submitted import submitted
from app.extensions import db
from app.housing.models import Street

GANTANG = "360403001"
REVIEW_OFFICES = {
    Role.STREET_REVIEWER: "13900000001",
    Role.DISTRICT_REVIEWER: "13900000002",
    Role.CITY_REVIEWER: "13900000003",
    Role.CIVIL_AFFAIRS: "13900000004",
}


@dataclass(frozen=True)
class DemoApplication:
    phone: str
    name: str
    id_first17: str
    reference: str
    category: Category
    waits_at: S  # the status the walk stops in
    started_days_ago: int  # 受理 that many days before today
    three_rounds: bool = False  # accepted while REVIEW_PATH was 2019 (三榜公示)


APPLICATIONS = [
    DemoApplication(
        "13800000022",
        "钱进",
        "36040319820416101",
        "JJGZDEMO0004",
        Category.LOW_INCOME,
        S.DISTRICT_REVIEW,
        started_days_ago=12,
        three_rounds=True,
    ),
    DemoApplication(
        "13800000023",
        "冯雪",
        "36040319930708202",
        "JJGZDEMO0005",
        Category.NEW_EMPLOYEE,
        S.CIVIL_CHECK,
        started_days_ago=14,
    ),
    DemoApplication(
        "13800000024",
        "何平",
        "36040319860925301",
        "JJGZDEMO0006",
        Category.LOW_MIDDLE_INCOME,
        S.FINAL_REVIEW,
        started_days_ago=24,
    ),
    DemoApplication(
        "13800000025",
        "许静",
        "36040319890311402",
        "JJGZDEMO0007",
        Category.LOW_MIDDLE_INCOME,
        S.RESULT_PUBLICITY,
        started_days_ago=40,
    ),
]
DRAFT = ("13800000021", "蒋文", "36040319940117201")


def seed_review_stages(today: date | None = None) -> None:
    """A draft, and one application waiting at each of 区, 民政 and 市 (twice)."""

    today = today or clock.today_in_china()
    street = db.session.scalars(select(Street).where(Street.code == GANTANG)).one()
    _seed_draft(seed_resident(DemoResident(*DRAFT)), street)
    for plan in APPLICATIONS:
        user = seed_resident(DemoResident(plan.phone, plan.name, plan.id_first17))
        db.session.commit()
        application = submitted(
            plan.reference, user, street, plan.category, days_ago=plan.started_days_ago + 2
        )
        with _review_path(ReviewPath.THREE_ROUNDS if plan.three_rounds else None):
            walk(application, plan.waits_at, today - timedelta(days=plan.started_days_ago), today)


def _seed_draft(user: User, street: Street) -> None:
    """暂存: consent given and the 街道 confirmed; the wizard resumes at 身份验证."""
    if apply_services.latest_application(user.id) is not None:
        return
    draft = apply_services.start_application(user)
    apply_services.record_consent(user, draft, ip=None)
    apply_services.choose_street(draft, street.id, version=None)
    apply_services.confirm_region(draft, version=None)
    db.session.commit()


@contextmanager
def _review_path(path: ReviewPath | None) -> Iterator[None]:
    """Accept under ``path`` (the track is stored at 受理 and kept when the policy changes)."""
    if path is None:
        yield
        return
    before = current_app.config["REVIEW_PATH"]
    current_app.config["REVIEW_PATH"] = path.value
    try:
        yield
    finally:
        current_app.config["REVIEW_PATH"] = before


def walk(application: Application, waits_at: S, start: date, today: date) -> None:
    """Take the review steps from ``application``'s status until it reaches ``waits_at``,
    each by its office on the earliest day it may be taken (never after ``today``)."""
    staff = {
        role: db.session.scalars(select(User).where(User.phone == phone)).one()
        for role, phone in REVIEW_OFFICES.items()
    }
    day = start
    try:
        while application.status != waits_at:
            day = max(day, _earliest(application))
            if day > today or not _step(application, staff, day):
                return
    except (ReviewError, CalendarNotCovered):
        db.session.rollback()


def _earliest(application: Application) -> date:
    """The first day the next step may be taken: after a round's last day, or a few working
    days into the 民政 check."""
    publicity = review_reads.open_round(application)
    if publicity is not None:
        return publicity.ends_on + timedelta(days=1)
    if application.status == S.CIVIL_CHECK and application.civil_check_started_on:
        return add_working_days(application.civil_check_started_on, 3)
    return date.min


def _step(application: Application, staff: dict[Role, User], day: date) -> bool:
    """One step from the current status; False where the walk has nothing to do."""
    street, district = staff[Role.STREET_REVIEWER], staff[Role.DISTRICT_REVIEWER]
    city, civil = staff[Role.CITY_REVIEWER], staff[Role.CIVIL_AFFAIRS]
    status = application.status
    if status == S.SUBMITTED:
        review.accept(application, street, version=None, today=day)
    elif status == S.ACCEPTED:
        review.start_publicity(application, street, version=None, today=day)
    elif status == S.DISTRICT_REVIEW:
        review.start_publicity(application, district, version=None, today=day)
    elif status == S.CIVIL_CHECK:
        certification.record_civil_report(
            application,
            civil,
            report_number=f"MZHD-DEMO-{application.id:04d}",
            conclusion="meets",
            summary="家庭无机动车辆、无工商登记，名下无房产，收入符合标准。",
            version=None,
            today=day,
        )
    elif status == S.FINAL_REVIEW:
        certification.approve(application, city, version=None, today=day)
    elif status == S.RESULT_PUBLICITY:
        certification.issue_certificate(application, city, version=None, today=day)
    elif status in (S.STREET_PUBLICITY, S.DISTRICT_PUBLICITY):
        publicity = review_reads.open_round(application)
        if publicity is None:
            raise RuntimeError(f"{application.reference} is in publicity with no open round")
        office = street if Round(publicity.level) is Round.STREET else district
        review.finish_publicity(application, office, version=None, today=day)
    else:
        return False
    return True
