"""The 政策参数 page: every figure in force with its source, and the eligibility thresholds
with their clauses; any staff role may read it, residents may not."""

from __future__ import annotations

from dataclasses import fields
from html import escape

import pytest
from flask import Flask

from app.auth.roles import Role
from app.config.policy import PARAMETERS, UNCONFIRMED
from app.eligibility.policy import Thresholds, load_policy
from app.staff.policy_page import THRESHOLD_ROWS
from tests.conftest import login, page_text
from tests.factories import PASSWORD, create_resident, create_staff

STAFF_ROLES = [role for role in Role if role.is_staff]


def signed_in(app: Flask, user):
    client = app.test_client()
    assert login(client, user.phone, PASSWORD).status_code == 303
    return client


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_sees_every_figure_with_its_source(app: Flask, role: Role) -> None:
    response = signed_in(app, create_staff(role)).get("/staff/policy")
    assert response.status_code == 200
    page = page_text(response)
    for parameter in PARAMETERS:
        shown = parameter.shown(app.config[parameter.key])
        for text in (parameter.label, shown, parameter.key):
            assert escape(text, quote=False) in page, (parameter.key, text)
        basis = escape(parameter.basis, quote=False)
        marked = f"依据：{basis}" if parameter.confirmed else f"待确认</span> 说明：{basis}"
        assert marked in page, parameter.key
    unconfirmed = sum(not parameter.confirmed for parameter in PARAMETERS)
    assert page.count('<span class="tag tag-warning">待确认</span>') == unconfirmed + 1  # + note
    assert "须由住房保障中心确认" in page and "同名环境变量" in page
    assert 'href="/staff/policy" aria-current="page">政策参数</a>' in page


def test_the_figure_shown_is_the_one_in_force(app: Flask) -> None:
    app.config.update(RENT_GRACE_DAYS=7, RENT_LATE_FEE_DAILY_RATE="0.001", RENEWAL_WINDOW_DAYS=120)
    page = page_text(signed_in(app, create_staff(Role.LEASE_MANAGER)).get("/staff/policy"))
    assert '<strong class="policy-value">7天</strong>' in page
    assert '<strong class="policy-value">0.1%</strong>' in page
    assert '<strong class="policy-value">120天（合同到期前）</strong>' in page


def test_the_eligibility_thresholds_are_listed_with_their_clauses(app: Flask) -> None:
    policy = load_policy(app.config["POLICY_REGION"])
    page = page_text(signed_in(app, create_staff(Role.CITY_REVIEWER)).get("/staff/policy"))
    assert "资格条件" in page
    for _name, label, _unit, (programme, check) in THRESHOLD_ROWS:
        assert label in page
        assert escape(policy.texts[programme][check].clause, quote=False) in page
    for text in ("18周岁以上", "20平方米以下", "10平方米以下", "30周岁以上", "28周岁以上", "5年"):
        assert text in page


def test_every_threshold_is_listed() -> None:
    assert {row[0] for row in THRESHOLD_ROWS} == {field.name for field in fields(Thresholds)}


def test_residents_cannot_open_the_page(app: Flask) -> None:
    assert signed_in(app, create_resident()).get("/staff/policy").status_code == 403
    anonymous = app.test_client().get("/staff/policy")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_the_staff_home_links_to_the_page(app: Flask) -> None:
    page = page_text(signed_in(app, create_staff(Role.CIVIL_AFFAIRS)).get("/staff/"))
    assert page.count('href="/staff/policy"') == 2  # navigation and the note on deadlines
    assert UNCONFIRMED not in page
