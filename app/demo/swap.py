"""Demo data for the swap board (called once at the end of ``app.demo.seed_demo``).

Six 公租房 / 廉租房 tenants with leases and rent paid up to this month:

- 刘洋 13800000011 (琵琶湖 2栋, 浔阳区) has no listing yet: post one wanting 濂溪区 and
  周婷 appears under 互相匹配;
- 周婷 13800000012 (十里 3栋, 濂溪区) wants 浔阳区; with 黄磊 and 郑伟 she forms a
  three-way chain (周婷 → 黄磊 → 郑伟 → 周婷);
- 郑伟 13800000013 (沙河 A栋, 柴桑区) wants 濂溪区; 黄磊 13800000014 (琵琶湖 1栋) wants
  柴桑区; 陈刚 13800000016 (琵琶湖 1栋) wants 十里公租房小区;
- 吴敏 13800000015 (十里 5栋, 廉租房·租金补贴) wants 浔阳区: only 廉租房 tenants (王芳)
  can swap with her.

Idempotent: users, leases, bills and listings are found by their natural keys first.
Listings are posted through the real service, so they pass the same eligibility rules.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.core.clock import today_in_china
from app.demo.people import DemoResident, seed_resident
from app.demo.rent import settle_demo_bill
from app.extensions import db
from app.housing.models import Building, Community, District, GuaranteeType, Lease, LeaseTerm, Unit
from app.rent.bill_generation import build_bill
from app.rent.billing import Period, periods_between
from app.rent.models import Bill, BillStatus, Payment, PaymentBill, PaymentChannel, PaymentState
from app.rent.settlement import china_day_start
from app.swap import listings
from app.swap.models import ReasonCategory, SwapListing


@dataclass(frozen=True)
class DemoTenant:
    phone: str
    name: str
    id_first17: str
    contract: str
    unit: tuple[str, str, str]  # community, building, number
    guarantee: GuaranteeType
    rent_fen: int
    listing: DemoWishes | None
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class DemoWishes:
    """A listing's wishes with areas by name (ids differ between databases)."""

    reason: ReasonCategory
    description: str
    districts: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    min_bedrooms: int | None = None
    floors: tuple[int | None, int | None] = (None, None)
    lift: bool = False


TENANTS = [
    DemoTenant(
        "13800000011",
        "刘洋",
        "36040319870214101",
        "JJGZ-2025-0011",
        ("琵琶湖公租房小区", "2栋", "302"),
        GuaranteeType.GONGZU,
        72000,
        None,
        (214, 200, 180),
    ),
    DemoTenant(
        "13800000012",
        "周婷",
        "36040219900618202",
        "JJGZ-2025-0012",
        ("十里公租房小区", "3栋", "502"),
        GuaranteeType.GONGZU,
        76000,
        DemoWishes(
            ReasonCategory.WORK,
            "两室一厅，南北通透，电梯房，小区门口有公交站。我在浔阳区上班，每天通勤一个多小时，"
            "想换到浔阳区，两室即可。",
            districts=("浔阳区",),
            min_bedrooms=2,
        ),
        (200, 214, 226),
    ),
    DemoTenant(
        "13800000013",
        "郑伟",
        "36040419830909303",
        "JJGZ-2025-0013",
        ("沙河保障房小区", "A栋", "302"),
        GuaranteeType.GONGZU,
        70000,
        DemoWishes(
            ReasonCategory.SCHOOL,
            "两室一厅，电梯房，采光好，楼下有超市。孩子明年在濂溪区上初中，想换到濂溪区，方便接送。",
            districts=("濂溪区",),
        ),
        (222, 210, 196),
    ),
    DemoTenant(
        "13800000014",
        "黄磊",
        "36040319790302404",
        "JJGZ-2025-0014",
        ("琵琶湖公租房小区", "1栋", "302"),
        GuaranteeType.GONGZU,
        78000,
        DemoWishes(
            ReasonCategory.ELDERLY,
            "两室一厅，电梯房，离琵琶湖公园近，环境安静。父母住在柴桑区沙河街道，年纪大了需要照顾，"
            "想换到柴桑区。",
            districts=("柴桑区",),
        ),
        (206, 222, 204),
    ),
    DemoTenant(
        "13800000015",
        "吴敏",
        "36040219820727505",
        "JJLZ-2025-0015",
        ("十里公租房小区", "5栋", "301"),
        GuaranteeType.LIANZU,
        40000,
        DemoWishes(
            ReasonCategory.ELDERLY,
            "一室一厅，朝南，三楼，步梯。母亲住在浔阳区，身体不好，想换到浔阳区方便照顾。",
            districts=("浔阳区",),
        ),
        (230, 214, 214),
    ),
    DemoTenant(
        "13800000016",
        "陈刚",
        "36040319920110606",
        "JJGZ-2025-0016",
        ("琵琶湖公租房小区", "1栋", "501"),
        GuaranteeType.GONGZU,
        62000,
        DemoWishes(
            ReasonCategory.MEDICAL,
            "一室一厅，电梯房，五楼，朝南。需要定期去濂溪区的医院复诊，想换到十里公租房小区，"
            "九层以下。",
            communities=("十里公租房小区",),
            min_bedrooms=1,
            floors=(1, 9),
        ),
        (216, 216, 232),
    ),
]


