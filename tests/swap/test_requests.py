"""我想换: requests, answers, messages and when contact details appear; favourites; blocks,
reports and their moderation; a conversation is only for its two tenants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import GuaranteeType
from app.messages.models import Message
from app.swap import blocks, board_matches, moderation, requests, tenant_standing
from app.swap.match_notices import CHAIN_TITLE, MUTUAL_TITLE
from app.swap.models import (
    ListingStatus,
    ReportStatus,
    RequestStatus,
    SwapFavourite,
    SwapListing,
    SwapReport,
    SwapRequest,
)
from app.swap.statuses import SwapError
from tests.conftest import page_text, post
from tests.swap import builders


def only_request() -> SwapRequest:
    (found,) = db.session.scalars(select(SwapRequest))
    return found


def messages_to(user) -> list[Message]:
    """The user's 互换 messages about requests (not the 有新的互相匹配 kind)."""
    return list(
        db.session.scalars(
            select(Message).where(
                Message.user_id == user.id,
                Message.category == "互换",
                Message.title.not_in([MUTUAL_TITLE, CHAIN_TITLE]),
            )
        )
    )


def mutual_tenants(listing: SwapListing) -> set[int]:
    """The tenants of ``listing``'s mutual matches, as 互相匹配 reads them."""
    found = board_matches.mutual_matches(listing, utcnow())
    return {db.session.get(SwapListing, m.listing_id).tenant_id for m in found}


def test_request_accept_and_contact_details(app, pair) -> None:
    a, a_listing, b, b_listing = pair
    b_client = builders.signed_in(app, b)
    form = page_text(b_client.get(f"/swap/listings/{a_listing.id}"))
    assert "发送换房请求" in form
    response = post(
        b_client,
        f"/swap/listings/{a_listing.id}/request",
        {"message": "您好，我在十里小区，两室一厅电梯房，想换到浔阳区上班近一点。"},
    )
    assert response.status_code == 303
    request = only_request()
    assert response.headers["Location"].endswith(f"/swap/requests/{request.id}")
    assert (request.from_listing_id, request.to_listing_id) == (b_listing.id, a_listing.id)
    (note,) = messages_to(a)
    assert note.title == "有人想和您换房" and note.link == f"/swap/requests/{request.id}"

    a_client = builders.signed_in(app, a)
    before = page_text(a_client.get(f"/swap/requests/{request.id}"))
    assert "想换到浔阳区上班近一点" in before and "待您回复" in before
    for secret in (b.phone, b.real_name, b_listing.lease.unit.address):
        assert secret not in before  # nothing that identifies her before acceptance
    assert b.phone not in page_text(b_client.get(f"/swap/requests/{request.id}"))
    assert a.phone not in page_text(b_client.get(f"/swap/requests/{request.id}"))

    assert post(a_client, f"/swap/requests/{request.id}/accept").status_code == 303
    assert request.status == RequestStatus.ACCEPTED
    after_a = page_text(a_client.get(f"/swap/requests/{request.id}"))
    after_b = page_text(b_client.get(f"/swap/requests/{request.id}"))
    assert b.phone in after_a and b.real_name in after_a
    assert b_listing.lease.unit.address in after_a
    assert a.phone in after_b and a.real_name in after_b
    assert "申请互换" in after_a
    assert messages_to(b)[-1].title == "对方接受了您的换房请求"


def test_messages_between_the_two(app, pair) -> None:
    a, a_listing, b, _ = pair
    b_client = builders.signed_in(app, b)
    post(
        b_client, f"/swap/listings/{a_listing.id}/request", {"message": "想和您换房，方便看看吗？"}
    )
    request = only_request()
    path = f"/swap/requests/{request.id}/messages"
    # Before acceptance a phone number is refused, with the reason, in the htmx fragment.
    refused = post(b_client, path, {"body": "加我电话 13912345678"}, headers={"HX-Request": "true"})
    text = page_text(refused)
    assert refused.status_code == 200 and text.strip().startswith('<section id="thread"')
    assert "请不要在留言中填写电话号码" in text
    assert request.messages == []
    ok = post(b_client, path, {"body": "周末可以来看房吗？"}, headers={"HX-Request": "true"})
    assert "周末可以来看房吗？" in page_text(ok) and "<html" not in page_text(ok)
    a_client = builders.signed_in(app, a)
    assert "周末可以来看房吗？" in page_text(a_client.get(f"/swap/requests/{request.id}"))
    assert messages_to(a)[-1].title == "换房沟通有新消息"
    requests.accept_request(request, a)
    assert post(a_client, path, {"body": "可以，我的电话 13812345678"}).status_code == 303
    assert request.messages[-1].body == "可以，我的电话 13812345678"
    # user-generated text is never processed by htmx
    assert 'class="swap-thread" hx-disable' in page_text(
        a_client.get(f"/swap/requests/{request.id}")
    )


