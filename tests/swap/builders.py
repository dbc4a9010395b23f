"""Swap test data: tenants living in chosen places, with rent paid, and their listings."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from functools import cache
from itertools import count

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import bind_real_name
from app.core.clock import today_in_china, utcnow
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
from app.rent.bill_generation import build_bill
from app.rent.billing import Period
from app.rent.models import Bill, BillStatus
from app.rent.statuses import BILLS
from app.status import change
from app.swap import listings
from app.swap.chains import Fit, Graph, share
from app.swap.matching import Party, fit_points, suits, wished_points
from app.swap.models import ReasonCategory, SwapListing, SwapMatch
from tests.conftest import login
from tests.factories import PASSWORD, next_phone, valid_id_number

_numbers = count(1)


def district(name: str) -> District:
    found = db.session.scalar(select(District).where(District.name == name))
    if found is None:
        n = next(_numbers)
        found = District(code=f"8{n:05d}", name=name)
        db.session.add(found)
        db.session.flush()
    return found


def community(name: str, district_name: str = "浔阳区") -> Community:
    found = db.session.scalar(select(Community).where(Community.name == name))
    if found is None:
        n = next(_numbers)
        street = Street(
            code=f"8{n:08d}", name=f"{district_name}街道{n}", district=district(district_name)
        )
        found = Community(name=name, address="测试路1号", street=street)
        db.session.add(found)
        db.session.flush()
    return found


def unit(
    community_name: str = "琵琶湖小区",
    district_name: str = "浔阳区",
    *,
    floor: int = 3,
    bedrooms: int = 2,
    lift: bool = False,
    floors: int = 6,
) -> Unit:
    place = community(community_name, district_name)
    building = Building(
        community=place, name=f"{next(_numbers)}栋", floors=max(floors, floor), has_lift=lift
    )
    found = Unit(
        building=building,
        number=f"{floor}0{bedrooms}",
        floor=floor,
        area_m2=Decimal("40.00") + 15 * bedrooms,
        bedrooms=bedrooms,
        living_rooms=1,
        bathrooms=1,
        orientation="南北",
    )
    db.session.add(found)
    db.session.flush()
    return found


@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD)


def resident(name: str, phone: str | None = None) -> User:
    """A resident with a bound real name; the password hash is computed once per run."""
    user = User(phone=phone or next_phone(), password_hash=_password_hash(), role=Role.RESIDENT)
    db.session.add(user)
    db.session.commit()
    bind_real_name(user, name, valid_id_number(serial=f"{user.id % 1000:03d}"))
    return user


def tenant(
    name: str = "刘洋",
    *,
    home: Unit | None = None,
    guarantee: GuaranteeType = GuaranteeType.GONGZU,
    paid_months: int = 1,
    phone: str | None = None,
    rent_fen: int = 60000,
    fee_fen: int = 8000,
    subsidy_fen: int = 0,
) -> tuple[User, Lease]:
    """A tenant with a lease on ``home`` and the last ``paid_months`` months paid (已缴租);
    ``subsidy_fen`` is the monthly rent subsidy (租金补贴) on the lease's term."""
    user = resident(name, phone)
    home = home or unit()
    start = (today_in_china() - timedelta(days=200)).replace(day=1)
    lease = Lease(
        contract_number=f"SW-{next(_numbers)}",
        unit_id=home.id,
        tenant_id=user.id,
        guarantee_type=guarantee,
    )
    lease.terms.append(
        LeaseTerm(
            start_date=start,
            end_date=start + timedelta(days=3 * 365),
            monthly_rent_fen=rent_fen,
            property_fee_fen=fee_fen,
            monthly_subsidy_fen=subsidy_fen,
        )
    )
    db.session.add(lease)
    db.session.flush()
    period = Period.of(today_in_china())
    for _ in range(paid_months):
        period = period.previous()
        paid_bill(lease, period)
    db.session.commit()
    return user, lease


def paid_bill(lease: Lease, period: Period) -> Bill:
    bill = build_bill(lease, period)
    assert bill is not None
    bill.status = BillStatus.PAID
    bill.paid_at = utcnow()
    db.session.add(bill)
    db.session.flush()
    return bill


def mark_paid(bills: list[Bill]) -> None:
    """Stored bills marked paid behind the app's back (no payment, so nothing follows)."""
    for bill in bills:
        change(bill, BILLS, "pay", actor=None, audit=False, commit=False)
        bill.paid_at = utcnow()
    db.session.commit()


