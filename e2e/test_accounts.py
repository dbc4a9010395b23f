"""Journeys: register with the SMS code, bind real name and ID, sign in, sign out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import LiveServer, check_page
from tests.factories import valid_id_number

NEW_PHONE = "13712340001"


def test_register_bind_real_name_and_sign_in(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    check_page(page)
    page.get_by_role("link", name="注册").first.click()
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    check_page(page)

    page.get_by_label("手机号码").fill("1234")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入正确的11位手机号码")
    expect(page.get_by_label("手机号码")).to_have_value("1234")
    check_page(page)

    page.get_by_label("手机号码").fill(NEW_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page).to_have_url(re.compile(r"/auth/register/verify$"))
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至 137****0001")
    check_page(page)

    code = live_server.sms_code_for(NEW_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_label("设置密码").fill("abc12345")
    page.get_by_label("再次输入密码").fill("abc12345")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    expect(page.get_by_label("短信验证码")).to_have_value(wrong)
    check_page(page)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("设置密码").fill("abc12345")
    page.get_by_label("再次输入密码").fill("abc12345")
    page.get_by_role("button", name="注册").click()
    expect(page).to_have_url(re.compile(r"/auth/real-name$"))
    check_page(page)

    number = valid_id_number(birth="19880808", serial="556")
    page.get_by_label("真实姓名").fill("陈晓梅")
    page.get_by_label("身份证号码").fill(number[:17] + ("0" if number[17] != "0" else "1"))
    page.get_by_role("button", name="提交认证").click()
    expect(page.get_by_role("alert")).to_contain_text("校验位不正确")
    check_page(page)

    page.get_by_label("身份证号码").fill(number)
    page.get_by_role("button", name="提交认证").click()
    expect(page).to_have_url(re.compile(r"/auth/me$"))
    expect(page.get_by_text("3604**********" + number[-4:])).to_be_visible()
    expect(page.get_by_text(number)).to_have_count(0)
    check_page(page)

    page.get_by_role("link", name="退出登录").click()
    expect(page.get_by_role("heading", name="确定要退出登录吗？")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("status")).to_contain_text("您已安全退出")
    check_page(page)

    page.get_by_role("link", name="登录").first.click()
    check_page(page)
    page.get_by_label("手机号码").fill(NEW_PHONE)
    page.get_by_label("密码").fill("abc12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好，陈*梅")).to_be_visible()
    check_page(page)


def test_a_registered_phone_is_answered_like_a_new_one(page: Page) -> None:
    """The page never says a number is taken: the owner's phone gets a notice instead of
    a code, and a guessed code is simply wrong."""
    page.goto("/auth/register")
    check_page(page)
    page.get_by_label("手机号码").fill("13800000001")
    page.get_by_role("button", name="获取验证码").click()
    expect(page).to_have_url(re.compile(r"/auth/register/verify$"))
    expect(page.get_by_role("status")).to_contain_text("验证码已发送至 138****0001")
    check_page(page)
    page.get_by_label("短信验证码").fill("123456")
    page.get_by_label("设置密码").fill("abc12345")
    page.get_by_label("再次输入密码").fill("abc12345")
    page.get_by_role("button", name="注册").click()
    expect(page.locator("#code-error")).to_contain_text("验证码不正确")
    expect(page.get_by_text("已注册")).to_have_count(0)
    check_page(page)


def test_too_many_sign_ins_show_the_refusal_page(page: Page, live_server: LiveServer) -> None:
    """htmx swaps a 429 (and a 503 when the limit store is down) as the whole page, so a
    boosted form does not silently do nothing."""
    from app.extensions import limiter

    config = live_server.app.config
    usual = config["LOGIN_RATE_LIMIT"]
    config["LOGIN_RATE_LIMIT"] = "10 per minute"  # production's; the e2e server allows more
    with live_server.app.app_context():
        limiter.reset()
    try:
        page.goto("/auth/login")
        check_page(page)
        statuses = []
        for _ in range(11):
            page.get_by_label("手机号码").fill("13800000001")
            page.get_by_label("密码").fill("wrong-pass1")
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.get_by_role("button", name="登录").click()
            statuses.append(answer.value.status)
        assert statuses == [200] * 10 + [429]
        expect(page.get_by_role("heading", name="操作过于频繁", level=1)).to_be_visible()
        check_page(page)
    finally:
        config["LOGIN_RATE_LIMIT"] = usual
        with live_server.app.app_context():
            limiter.reset()
