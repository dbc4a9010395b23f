"""The back office: who may see what, the audit trail of reads and actions, queues with
filters, flags, search and pagination, the bulk 公示 action, and the home entry."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select, update

from app.apply.models import Application, ApplicationStatus
from app.apply.publicity.models import PublicityRound
from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.staff import queues
from tests.conftest import page_text
from tests.factories import create_resident
from tests.staff.review import Desk, quick_application, submit_application

S = ApplicationStatus


def audit_actions(actor: User) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == actor.id).order_by(AuditEvent.id)
        )
    )


# -- scope -----------------------------------------------------------------------------


def test_a_street_reviewer_cannot_see_another_streets_items(app, places, staff) -> None:
    _resident, application = submit_application(app, places.gantang)
    file = application.files[0]
    base = f"/staff/applications/{application.id}"
    other = Desk(app, staff.street_other)
    for path in (base, f"{base}/files/{file.id}", f"{base}/act/accept"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"{base}/reveal").status_code == 404
    assert other.act(application, "accept").status_code == 404
    queue = page_text(other.get("/staff/applications?view=all"))
    assert application.reference not in queue and "共 0 件" in queue
    db.session.refresh(application)
    assert application.status == S.SUBMITTED

    own = Desk(app, staff.street)
    assert application.reference in page_text(own.get("/staff/applications"))
    assert own.get(base).status_code == 200


def test_district_city_and_civil_scopes(app, places, staff) -> None:
    application = quick_application(places.gantang, status=S.ACCEPTED)
    path = f"/staff/applications/{application.id}"
    assert Desk(app, staff.district).get(path).status_code == 200
    assert Desk(app, staff.district_other).get(path).status_code == 404
    assert Desk(app, staff.city).get(path).status_code == 200
    civil = Desk(app, staff.civil)
    assert civil.get(path).status_code == 404  # not commissioned yet
    commissioned = {"status": S.CIVIL_CHECK, "civil_check_started_on": date(2026, 10, 9)}
    db.session.execute(  # set up as stored (the review steps are tested elsewhere)
        update(Application).where(Application.id == application.id).values(**commissioned)
    )
    db.session.commit()
    assert civil.get(path).status_code == 200


@pytest.mark.parametrize("who", ["admin", "lease"])
def test_roles_without_review_work_are_refused(app, places, staff, who) -> None:
    desk = Desk(app, getattr(staff, who))
    application = quick_application(places.gantang)
    assert desk.get("/staff/").status_code == 200
    assert desk.get("/staff/applications").status_code == 403
    assert desk.get(f"/staff/applications/{application.id}").status_code == 403


def test_residents_and_strangers_are_kept_out(app, client, places) -> None:
    assert client.get("/staff/").status_code == 302
    assert "/auth/login" in client.get("/staff/applications").headers["Location"]
    resident = Desk(app, create_resident(real_name="王五"))
    assert resident.get("/staff/").status_code == 403
    assert resident.get("/staff/audit").status_code == 403


def test_a_street_reviewer_without_a_street_sees_nothing(app, places) -> None:
    from tests.factories import create_staff

    quick_application(places.gantang)
    desk = Desk(app, create_staff(Role.STREET_REVIEWER, places.xunyang))
    html = page_text(desk.get("/staff/applications?view=all"))
    assert "尚未设置所属街道" in html and "共 0 件" in html


# -- the audit trail ---------------------------------------------------------------------


def test_reads_of_unmasked_ids_and_files_are_audited(app, places, staff) -> None:
    resident, application = submit_application(app, places.gantang)
    desk = Desk(app, staff.street)
    full_id = app.extensions["pii_vault"].decrypt(resident.user.id_number_encrypted)

    page = page_text(desk.get(f"/staff/applications/{application.id}"))
    assert resident.user.id_number_masked in page and full_id not in page
    assert audit_actions(staff.street)[-1] == "application.viewed"

    revealed = desk.post(
        f"/staff/applications/{application.id}/reveal", headers={"HX-Request": "true"}
    )
    fragment = page_text(revealed)
    assert full_id in fragment and "<html" not in fragment and 'id="people"' in fragment
    assert "HX-Request" in revealed.headers["Vary"]
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.subject_id, event.ip) == (
        "application.pii_revealed",
        application.id,
        "127.0.0.1",
    )

    file = application.files[0]
    served = desk.get(f"/staff/applications/{application.id}/files/{file.id}")
    assert served.status_code == 200 and served.mimetype == file.content_type
    assert "no-store" in served.headers["Cache-Control"]
    served.close()
    assert audit_actions(staff.street)[-1] == "application.file_viewed"
    assert desk.get(f"/staff/applications/{application.id}/files/999999").status_code == 404

    # Without JavaScript the reveal answers with the whole page.
    whole = page_text(desk.post(f"/staff/applications/{application.id}/reveal"))
    assert "<html" in whole and full_id in whole


def test_admin_views_and_exports_the_audit_log(app, places, staff) -> None:
    application = quick_application(places.gantang)
    Desk(app, staff.street).act(application, "accept")
    record("test.injection", actor_id=staff.street.id, detail="=HYPERLINK(1)")
    db.session.commit()
    admin = Desk(app, staff.admin)

    listing = page_text(admin.get("/staff/audit?action=application.accept"))
    assert "application.accept" in listing and staff.street.phone in listing
    assert "account.login" not in listing
    fragment = page_text(admin.get("/staff/audit?action=accept", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "application.accept" in fragment

    exported = admin.get(f"/staff/audit.csv?actor={staff.street.phone}")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["时间", "操作人", "角色", "操作", "对象类型", "对象编号", "详情", "IP"]
    actions = [row[3] for row in rows[1:]]
    assert "application.accept" in actions and "account.login" in actions
    assert {row[1] for row in rows[1:]} == {staff.street.phone}
    assert "'=HYPERLINK(1)" in [row[6] for row in rows[1:]]  # no formula in a spreadsheet
    assert audit_actions(staff.admin)[-1] == "audit.exported"

    assert Desk(app, staff.street).get("/staff/audit.csv").status_code == 403


def test_audit_events_are_never_changed_by_the_back_office(app, places, staff) -> None:
    admin = Desk(app, staff.admin)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    admin.get("/staff/audit")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    routes = {rule.rule: rule.methods for rule in app.url_map.iter_rules()}
    assert routes["/staff/audit"] & {"POST", "PUT", "DELETE"} == set()


# -- queues ------------------------------------------------------------------------------


def test_queue_flags_and_sorts_overdue_and_nearly_due_first(app, places, staff, today) -> None:
    today.set(date(2026, 11, 2))
    later = quick_application(
        places.gantang, status=S.ACCEPTED, name="赵一一", due_on=date(2026, 11, 20)
    )
    waiting = quick_application(places.gantang, name="钱二二")  # submitted: no deadline yet
    soon = quick_application(
        places.gantang, status=S.ACCEPTED, name="孙三三", due_on=date(2026, 11, 5)
    )
    overdue = quick_application(
        places.gantang, status=S.ACCEPTED, name="李四四", due_on=date(2026, 10, 30)
    )
    desk = Desk(app, staff.street)
    html = page_text(desk.get("/staff/applications"))
    positions = [html.index(a.reference) for a in (overdue, soon, later, waiting)]
    assert positions == sorted(positions)
    assert "已超期" in html and "即将到期" in html

    found = queues.application_page(staff.street, queues.Filters(), date(2026, 11, 2))
    assert [row.flag.value for row in found.rows] == ["overdue", "due_soon", "on_time", "none"]

    only_overdue = page_text(desk.get("/staff/applications?flag=overdue"))
    assert overdue.reference in only_overdue and soon.reference not in only_overdue
    due_soon = page_text(desk.get("/staff/applications?flag=due_soon"))
    assert soon.reference in due_soon and overdue.reference not in due_soon

    card = page_text(desk.get("/staff/"))
    assert "4</strong> 件待办" in card and "2 件已超期或即将到期" in card


def test_queue_active_search_and_filters(app, places, staff) -> None:
    resident, application = submit_application(app, places.gantang, name="欧阳明月")
    other = quick_application(places.gantang, name="钱二二", category="low_income")
    desk = Desk(app, staff.street)

    fragment = desk.get("/staff/applications?q=欧阳", headers={"HX-Request": "true"})
    html = page_text(fragment)
    assert "<html" not in html and 'id="results"' in html
    assert application.reference in html and other.reference not in html
    assert "欧**月" in html and "欧阳明月" not in html  # lists show masked names
    assert "HX-Request" in fragment.headers["Vary"]

    full_id = app.extensions["pii_vault"].decrypt(resident.user.id_number_encrypted)
    by_id = page_text(desk.get(f"/staff/applications?q={full_id}"))
    assert application.reference in by_id and other.reference not in by_id
    by_ref = page_text(desk.get(f"/staff/applications?q={other.reference}"))
    assert other.reference in by_ref and application.reference not in by_ref

    lianzu = page_text(desk.get("/staff/applications?programme=lianzu"))
    assert other.reference in lianzu and application.reference not in lianzu
    accepted = page_text(desk.get("/staff/applications?view=all&status=accepted"))
    assert "共 0 件" in accepted
    # Junk in the query string is ignored, not an error.
    assert desk.get("/staff/applications?status=nope&flag=x&view=y&page=-3").status_code == 200


def test_queue_pagination(app, places, staff) -> None:
    for n in range(queues.PAGE_SIZE + 3):
        quick_application(places.gantang, name=f"测试{'一二三四五六七八九十'[n % 10]}人")
    desk = Desk(app, staff.street)
    first = page_text(desk.get("/staff/applications"))
    assert f"共 {queues.PAGE_SIZE + 3} 件" in first and "第 1 / 2 页" in first
    assert first.count('class="staff-row-') == queues.PAGE_SIZE
    second = page_text(desk.get("/staff/applications?page=2"))
    assert second.count('class="staff-row-') == 3 and "上一页" in second


def test_the_todo_view_is_each_roles_own_work(app, places, staff) -> None:
    submitted = quick_application(places.gantang)
    final = quick_application(places.gantang, status=S.FINAL_REVIEW)
    street = page_text(Desk(app, staff.street).get("/staff/applications"))
    assert submitted.reference in street and final.reference not in street
    city = page_text(Desk(app, staff.city).get("/staff/applications"))
    assert final.reference in city and submitted.reference not in city


# -- bulk ---------------------------------------------------------------------------------


def test_bulk_start_publicity(app, places, staff, today) -> None:
    today.set(date(2026, 9, 23))
    first = quick_application(places.gantang, status=S.ACCEPTED, name="周一一")
    second = quick_application(places.gantang, status=S.ACCEPTED, name="吴二二")
    not_yet = quick_application(places.gantang, name="郑三三")
    elsewhere = quick_application(places.penpu, status=S.ACCEPTED, name="王四四")
    desk = Desk(app, staff.street)
    ids = [str(a.id) for a in (first, second, not_yet, elsewhere)]

    confirm = desk.post("/staff/applications/bulk-publicity", {"ids": ids})
    html = page_text(confirm)
    assert confirm.status_code == 200 and "2026-09-23 至 2026-10-08" in html
    assert first.reference in html and elsewhere.reference not in html
    assert db.session.scalar(select(func.count(PublicityRound.id))) == 0  # not yet

    done = desk.post("/staff/applications/bulk-publicity", {"ids": ids, "confirm": "yes"})
    assert done.status_code == 303
    statuses = {a.reference: db.session.get(Application, a.id).status for a in (first, second)}
    assert set(statuses.values()) == {S.STREET_PUBLICITY}
    assert db.session.get(Application, not_yet.id).status == S.SUBMITTED
    assert db.session.get(Application, elsewhere.id).status == S.ACCEPTED
    flashes = page_text(desk.get("/staff/applications"))
    assert "已对 2 件申请开始一榜公示" in flashes and f"{not_yet.reference} 未开始公示" in flashes

    assert (
        Desk(app, staff.city).post("/staff/applications/bulk-publicity", {"ids": ids}).status_code
        == 403
    )


def test_stale_pages_do_not_act(app, places, staff) -> None:
    application = quick_application(places.gantang)
    desk = Desk(app, staff.street)
    path = f"/staff/applications/{application.id}/act/accept"
    stale = desk.post(path, {"version": str(application.version - 1)})
    assert stale.status_code == 200 and "已被他人更新" in page_text(stale)
    assert desk.post(path, {"version": str(application.version)}).status_code == 303
    again = desk.post(path, {"version": str(application.version)})  # a second click
    assert again.status_code == 200 and "不能办理此项" in page_text(again)
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "application.accept"))
        == 1
    )


# -- the way in -----------------------------------------------------------------------------


def test_staff_find_the_back_office_from_home_and_account(app, places, staff) -> None:
    quick_application(places.gantang)
    desk = Desk(app, staff.street)
    home = page_text(desk.get("/"))
    assert "业务办理" in home and "待办 1 件" in home and "/staff/" in home
    assert "/staff/" in page_text(desk.get("/auth/me"))
    resident = Desk(app, create_resident(real_name="王五"))
    assert "/staff/" not in page_text(resident.get("/auth/me"))


# -- 系统管理: accounts ---------------------------------------------------------------------


def test_admin_creates_and_changes_staff_accounts(app, places, staff) -> None:
    admin = Desk(app, staff.admin)
    assert staff.street.phone in page_text(admin.get("/staff/accounts"))

    missing = admin.post(
        "/staff/accounts/new",
        {"phone": "13712345678", "role": "street_reviewer", "password": "abc12345"},
    )
    assert missing.status_code == 200 and "必须选择所属街道" in page_text(missing)
    created = admin.post(
        "/staff/accounts/new",
        {
            "phone": "13712345678",
            "role": "street_reviewer",
            "street_id": str(places.penpu.id),
            "password": "abc12345",
        },
    )
    assert created.status_code == 303
    user = db.session.scalar(select(User).where(User.phone == "13712345678"))
    assert (user.role, user.street_id, user.district_id) == (
        "street_reviewer",
        places.penpu.id,
        places.xunyang.id,
    )
    taken = admin.post(
        "/staff/accounts/new",
        {"phone": "13712345678", "role": "city_reviewer", "password": "abc12345"},
    )
    assert "该手机号已注册" in page_text(taken)

    mismatch = admin.post(
        f"/staff/accounts/{user.id}",
        {
            "role": "street_reviewer",
            "district_id": str(places.lianxi.id),
            "street_id": str(places.penpu.id),
        },
    )
    assert "所选街道不属于所选的区" in page_text(mismatch)
    version = user.session_version
    changed = admin.post(f"/staff/accounts/{user.id}", {"role": "city_reviewer"})
    assert changed.status_code == 303
    db.session.refresh(user)
    assert (user.role, user.street_id, user.session_version) == ("city_reviewer", None, version + 1)

    self_demote = admin.post(f"/staff/accounts/{staff.admin.id}", {"role": "city_reviewer"})
    assert "不能取消自己的系统管理角色" in page_text(self_demote)
    assert audit_actions(staff.admin)[-2:] == ["staff.account_created", "staff.account_updated"]
    resident = create_resident()
    assert admin.get(f"/staff/accounts/{resident.id}").status_code == 404
    assert Desk(app, staff.city).get("/staff/accounts").status_code == 403


@pytest.mark.parametrize("hostile", ["²", "①", "١", "9" * 40, "-1"])
def test_hostile_ids_are_dropped_from_the_bulk_action(app, places, staff, hostile: str) -> None:
    accepted = quick_application(places.gantang, status=S.ACCEPTED)
    desk = Desk(app, staff.street)
    nothing = desk.post("/staff/applications/bulk-publicity", {"ids": [hostile]})
    assert nothing.status_code == 303  # 请先勾选要开始公示的申请
    mixed = desk.post("/staff/applications/bulk-publicity", {"ids": [hostile, str(accepted.id)]})
    assert mixed.status_code == 200 and accepted.reference in page_text(mixed)
    assert db.session.scalar(select(func.count(PublicityRound.id))) == 0


@pytest.mark.parametrize("field", ["district_id", "street_id"])
@pytest.mark.parametrize("hostile", ["²", "①", "١", "9" * 40, "1e3"])
def test_hostile_scope_ids_on_a_new_account_are_refused(
    app, places, staff, field: str, hostile: str
) -> None:
    admin = Desk(app, staff.admin)
    accounts = db.session.scalar(select(func.count(User.id)))
    response = admin.post(
        "/staff/accounts/new",
        {"phone": "13712345678", "role": "city_reviewer", "password": "abc12345", field: hostile},
    )
    assert response.status_code == 200
    assert "请从列表中选择所属" in page_text(response)
    assert db.session.scalar(select(func.count(User.id))) == accounts
