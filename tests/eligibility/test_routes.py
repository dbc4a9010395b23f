"""The questionnaire through the web: one question per page, back/refresh keep answers."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.apply.models import Application
from app.eligibility.models import EligibilityAnswers
from app.extensions import db
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident

OUTSIDE_WORKER = [
    ("age", "30"), ("sex", "male"), ("marital_status", "single"), ("hukou", "other"),
    ("work", "employed"), ("residence_permit", "yes"), ("pension_months", "5"),
    ("co_applicants", None), ("can_pay_rent", "yes"), ("has_housing", "no"),
    ("relatives_any", "no"), ("sanctioned", "no"), ("priority_groups", "none"),
]  # fmt: skip


def answer(client, question_id: str, value):
    data = {} if value is None else {"answer": value}
    return post(client, f"/eligibility/q/{question_id}", data)


def test_questionnaire_works_signed_out_and_shows_the_failing_reason(client) -> None:
    for question_id, value in OUTSIDE_WORKER:
        response = answer(client, question_id, value)
        assert response.status_code == 303, (question_id, page_text(response))
    assert response.headers["Location"] == "/eligibility/result"
    html = page_text(client.get("/eligibility/result"))
    assert "公租房：" in html and "暂不符合" in html
    assert "5个月" in html  # the residency reason names the months found
    assert "不是审核决定" in html
    assert "暂不符合申请条件" in html and "开始申请" not in html
    assert "可以怎么做" in html


def test_each_answer_leads_to_the_next_applicable_question(client) -> None:
    response = answer(client, "hukou", "center_urban")
    assert response.headers["Location"] == "/eligibility/q/hukou_years"
    response = answer(client, "hukou", "other")
    assert response.headers["Location"] == "/eligibility/q/work"


def test_bad_number_shows_message_next_to_field_and_keeps_input(client) -> None:
    response = answer(client, "age", "二十")
    html = page_text(response)
    assert response.status_code == 200
    assert 'id="answer-error"' in html and "请填写整数" in html
    assert 'value="二十"' in html and 'aria-invalid="true"' in html


def test_answers_survive_refresh_and_back(client) -> None:
    answer(client, "age", "44")
    html = page_text(client.get("/eligibility/q/age"))
    assert 'value="44"' in html
    assert "第 1 题" in html


def test_skipped_question_redirects(client) -> None:
    answer(client, "hukou", "center_urban")
    response = client.get("/eligibility/q/work")
    assert response.status_code == 303


def test_unknown_question_is_404(client) -> None:
    assert client.get("/eligibility/q/nope").status_code == 404


def test_members_are_added_and_removed_with_htmx_fragments(client) -> None:
    answer(client, "marital_status", "married")
    response = post(
        client,
        "/eligibility/q/co_applicants/items",
        {"relation": "spouse", "member_age": "37"},
        headers={"HX-Request": "true"},
    )
    html = page_text(response)
    assert "<html" not in html and 'id="items-block"' in html and "配偶，37 岁" in html
    # app.js moves focus to [data-focus]: the row just added, none when it was refused
    marked = re.findall(r'<li class="item-row" data-focus tabindex="-1">\s*<span>([^<]*)', html)
    assert marked == ["配偶，37 岁"]
    response = post(
        client,
        "/eligibility/q/co_applicants/items",
        {"relation": "child", "member_age": "-2"},
        headers={"HX-Request": "true"},
    )
    assert "不能小于 0" in page_text(response)
    assert "data-focus" not in page_text(response)
    assert 'value="-2"' in page_text(response)
    post(client, "/eligibility/q/co_applicants/items/0/delete", headers={"HX-Request": "true"})
    assert "配偶，37 岁" not in page_text(client.get("/eligibility/q/co_applicants"))
    assert post(client, "/eligibility/q/co_applicants/items/5/delete").status_code == 404


def test_signed_in_answers_are_saved_for_another_device(app, client) -> None:
    user = create_resident(real_name="赵敏")
    login(client, user.phone, PASSWORD)
    answer(client, "age", "52")
    saved = db.session.scalar(
        select(EligibilityAnswers).where(EligibilityAnswers.user_id == user.id)
    )
    assert saved.answers["age"] == 52
    other = app.test_client()
    login(other, user.phone, PASSWORD)
    assert 'value="52"' in page_text(other.get("/eligibility/q/age"))


def test_answers_given_signed_out_survive_sign_in(client) -> None:
    user = create_resident(real_name="赵敏")
    answer(client, "age", "61")
    login(client, user.phone, PASSWORD)
    assert 'value="61"' in page_text(client.get("/eligibility/q/age"))


def complete_dibao_family(client) -> None:
    steps = [("age", "35"), ("sex", "female"), ("marital_status", "married"),
             ("hukou", "center_urban"), ("hukou_years", "10")]  # fmt: skip
    for question_id, value in steps:
        answer(client, question_id, value)
    for relation, age in (("spouse", "37"), ("child", "9")):
        post(
            client, "/eligibility/q/co_applicants/items", {"relation": relation, "member_age": age}
        )
    for question_id, value in [
        ("co_applicants", None), ("can_pay_rent", "yes"), ("civil_status", "dibao"),
        ("has_housing", "no"), ("relatives_any", "no"), ("had_reform_housing", "no"),
        ("disposed_housing", "no"), ("divorced_before", "no"), ("assets", "none"),
        ("sanctioned", "no"), ("priority_groups", "none"),
    ]:  # fmt: skip
        response = answer(client, question_id, value)
        assert response.status_code == 303, (question_id, page_text(response))


def test_start_application_prefills_a_draft_once(client) -> None:
    user = create_resident(real_name="刘芳")
    login(client, user.phone, PASSWORD)
    complete_dibao_family(client)
    html = page_text(client.get("/eligibility/result"))
    assert html.count("符合申请条件") == 2 and "可以优先配租" in html
    response = post(client, "/eligibility/start-application")
    assert response.headers["Location"] == "/apply/draft"
    application = db.session.scalar(select(Application).where(Application.applicant_id == user.id))
    assert application.category == "low_income"
    assert [m["relation"] for m in application.data["members"]] == ["spouse", "child"]
    draft = page_text(client.get("/apply/draft"))
    assert "城镇低保、特困、支出型贫困住房困难家庭" in draft and "子女，9 岁" in draft
    post(client, "/eligibility/start-application")
    count = len(
        list(db.session.scalars(select(Application).where(Application.applicant_id == user.id)))
    )
    assert count == 1


def test_start_application_needs_complete_answers_and_real_name(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    response = post(client, "/eligibility/start-application")
    assert response.headers["Location"] == "/eligibility/"
    complete_dibao_family(client)
    response = post(client, "/eligibility/start-application")
    assert response.headers["Location"] == "/auth/real-name"


def test_another_residents_draft_is_not_shown(client) -> None:
    owner = create_resident(real_name="刘芳")
    login(client, owner.phone, PASSWORD)
    complete_dibao_family(client)
    post(client, "/eligibility/start-application")
    post(client, "/auth/logout")
    intruder = create_resident(real_name="王五")
    login(client, intruder.phone, PASSWORD)
    response = client.get("/apply/draft")
    assert response.status_code == 303 and response.headers["Location"] == "/apply/"


def test_unicode_digits_and_huge_numbers_get_a_chinese_error(client) -> None:
    for value in ("²", "①", "١٢", "9" * 40, "1e3", "3 0"):
        response = answer(client, "age", value)
        assert response.status_code == 200, value
        assert "请填写整数" in page_text(response) or "不能大于" in page_text(response)
    assert answer(client, "age", "３０").status_code == 303  # full-width digits from an IME


def test_start_page_promises_only_where_answers_really_are(client) -> None:
    """Answers ride in the session cookie (a browser-session cookie when signed out) and
    every page is no-store, so the service worker cannot show them offline."""
    response = answer(client, "age", "40")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("anju_session=") and "Expires=" not in cookie
    question = client.get("/eligibility/q/age")
    assert question.headers["Cache-Control"] == "no-store"
    assert "/eligibility" not in page_text(client.get("/sw.js"))

    html = page_text(client.get("/eligibility/"))
    assert "本机" not in html
    assert "答案保存在这个浏览器里，关闭浏览器后可能被清除" in html
    assert "答题需要联网：断网时无法答题，已回答的问题不会丢失" in html

    login(client, create_resident().phone, PASSWORD)
    html = page_text(client.get("/eligibility/"))
    assert "答案保存在这个浏览器和您的账号中" in html and "关闭浏览器" not in html
    assert "答题需要联网" in html
