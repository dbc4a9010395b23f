"""续约审核 in the back office: roles, review, 经济状况核对, final approval and the lease."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.housing import violations
from app.housing.models import LeaseTerm
from app.messages.models import Message
from app.renewal import signing
from app.renewal.models import IncomeCheck, Renewal, RenewalStatus
from tests.conftest import page_text, post
from tests.factories import create_resident, create_staff
from tests.renewal.conftest import signed_in
from tests.renewal.flow import apply, passed_face, signature_png, submit, through_commitment


def version_on(page: str) -> str:
    """The row version a staff page's form carries."""
    found = re.findall(r'name="version" type="hidden" value="(\d+)"', page)
    assert found, "no version field on the page"
    return found[0]


@pytest.fixture
def submitted(client: FlaskClient) -> Renewal:
    renewal = apply(client)
    assert submit(client, renewal.id).status_code == 303
    db.session.refresh(renewal)
    return renewal


def review(manager: FlaskClient, renewal: Renewal, decision: str, note: str = ""):
    page = page_text(manager.get(f"/staff/renewals/{renewal.id}"))
    return post(
        manager,
        f"/staff/renewals/{renewal.id}/review",
        {"decision": decision, "note": note, "version": version_on(page)},
    )


def sign(client: FlaskClient, renewal: Renewal) -> None:
    through_commitment(client, renewal.id)
    passed_face(renewal)
    signing.show_contract_for_signing(renewal)
    renewal.contract_shown_at -= timedelta(seconds=10)
    db.session.commit()
    post(client, f"/renewal/{renewal.id}/sign/signature", {"drawn": signature_png()})
    assert post(client, f"/renewal/{renewal.id}/sign/submit").status_code == 303
    db.session.refresh(renewal)
    assert renewal.status == RenewalStatus.SIGNED


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 403),  # a resident
        (Role.STREET_REVIEWER, 403),
        (Role.CIVIL_AFFAIRS, 403),
        (Role.ADMIN, 403),
        (Role.LEASE_MANAGER, 200),
    ],
)
def test_only_lease_managers_review_renewals(app: Flask, submitted, role, status) -> None:
    user = create_staff(role) if role else create_resident()
    client = signed_in(app, user)
    assert client.get("/staff/renewals/").status_code == status
    assert client.get(f"/staff/renewals/{submitted.id}").status_code == status
    if status == 403:
        response = post(client, f"/staff/renewals/{submitted.id}/review", {"decision": "approve"})
        assert response.status_code == 403
        db.session.refresh(submitted)
        assert submitted.status == RenewalStatus.SUBMITTED
    assert app.test_client().get("/staff/renewals/").status_code == 302


def test_the_queue_is_on_the_work_bench(manager: FlaskClient, civil, submitted) -> None:
    bench = page_text(manager.get("/staff/"))
    assert "续约审核" in bench and "1</strong> 件待办" in bench
    queue = page_text(manager.get("/staff/renewals/"))
    assert submitted.reference in queue and "李*" in queue
    assert "续约经济状况核对" in page_text(civil.get("/staff/"))
    assert "续约审核" not in page_text(civil.get("/staff/"))


def test_approve_then_the_tenant_is_told_to_sign(manager, client, submitted, tenant) -> None:
    detail = page_text(manager.get(f"/staff/renewals/{submitted.id}"))
    assert "身份证人像面" in detail and "查看" in detail
    file_id = submitted.files[0].id
    image = manager.get(f"/staff/renewals/{submitted.id}/files/{file_id}")
    assert image.status_code == 200 and image.get_data().startswith(b"\xff\xd8")
    image.close()
    assert review(manager, submitted, "approve").status_code == 303
    db.session.refresh(submitted)
    assert submitted.status == RenewalStatus.APPROVED and submitted.reviewer_id
    message = db.session.scalar(
        select(Message).where(Message.user_id == tenant.id).order_by(Message.id.desc())
    )
    assert message.title == "续约申请审核通过，请签订合同"
    assert message.link == f"/renewal/{submitted.id}/sign"
    assert "个人租赁合同签订" in page_text(client.get("/renewal/"))
    assert "续约申请已通过，请签订合同" in page_text(client.get("/"))


def test_rejection_needs_a_reason_that_the_tenant_sees(manager, client, submitted) -> None:
    bare = review(manager, submitted, "reject")
    assert bare.status_code == 200 and "请填写不通过的原因" in page_text(bare)
    db.session.refresh(submitted)
    assert submitted.status == RenewalStatus.SUBMITTED
    assert review(manager, submitted, "reject", "身份证照片不清晰").status_code == 303
    detail = page_text(client.get(f"/renewal/{submitted.id}"))
    assert "审核不通过" in detail and "身份证照片不清晰" in detail
    # A rejected renewal may be applied for again.
    assert apply(client).id != submitted.id


def test_a_stale_page_is_refused(manager: FlaskClient, submitted: Renewal) -> None:
    page = page_text(manager.get(f"/staff/renewals/{submitted.id}"))
    stale = str(int(version_on(page)) - 1)
    response = post(
        manager,
        f"/staff/renewals/{submitted.id}/review",
        {"decision": "approve", "version": stale},
    )
    assert response.status_code == 200 and "其他页面或设备上更新" in page_text(response)
    db.session.refresh(submitted)
    assert submitted.status == RenewalStatus.SUBMITTED


def test_a_renewal_that_does_not_exist_is_404(manager: FlaskClient) -> None:
    assert manager.get("/staff/renewals/999").status_code == 404
    assert post(manager, "/staff/renewals/999/review", {"decision": "approve"}).status_code == 404


