"""A demo application at 已提交, with its required materials (a plain image each): where the
review demos start. Found by its reference first, so seeding twice adds nothing."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from app.apply import declaration
from app.apply.categories import Category, GuaranteeMode
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationEvent, ApplicationFile, ApplicationStatus
from app.auth.idcard import check_character
from app.auth.models import User
from app.core import clock
from app.extensions import db
from app.housing.models import Street
from app.storage import storage

GANTANG = "360403001"
STREET_REVIEWER_PHONE = "13900000001"


def submitted(
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
                declaration.member_record(
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
    application.precheck = declaration.precheck(application, user)
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