def test_decline_and_withdraw(app, pair) -> None:
    a, a_listing, b, b_listing = pair
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    with pytest.raises(SwapError, match="只有收到请求的一方"):
        requests.accept_request(request, b)
    requests.decline_request(request, a)
    assert request.status == RequestStatus.DECLINED
    with pytest.raises(SwapError):
        requests.accept_request(request, a)
    with pytest.raises(SwapError, match="已有换房沟通"):
        requests.send_request(b, a_listing, "再试一次可以吗？")
    # A asks B the other way round: the earlier conversation is where to continue.
    with pytest.raises(SwapError, match="已有换房沟通"):
        requests.send_request(a, b_listing, "我也想和您换")
    c, _ = builders.tenant("郑伟", home=builders.unit("沙河小区", "柴桑区"))
    builders.listing(c)
    second = requests.send_request(c, a_listing, "您好，想换房")
    requests.withdraw_request(second, c)
    assert second.status == RequestStatus.WITHDRAWN


def test_only_the_two_tenants_see_a_conversation(app, pair) -> None:
    _a, a_listing, b, _ = pair
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    outsider, _ = builders.tenant("外人")
    client = builders.signed_in(app, outsider)
    assert client.get(f"/swap/requests/{request.id}").status_code == 404
    for action in ("accept", "decline", "withdraw", "messages", "block", "apply"):
        assert (
            post(client, f"/swap/requests/{request.id}/{action}", {"body": "hi"}).status_code == 404
        )
    assert client.get(f"/swap/requests/{request.id}/report").status_code == 404
    assert request.status == RequestStatus.PENDING


def test_a_tenant_in_arrears_cannot_send_a_request(app, pair) -> None:
    a, a_listing, b, _ = pair
    c, c_lease = builders.tenant("李华", home=builders.unit("十里小区", "濂溪区"))
    builders.listing(c, districts=("浔阳区",))
    builders.overdue_bill(c_lease)
    client = builders.signed_in(app, c)
    html = page_text(client.get(f"/swap/listings/{a_listing.id}"))
    assert "暂时不能发起换房请求" in html and "逾期未缴的租金" in html
    assert "发送换房请求" not in html
    response = post(
        client, f"/swap/listings/{a_listing.id}/request", {"message": "想和您换房可以吗？"}
    )
    assert "逾期未缴的租金" in page_text(response)
    assert db.session.scalars(select(SwapRequest)).all() == []
    # and nobody can accept a request from a tenant who has fallen into arrears since
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    _standing, b_lease = tenant_standing.standing_of(b.id)
    builders.overdue_bill(b_lease)
    with pytest.raises(SwapError, match="对方目前不符合互换条件"):
        requests.accept_request(request, a)


def test_lianzu_cannot_swap_with_gongzu(app, pair) -> None:
    _a, a_listing, _b, _ = pair
    wang, _ = builders.tenant(
        "王芳", home=builders.unit("十里小区", "濂溪区"), guarantee=GuaranteeType.LIANZU
    )
    builders.listing(wang, districts=("浔阳区",))
    client = builders.signed_in(app, wang)
    html = page_text(client.get(f"/swap/listings/{a_listing.id}"))
    assert "只能与同保障类型的租赁对象互换" in html and "发送换房请求" not in html
    response = post(
        client, f"/swap/listings/{a_listing.id}/request", {"message": "想和您换房可以吗？"}
    )
    assert "只能与同保障类型" in page_text(response)
    assert db.session.scalars(select(SwapRequest)).all() == []
    # and a 廉租 listing never shows up among a 公租 tenant's matches
    assert wang.id not in mutual_tenants(a_listing)


GONGZU, LIANZU = GuaranteeType.GONGZU, GuaranteeType.LIANZU


