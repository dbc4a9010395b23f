"""Shared pieces for the review tests: places, staff, signed-in desks, a frozen "today",
and applications (submitted through the real wizard, or made directly for queue tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.apply.models import Application, ApplicationStatus
from app.auth.models import User
from app.auth.roles import Role
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import District, Street
from app.messages.models import Message
from tests.apply.conftest import Wizard
from tests.conftest import IsolatedClient, login, post
from tests.factories import PASSWORD, create_resident, create_staff


@dataclass
class Places:
    xunyang: District
    lianxi: District
    gantang: Street
    penpu: Street
    shili: Street


@pytest.fixture
def places() -> Places:
    return make_places()


def make_places() -> Places:
    """Two districts of 九江 and three streets, committed."""
    xunyang = District(code="360403", name="浔阳区")
    lianxi = District(code="360402", name="濂溪区")
    gantang = Street(code="360403001", name="甘棠街道", district=xunyang)
    penpu = Street(code="360403002", name="湓浦街道", district=xunyang)
    shili = Street(code="360402001", name="十里街道", district=lianxi)
    db.session.add_all([gantang, penpu, shili])
    db.session.commit()
    return Places(xunyang, lianxi, gantang, penpu, shili)


@dataclass
class Staff:
    street: User  # 甘棠街道
    street_other: User  # 湓浦街道, same district
    district: User  # 浔阳区
    district_other: User  # 濂溪区
    city: User
    civil: User
    admin: User
    lease: User


def _staff(role: Role, district: District | None = None, street: Street | None = None) -> User:
    user = create_staff(role, district)
    if street is not None:
        user.street_id = street.id
        db.session.commit()
    return user


@pytest.fixture
def staff(places: Places) -> Staff:
    return Staff(
        street=_staff(Role.STREET_REVIEWER, places.xunyang, places.gantang),
        street_other=_staff(Role.STREET_REVIEWER, places.xunyang, places.penpu),
        district=_staff(Role.DISTRICT_REVIEWER, places.xunyang),
        district_other=_staff(Role.DISTRICT_REVIEWER, places.lianxi),
        city=_staff(Role.CITY_REVIEWER),
        civil=_staff(Role.CIVIL_AFFAIRS),
        admin=_staff(Role.ADMIN),
        lease=_staff(Role.LEASE_MANAGER),
    )


class Today:
    """Freezes ``app.core.clock.today_in_china`` at a chosen date."""

    def __init__(self, monkeypatch) -> None:
        self.day = date(2026, 9, 18)
        monkeypatch.setattr("app.core.clock.today_in_china", lambda: self.day)

    def set(self, day: date) -> date:
        self.day = day
        return day


@pytest.fixture
def today(monkeypatch) -> Today:
    return Today(monkeypatch)


class Desk:
    """A signed-in client (staff or resident) with its own session."""

    def __init__(self, app, user: User) -> None:
        self.user = user
        self.client = IsolatedClient(app, app.response_class, use_cookies=True)
        assert login(self.client, user.phone, PASSWORD).status_code == 303

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return post(self.client, path, data, **kwargs)

    def act(self, application: Application, action: str, **data):
        db.session.refresh(application)
        return self.post(
            f"/staff/applications/{application.id}/act/{action}",
            {"version": str(application.version), **data},
        )


def submit_application(
    app,
    street: Street,
    *,
    category: str = "low_middle_income",
    name: str = "张小明",
    user: User | None = None,
) -> tuple[Desk, Application]:
    """A resident (``user``, or a new one) fills in the wizard for ``street`` and submits."""
    user = user or create_resident(real_name=name)
    desk = Desk(app, user)
    wizard = Wizard(desk.client, user)
    assert wizard.start().status_code == 303
    wizard.consent()
    wizard.post("/apply/region", {"street_id": str(street.id)})
    assert wizard.post("/apply/region/confirm").headers["Location"] == "/apply/identity"
    wizard.verify_identity()
    assert wizard.post("/apply/identity").headers["Location"] == "/apply/category"
    extra = {"civil_status": "dibao"} if category == "low_income" else {}
    response = wizard.post(
        "/apply/category",
        {"guarantee_mode": "physical", "category": category, "action": "next", **extra},
    )
    assert response.headers["Location"] == "/apply/members"
    assert wizard.add_member("王小二", "spouse").status_code == 303
    assert wizard.members().headers["Location"] == "/apply/assets"
    assert wizard.sign().status_code == 303
    assert wizard.post("/apply/assets", {"action": "next"}).status_code == 303
    wizard.upload_all_required()
    assert wizard.post("/apply/submit").headers["Location"] == "/apply/status"
    application = wizard.application
    assert application.status == ApplicationStatus.SUBMITTED
    desk.wizard = wizard
    return desk, application


def walk_to_final_review(
    app, staff: Staff, application: Application, today: Today, *, conclusion: str = "meets"
) -> None:
    """受理 on 2026-09-01, 一榜公示 until 09-08, 民政 report on 09-10: ready for 终审."""
    street, civil = Desk(app, staff.street), Desk(app, staff.civil)
    today.set(date(2026, 9, 1))
    assert street.act(application, "accept").status_code == 303
    assert street.act(application, "start_publicity").status_code == 303
    today.set(date(2026, 9, 10))
    assert street.act(application, "finish_publicity").status_code == 303
    report = {"report_number": "MZ-9", "conclusion": conclusion, "summary": "核对情况摘要。"}
    assert civil.act(application, "record_civil_report", **report).status_code == 303
    db.session.refresh(application)
    assert application.status == ApplicationStatus.FINAL_REVIEW


def quick_application(
    street: Street,
    *,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
    category: str = "low_middle_income",
    name: str = "李四海",
    accepted_on: date | None = None,
    due_on: date | None = None,
) -> Application:
    """An application made directly in the database (for queue, scope and bulk tests)."""
    user = create_resident(real_name=name)
    application = Application(
        applicant_id=user.id,
        reference=f"JJGZTEST{user.id:06d}",
        status=status,
        street_id=street.id,
        district_id=street.district_id,
        category=category,
        data={"applicant": {"phone": user.phone}, "members": []},
        submitted_at=utcnow(),
        accepted_on=accepted_on or (date(2026, 9, 1) if due_on else None),
        legal_due_on=due_on,
        current_due_on=due_on,
    )
    db.session.add(application)
    db.session.commit()
    return application


def messages_of(user: User) -> list[Message]:
    return list(
        db.session.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id))
    )


def after(day: date) -> date:
    return day + timedelta(days=1)
