"""More 互换 listings for the demo board (called from ``app.demo.seed_demo``): with the six
households of ``app.demo.swap`` there are more listings than one page, so 加载更多 shows.

Eighteen tenants of 八里湖公租房小区 (濂溪区) and 沙河保障房小区 B/C栋 (柴桑区), leases
and rent paid up the same way as the swap demo's, listings posted through the real service
over the past weeks (older than the swap demo's, which stay on top). None of them lives in
浔阳区 or wishes for 濂溪区 or 十里公租房小区, so the stories of 周婷 and 刘洋 (her one
match, her one three-way chain) stay as they are. One tenant has reported another's
listing, for the 租赁管理's 互换信息举报 queue. Idempotent: found by phone and contract.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import select

from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.demo.people import DemoResident, seed_resident
from app.demo.swap import (
    DemoTenant,
    DemoWishes,
    _lease,
    _listing_of,
    _pay_bills_to_date,
    _photo,
    _resolve,
)
from app.extensions import db
from app.housing.models import GuaranteeType
from app.swap import listings, moderation
from app.swap.models import ReasonCategory, ReportReason, SwapReport

BALIHU, SHAHE = "八里湖公租房小区", "沙河保障房小区"
G, L = GuaranteeType.GONGZU, GuaranteeType.LIANZU
W = ReasonCategory


class _Wishes(TypedDict, total=False):
    """``DemoWishes``' optional fields, as the rows below give them."""

    districts: tuple[str, ...]
    communities: tuple[str, ...]
    min_bedrooms: int
    floors: tuple[int | None, int | None]
    lift: bool


# phone suffix, name, ID (first 17), (building, unit), guarantee, reason, wishes, text
_Household = tuple[str, str, str, tuple[str, str, str], GuaranteeType, ReasonCategory, _Wishes, str]
_HOUSEHOLDS: list[_Household] = [
    ("31", "曹阳", "36040219880305101", (BALIHU, "6栋", "301"), G, W.WORK,
     {"districts": ("浔阳区",)}, "一室一厅，朝南，电梯房，楼下就是公交站。单位搬到了浔阳区，想换过去。"),
    ("32", "彭娟", "36040219910612202", (BALIHU, "6栋", "302"), G, W.SCHOOL,
     {"districts": ("浔阳区",), "min_bedrooms": 2}, "两室一厅，南北通透，电梯房。孩子在浔阳区上学，想换到学校附近。"),
    ("33", "潘涛", "36040219790821301", (BALIHU, "6栋", "501"), G, W.ELDERLY,
     {"districts": ("柴桑区",)}, "一室一厅，五楼电梯房，安静。父母住在柴桑区，想换过去方便照顾。"),
    ("34", "袁梅", "36040219850117402", (BALIHU, "6栋", "502"), G, W.MEDICAL,
     {"communities": (SHAHE,), "lift": True}, "两室一厅，采光好，装修简单干净。家人在沙河附近复诊，想换到沙河保障房小区电梯房。"),
    ("35", "邓超", "36040219930402501", (BALIHU, "7栋", "301"), G, W.WORK,
     {"districts": ("浔阳区",), "floors": (1, 11)}, "一室一厅，三楼，电梯房，离地铁近。在浔阳区上班，十一层以下即可。"),
    ("36", "蔡琳", "36040219870929602", (BALIHU, "7栋", "302"), G, W.OTHER,
     {"districts": ("浔阳区", "柴桑区")}, "两室一厅，朝南，小区绿化好，有儿童游乐场。想换个离亲戚近一点的地方。"),
    ("37", "卢强", "36040219760514701", (BALIHU, "7栋", "501"), L, W.ELDERLY,
     {"districts": ("浔阳区",)}, "一室一厅，电梯房，五楼。年纪大了想搬到女儿家附近，在浔阳区。"),
    ("38", "蒋丽", "36040219900803802", (BALIHU, "7栋", "502"), G, W.WORK,
     {"communities": ("琵琶湖公租房小区",)}, "两室一厅，电梯房，五楼，南北通透。想换到琵琶湖公租房小区，上班近。"),
    ("39", "余杰", "36040219830226901", (BALIHU, "8栋", "301"), G, W.SCHOOL,
     {"districts": ("柴桑区",)}, "一室一厅，三楼步梯，朝南。孩子转学到柴桑区，想换过去。"),
    ("40", "杜娟", "36040219920719102", (BALIHU, "8栋", "302"), G, W.MEDICAL,
     {"districts": ("浔阳区",), "min_bedrooms": 2}, "两室一厅，三楼步梯，不用等电梯。需要定期去浔阳区的医院，想换两室。"),
    ("41", "叶帆", "36040219880111201", (BALIHU, "8栋", "501"), G, W.OTHER,
     {"districts": ("柴桑区",)}, "一室一厅，五楼步梯，视野开阔。想换到柴桑区，离老家近一些。"),
    ("42", "程燕", "36040419860930302", (SHAHE, "B栋", "301"), G, W.WORK,
     {"districts": ("浔阳区",)}, "一室一厅，电梯房，三楼，楼下有超市。在浔阳区上班，想换过去。"),
    ("43", "魏东", "36040419810406401", (SHAHE, "B栋", "302"), G, W.SCHOOL,
     {"communities": (BALIHU,), "min_bedrooms": 2}, "两室一厅，电梯房，南北通透。孩子在八里湖附近上学，想换到八里湖公租房小区。"),
    ("44", "苏敏", "36040419940522502", (SHAHE, "B栋", "501"), G, W.ELDERLY,
     {"districts": ("浔阳区",)}, "一室一厅，五楼电梯房，朝南，阳光好。母亲在浔阳区，想换过去照顾她。"),
    ("45", "丁磊", "36040419770818601", (SHAHE, "B栋", "502"), L, W.MEDICAL,
     {"districts": ("浔阳区",)}, "两室一厅，电梯房，离社区医院近。需要去浔阳区的医院做康复，想换过去。"),
    ("46", "任洁", "36040419890125702", (SHAHE, "C栋", "301"), G, W.WORK,
     {"communities": (BALIHU, "琵琶湖公租房小区")}, "一室一厅，三楼步梯，安静。想换到八里湖或琵琶湖的公租房小区。"),
    ("47", "姚刚", "36040419840707801", (SHAHE, "C栋", "302"), G, W.OTHER,
     {"districts": ("浔阳区",), "lift": True}, "两室一厅，三楼步梯，朝南。想换到浔阳区的电梯房。"),
    ("48", "方芳", "36040419920304902", (SHAHE, "C栋", "501"), G, W.SCHOOL,
     {"districts": ("浔阳区",)}, "一室一厅，五楼步梯，通风好。孩子明年在浔阳区上小学，想换过去。"),
]  # fmt: skip