@pytest.mark.parametrize(
    ("mine", "theirs", "allowed"),
    [
        # (guarantee type, monthly rent subsidy in fen) of each tenancy
        ((GONGZU, 0), (GONGZU, 0), True),
        ((GONGZU, 25000), (GONGZU, 0), False),  # a 公租房 lease with a subsidy is 享受租金补贴
        ((GONGZU, 0), (GONGZU, 25000), False),
        ((GONGZU, 25000), (GONGZU, 18000), True),
        ((GONGZU, 25000), (LIANZU, 25000), True),  # both 享受租金补贴: the same 保障类型
        ((LIANZU, 25000), (GONGZU, 0), False),
        ((LIANZU, 25000), (LIANZU, 25000), True),
    ],
)
def test_seed_002_qa10_rule3_rent_subsidy_decides_who_may_swap(app, mine, theirs, allowed) -> None:
    """002 Q&A 10 ③: 享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象
    进行互换房屋. A 公租房 lease with a monthly subsidy counts as 享受租金补贴: the request, the
    application and the matches all go by subsidy status, not by the guarantee type alone."""
    me, _ = builders.tenant(
        "刘洋",
        home=builders.unit("琵琶湖小区", "浔阳区"),
        guarantee=mine[0],
        subsidy_fen=mine[1],
    )
    other, _ = builders.tenant(
        "周婷",
        home=builders.unit("十里小区", "濂溪区"),
        guarantee=theirs[0],
        subsidy_fen=theirs[1],
    )
    my_listing = builders.listing(me, districts=("濂溪区",))
    their_listing = builders.listing(other, districts=("浔阳区",))
    check = requests.request_check(me, their_listing)
    assert check.ok is allowed, check.problems
    assert tenant_standing.pair_check(other.id, me.id).ok is allowed
    matched = mutual_tenants(my_listing)
    assert (other.id in matched) is allowed
    if not allowed:
        (reason,) = check.problems
        assert "只能与同保障类型的租赁对象互换" in reason and "租金补贴" in reason
        with pytest.raises(SwapError):
            requests.send_request(me, their_listing, "想和您换房可以吗？")


def test_a_subsidised_gongzu_tenant_is_told_why_on_the_listing_page(app) -> None:
    """002 Q&A 10 ③, as the resident reads it: the page says why, in plain words."""
    me, _ = builders.tenant("王芳", home=builders.unit("琵琶湖小区", "浔阳区"), subsidy_fen=25000)
    other, _ = builders.tenant("周婷", home=builders.unit("十里小区", "濂溪区"))
    builders.listing(me, districts=("濂溪区",))
    their_listing = builders.listing(other, districts=("浔阳区",))
    html = page_text(builders.signed_in(app, me).get(f"/swap/listings/{their_listing.id}"))
    assert "您的租约是公租房·享受租金补贴" in html and "对方是不享受租金补贴的公租房租户" in html
    assert "发送换房请求" not in html


def test_no_listing_no_request(app, pair) -> None:
    _a, a_listing, _b, _ = pair
    user, _ = builders.tenant("没发布")
    html = page_text(builders.signed_in(app, user).get(f"/swap/listings/{a_listing.id}"))
    assert "请先发布您自己的互换信息" in html and "发布我的互换信息" in html


def test_favourites(app, pair) -> None:
    _a, a_listing, b, _ = pair
    client = builders.signed_in(app, b)
    response = post(
        client, f"/swap/listings/{a_listing.id}/favourite", headers={"HX-Request": "true"}
    )
    text = page_text(response)
    assert text.strip().startswith('<form id="favourite"') and 'aria-pressed="true"' in text
    assert "琵琶湖小区" in page_text(client.get("/swap/favourites"))
    post(client, f"/swap/listings/{a_listing.id}/favourite")
    assert db.session.scalars(select(SwapFavourite)).all() == []


def test_block_hides_both_ways_and_ends_conversations(app, pair) -> None:
    a, a_listing, b, b_listing = pair
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    a_client = builders.signed_in(app, a)
    assert post(a_client, f"/swap/listings/{b_listing.id}/block").status_code == 303
    assert request.status == RequestStatus.CLOSED
    assert "共 1 条" in page_text(a_client.get("/swap/"))  # only her own
    b_client = builders.signed_in(app, b)
    assert f'/swap/listings/{a_listing.id}"' not in page_text(b_client.get("/swap/"))
    assert "对方暂不接受您的换房请求" in page_text(b_client.get(f"/swap/listings/{a_listing.id}"))
    assert mutual_tenants(a_listing) == set()
    with pytest.raises(SwapError):
        requests.send_message(request, b, "还在吗？")
    ((block, community),) = blocks.blocks_of(a.id)
    block_id = block.id
    assert community == "十里小区"
    assert post(b_client, f"/swap/blocks/{block_id}/delete").status_code == 404  # not hers
    assert post(a_client, f"/swap/blocks/{block_id}/delete").status_code == 303
    assert "共 2 条" in page_text(a_client.get("/swap/"))


