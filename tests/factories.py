"""Build test data through the same services the app uses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from app.auth.idcard import check_character
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import bind_real_name, create_user
from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import (
    Building,
    Community,
    District,
    GuaranteeType,
    Lease,
    LeaseTerm,
    Street,
    Unit,
)

PASSWORD = "Passw0rd123"
_sequence = count(1)


def valid_id_number(birth: str = "19900101", serial: str = "123") -> str:
    first17 = "360403" + birth + serial
    return first17 + check_character(first17)


def next_phone() -> str:
    return f"1380000{next(_sequence):04d}"


def create_resident(phone: str | None = None, *, real_name: str | None = None) -> User:
    user = create_user(phone or next_phone(), PASSWORD, Role.RESIDENT)
    db.session.commit()
    if real_name:
        serial = f"{user.id % 1000:03d}"
        bind_real_name(user, real_name, valid_id_number(serial=serial))
    return user


def create_staff(role: Role, district: District | None = None) -> User:
    user = create_user(next_phone(), PASSWORD, role, district_id=district.id if district else None)
    db.session.commit()
    return user


def create_unit() -> Unit:
    n = next(_sequence)
    district = District(code=f"9{n:05d}", name=f"测试区{n}")
    street = Street(code=f"9{n:08d}", name=f"测试街道{n}", district=district)
    community = Community(name=f"测试小区{n}", address="测试路1号", street=street)
    building = Building(community=community, name="1栋", floors=6, has_lift=False)
    unit = Unit(
        building=building,
        number="101",
        floor=1,
        area_m2=Decimal("50.00"),
        bedrooms=2,
        living_rooms=1,
        bathrooms=1,
        orientation="南",
    )
    db.session.add(unit)
    db.session.commit()
    return unit


def create_tenant(*, lease_ends_in_days: int = 400) -> tuple[User, Lease]:
    tenant = create_resident(real_name="李华")
    end = today_in_china() + timedelta(days=lease_ends_in_days)
    lease = Lease(
        contract_number=f"TEST-{next(_sequence)}",
        unit=create_unit(),
        tenant_id=tenant.id,
        guarantee_type=GuaranteeType.GONGZU,
    )
    lease.terms.append(
        LeaseTerm(
            start_date=end - timedelta(days=3 * 365),
            end_date=end,
            monthly_rent_fen=60000,
            property_fee_fen=8000,
        )
    )
    db.session.add(lease)
    db.session.commit()
    return tenant, lease


def days_ago(days: int) -> date:
    return today_in_china() - timedelta(days=days)
