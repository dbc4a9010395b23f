"""The swap demo: idempotent, and it shows what the README promises."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.core.clock import utcnow
from app.demo import board as demo_board
from app.demo import swap as swap_demo
from app.extensions import db
from app.swap import board_matches, listings, tenant_standing
from app.swap.models import SwapListing, SwapListingPhoto
from tests.conftest import login, page_text


def test_swap_demo_is_idempotent_and_tells_its_stories(runner, client) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counted = (
        db.session.scalar(select(func.count(SwapListing.id))),
        db.session.scalar(select(func.count(SwapListingPhoto.id))),
    )
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    # The swap demo's five listings, and the board demo's (one photo each).
    listed = sum(1 for t in swap_demo.TENANTS if t.listing) + len(demo_board.TENANTS)
    assert counted == (listed, listed) == (23, 23)
    assert (
        db.session.scalar(select(func.count(SwapListing.id))),
        db.session.scalar(select(func.count(SwapListingPhoto.id))),
    ) == counted

    # 周婷 sees chains of three (with 黄磊 and 郑伟), four and five homes, each with its 匹配度.
    assert login(client, "13800000012", "Anju2026").status_code == 303
    html = page_text(client.get("/swap/matches"))
    assert "多方互换（9 组）" in html and "琵琶湖公租房小区" in html and "沙河保障房小区" in html
    for size in (3, 4, 5):
        assert f"{size} 户互换 · 匹配度 100%" in html
    assert "D 搬进您现在的房屋" in html  # the last household of a chain of five

    # 刘洋 has no listing yet and may post one.
    liu = db.session.scalar(select(User).where(User.phone == "13800000011"))
    assert listings.live_listing_of(liu.id) is None and tenant_standing.own_problems(liu.id) == []

    # 李华 (overdue rent) is refused with the reason.
    li = db.session.scalar(select(User).where(User.phone == "13800000002"))
    assert any("逾期未缴的租金" in problem for problem in tenant_standing.own_problems(li.id))

    # 吴敏's 廉租房 listing is only for 廉租房 tenants.
    wu = db.session.scalar(select(User).where(User.phone == "13800000015"))
    wu_listing = listings.live_listing_of(wu.id)
    assert wu_listing.guarantee_type == "lianzu"
    zhou = listings.live_listing_of(
        db.session.scalar(select(User.id).where(User.phone == "13800000012"))
    )
    assert wu_listing.id not in {m.listing_id for m in board_matches.mutual_matches(zhou, utcnow())}
