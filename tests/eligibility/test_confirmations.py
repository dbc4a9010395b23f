"""Clearing the answers and deleting a listed person are confirmed on their own page (no
pop-up): the page writes nothing, its button does the action."""

from __future__ import annotations

from sqlalchemy import select

from app.eligibility.models import EligibilityAnswers
from app.extensions import db
from tests.conftest import confirm, login, page_text, post
from tests.eligibility.test_routes import answer
from tests.factories import PASSWORD, create_resident


def saved_answers(user_id: int) -> dict:
    db.session.expire_all()
    row = db.session.scalar(select(EligibilityAnswers).where(EligibilityAnswers.user_id == user_id))
    return dict(row.answers) if row else {}


def test_restart_is_confirmed_on_its_own_page(client) -> None:
    user = create_resident(real_name="赵敏")
    login(client, user.phone, PASSWORD)
    answer(client, "age", "52")
    intro = page_text(client.get("/eligibility/"))
    assert 'href="/eligibility/restart"' in intro and "hx-confirm" not in intro

    page = client.get("/eligibility/restart")
    html = page_text(page)
    assert "清空答案，重新开始吗？" in html and "不清空" in html
    assert saved_answers(user.id) == {"age": 52}  # the page wrote nothing
    assert 'value="52"' in page_text(client.get("/eligibility/q/age"))

    response = confirm(client, page)
    assert response.status_code == 303
    assert response.headers["Location"] == "/eligibility/q/age"
    assert saved_answers(user.id) == {}
    assert 'value="52"' not in page_text(client.get("/eligibility/q/age"))


def test_deleting_a_listed_person_is_confirmed_on_its_own_page(client) -> None:
    answer(client, "marital_status", "married")
    post(client, "/eligibility/q/co_applicants/items", {"relation": "spouse", "member_age": "37"})
    question = page_text(client.get("/eligibility/q/co_applicants"))
    assert 'href="/eligibility/q/co_applicants/items/0/delete"' in question
    assert "hx-confirm" not in question

    page = client.get("/eligibility/q/co_applicants/items/0/delete")
    html = page_text(page)
    assert "确定删除这一项吗？" in html and "配偶（37岁）" in html
    assert "配偶，37 岁" in page_text(client.get("/eligibility/q/co_applicants"))  # still there

    response = confirm(client, page)
    assert response.status_code == 303
    assert response.headers["Location"] == "/eligibility/q/co_applicants"
    after = page_text(client.get("/eligibility/q/co_applicants"))
    assert "配偶，37 岁" not in after and "已删除这一项" in after


def test_a_confirmation_page_for_no_such_item_is_not_found(client) -> None:
    answer(client, "marital_status", "married")
    post(client, "/eligibility/q/co_applicants/items", {"relation": "spouse", "member_age": "37"})
    assert client.get("/eligibility/q/co_applicants/items/1/delete").status_code == 404
    assert client.get("/eligibility/q/age/items/0/delete").status_code == 404
    assert client.get("/eligibility/q/nope/items/0/delete").status_code == 404
