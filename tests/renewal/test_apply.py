"""续租申请: who may apply, the policy paths, declaration, details, uploads, submission."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.housing.violations import record_violation
from app.messages.models import Message
from app.renewal.models import IncomeCheck, Renewal, RenewalStatus, WindowNotice
from app.storage import storage
from tests.conftest import page_text, post
from tests.factories import create_staff, create_tenant
from tests.renewal.conftest import signed_in
from tests.renewal.flow import apply, jpeg, latest_renewal, submit, upload
from tests.rent.builders import add_overdue_bills


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_home_and_services_lead_to_the_renewal(client) -> None:
    home = page_text(client.get("/"))
    assert "租约即将到期，可以申请续约" in home and 'href="/renewal/"' in home
    assert 'href="/renewal/"' in page_text(client.get("/services"))
    assert "我的续约" in page_text(client.get("/auth/me"))
    page = page_text(client.get("/renewal/"))
    assert "续租申请" in page and "下一步" in page


def test_before_the_window_the_tenant_sees_when_it_opens(app: Flask) -> None:
    tenant, lease = create_tenant(lease_ends_in_days=120)
    client = signed_in(app, tenant)
    opens = lease.current_term.end_date - timedelta(days=90)
    page = page_text(client.get("/renewal/"))
    assert "暂时不能申请续约" in page and f"{opens:%Y年%m月%d日}" in page
    assert f"续约申请将于 {opens:%Y年%m月%d日} 开放" in page_text(client.get("/"))
    refused = client.get("/renewal/policy")
    assert refused.status_code == 303 and refused.location.endswith("/renewal/")
    assert post(client, "/renewal/policy", {"policy": "old"}).status_code == 303
    assert count(Renewal) == 0


def test_window_days_come_from_configuration(app: Flask) -> None:
    app.config["RENEWAL_WINDOW_DAYS"] = 150
    tenant, _lease = create_tenant(lease_ends_in_days=120)
    client = signed_in(app, tenant)
    assert 'id="blocked-title"' not in page_text(client.get("/renewal/"))
    assert post(client, "/renewal/policy", {"policy": "old"}).status_code == 303
    assert count(Renewal) == 1


def test_arrears_block_with_the_reason(client, lease) -> None:
    add_overdue_bills(lease, 2)
    page = page_text(client.get("/renewal/"))
    assert "暂时不能申请续约" in page and "逾期未缴的租金" in page and "去缴纳租金" in page
    response = post(client, "/renewal/policy", {"policy": "old"})
    assert response.status_code == 303 and response.location.endswith("/renewal/")
    assert count(Renewal) == 0
    assert "逾期未缴的租金" in page_text(client.get("/renewal/"))


def test_an_unresolved_violation_blocks_until_resolved(client, lease) -> None:
    from app.auth.roles import Role
    from app.housing.violations import resolve_violation

    staff = create_staff(Role.LEASE_MANAGER)
    violation = record_violation(lease, staff, kind="misuse", detail="将住房用作仓库")
    page = page_text(client.get("/renewal/"))
    assert "违规记录" in page and "改变房屋用途" in page
    assert post(client, "/renewal/policy", {"policy": "old"}).status_code == 303
    assert count(Renewal) == 0
    resolve_violation(violation, staff, resolution="已恢复居住用途")
    assert 'id="blocked-title"' not in page_text(client.get("/renewal/"))


def test_old_policy_path_to_submission(client, tenant) -> None:
    page = page_text(client.get("/renewal/policy"))
    assert "按照原政策执行" in page and "确认" in page
    renewal = apply(client, policy="old")
    assert renewal.policy == "old" and renewal.status == RenewalStatus.DRAFT
    confirm = page_text(client.get(f"/renewal/{renewal.id}/confirm"))
    for text in ("住房信息", "承租人信息", "其他入住人信息", "续约信息", "下一步", "李华"):
        assert text in confirm
    response = submit(client, renewal.id)
    assert response.status_code == 303
    assert response.location.endswith(f"/renewal/{renewal.id}/submitted")
    assert "您的续约申请已经提交成功" in page_text(client.get(response.location))
    db.session.refresh(renewal)
    assert renewal.status == RenewalStatus.SUBMITTED and renewal.reference
    detail = page_text(client.get(f"/renewal/{renewal.id}"))
    assert "待审核" in detail and "提交续约申请" in detail and "审核详情" in detail
    titles = set(db.session.scalars(select(Message.title).where(Message.user_id == tenant.id)))
    assert "续约申请已提交" in titles


def test_the_new_term_follows_the_current_one(client, lease) -> None:
    renewal = apply(client)
    end = lease.current_term.end_date
    assert renewal.new_start_date == end + timedelta(days=1)
    assert renewal.new_end_date.year == end.year + 3
    assert renewal.monthly_rent_fen == lease.current_term.monthly_rent_fen


def test_new_policy_needs_a_passing_income_check(client, civil) -> None:
    response = post(client, "/renewal/policy", {"policy": "new"})
    assert response.status_code == 303 and response.location.endswith("/renewal/income-check")
    assert count(Renewal) == 0
    page = page_text(client.get("/renewal/income-check"))
    assert "发起收入财产核对" in page
    assert post(client, "/renewal/income-check").status_code == 303
    assert "核对中" in page_text(client.get("/renewal/income-check"))
    assert post(client, "/renewal/income-check").status_code == 303  # twice: still one
    check = db.session.scalar(select(IncomeCheck))
    assert count(IncomeCheck) == 1 and check.status == "requested"
    # Still waiting: the new policy is refused.
    assert post(client, "/renewal/policy", {"policy": "new"}).location.endswith("/income-check")

    decided = post(
        civil,
        f"/staff/renewals/checks/{check.id}",
        {"result": "passed", "report_number": "JJMZ-2026-0042"},
    )
    assert decided.status_code == 303
    assert "符合要求" in page_text(client.get("/renewal/income-check"))
    renewal = apply(client, policy="new")
    assert renewal.policy == "new" and renewal.income_check_id == check.id


def test_a_failed_income_check_does_not_let_the_new_policy_continue(client, civil) -> None:
    post(client, "/renewal/income-check")
    check = db.session.scalar(select(IncomeCheck))
    post(
        civil,
        f"/staff/renewals/checks/{check.id}",
        {"result": "failed", "report_number": "JJMZ-2026-0043", "note": "家庭资产超过标准"},
    )
    assert "不符合要求" in page_text(client.get("/renewal/income-check"))
    assert post(client, "/renewal/policy", {"policy": "new"}).location.endswith("/income-check")
    assert count(Renewal) == 0
    # An old-policy tenant may still renew under the old policy.
    assert apply(client, policy="old").policy == "old"


def test_new_policy_tenants_cannot_choose_the_old_policy(app: Flask, client) -> None:
    app.config["RENEWAL_NEW_POLICY_SINCE"] = date(2000, 1, 1)
    page = page_text(client.get("/renewal/policy"))
    assert "去经济状况核对" in page and "按照原政策执行" not in page
    response = post(client, "/renewal/policy", {"policy": "old"})
    assert response.status_code == 200
    assert "只能在经济状况核对符合要求后按新政策续租" in page_text(response)
    assert count(Renewal) == 0


def test_declaration_is_required_and_steps_cannot_be_skipped(client) -> None:
    post(client, "/renewal/policy", {"policy": "old"})
    renewal = latest_renewal()
    page = page_text(client.get(f"/renewal/{renewal.id}/declaration"))
    assert "个人续约声明" in page and "我已阅知" in page
    skipped = client.get(f"/renewal/{renewal.id}/materials")
    assert skipped.status_code == 303 and skipped.location.endswith("/declaration")
    assert post(client, f"/renewal/{renewal.id}/confirm").location.endswith("/declaration")
    assert upload(client, renewal.id, "id_front", jpeg()).location.endswith("/declaration")
    unticked = post(client, f"/renewal/{renewal.id}/declaration", {})
    assert unticked.status_code == 200 and "请阅读声明后勾选" in page_text(unticked)
    db.session.refresh(renewal)
    assert renewal.declaration_accepted_at is None
    assert post(client, f"/renewal/{renewal.id}/declaration", {"agreed": "y"}).status_code == 303
    assert client.get(f"/renewal/{renewal.id}/confirm").status_code == 200


def test_uploads_bad_and_good(client) -> None:
    post(client, "/renewal/policy", {"policy": "old"})
    renewal = latest_renewal()
    post(client, f"/renewal/{renewal.id}/declaration", {"agreed": "y"})
    post(client, f"/renewal/{renewal.id}/confirm")
    program = upload(client, renewal.id, "id_front", b"MZ\x90\x00" + b"\x00" * 200, "id.jpg")
    assert program.status_code == 200 and "只能上传" in page_text(program)
    empty = upload(client, renewal.id, "id_front", b"", "id.jpg")
    assert "请选择" in page_text(empty) or "空" in page_text(empty)
    unknown = upload(client, renewal.id, "passport", jpeg())
    assert unknown.status_code == 404
    early = submit(client, renewal.id)
    assert early.status_code == 200 and "请上传身份证人像面和身份证国徽面" in page_text(early)
    good = upload(client, renewal.id, "id_front", jpeg())
    assert good.status_code == 303
    fragment = post(
        client,
        f"/renewal/{renewal.id}/materials/id_back",
        {"file": (__import__("io").BytesIO(jpeg()), "back.heic")},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and 'id="materials-block"' in page_text(fragment)
    assert "<html" not in page_text(fragment)
    marked = page_text(fragment).split("data-focus")
    assert len(marked) == 2 and marked[1].split("</h2>")[0].count("身份证国徽面")  # focus here
    db.session.refresh(renewal)
    files = {f.kind: f for f in renewal.files}
    assert set(files) == {"id_front", "id_back"}
    with storage().open(files["id_front"].storage_key) as handle:
        stored = handle.read()
    assert stored.startswith(b"\xff\xd8\xff") and b"Exif" not in stored[:200]
    image = client.get(f"/renewal/{renewal.id}/files/{files['id_front'].id}")
    assert image.status_code == 200 and "no-store" in image.headers["Cache-Control"]
    assert image.get_data().startswith(b"\xff\xd8\xff")
    image.close()
    assert submit(client, renewal.id).status_code == 303


def test_after_submission_nothing_can_be_changed(client) -> None:
    renewal = apply(client)
    submit(client, renewal.id)
    again = post(client, f"/renewal/{renewal.id}/declaration", {"agreed": "y"})
    assert again.location.endswith(f"/renewal/{renewal.id}")
    assert upload(client, renewal.id, "id_front", jpeg()).location.endswith(f"/{renewal.id}")
    assert post(client, "/renewal/policy", {"policy": "old"}).location.endswith(f"/{renewal.id}")
    assert count(Renewal) == 1


def test_another_tenant_cannot_reach_the_renewal(app: Flask, client) -> None:
    renewal = apply(client)
    other, _lease = create_tenant(lease_ends_in_days=60)
    intruder = signed_in(app, other)
    file_id = renewal.files[0].id
    for path in (
        f"/renewal/{renewal.id}",
        f"/renewal/{renewal.id}/declaration",
        f"/renewal/{renewal.id}/materials",
        f"/renewal/{renewal.id}/files/{file_id}",
        f"/renewal/{renewal.id}/sign",
    ):
        assert intruder.get(path).status_code == 404, path
    progress = intruder.get(f"/renewal/{renewal.id}/sign/progress", headers={"HX-Request": "true"})
    assert progress.status_code == 404
    assert post(intruder, f"/renewal/{renewal.id}/submit").status_code == 404
    assert upload(intruder, renewal.id, "id_front", jpeg()).status_code == 404
    assert app.test_client().get(f"/renewal/{renewal.id}").status_code == 302  # to sign-in


def test_window_notice_is_posted_once_per_lease_term(app: Flask, runner, tenant) -> None:
    _later, _lease = create_tenant(lease_ends_in_days=200)
    first = runner.invoke(args=["renewal", "notify-window"])
    assert first.exit_code == 0 and "posted 1" in first.output
    second = runner.invoke(args=["renewal", "notify-window"])
    assert "posted 0" in second.output and "1 already" in second.output
    assert count(WindowNotice) == 1
    titles = list(db.session.scalars(select(Message.title).where(Message.user_id == tenant.id)))
    assert titles.count("续约申请已开放") == 1
    client = signed_in(app, tenant)
    assert "续约申请已开放" in page_text(client.get("/messages/"))


def test_id_photos_refuse_72_megapixels_and_keep_only_pixels(client) -> None:
    from tests.hostile_images import assert_pixels_only, huge_png, jpeg_with_html

    post(client, "/renewal/policy", {"policy": "old"})
    renewal = latest_renewal()
    post(client, f"/renewal/{renewal.id}/declaration", {"agreed": "y"})
    post(client, f"/renewal/{renewal.id}/confirm")
    refused = upload(client, renewal.id, "id_front", huge_png())
    assert refused.status_code == 200 and "像素过大" in page_text(refused)
    db.session.refresh(renewal)
    assert renewal.files == []
    assert upload(client, renewal.id, "id_front", jpeg_with_html()).status_code == 303
    db.session.refresh(renewal)
    (stored,) = renewal.files
    for path in (
        f"/renewal/{renewal.id}/files/{stored.id}",
        f"/renewal/{renewal.id}/files/{stored.id}/thumbnail",
    ):
        served = client.get(path)
        assert served.status_code == 200
        assert_pixels_only(served.data)
        served.close()
