"""申请互换: each tenant gives a reason with proof, signs the 承诺书 on their own account and
pre-pays a year through the rent area; staff approve (both leases move at once, with
history) or refuse with a reason. Only the two tenants, and staff, see an application."""

from __future__ import annotations

import io
import secrets

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.config.policy import default
from app.extensions import db
from app.housing.models import Lease, LeaseUnitChange
from app.messages.models import Message
from app.rent.bill_generation import issue_advance_bills
from app.rent.models import BillStatus
from app.rent.online_payments import receive_notification, start_online_payment
from app.rent.standing import unpaid_bills
from app.swap import application_steps, applications, listings, requests, tenant_standing
from app.swap.application_models import SwapApplication, SwapPrepaidBill
from app.swap.models import ListingStatus, RequestStatus
from app.swap.rules import ApplicationStatus
from app.swap.statuses import SwapError
from tests.conftest import page_text, post
from tests.factories import PASSWORD
from tests.rent.builders import signed_notification
from tests.swap import builders

PREPAY_MONTHS = default("SWAP_PREPAY_MONTHS")


@pytest.fixture
def agreed(app, pair):
    """周婷 asked 刘洋, who accepted: they may apply."""
    a, a_listing, b, _b_listing = pair
    request = requests.send_request(b, a_listing, "想和您换房，方便看看吗？")
    requests.accept_request(request, a)
    return a, b, request


def pay_prepayment(user) -> None:
    """Pay the tenant's unpaid bills through the rent area's online flow (sandbox)."""
    lease = tenant_standing.standing_of(user.id)[1]
    bills = unpaid_bills(lease.id)
    if not bills:  # the year is paid already (e.g. ahead, for an earlier swap)
        return
    payment = start_online_payment(user, [bill.id for bill in bills], secrets.token_hex(16))
    outcome = receive_notification(*signed_notification(payment))
    assert outcome.accepted, outcome.message


def complete_party(app, user, application: SwapApplication) -> None:
    """Reason and proof, signature, pre-payment: everything one tenant does, via the pages."""
    client = builders.signed_in(app, user)
    base = f"/swap/applications/{application.id}"
    post(
        client,
        f"{base}/reason",
        {"reason_category": "work", "reason_text": "在对方小区附近的单位上班，每天通勤两小时。"},
    )
    post(
        client,
        f"{base}/proofs",
        {"file": (io.BytesIO(builders.jpeg()), "labour.jpg")},
        content_type="multipart/form-data",
    )
    post(client, f"{base}/sign", {"agree": "y", "password": PASSWORD})
    response = post(client, f"{base}/prepay")
    assert response.status_code == 303 and response.headers["Location"].endswith("/rent/pay")
    pay_prepayment(user)


def test_the_whole_application(app, agreed, manager) -> None:
    a, b, request = agreed
    a_lease, b_lease = tenant_standing.standing_of(a.id)[1], tenant_standing.standing_of(b.id)[1]
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    a_client = builders.signed_in(app, a)
    started = post(a_client, f"/swap/requests/{request.id}/apply")
    (application,) = db.session.scalars(select(SwapApplication))
    assert started.headers["Location"].endswith(f"/swap/applications/{application.id}")
    assert application.reference.startswith("HH") and len(application.parties) == 2
    assert db.session.scalars(
        select(Message).where(Message.user_id == b.id, Message.title == "对方发起了互换申请")
    ).one()

    complete_party(app, a, application)
    html = page_text(a_client.get(f"/swap/applications/{application.id}"))
    assert html.count("✓</span> 已完成") == 3 and "双方办理中" in html
    prepaid = db.session.scalars(select(SwapPrepaidBill)).all()
    assert len(prepaid) == PREPAY_MONTHS
    assert all(link.party.tenant_id == a.id for link in prepaid)

    complete_party(app, b, application)
    # Paying the last pre-paid bill (in the rent area) submits it, in the same transaction.
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "swap.application.submitted")
    )
    html = page_text(builders.signed_in(app, b).get(f"/swap/applications/{application.id}"))
    assert "已提交，待审核" in html

    queue = page_text(manager.get("/staff/swap/"))
    assert application.reference in queue
    detail = page_text(manager.get(f"/staff/swap/applications/{application.id}"))
    assert "通过，变更双方租约" in detail and "在对方小区附近的单位上班" in detail
    assert post(manager, f"/staff/swap/applications/{application.id}/approve").status_code == 303

    db.session.expire_all()
    application = db.session.get(SwapApplication, application.id)
    assert application.status == ApplicationStatus.APPROVED
    a_lease, b_lease = db.session.get(Lease, a_lease.id), db.session.get(Lease, b_lease.id)
    assert (a_lease.unit_id, b_lease.unit_id) == (b_unit, a_unit)
    assert a_lease.version == 2 and b_lease.version == 2
    moves = db.session.scalars(select(LeaseUnitChange)).all()
    assert {(m.lease_id, m.from_unit_id, m.to_unit_id, m.swap_application_id) for m in moves} == {
        (a_lease.id, a_unit, b_unit, application.id),
        (b_lease.id, b_unit, a_unit, application.id),
    }
    # The lease keeps its number, terms and bills; the rent page shows the new home.
    rent_page = page_text(a_client.get("/rent/"))
    assert a_lease.unit.address in rent_page and a_lease.contract_number in rent_page
    mine = page_text(a_client.get("/swap/mine"))
    assert "换房记录" in mine and application.reference in mine
    for party in application.parties:
        listing = listings.latest_listing_of(party.tenant_id)
        assert listing.status == ListingStatus.SWAPPED
    assert db.session.get(type(request), request.id).status == RequestStatus.ACCEPTED
    assert db.session.scalars(
        select(Message).where(Message.user_id == a.id, Message.title == "互换申请已通过")
    ).one()
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "swap.application.approved")
    )


