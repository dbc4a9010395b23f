"""The demo's people: residents (with a 实名 when the demo gives one) and staff accounts,
each found by phone before it is created. Every area's demo seeds its households here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.idcard import check_character
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import bind_real_name, create_user
from app.extensions import db
from app.housing.models import District
from app.messages.services import post_message

DEMO_PASSWORD = "Anju2026"  # noqa: S105 - documented demo credential


@dataclass(frozen=True)
class DemoResident:
    phone: str
    name: str | None
    id_first17: str | None


def demo_id_number(first17: str) -> str:
    return first17 + check_character(first17)


def seed_resident(resident: DemoResident) -> User:
    user = db.session.scalar(select(User).where(User.phone == resident.phone))
    if user is None:
        user = create_user(resident.phone, DEMO_PASSWORD, Role.RESIDENT)
        post_message(
            user.id,
            category="系统",
            title="欢迎使用安居",
            body="在这里可以申请公租房、查询审核进度、缴纳租金、发布互换信息和办理续约。",
            link="/services",
        )
        db.session.flush()
    if resident.name and resident.id_first17 and not user.has_real_name:
        bind_real_name(user, resident.name, demo_id_number(resident.id_first17))
    return user


def seed_staff(phone: str, role: Role, district_code: str | None) -> None:
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        return
    district_id = None
    if district_code:
        district_id = db.session.scalar(select(District.id).where(District.code == district_code))
    create_user(phone, DEMO_PASSWORD, role, district_id=district_id)
