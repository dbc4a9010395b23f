"""The whole demo, in order: the city's streets and homes, the people, two leases, then each
area's demo. Every record is found by a natural key before it is created."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.core.clock import today_in_china
from app.demo.applications import seed_review_demo
from app.demo.board import seed_board_demo
from app.demo.people import DemoResident, seed_resident, seed_staff
from app.demo.renewal import seed_renewal_demo
from app.demo.rent import seed_rent_demo
from app.demo.review import seed_review_stages
from app.demo.swap import seed_swap_demo
from app.extensions import db
from app.housing.models import (
    Building,
    Community,
    District,
    GuaranteeType,
    Lease,
    LeaseResident,
    LeaseTerm,
    Street,
    Unit,
)

DISTRICTS = {
    "360402": ("濂溪区", {"360402001": "十里街道", "360402002": "五里街道"}),
    "360403": (
        "浔阳区",
        {
            "360403001": "甘棠街道",
            "360403002": "湓浦街道",
            "360403003": "人民路街道",
            "360403004": "白水湖街道",
        },
    ),
    "360404": ("柴桑区", {"360404001": "沙河街道"}),
}

# community name, street code, address, buildings: (name, floors, lift)
COMMUNITIES = [
    ("琵琶湖公租房小区", "360403001", "浔阳区甘棠南路88号", [("1栋", 18, True), ("2栋", 6, False)]),
    ("十里公租房小区", "360402001", "濂溪区十里大道210号", [("3栋", 11, True), ("5栋", 6, False)]),
    (
        "沙河保障房小区",
        "360404001",
        "柴桑区沙河大道56号",
        [("A栋", 16, True), ("B栋", 16, True), ("C栋", 6, False)],
    ),
    (
        "八里湖公租房小区",
        "360402002",
        "濂溪区八里湖路66号",
        [("6栋", 18, True), ("7栋", 11, True), ("8栋", 6, False)],
    ),
]


RESIDENTS = [
    DemoResident("13800000001", "张小明", "36040319900101123"),
    DemoResident("13800000002", "李华", "36040219850315204"),
    DemoResident("13800000003", "王芳", "36040419780620302"),
    DemoResident("13800000004", None, None),
]

STAFF = [
    ("13900000001", Role.STREET_REVIEWER, "360403"),
    ("13900000002", Role.DISTRICT_REVIEWER, "360403"),
    ("13900000003", Role.CITY_REVIEWER, None),
    ("13900000004", Role.CIVIL_AFFAIRS, None),
    ("13900000005", Role.LEASE_MANAGER, None),
    ("13900000006", Role.ADMIN, None),
]


def seed_demo() -> str:
    streets = _seed_regions()
    units = _seed_housing(streets)
    residents = {r.phone: seed_resident(r) for r in RESIDENTS}
    for phone, role, district_code in STAFF:
        seed_staff(phone, role, district_code)
    today = today_in_china()
    _seed_lease(
        "JJGZ-2024-0001",
        residents["13800000002"],
        units[("琵琶湖公租房小区", "1栋", "502")],
        GuaranteeType.GONGZU,
        start=today - timedelta(days=500),
        years=3,
        rent_fen=68000,
        fee_fen=9500,
        subsidy_fen=0,
        co_resident=("李小华", "子女"),
    )
    _seed_lease(
        "JJLZ-2023-0007",
        residents["13800000003"],
        units[("十里公租房小区", "3栋", "301")],
        GuaranteeType.LIANZU,
        start=today - timedelta(days=3 * 365 - 60),
        years=3,
        rent_fen=42000,
        fee_fen=7000,
        subsidy_fen=30000,
        co_resident=("王建国", "配偶"),
    )
    db.session.commit()
    seed_rent_demo()
    seed_review_demo()
    seed_renewal_demo()
    seed_swap_demo()
    seed_review_stages()
    seed_board_demo()
    return _summary()


def _summary() -> str:
    """What the database now holds (every area's demo data included)."""
    from sqlalchemy import func

    def count(query) -> int:
        return db.session.scalar(query) or 0

    residents = count(select(func.count(User.id)).where(User.role == Role.RESIDENT))
    staff = count(select(func.count(User.id)).where(User.role != Role.RESIDENT))
    return (
        f"{count(select(func.count(Street.id)))} 个街道，{count(select(func.count(Unit.id)))} 套房屋，"
        f"{count(select(func.count(Lease.id)))} 份租约，{residents} 位居民，{staff} 位工作人员"
    )


def _seed_regions() -> dict[str, Street]:
    streets: dict[str, Street] = {}
    for code, (name, street_names) in DISTRICTS.items():
        district = _get_or_add(District, code=code) or District(code=code, name=name)
        db.session.add(district)
        for street_code, street_name in street_names.items():
            street = _get_or_add(Street, code=street_code) or Street(
                code=street_code, name=street_name, district=district
            )
            db.session.add(street)
            streets[street_code] = street
    db.session.flush()
    return streets


def _seed_housing(streets: dict[str, Street]) -> dict[tuple[str, str, str], Unit]:
    units: dict[tuple[str, str, str], Unit] = {}
    for name, street_code, address, buildings in COMMUNITIES:
        community = _get_or_add(Community, name=name, street_id=streets[street_code].id)
        if community is None:
            community = Community(name=name, address=address, street=streets[street_code])
            db.session.add(community)
            db.session.flush()
        for building_name, floors, lift in buildings:
            building = _get_or_add(Building, community_id=community.id, name=building_name)
            if building is None:
                building = Building(
                    community=community, name=building_name, floors=floors, has_lift=lift
                )
                db.session.add(building)
                db.session.flush()
            for floor in (3, 5):
                for index, (area, rooms) in enumerate(
                    ((Decimal("45.60"), 1), (Decimal("58.20"), 2))
                ):
                    number = f"{floor}0{index + 1}"
                    unit = _get_or_add(Unit, building_id=building.id, number=number)
                    if unit is None:
                        unit = Unit(
                            building=building,
                            number=number,
                            floor=floor,
                            area_m2=area,
                            bedrooms=rooms,
                            living_rooms=1,
                            bathrooms=1,
                            orientation="南北" if rooms == 2 else "南",
                        )
                        db.session.add(unit)
                    units[(name, building_name, number)] = unit
    db.session.flush()
    return units


def _seed_lease(
    contract_number: str,
    tenant: User,
    unit: Unit,
    guarantee: GuaranteeType,
    *,
    start: date,
    years: int,
    rent_fen: int,
    fee_fen: int,
    subsidy_fen: int,
    co_resident: tuple[str, str],
) -> None:
    if db.session.scalar(select(Lease.id).where(Lease.contract_number == contract_number)):
        return
    lease = Lease(
        contract_number=contract_number,
        unit=unit,
        tenant_id=tenant.id,
        guarantee_type=guarantee,
    )
    lease.terms.append(
        LeaseTerm(
            start_date=start,
            end_date=start + timedelta(days=365 * years - 1),
            monthly_rent_fen=rent_fen,
            property_fee_fen=fee_fen,
            monthly_subsidy_fen=subsidy_fen,
        )
    )
    lease.residents.append(
        LeaseResident(
            name=co_resident[0], relation=co_resident[1], id_number_masked="3604**********0021"
        )
    )
    db.session.add(lease)


def _get_or_add(model: type, **keys: object):
    """The existing row matching ``keys``, or None."""
    return db.session.scalar(select(model).filter_by(**keys))