def test_report_and_moderation(app, pair, manager) -> None:
    a, a_listing, b, _ = pair
    b_client = builders.signed_in(app, b)
    form = page_text(b_client.get(f"/swap/listings/{a_listing.id}/report"))
    assert "举报原因" in form
    response = post(
        b_client,
        f"/swap/listings/{a_listing.id}/report",
        {"reason": "profit", "detail": "对方要求另付两万元才肯换"},
    )
    assert response.status_code == 303
    (report,) = db.session.scalars(select(SwapReport))
    with pytest.raises(SwapError, match="已举报过"):
        moderation.report(b, a_listing, "other", "再举报一次试试")
    assert "互换信息举报" in page_text(manager.get("/staff/"))
    queue = page_text(manager.get("/staff/swap/reports"))
    assert "以互换谋利" in queue
    page = page_text(manager.get(f"/staff/swap/reports/{report.id}"))
    assert "对方要求另付两万元才肯换" in page
    missing = post(manager, f"/staff/swap/reports/{report.id}", {"decision": "uphold"})
    assert "请填写处理说明" in page_text(missing)
    done = post(
        manager,
        f"/staff/swap/reports/{report.id}",
        {"decision": "uphold", "note": "经核实存在收费行为"},
    )
    assert done.status_code == 303
    assert report.status == ReportStatus.UPHELD
    assert a_listing.status == ListingStatus.REMOVED
    assert messages_to(a)[-1].title == "您的互换信息已被下架"
    assert "经核实存在收费行为" in messages_to(a)[-1].body
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "swap.report.upheld"))
    # The reporter's identity is not in what the reported tenant is told.
    assert b.real_name not in messages_to(a)[-1].body


def test_dismissed_report_leaves_the_listing(app, pair, manager) -> None:
    _a, a_listing, b, _ = pair
    report = moderation.report(b, a_listing, "false_info", "照片和描述好像不一致")
    post(
        manager, f"/staff/swap/reports/{report.id}", {"decision": "dismiss", "note": "现场核实属实"}
    )
    assert report.status == ReportStatus.DISMISSED and a_listing.status == ListingStatus.ACTIVE


def test_report_pages_lead_back(app, pair, manager) -> None:
    """The tenant's 举报 page goes back to the listing, and lands there once sent; the
    back office's 互换信息举报 queue goes back to 工作台, a report back to the queue."""
    _a, a_listing, b, _ = pair
    b_client = builders.signed_in(app, b)
    back = '<a class="topbar-back" href="{}">'
    listing_url = f"/swap/listings/{a_listing.id}"
    assert back.format(listing_url) in page_text(b_client.get(f"{listing_url}/report"))
    sent = post(b_client, f"{listing_url}/report", {"reason": "advert", "detail": "像是中介广告"})
    assert sent.headers["Location"] == listing_url
    queue = page_text(manager.get("/staff/swap/reports"))
    assert '<h1 class="topbar-title">互换信息举报</h1>' in queue
    assert back.format("/staff/") in queue
    (report,) = db.session.scalars(select(SwapReport))
    detail = page_text(manager.get(f"/staff/swap/reports/{report.id}"))
    assert back.format("/staff/swap/reports") in detail


def test_report_a_user_from_the_conversation(app, pair, manager) -> None:
    a, a_listing, b, b_listing = pair
    request = requests.send_request(b, a_listing, "想换房，看看合适吗？")
    requests.send_message(request, b, "不换就别怪我不客气")
    a_client = builders.signed_in(app, a)
    post(
        a_client,
        f"/swap/requests/{request.id}/report",
        {"reason": "harassment", "detail": "对方言语威胁"},
    )
    (report,) = db.session.scalars(select(SwapReport))
    assert report.listing_id == b_listing.id and report.request_id == request.id
    assert "不换就别怪我不客气" in page_text(manager.get(f"/staff/swap/reports/{report.id}"))


def test_residents_cannot_moderate(app, pair) -> None:
    _a, a_listing, b, _ = pair
    report = moderation.report(b, a_listing, "advert", "这是中介发的广告")
    client = builders.signed_in(app, b)
    assert client.get("/staff/swap/reports").status_code == 403
    assert (
        post(
            client, f"/staff/swap/reports/{report.id}", {"decision": "uphold", "note": "x"}
        ).status_code
        == 403
    )
    assert report.status == ReportStatus.OPEN
