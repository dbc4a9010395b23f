"""Which applications a member of staff may see, and who runs which office.

A 街道 reviewer sees its own 街道's applications only, a 区 reviewer its district's;
市 reviewers see the whole city (or their district when one is set); 民政 sees an
application once its economic check has been commissioned. Drafts are never shown.
Staff without the scope their role needs see nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select

from app.apply.models import Application
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db

# Roles that work on applications, and so may open their files and unmasked ID numbers.
APPLICATION_ROLES = frozenset(
    {Role.STREET_REVIEWER, Role.DISTRICT_REVIEWER, Role.CITY_REVIEWER, Role.CIVIL_AFFAIRS}
)
PII_ROLES = APPLICATION_ROLES


def missing_scope(user: User) -> str | None:
    """Why a reviewer's account cannot see anything yet, in Chinese; None when it can."""
    if user.role is Role.STREET_REVIEWER and user.street_id is None:
        return "您的账号尚未设置所属街道，暂时看不到申请；请联系系统管理员设置。"
    if user.role is Role.DISTRICT_REVIEWER and user.district_id is None:
        return "您的账号尚未设置所属区，暂时看不到申请；请联系系统管理员设置。"
    return None


def application_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Application`` for what ``user`` may see."""
    role = user.role
    if role not in APPLICATION_ROLES or missing_scope(user):
        return false()
    conditions: list[ColumnElement[bool]] = [Application.submitted_at.is_not(None)]
    if role is Role.CIVIL_AFFAIRS:
        conditions.append(Application.civil_check_started_on.is_not(None))
    if user.street_id is not None and role is not Role.DISTRICT_REVIEWER:
        conditions.append(Application.street_id == user.street_id)
    elif user.district_id is not None:
        conditions.append(Application.district_id == user.district_id)
    return and_(*conditions)


def can_see(user: User, application_id: int) -> bool:
    found = db.session.scalar(
        select(Application.id).where(Application.id == application_id, application_filter(user))
    )
    return found is not None


def office_staff(role: Role, application: Application) -> list[User]:
    """The accounts of ``role`` whose scope covers ``application`` (to notify its office)."""
    query = select(User).where(User.role == role)
    if role is Role.STREET_REVIEWER:
        query = query.where(User.street_id == application.street_id)
    elif role is Role.DISTRICT_REVIEWER:
        query = query.where(User.district_id == application.district_id)
    else:
        query = query.where(
            or_(User.street_id.is_(None), User.street_id == application.street_id),
            or_(User.district_id.is_(None), User.district_id == application.district_id),
        )
    return list(db.session.scalars(query.order_by(User.id)))