def test_steps_are_enforced_in_order_on_the_server(app, agreed) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    client = builders.signed_in(app, a)
    base = f"/swap/applications/{application.id}"
    post(client, f"{base}/sign", {"agree": "y", "password": PASSWORD})
    assert application.party_of(a.id).signed_at is None
    assert "请先完成上一步" in page_text(client.get(f"{base}/sign"))
    post(client, f"{base}/prepay")
    assert application.party_of(a.id).prepay_issued_at is None
    with pytest.raises(SwapError, match="请先完成上一步"):
        application_steps.issue_prepayment(application, a)
    # A reason alone is not enough: proof is needed before signing.
    application_steps.save_reason(
        application, a, "medical", "父亲在对方小区附近的医院长期住院治疗。"
    )
    with pytest.raises(SwapError, match="上传证明材料"):
        application_steps.sign(application, a, PASSWORD)
    application_steps.add_proof(application, a, builders.jpeg())
    wrong = post(client, f"{base}/sign", {"agree": "y", "password": "wrong-password"})
    assert "登录密码不正确" in page_text(wrong)
    unticked = post(client, f"{base}/sign", {"password": PASSWORD})
    assert "请勾选确认已阅读并承诺" in page_text(unticked)
    assert application.party_of(a.id).signed_at is None
    post(client, f"{base}/sign", {"agree": "y", "password": PASSWORD})
    db.session.refresh(application.party_of(a.id))
    assert application.party_of(a.id).signed_at is not None
    # B's signature is still missing: A signed only for A.
    assert application.party_of(b.id).signed_at is None
    # Once signed, the reason and proof are fixed.
    with pytest.raises(SwapError, match="不能再修改"):
        application_steps.save_reason(application, a, "other", "改一下理由试试看能不能改。")


def test_each_signs_on_their_own_account(app, agreed) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    application_steps.save_reason(application, b, "work", "在对方小区附近的单位上班，通勤太远。")
    application_steps.add_proof(application, b, builders.jpeg())
    # A's password cannot sign for B, and A's session signs A's own party only.
    with pytest.raises(SwapError, match="登录密码不正确"):
        application_steps.sign(application, b, PASSWORD + "x")
    assert application.party_of(b.id).signed_at is None


def test_prepayment_is_real_bills_in_the_rent_area(app, agreed) -> None:
    a, b, request = agreed
    application = applications.start_application(b, request)
    application_steps.save_reason(application, a, "school", "孩子在对方小区附近的学校上学。")
    application_steps.add_proof(application, a, builders.jpeg())
    application_steps.sign(application, a, PASSWORD)
    bills = application_steps.issue_prepayment(application, a)
    assert len(bills) == PREPAY_MONTHS and all(b.status == BillStatus.UNPAID for b in bills)
    lease = tenant_standing.standing_of(a.id)[1]
    assert {bill.lease_id for bill in bills} == {lease.id}
    pay_page = page_text(builders.signed_in(app, a).get("/rent/pay"))
    assert pay_page.count('type="checkbox"') == PREPAY_MONTHS
    assert not application_steps.is_prepaid(application.party_of(a.id))
    # Issuing again does not bill twice.
    assert [b.id for b in application_steps.issue_prepayment(application, a)] == [
        b.id for b in bills
    ]
    pay_prepayment(a)
    assert application_steps.is_prepaid(application.party_of(a.id))


