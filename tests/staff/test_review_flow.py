"""Applications through the back office, end to end through the test client, with
"today" frozen so the working-day dates cross 中秋 and 国庆 2026."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.apply import services as apply_services
from app.apply.models import ApplicationEvent, ApplicationStatus
from app.apply.publicity.models import PublicityRound, QualificationCertificate
from app.audit.models import AuditEvent
from app.extensions import db
from tests.apply.conftest import jpeg_bytes
from tests.conftest import page_text
from tests.staff.review import Desk, messages_of, submit_application, walk_to_final_review

S = ApplicationStatus


def test_gongzu_application_through_every_stage_to_a_certificate(app, places, staff, today) -> None:
    resident, application = submit_application(app, places.gantang)
    street, civil, city = Desk(app, staff.street), Desk(app, staff.civil), Desk(app, staff.city)

    today.set(date(2026, 9, 18))
    detail = street.get(f"/staff/applications/{application.id}")
    assert detail.status_code == 200 and application.reference in page_text(detail)
    assert "受理" in page_text(street.get(f"/staff/applications/{application.id}/act/accept"))
    assert street.act(application, "accept").status_code == 303
    db.session.refresh(application)
    assert application.status == S.ACCEPTED
    assert application.accepted_on == date(2026, 9, 18)
    assert application.legal_due_on == date(2026, 11, 5)  # 30 working days, 中秋 and 国庆 skipped
    assert application.current_due_on == date(2026, 11, 5)

    today.set(date(2026, 9, 23))
    assert street.act(application, "start_publicity").status_code == 303
    first = db.session.scalar(select(PublicityRound).where(PublicityRound.level == "street"))
    assert (first.starts_on, first.ends_on) == (date(2026, 9, 23), date(2026, 10, 8))

    today.set(date(2026, 10, 8))  # the last day of the publicity: too early
    early = street.act(application, "finish_publicity")
    assert early.status_code == 200 and "期满后方可办理" in page_text(early)
    db.session.refresh(application)
    assert application.status == S.STREET_PUBLICITY

    today.set(date(2026, 10, 9))
    assert street.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == S.CIVIL_CHECK
    assert application.civil_check_started_on == date(2026, 10, 9)
    assert application.civil_check_due_on == date(2026, 10, 29)  # the 调休 Saturday 10-10 counts
    assert application.current_due_on == date(2026, 10, 29)

    today.set(date(2026, 10, 20))
    report = {"report_number": "MZ-2026-118", "conclusion": "meets", "summary": "无车辆、无房产。"}
    assert civil.act(application, "record_civil_report", **report).status_code == 303
    db.session.refresh(application)
    assert application.status == S.FINAL_REVIEW and application.current_due_on == date(2026, 11, 5)

    today.set(date(2026, 10, 21))
    assert city.act(application, "approve").status_code == 303
    result = db.session.scalar(select(PublicityRound).where(PublicityRound.level == "result"))
    assert (result.starts_on, result.ends_on) == (date(2026, 10, 21), date(2026, 10, 28))

    today.set(date(2026, 10, 29))
    assert city.act(application, "issue_certificate").status_code == 303
    db.session.refresh(application)
    assert application.status == S.QUALIFIED
    assert application.active_slot is None and application.current_due_on is None
    certificate = db.session.scalar(select(QualificationCertificate))
    assert certificate.issued_on == date(2026, 10, 29)
    assert certificate.valid_until == date(2029, 10, 29)
    assert certificate.masked_name == "张*明"
    # No lottery runs yet: nothing promises one (issue 27); what comes next is said plainly.
    for text in (
        page_text(resident.get("/apply/status")),
        page_text(resident.get("/certificate")),
        messages_of(resident.user)[-1].body,
    ):
        assert "摇号分配" not in text and "暂未开通摇号和选房" in text

    # The history: who did what, in order.
    events = db.session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id)
        .order_by(ApplicationEvent.id)
    ).all()
    assert [(e.action, e.actor_id) for e in events][-7:] == [
        ("submitted", resident.user.id),
        ("accept", staff.street.id),
        ("start_publicity", staff.street.id),
        ("finish_publicity", staff.street.id),
        ("record_civil_report", staff.civil.id),
        ("approve", staff.city.id),
        ("issue_certificate", staff.city.id),
    ]
    assert events[-3].details["report_number"] == "MZ-2026-118"

    # The resident was told at every step, with the dates.
    titles = [m.title for m in messages_of(resident.user)]
    assert titles[-6:] == [
        "申请已受理",
        "申请进入一榜公示（街道）",
        "一榜公示（街道）期满",
        "家庭经济状况核对已完成",
        "终审通过，结果公示中",
        "您已取得住房保障资格",
    ]
    assert "2026年11月05日" in messages_of(resident.user)[-6].body

    # 我的申请 shows every stage done, with the real dates.
    status = page_text(resident.get("/apply/status"))
    for text in (
        "已于 2026-09-18 受理，应于 2026-11-05 前办结",
        "公示期 2026-09-23 至 2026-10-08",
        "已于 2026-10-09 委托核对，应于 2026-10-29 前出具报告",
        "2026-10-20",  # the 民政 report's date, where 终审 began
        "公示期 2026-10-21 至 2026-10-28",
        f"证明编号 {certificate.number}，有效期至 2029-10-29",
    ):
        assert text in status, text
    assert status.count("timeline-done") == 7 and "timeline-current" not in status

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "application.viewed",
        "application.accept",
        "application.start_publicity",
        "application.finish_publicity",
        "application.record_civil_report",
        "application.approve",
        "application.issue_certificate",
        "certificate.issued",
    } <= actions


def test_correction_loop_then_acceptance(app, places, staff, today) -> None:
    resident, application = submit_application(app, places.gantang)
    street = Desk(app, staff.street)

    nothing = street.act(application, "request_correction", note="请补正")
    assert nothing.status_code == 200 and "请勾选或填写需要补正的内容" in page_text(nothing)

    response = street.act(
        application,
        "request_correction",
        items=["hukou_book", "marriage_proof"],
        other_items="户口簿本人页不清晰\n\n收入说明未签字",
        note="请一并补齐后重新提交",
    )
    assert response.status_code == 303
    db.session.refresh(application)
    assert application.status == S.CORRECTION_REQUESTED
    request = application.events[-1]
    assert request.details["items"] == [
        "户口簿（户主页及本人页）",
        "结婚证",
        "户口簿本人页不清晰",
        "收入说明未签字",
    ]
    status = page_text(resident.get("/apply/status"))
    assert "请补正以下内容" in status and "收入说明未签字" in status
    assert "1. 户口簿（户主页及本人页）" in messages_of(resident.user)[-1].body

    # The resident fixes it in the wizard and resubmits.
    assert resident.get("/apply/continue").status_code == 303
    fixed = resident.wizard.upload("hukou_book", jpeg_bytes((500, 400)))
    assert fixed.status_code in (200, 303)
    assert resident.wizard.post("/apply/submit").headers["Location"] == "/apply/status"
    db.session.refresh(application)
    assert application.status == S.SUBMITTED
    assert (application.events[-1].from_status, application.events[-1].to_status) == (
        S.CORRECTION_REQUESTED,
        S.SUBMITTED,
    )
    assert messages_of(resident.user)[-1].title == "补正材料已提交"

    today.set(date(2026, 9, 21))
    assert street.act(application, "accept").status_code == 303
    db.session.refresh(application)
    assert application.status == S.ACCEPTED and application.accepted_on == date(2026, 9, 21)


def test_not_accepted_needs_a_reason_the_resident_reads(app, places, staff) -> None:
    resident, application = submit_application(app, places.gantang)
    street = Desk(app, staff.street)
    empty = street.act(application, "not_accept", reason="   ")
    assert empty.status_code == 200 and "请填写原因" in page_text(empty)
    assert street.act(application, "not_accept", reason="申请人不属于本街道辖区").status_code == 303
    db.session.refresh(application)
    assert application.status == S.NOT_ACCEPTED and application.active_slot is None
    status = page_text(resident.get("/apply/status"))
    assert "不予受理的原因" in status and "申请人不属于本街道辖区" in status


def test_rejected_at_final_review(app, places, staff, today) -> None:
    resident, application = submit_application(app, places.gantang)
    walk_to_final_review(app, staff, application, today, conclusion="fails")
    street, city = Desk(app, staff.street), Desk(app, staff.city)

    # Other roles cannot decide; the city must give a reason.
    refused = street.act(application, "reject", reason="不符合")
    assert refused.status_code == 200 and "不属于街道审核的职责" in page_text(refused)
    assert city.act(application, "reject", reason="").status_code == 200
    db.session.refresh(application)
    assert application.status == S.FINAL_REVIEW

    reason = "经民政核对，家庭名下有消费性车辆，不符合保障条件。"
    assert city.act(application, "reject", reason=reason).status_code == 303
    db.session.refresh(application)
    assert application.status == S.REJECTED and application.closed_at is not None
    assert apply_services.active_application(resident.user.id) is None  # may apply again
    assert reason in messages_of(resident.user)[-1].body
    status = page_text(resident.get("/apply/status"))
    assert "审核未通过的原因" in status and reason in status
    assert status.count("timeline-done") == 4
    assert re.search(
        r'timeline-ended">\s*<p class="timeline-label"><span [^>]+>在此结束：</span>终审', status
    )


def test_lianzu_follows_the_2025_guide_by_default_one_round_and_30_days(
    app, places, staff, today
) -> None:
    """001 五（三）（五）、六: 一榜公示 + 结果公示 within 30 working days, 廉租房 included
    (before issue 27 it ran the 2019 三榜 and could not meet the limit)."""
    resident, application = submit_application(app, places.gantang, category="low_income")
    street, civil, city = Desk(app, staff.street), Desk(app, staff.civil), Desk(app, staff.city)
    public = app.test_client()
    today.set(date(2026, 9, 16))
    street.act(application, "accept")
    db.session.refresh(application)
    assert application.legal_due_on == date(2026, 11, 3)  # 30 working days, 中秋 and 国庆 skipped
    street.act(application, "start_publicity")
    today.set(date(2026, 9, 23))
    assert street.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == S.CIVIL_CHECK  # straight to 民政: no 区 round
    report = {"report_number": "MZ-8", "conclusion": "meets", "summary": "低保对象。"}
    assert civil.act(application, "record_civil_report", **report).status_code == 303
    assert city.act(application, "approve").status_code == 303
    board = page_text(public.get("/publicity/"))
    assert "结果公示（市）" in board and "三榜" not in board
    status = page_text(resident.get("/apply/status"))
    assert "区审核及二榜公示" not in status and "结果公示" in status


@pytest.mark.parametrize(
    ("accepted_under", "switched_to", "after_street_round", "due", "limit"),
    [
        ("2019", "2025", S.DISTRICT_REVIEW, date(2026, 11, 17), 40),
        ("2025", "2019", S.CIVIL_CHECK, date(2026, 11, 3), 30),
    ],
)
def test_a_switch_of_review_path_applies_to_applications_accepted_after_it(
    app, places, staff, today, accepted_under, switched_to, after_street_round, due, limit
) -> None:
    """An application keeps the rounds and the time limit it was accepted under."""
    app.config["REVIEW_PATH"] = accepted_under
    _resident, application = submit_application(app, places.gantang, category="low_income")
    street, district = Desk(app, staff.street), Desk(app, staff.district)
    today.set(date(2026, 9, 16))
    street.act(application, "accept")
    street.act(application, "start_publicity")
    app.config["REVIEW_PATH"] = switched_to  # the city changes its path mid-review
    today.set(date(2026, 9, 23))
    assert street.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == after_street_round
    assert application.legal_due_on == due
    detail = page_text(street.get(f"/staff/applications/{application.id}"))
    assert f"办结时限（{limit}个工作日）" in detail
    if after_street_round == S.DISTRICT_REVIEW:
        assert district.act(application, "start_publicity").status_code == 303
        db.session.refresh(application)
        assert application.status == S.DISTRICT_PUBLICITY


def test_lianzu_application_has_three_publicity_rounds_on_the_2019_path(
    app, places, staff, today
) -> None:
    """REVIEW_PATH = "2019" (002 一（二）): 廉租房 runs 三榜 with its own time limit."""
    app.config["REVIEW_PATH"] = "2019"
    resident, application = submit_application(app, places.gantang, category="low_income")
    street, district = Desk(app, staff.street), Desk(app, staff.district)
    civil, city = Desk(app, staff.civil), Desk(app, staff.city)
    public = app.test_client()

    today.set(date(2026, 9, 16))
    street.act(application, "accept")
    db.session.refresh(application)
    # 40 working days (REVIEW_THREE_ROUNDS_LIMIT_WORKING_DAYS): 30 end on 11-03, then 10 more
    assert application.legal_due_on == date(2026, 11, 17)
    street.act(application, "start_publicity")
    assert "一榜公示（街道）" in page_text(public.get("/publicity/"))
    today.set(date(2026, 9, 22))  # 5 working days after 9-16: 17, 18, 20 (调休), 21, 22
    assert street.act(application, "finish_publicity").status_code == 200  # the last day
    today.set(date(2026, 9, 23))
    assert street.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == S.DISTRICT_REVIEW  # 廉租房 goes to the 区, not yet to 民政

    # The 街道 cannot run the 区 round; another district's reviewer cannot see the item.
    assert "不属于街道审核的职责" in page_text(street.act(application, "start_publicity"))
    other = Desk(app, staff.district_other)
    assert other.get(f"/staff/applications/{application.id}").status_code == 404

    today.set(date(2026, 9, 28))
    assert district.act(application, "start_publicity").status_code == 303
    second = db.session.scalar(select(PublicityRound).where(PublicityRound.level == "district"))
    # 29, 30, 国庆, 10-08, 10-09 and the 调休 Saturday 10-10
    assert (second.starts_on, second.ends_on) == (date(2026, 9, 28), date(2026, 10, 10))
    assert "二榜公示（区）" in page_text(public.get("/publicity/"))
    today.set(date(2026, 10, 12))
    assert district.act(application, "finish_publicity").status_code == 303
    db.session.refresh(application)
    assert application.status == S.CIVIL_CHECK
    assert application.civil_check_due_on == date(2026, 11, 2)

    report = {"report_number": "MZ-7", "conclusion": "meets", "summary": "低保对象。"}
    assert civil.act(application, "record_civil_report", **report).status_code == 303
    today.set(date(2026, 10, 14))
    assert city.act(application, "approve").status_code == 303
    assert "三榜公示（市）" in page_text(public.get("/publicity/"))
    today.set(date(2026, 10, 22))
    assert city.act(application, "issue_certificate").status_code == 303
    db.session.refresh(application)
    assert application.status == S.QUALIFIED

    levels = db.session.scalars(select(PublicityRound.level).order_by(PublicityRound.id)).all()
    assert levels == ["street", "district", "result"]
    status = page_text(resident.get("/apply/status"))
    assert "区审核及二榜公示" in status and "三榜公示（市）" in status
    assert status.count("公示期 ") == 3
    assert "廉租房" in page_text(resident.get("/certificate"))


def test_a_correction_without_a_note_field_is_still_sent(app, places, staff) -> None:
    """A form posted without its optional note (an old page, a script) is no 500."""
    _resident, application = submit_application(app, places.gantang)
    response = Desk(app, staff.street).act(
        application, "request_correction", other_items="身份证照片不清晰"
    )
    assert response.status_code == 303
    db.session.refresh(application)
    assert application.status == S.CORRECTION_REQUESTED