TENANTS = [
    DemoTenant(
        phone=f"138000000{suffix}",
        name=name,
        id_first17=first17,
        contract=f"JJ{'LZ' if guarantee is L else 'GZ'}-2025-00{suffix}",
        unit=unit,
        guarantee=guarantee,
        rent_fen=52000 + int(unit[2][-1]) * 9000,
        listing=DemoWishes(reason, text, **wishes),
        colour=(200 + int(suffix) % 5 * 8, 206 + int(suffix) % 3 * 8, 196 + int(suffix) % 4 * 8),
    )
    for suffix, name, first17, unit, guarantee, reason, wishes, text in _HOUSEHOLDS
]
REPORT = ("13800000046", "13800000041")  # reporter, reported listing's tenant


def seed_board_demo(today: date | None = None) -> None:

    today = today or today_in_china()
    now = utcnow()
    users = {}
    for index, tenant in enumerate(TENANTS):
        user = seed_resident(DemoResident(tenant.phone, tenant.name, tenant.id_first17))
        db.session.commit()
        users[tenant.phone] = user
        lease = _lease(tenant, user.id, today)
        _pay_bills_to_date(lease, today)
        if tenant.listing is not None and _listing_of(user.id) is None:
            posted = now - timedelta(days=1 + index * 2, hours=index)
            listing = listings.post_listing(user, _resolve(tenant.listing), now=posted)
            listings.add_photo(listing, _photo(tenant.colour))
    _seed_report(users[REPORT[0]], users[REPORT[1]])


def _seed_report(reporter: User, tenant: User) -> None:
    if db.session.scalar(select(SwapReport.id).where(SwapReport.reporter_id == reporter.id)):
        return
    listing = listings.live_listing_of(tenant.id)
    if listing is None:
        raise RuntimeError(f"{tenant.phone} has no listing to report")
    moderation.report(
        reporter,
        listing,
        ReportReason.FALSE_INFO.value,
        "去看过房，写的是五楼步梯视野开阔，实际窗外被隔壁楼挡住了，和描述不符。",
    )
