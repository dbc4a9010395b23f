"""The public 公示 page and objections (异议): masked data only, Chinese validation, a
rate limit, objections reaching the office, and an upheld objection stopping the
application."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.apply.models import ApplicationStatus
from app.apply.publicity.models import Objection, ObjectionStatus, PublicityRound
from app.extensions import db
from tests.conftest import page_text, post
from tests.staff.review import Desk, messages_of, submit_application

S = ApplicationStatus
OBJECTION = {
    "contact_name": "刘德明",
    "contact_phone": "13912345678",
    "content": "据我所知申请人在市中心城区另有一套住房，与申报不符。",
    "truthful": "y",
}


def in_publicity(app, places, staff, today, *, name="张小明"):
    resident, application = submit_application(app, places.gantang, name=name)
    street = Desk(app, staff.street)
    today.set(date(2026, 9, 23))
    assert street.act(application, "accept").status_code == 303
    assert street.act(application, "start_publicity").status_code == 303
    publicity = db.session.scalar(
        select(PublicityRound).where(PublicityRound.application_id == application.id)
    )
    return resident, application, street, publicity


def test_the_public_list_shows_masked_names_and_ids_only(app, client, places, staff, today):
    resident, application, _street, publicity = in_publicity(app, places, staff, today)
    full_id = app.extensions["pii_vault"].decrypt(resident.user.id_number_encrypted)
    html = page_text(client.get("/publicity/"))
    assert "张*明" in html and resident.user.id_number_masked in html
    assert "张小明" not in html and full_id not in html and application.reference not in html
    for text in (
        "浔阳区 · 甘棠街道",
        "公租房",
        "2 人",
        "2026-09-23 至 2026-10-08",
        "一榜公示（街道）",
    ):
        assert text in html, text
    assert f"/publicity/{publicity.id}/objection" in html

    by_district = page_text(client.get("/publicity/?district=濂溪区"))
    assert "张*明" not in by_district and "共 0 户" in by_district
    fragment = client.get("/publicity/?district=浔阳区", headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and "张*明" in page_text(fragment)

    today.set(date(2026, 10, 9))  # the period is over: no longer on the list
    assert "张*明" not in page_text(client.get("/publicity/"))
    assert client.get(f"/publicity/{publicity.id}/objection").status_code == 404


def test_objection_form_validates_in_chinese(app, client, places, staff, today):
    _resident, _application, _street, publicity = in_publicity(app, places, staff, today)
    path = f"/publicity/{publicity.id}/objection"
    page = client.get(path)
    assert page.status_code == 200 and "提出异议" in page_text(page)
    bad = post(client, path, {"contact_name": "A", "contact_phone": "123", "content": "太短"})
    html = page_text(bad)
    assert bad.status_code == 200
    for message in (
        "请填写2至20个汉字的真实姓名",
        "请输入正确的11位手机号码",
        "异议内容请写10至1000字",
        "请确认所反映的情况属实",
    ):
        assert message in html, message
    assert db.session.scalar(select(Objection)) is None
    assert client.get("/publicity/999999/objection").status_code == 404


def test_an_objection_reaches_the_office_and_blocks_the_end_of_publicity(
    app, client, places, staff, today
):
    _resident, application, street, publicity = in_publicity(app, places, staff, today)
    sent = post(client, f"/publicity/{publicity.id}/objection", OBJECTION)
    assert sent.status_code == 303
    objection = db.session.scalar(select(Objection))
    assert (objection.contact_name, objection.status) == ("刘德明", ObjectionStatus.OPEN)
    notice = messages_of(staff.street)[-1]
    assert application.reference in notice.title and notice.link.endswith(str(application.id))
    assert messages_of(staff.street_other) == []  # only the office running the round
    detail = page_text(street.get(f"/staff/applications/{application.id}"))
    assert "待处理" in detail and f"/staff/objections/{objection.id}" in detail
    queue = page_text(street.get("/staff/applications?flag=objection"))
    assert application.reference in queue and "异议 1" in queue

    today.set(date(2026, 10, 9))
    blocked = street.act(application, "finish_publicity")
    assert "还有未处理的异议" in page_text(blocked)

    # Only the office of the round decides.
    city = Desk(app, staff.city)
    refused = city.post(
        f"/staff/objections/{objection.id}", {"decision": "upheld", "resolution": "越权处理"}
    )
    assert "该异议由组织本轮公示的单位处理" in page_text(refused)
    assert Desk(app, staff.civil).get(f"/staff/objections/{objection.id}").status_code == 403
    dismissed = street.post(
        f"/staff/objections/{objection.id}",
        {"decision": "dismissed", "resolution": "经入户核实，该住房已于2024年出售，异议不成立。"},
    )
    assert dismissed.status_code == 303
    db.session.refresh(objection)
    assert objection.status == ObjectionStatus.DISMISSED
    assert street.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == S.CIVIL_CHECK


def test_an_upheld_objection_stops_the_application(app, client, places, staff, today):
    resident, application, street, publicity = in_publicity(app, places, staff, today)
    post(client, f"/publicity/{publicity.id}/objection", OBJECTION)
    objection = db.session.scalar(select(Objection))
    path = f"/staff/objections/{objection.id}"
    assert "请填写核实情况和处理意见" in page_text(
        street.post(path, {"decision": "upheld", "resolution": ""})
    )
    assert Desk(app, staff.street_other).get(path).status_code == 404

    reason = "经不动产登记信息核实，申请人名下有住房一套，不符合申请条件。"
    assert street.post(path, {"decision": "upheld", "resolution": reason}).status_code == 303
    db.session.refresh(application)
    db.session.refresh(publicity)
    assert application.status == S.STOPPED and application.active_slot is None
    assert (publicity.outcome, publicity.finished_on) == ("stopped", date(2026, 9, 23))
    assert application.events[-1].note == reason
    told = messages_of(resident.user)[-1]
    assert told.title == "申请已终止" and reason in told.body
    status = page_text(resident.get("/apply/status"))
    assert "已终止的原因" in status and reason in status
    assert "张*明" not in page_text(client.get("/publicity/"))
    again = street.post(path, {"decision": "dismissed", "resolution": "重复处理"})
    assert "该异议已处理" in page_text(again)


def test_objections_are_rate_limited(app, client, places, staff, today, rate_limit_storage):
    _resident, _application, _street, publicity = in_publicity(app, places, staff, today)
    path = f"/publicity/{publicity.id}/objection"
    statuses = [post(client, path, OBJECTION).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    assert "操作过于频繁" in page_text(post(client, path, OBJECTION))