def test_refusal_with_a_reason(app, agreed, manager) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    for user in (a, b):
        complete_party(app, user, application)
    assert application.status == ApplicationStatus.SUBMITTED
    a_unit = tenant_standing.standing_of(a.id)[1].unit_id
    path = f"/staff/swap/applications/{application.id}/refuse"
    assert "请填写不通过的原因" in page_text(post(manager, path, {"reason": ""}))
    assert post(manager, path, {"reason": "证明材料不足以说明确需互换"}).status_code == 303
    db.session.expire_all()
    application = db.session.get(SwapApplication, application.id)
    assert application.status == ApplicationStatus.REFUSED
    assert application.decision_reason == "证明材料不足以说明确需互换"
    assert tenant_standing.standing_of(a.id)[1].unit_id == a_unit  # nothing moved
    note = db.session.scalars(
        select(Message).where(Message.user_id == b.id, Message.title == "互换申请未通过")
    ).one()
    assert "证明材料不足以说明确需互换" in note.body
    assert "证明材料不足以说明确需互换" in page_text(
        builders.signed_in(app, b).get(f"/swap/applications/{application.id}")
    )
    # A decided application cannot be decided again.
    assert "已被处理或撤回" in page_text(
        post(manager, f"/staff/swap/applications/{application.id}/approve")
    )


def test_approval_is_atomic_when_a_lease_changed_meanwhile(app, agreed, manager) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    for user in (a, b):
        complete_party(app, user, application)
    a_lease, b_lease = tenant_standing.standing_of(a.id)[1], tenant_standing.standing_of(b.id)[1]
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    # B's lease was moved by someone else in the meantime.
    elsewhere = builders.unit("别处小区", "柴桑区")
    b_lease.unit_id = elsewhere.id
    db.session.commit()
    response = post(manager, f"/staff/swap/applications/{application.id}/approve")
    assert "房屋已变更" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Lease, a_lease.id).unit_id == a_unit  # A did not move either
    assert db.session.get(Lease, b_lease.id).unit_id == elsewhere.id
    assert db.session.scalars(select(LeaseUnitChange)).all() == []
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED
    assert b_unit != elsewhere.id


def test_a_concurrent_lease_write_rolls_the_whole_approval_back(app, agreed, monkeypatch) -> None:
    from app.auth.roles import Role
    from tests.factories import create_staff

    a, b, request = agreed
    application = applications.start_application(a, request)
    for user in (a, b):
        complete_party(app, user, application)
    application = applications.application_by_id(application.id)
    a_lease, b_lease = tenant_standing.standing_of(a.id)[1], tenant_standing.standing_of(b.id)[1]
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    staff = create_staff(Role.LEASE_MANAGER)
    original = applications.review_of

    def review_then_someone_writes(found):
        reviews = original(found)
        # Another worker bumps B's lease version between the review and the move.
        db.session.execute(
            Lease.__table__.update().where(Lease.id == b_lease.id).values(version=Lease.version + 1)
        )
        return reviews

    monkeypatch.setattr(applications, "review_of", review_then_someone_writes)
    with pytest.raises(SwapError, match="未做任何变更"):
        applications.approve(application, staff)
    db.session.expire_all()
    assert db.session.get(Lease, a_lease.id).unit_id == a_unit
    assert db.session.get(Lease, b_lease.id).unit_id == b_unit
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED
    assert db.session.scalars(select(LeaseUnitChange)).all() == []


def _all_but_prepayment(application: SwapApplication, user) -> None:
    application_steps.save_reason(application, user, "work", "在对方小区附近的单位上班，通勤太远。")
    application_steps.add_proof(application, user, builders.jpeg())
    application_steps.sign(application, user, PASSWORD)


def test_prepayment_already_paid_submits_when_issued(app, agreed) -> None:
    """Issuing the pre-payment is the last step when its bills are paid already."""
    a, b, request = agreed
    application = applications.start_application(a, request)
    complete_party(app, a, application)
    _all_but_prepayment(application, b)
    lease = tenant_standing.standing_of(b.id)[1]
    builders.mark_paid(issue_advance_bills(lease, PREPAY_MONTHS))  # before the swap
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.PREPARING
    application_steps.issue_prepayment(application, b)
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED


def test_the_cli_submits_applications_completed_outside_the_app(
    app, agreed, manager, runner
) -> None:
    """Bills marked paid behind the app's back: the staff queue only reads, and
    ``flask swap submit-ready`` catches up, once."""
    a, b, request = agreed
    application = applications.start_application(a, request)
    complete_party(app, a, application)
    _all_but_prepayment(application, b)
    builders.mark_paid(application_steps.issue_prepayment(application, b))
    assert page_text(manager.get("/staff/swap/")).count(application.reference) == 0
    detail = page_text(manager.get(f"/staff/swap/applications/{application.id}"))
    assert "双方办理中" in detail
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.PREPARING

    result = runner.invoke(args=["swap", "submit-ready"])
    assert result.exit_code == 0 and "已提交互换申请 1 件" in result.output
    db.session.expire_all()
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED
    assert application.reference in page_text(manager.get("/staff/swap/"))
    again = runner.invoke(args=["swap", "submit-ready"])
    assert "已提交互换申请 0 件" in again.output


def test_staff_cannot_approve_an_ineligible_pair(app, agreed, manager) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    for user in (a, b):
        complete_party(app, user, application)
    builders.overdue_bill(tenant_standing.standing_of(b.id)[1])
    page = page_text(manager.get(f"/staff/swap/applications/{application.id}"))
    assert "目前不符合互换条件" in page
    response = post(manager, f"/staff/swap/applications/{application.id}/approve")
    assert "逾期未缴的租金" in page_text(response)
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED


def test_only_parties_and_staff_see_an_application(app, agreed) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    application_steps.add_proof(application, a, builders.jpeg())
    (proof,) = application.party_of(a.id).files
    outsider, _ = builders.tenant("外人")
    client = builders.signed_in(app, outsider)
    base = f"/swap/applications/{application.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/sign").status_code == 404
    assert builders.fetch(client, f"{base}/proofs/{proof.id}") == 404
    for action in ("reason", "prepay", "withdraw", "sign"):
        assert post(client, f"{base}/{action}").status_code == 404
    # The other tenant sees A's progress, not A's proof.
    assert builders.fetch(builders.signed_in(app, b), f"{base}/proofs/{proof.id}") == 404
    assert builders.fetch(builders.signed_in(app, a), f"{base}/proofs/{proof.id}") == 200
    # Residents cannot use the back office.
    assert client.get("/staff/swap/").status_code == 403
    assert post(client, f"/staff/swap/applications/{application.id}/approve").status_code == 403


def test_one_open_application_at_a_time_and_withdrawal(app, agreed) -> None:
    a, b, request = agreed
    application = applications.start_application(a, request)
    assert applications.start_application(b, request).id == application.id  # the same one
    c, _ = builders.tenant("郑伟", home=builders.unit("沙河小区", "柴桑区"))
    c_listing = builders.listing(c)
    other = requests.send_request(a, c_listing, "也想和您换房看看")
    requests.accept_request(other, c)
    with pytest.raises(SwapError, match="正在办理的互换申请"):
        applications.start_application(c, other)
    with pytest.raises(SwapError, match="正在办理的互换申请"):
        listings.close_listing(listings.live_listing_of(a.id), a.id)
    application_steps.withdraw(application, b)
    db.session.refresh(application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert applications.start_application(c, other).status == ApplicationStatus.PREPARING


def test_requests_need_acceptance_before_applying(app, pair) -> None:
    _a, a_listing, b, _ = pair
    request = requests.send_request(b, a_listing, "想和您换房，方便看看吗？")
    with pytest.raises(SwapError, match="接受换房请求后"):
        applications.start_application(b, request)


def test_proofs_refuse_72_megapixels_and_keep_only_pixels(app, agreed) -> None:
    from tests.hostile_images import assert_pixels_only, huge_png, jpeg_with_html

    a, _b, request = agreed
    application = applications.start_application(a, request)
    client = builders.signed_in(app, a)
    base = f"/swap/applications/{application.id}"
    for data in (huge_png(), jpeg_with_html()):
        response = post(
            client,
            f"{base}/proofs",
            {"file": (io.BytesIO(data), "proof.jpg")},
            content_type="multipart/form-data",
        )
        if data is huge_png():
            assert "像素过大" in page_text(response) or "像素过大" in page_text(client.get(base))
            assert application.party_of(a.id).files == []
    db.session.expire_all()
    (proof,) = db.session.get(SwapApplication, application.id).party_of(a.id).files
    served = client.get(f"{base}/proofs/{proof.id}")
    assert served.status_code == 200
    assert_pixels_only(served.data)
    served.close()