def seed_swap_demo(today: date | None = None) -> None:

    today = today or today_in_china()
    for tenant in TENANTS:
        user = seed_resident(DemoResident(tenant.phone, tenant.name, tenant.id_first17))
        db.session.commit()
        lease = _lease(tenant, user.id, today)
        _pay_bills_to_date(lease, today)
        if tenant.listing is not None and _listing_of(user.id) is None:
            listing = listings.post_listing(user, _resolve(tenant.listing))
            listings.add_photo(listing, _photo(tenant.colour))


def _lease(tenant: DemoTenant, tenant_id: int, today: date) -> Lease:
    lease = db.session.scalar(select(Lease).where(Lease.contract_number == tenant.contract))
    if lease is not None:
        return lease
    community, building, number = tenant.unit
    unit = db.session.scalars(
        select(Unit)
        .join(Building, Building.id == Unit.building_id)
        .join(Community, Community.id == Building.community_id)
        .where(Community.name == community, Building.name == building, Unit.number == number)
    ).one()
    start = (today - timedelta(days=240)).replace(day=1)
    lease = Lease(
        contract_number=tenant.contract,
        unit_id=unit.id,
        tenant_id=tenant_id,
        guarantee_type=tenant.guarantee,
    )
    lease.terms.append(
        LeaseTerm(
            start_date=start,
            end_date=start + timedelta(days=3 * 365 - 1),
            monthly_rent_fen=tenant.rent_fen,
            property_fee_fen=8000,
            monthly_subsidy_fen=25000 if tenant.guarantee == GuaranteeType.LIANZU else 0,
        )
    )
    db.session.add(lease)
    db.session.commit()
    return lease


def _pay_bills_to_date(lease: Lease, today: date) -> None:
    """Every month from the lease start to this one, paid at the counter before it was due."""
    if db.session.scalar(select(Bill.id).where(Bill.lease_id == lease.id).limit(1)):
        return
    first = Period.of(lease.terms[0].start_date)
    for period in periods_between(first, Period.of(today)):
        bill = build_bill(lease, period)
        if bill is None:
            continue
        db.session.add(bill)
        db.session.flush()
        if bill.status == BillStatus.PAID:
            continue
        day = min(bill.due_date - timedelta(days=5), today)
        paid_at = china_day_start(day) + timedelta(hours=10)
        payment = Payment(
            reference=f"DEMOSW{lease.id:04d}{bill.period.replace('-', '')}",
            lease_id=lease.id,
            payer_id=lease.tenant_id,
            channel=PaymentChannel.OFFLINE,
            state=PaymentState.PAID,
            amount_fen=bill.amount_due_fen,
            provider_txn_id=f"XJSW{lease.id:04d}{bill.period.replace('-', '')}",
            receipt_number=f"SJSW{lease.id:04d}{bill.period.replace('-', '')}",
            paid_at=paid_at,
        )
        payment.items = [PaymentBill(bill=bill, principal_fen=bill.amount_due_fen, late_fee_fen=0)]
        db.session.add(payment)
        db.session.flush()
        settle_demo_bill(bill, payment)
    db.session.commit()


def _listing_of(tenant_id: int) -> SwapListing | None:
    return db.session.scalar(select(SwapListing).where(SwapListing.tenant_id == tenant_id).limit(1))


def _resolve(wishes: DemoWishes) -> listings.WishInput:
    districts = dict(db.session.execute(select(District.name, District.id)).all())
    communities = dict(db.session.execute(select(Community.name, Community.id)).all())
    return listings.WishInput(
        district_ids=[districts[name] for name in wishes.districts],
        community_ids=[communities[name] for name in wishes.communities],
        min_bedrooms=wishes.min_bedrooms,
        floor_min=wishes.floors[0],
        floor_max=wishes.floors[1],
        needs_lift=wishes.lift,
        reason_category=wishes.reason.value,
        description=wishes.description,
    )


def _photo(colour: tuple[int, int, int]) -> bytes:
    """A plain drawing of a room (window, door, floor), so the demo cards show a picture."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 360, 640, 480), fill=(170, 140, 110))
    draw.rectangle((380, 80, 580, 260), fill=(190, 220, 240), outline=(255, 255, 255), width=8)
    draw.line((480, 80, 480, 260), fill=(255, 255, 255), width=6)
    draw.rectangle((80, 140, 200, 360), fill=(150, 110, 80))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