def test_income_checks_are_decided_by_civil_affairs(app, client, civil, manager) -> None:
    post(client, "/renewal/income-check")
    check = db.session.scalar(select(IncomeCheck))
    assert manager.get("/staff/renewals/checks").status_code == 403
    assert (
        post(manager, f"/staff/renewals/checks/{check.id}", {"result": "passed"}).status_code == 403
    )
    assert "HD" in page_text(civil.get("/staff/renewals/checks"))
    missing = post(civil, f"/staff/renewals/checks/{check.id}", {"result": "passed"})
    assert missing.status_code == 200 and "请填写民政核对报告编号" in page_text(missing)
    ok = post(
        civil,
        f"/staff/renewals/checks/{check.id}",
        {"result": "passed", "report_number": "JJMZ-2026-0007"},
    )
    assert ok.status_code == 303
    again = post(
        civil,
        f"/staff/renewals/checks/{check.id}",
        {"result": "failed", "report_number": "JJMZ-2026-0008"},
    )
    assert again.status_code == 200 and "已录入结果" in page_text(again)
    db.session.refresh(check)
    assert check.status == "passed" and check.report_number == "JJMZ-2026-0007"


def test_final_approval_adds_a_term_and_keeps_the_history(
    manager: FlaskClient, client: FlaskClient, submitted: Renewal, lease
) -> None:
    original = [(t.id, t.start_date, t.end_date) for t in lease.terms]
    review(manager, submitted, "approve")
    db.session.refresh(submitted)
    early = post(
        manager, f"/staff/renewals/{submitted.id}/approve-contract", {"version": submitted.version}
    )
    assert early.status_code == 200 and "不在待审批状态" in page_text(early)
    assert (
        len(db.session.scalars(select(LeaseTerm).where(LeaseTerm.lease_id == lease.id)).all()) == 1
    )

    sign(client, submitted)
    page = page_text(manager.get(f"/staff/renewals/{submitted.id}"))
    assert "审批续约合同" in page and "查看已签署的合同" in page
    lease_version = lease.version
    approved = post(
        manager,
        f"/staff/renewals/{submitted.id}/approve-contract",
        {"version": version_on(page)},
    )
    assert approved.status_code == 303
    db.session.refresh(submitted)
    db.session.refresh(lease)
    terms = db.session.scalars(
        select(LeaseTerm).where(LeaseTerm.lease_id == lease.id).order_by(LeaseTerm.start_date)
    ).all()
    assert [(t.id, t.start_date, t.end_date) for t in terms[:-1]] == original
    new = terms[-1]
    assert (new.start_date, new.end_date) == (submitted.new_start_date, submitted.new_end_date)
    assert new.start_date == original[-1][2] + timedelta(days=1)
    assert lease.current_term.id == new.id and lease.version == lease_version + 1
    assert submitted.status == RenewalStatus.COMPLETED and submitted.new_term_id == new.id
    detail = page_text(client.get(f"/renewal/{submitted.id}"))
    assert "续约完成" in detail and "预览并打印合同" in detail
    signed = submitted.documents[-1]
    pdf = client.get(f"/renewal/{submitted.id}/documents/{signed.id}?download=1")
    assert pdf.status_code == 200 and pdf.headers["Content-Disposition"].startswith("attachment")
    # Approving twice adds nothing.
    twice = post(
        manager, f"/staff/renewals/{submitted.id}/approve-contract", {"version": submitted.version}
    )
    assert "不在待审批状态" in page_text(twice)
    assert (
        len(db.session.scalars(select(LeaseTerm).where(LeaseTerm.lease_id == lease.id)).all()) == 2
    )


def test_final_approval_is_all_or_nothing(manager, client, submitted, lease) -> None:
    """If the lease's term changed meanwhile, nothing is applied (no term, no status)."""
    review(manager, submitted, "approve")
    db.session.refresh(submitted)
    sign(client, submitted)
    lease.terms.append(
        LeaseTerm(
            start_date=lease.current_term.end_date + timedelta(days=1),
            end_date=lease.current_term.end_date + timedelta(days=365),
            monthly_rent_fen=1,
            property_fee_fen=1,
        )
    )
    db.session.commit()
    page = page_text(manager.get(f"/staff/renewals/{submitted.id}"))
    refused = post(
        manager, f"/staff/renewals/{submitted.id}/approve-contract", {"version": version_on(page)}
    )
    assert refused.status_code == 200 and "租期已变更" in page_text(refused)
    db.session.refresh(submitted)
    assert submitted.status == RenewalStatus.SIGNED and submitted.new_term_id is None
    assert (
        len(db.session.scalars(select(LeaseTerm).where(LeaseTerm.lease_id == lease.id)).all()) == 2
    )


def test_violations_are_recorded_and_resolved_by_lease_managers(app, manager, lease) -> None:
    path = f"/staff/renewals/leases/{lease.id}/violations"
    assert signed_in(app, create_staff(Role.CIVIL_AFFAIRS)).get(path).status_code == 403
    empty = post(manager, path, {"kind": "idle"})
    assert empty.status_code == 200 and "请写明违规情况" in page_text(empty)
    assert post(manager, path, {"kind": "idle", "detail": "连续8个月无人居住"}).status_code == 303
    (violation,) = violations.open_violations(lease.id)
    assert "未整改" in page_text(manager.get(path))
    resolved = post(
        manager, f"/staff/renewals/violations/{violation.id}/resolve", {"resolution": "已入住"}
    )
    assert resolved.status_code == 303 and violations.open_violations(lease.id) == []
