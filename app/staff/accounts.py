"""系统管理: staff accounts, their roles and scopes. Every change is audited."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.services import record
from app.auth import sessions
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user, phone_registered
from app.extensions import db
from app.housing.models import District, Street

PAGE_SIZE = 30


class AccountError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def staff_accounts(page: int = 1) -> tuple[list[User], int]:
    query = select(User).where(User.role != Role.RESIDENT)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = db.session.scalars(
        query.order_by(User.role, User.phone).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return list(users), total


def staff_account(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_staff else None


def _scope(district_id: int | None, street_id: int | None) -> tuple[int | None, int | None]:
    """A street implies its district; a street outside the chosen district is refused."""
    if street_id is not None:
        street = db.session.get(Street, street_id)
        if street is None:
            raise AccountError("请选择所属街道", "street_id")
        if district_id is not None and street.district_id != district_id:
            raise AccountError("所选街道不属于所选的区", "street_id")
        return street.district_id, street.id
    if district_id is not None and db.session.get(District, district_id) is None:
        raise AccountError("请选择所属区", "district_id")
    return district_id, None


def create_staff_account(
    admin: User,
    *,
    phone: str,
    password: str,
    role: Role,
    district_id: int | None,
    street_id: int | None,
    ip: str | None = None,
) -> User:
    if not role.is_staff:
        raise AccountError("请选择工作人员角色", "role")
    if phone_registered(phone):
        raise AccountError("该手机号已注册", "phone")
    district_id, street_id = _scope(district_id, street_id)
    user = create_user(phone, password, role, district_id=district_id, street_id=street_id)
    record(
        "staff.account_created",
        actor_id=admin.id,
        subject_type="user",
        subject_id=user.id,
        detail=f"{role.value} district={district_id} street={street_id}",
        ip=ip,
    )
    db.session.commit()
    return user


def update_staff_account(
    admin: User,
    user: User,
    *,
    role: Role,
    district_id: int | None,
    street_id: int | None,
    ip: str | None = None,
) -> None:
    """Change role and scope; a new role signs the account out everywhere."""
    if not role.is_staff:
        raise AccountError("请选择工作人员角色", "role")
    if user.id == admin.id and role is not Role.ADMIN:
        raise AccountError("不能取消自己的系统管理角色，请由其他管理员操作", "role")
    district_id, street_id = _scope(district_id, street_id)
    before = f"{user.role} district={user.district_id} street={user.street_id}"
    if user.role != role:
        user.session_version += 1
        sessions.end_all(user.id, sessions.EndReason.ROLE)
    user.role = role
    user.district_id = district_id
    user.street_id = street_id
    record(
        "staff.account_updated",
        actor_id=admin.id,
        subject_type="user",
        subject_id=user.id,
        detail=f"{before} -> {role.value} district={district_id} street={street_id}",
        ip=ip,
    )
    db.session.commit()
