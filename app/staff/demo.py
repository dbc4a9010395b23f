"""Idempotent demo data for the back office (called at the end of ``seed_demo``).

- 13900000001 (街道审核) gets the scope 甘棠街道;
- 赵敏 13800000005: a submitted 公租房 application in 甘棠街道, waiting for 受理;
- 孙丽 13800000006: accepted and in 一榜公示 (visible on the public 公示 page);
- 吴刚 13800000007: a 廉租房 household through every round, with a 资格证明.

Applications are found by their reference before anything is created, and the review
steps run through the real services (with dates in the past where a round must end).
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from app.apply import services as apply_services
from app.apply.categories import Category, GuaranteeMode
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationEvent, ApplicationFile, ApplicationStatus
from app.auth.idcard import check_character
from app.auth.models import User
from app.core import clock
from app.demo_review import walk
from app.extensions import db
from app.housing.models import Street
from app.staff import services
from app.staff.services import ReviewError
from app.storage import storage

GANTANG = "360403001"
STREET_REVIEWER_PHONE = "13900000001"


def seed_review_demo() -> None:
    from app.demo import DemoResident, _seed_resident

    street = db.session.scalar(select(Street).where(Street.code == GANTANG))
    reviewer = _user(STREET_REVIEWER_PHONE)
    if reviewer.street_id is None:
        reviewer.street_id = street.id
        db.session.commit()
    residents = {
        "waiting": _seed_resident(DemoResident("13800000005", "赵敏", "36040319880512402")),
        "publicity": _seed_resident(DemoResident("13800000006", "孙丽", "36040319910823404")),
        "qualified": _seed_resident(DemoResident("13800000007", "吴刚", "36040319750302301")),
    }
    db.session.commit()
    today = clock.today_in_china()
    _submitted("JJGZDEMO0001", residents["waiting"], street, Category.LOW_MIDDLE_INCOME)
    waiting_publicity = _submitted(
        "JJGZDEMO0002", residents["publicity"], street, Category.NEW_EMPLOYEE
    )
    if waiting_publicity.status == ApplicationStatus.SUBMITTED:
        try:
            services.accept(waiting_publicity, reviewer, version=None, today=today)
            services.start_publicity(waiting_publicity, reviewer, version=None, today=today)
        except ReviewError:  # e.g. the calendar does not cover the publicity period yet
            db.session.rollback()
    qualified = _submitted(
        "JJGZDEMO0003", residents["qualified"], street, Category.LOW_INCOME, days_ago=77
    )
    walk(qualified, ApplicationStatus.QUALIFIED, today - timedelta(days=75), today)


def _user(phone: str) -> User:
    return db.session.scalar(select(User).where(User.phone == phone))


def _submitted(
    reference: str, user: User, street: Street, category: Category, *, days_ago: int = 0
) -> Application:
    found = db.session.scalar(select(Application).where(Application.reference == reference))
    if found is not None:
        return found
    spouse = f"36040319890101{user.id % 900 + 100:03d}"
    member_id = spouse + check_character(spouse)
    application = Application(  # made in its first state, 已提交 (the status guard allows it)
        applicant_id=user.id,
        reference=reference,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=clock.utcnow() - timedelta(days=days_ago),
        street_id=street.id,
        district_id=street.district_id,
        region_confirmed_at=clock.utcnow(),
        category=category,
        guarantee_mode=GuaranteeMode.PHYSICAL,
        data={
            "applicant": {
                "phone": user.phone,
                "marital_status": "married",
                "hukou": "center_urban",
                "hukou_years": 12,
                "employment_status": "flexible" if category == Category.LOW_INCOME else "employed",
                "employer": "" if category == Category.LOW_INCOME else "九江某物流公司",
                "monthly_income": 900 if category == Category.LOW_INCOME else 3200,
                "address": "浔阳区甘棠南路12号",
                "housing_situation": "renting",
                "remarried": "no",
                "relatives_any": "no",
            },
            "members": [
                apply_services.member_record(
                    {
                        "name": "刘建军" if user.sex == "female" else "陈秀英",
                        "id_number": member_id,
                        "birth_date": "1989-01-01",
                        "sex": "male" if user.sex == "female" else "female",
                        "age": 37,
                        "relation": "spouse",
                        "employment_status": "flexible",
                        "employer": "",
                        "address": "",
                    }
                )
            ],
            "assets": {},
            "category_details": {"civil_status": "dibao"}
            if category == Category.LOW_INCOME
            else {},
            "priority_groups": [],
        },
        current_step="review",
        furthest_step="review",
    )
    db.session.add(application)
    db.session.flush()
    for item in required_materials(application.category, application.data):
        if item.required:
            application.files.append(_demo_file(item.key))
    application.precheck = apply_services.precheck(application, user)
    application.events.append(
        ApplicationEvent(
            actor_id=user.id, action="submitted", to_status=ApplicationStatus.SUBMITTED
        )
    )
    db.session.commit()
    return application


def _demo_file(material_key: str) -> ApplicationFile:
    image = Image.new("RGB", (480, 320), (236, 230, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    data = out.getvalue()
    return ApplicationFile(
        material_key=material_key,
        storage_key=storage().save(data, suffix=".jpg"),
        content_type="image/jpeg",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