def overdue_bill(lease: Lease) -> Bill:
    """This month's bill, 20 days overdue (an arrears)."""
    bill = build_bill(lease, Period.of(today_in_china()))
    assert bill is not None
    bill.due_date = today_in_china() - timedelta(days=20)
    db.session.add(bill)
    db.session.commit()
    return bill


def wishes(
    *,
    districts: tuple[str, ...] = (),
    communities: tuple[str, ...] = (),
    min_bedrooms: int | None = None,
    floor_min: int | None = None,
    floor_max: int | None = None,
    lift: bool = False,
    reason: ReasonCategory = ReasonCategory.WORK,
    description: str = "两室一厅，南北通透，靠近公交站，想换到工作的地方附近。",
) -> listings.WishInput:
    return listings.WishInput(
        district_ids=[district(name).id for name in districts],
        community_ids=[community(name).id for name in communities],
        min_bedrooms=min_bedrooms,
        floor_min=floor_min,
        floor_max=floor_max,
        needs_lift=lift,
        reason_category=reason.value,
        description=description,
    )


def listing(user: User, **wish: object) -> SwapListing:
    return listings.post_listing(user, wishes(**wish))  # type: ignore[arg-type]


def form_data(
    *,
    districts: tuple[str, ...] = (),
    reason: str = "work",
    description: str = "两室一厅，南北通透，靠近公交站，想换到工作的地方附近。",
    **extra: object,
) -> dict:
    """What the 发布互换信息 form posts."""
    district_ids = [str(district(name).id) for name in districts]
    db.session.commit()  # the request reads them in its own session
    data: dict = {
        "wish_districts": district_ids,
        "min_bedrooms": "",
        "reason_category": reason,
        "description": description,
    }
    data.update(extra)
    return data


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.phone, PASSWORD).status_code == 303
    return client


def jpeg(size: tuple[int, int] = (640, 480), *, with_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 180, 160))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {2: (29.0, 42.0, 0.0)}  # GPSInfo: latitude
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def fetch(client: FlaskClient, path: str) -> int:
    """GET a file and close it; the status code."""
    response = client.get(path)
    response.close()
    return response.status_code


def age_listing(found: SwapListing, days: int) -> None:
    """Move a listing's clock ``days`` into the past (published and expiring earlier)."""
    found.published_at -= timedelta(days=days)
    found.updated_at -= timedelta(days=days)
    db.session.commit()


# --- the matches as the pure rules say they should be -------------------------------------


def pure_moves(parties: list[Party]) -> dict[tuple[int, int], Fit]:
    """(wanter, home) for every pair where ``matching.suits`` holds, with its fit."""
    return {
        (a.listing_id, b.listing_id): Fit(fit_points(b.home, a.wishes), wished_points(a.wishes))
        for a in parties
        for b in parties
        if a.listing_id != b.listing_id and suits(b, a)
    }


def stored_moves() -> dict[tuple[int, int], Fit]:
    rows = db.session.execute(
        select(SwapMatch.wanter_id, SwapMatch.home_id, SwapMatch.points, SwapMatch.wished)
    )
    return {(wanter, home): Fit(points, wished) for wanter, home, points, wished in rows}


def stored_shares() -> dict[tuple[int, int], float]:
    rows = db.session.execute(
        select(SwapMatch.wanter_id, SwapMatch.home_id, SwapMatch.share).where(
            SwapMatch.share.is_not(None)
        )
    )
    return {(wanter, home): value for wanter, home, value in rows}


def pure_shares(parties: list[Party]) -> dict[tuple[int, int], float]:
    """(wanter, home) of every mutual pair, both ways, with the 匹配度 of its two moves."""
    moves = pure_moves(parties)
    return {
        (wanter, home): float(share((fit, moves[home, wanter])))
        for (wanter, home), fit in moves.items()
        if (home, wanter) in moves
    }


def pure_graph(parties: list[Party]) -> Graph:
    wants: dict[int, dict[int, Fit]] = {p.listing_id: {} for p in parties}
    for (wanter, home), fit in pure_moves(parties).items():
        wants[wanter][home] = fit
    return Graph(wants, {p.listing_id: p.tenant_id for p in parties})


def pure_mutual(parties: list[Party], me: Party) -> list[int]:
    """``me``'s mutual matches, best 匹配度 first, then the newest."""
    moves = pure_moves(parties)
    found = [
        (share((moves[me.listing_id, p.listing_id], moves[p.listing_id, me.listing_id])), p)
        for p in parties
        if (me.listing_id, p.listing_id) in moves and (p.listing_id, me.listing_id) in moves
    ]
    return [p.listing_id for s, p in sorted(found, key=lambda f: (-f[0], -f[1].listing_id))]
