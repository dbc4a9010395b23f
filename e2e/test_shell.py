"""Journeys: sign in on a phone, 长辈模式, home, message centre, PWA install and offline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import check_page, check_page_without_js


def sign_in(page: Page, phone: str, password: str = "Anju2026") -> None:
    page.goto("/auth/login")
    check_page(page)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()
    check_page(page)


def body_font_px(page: Page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def test_home_elder_mode_and_messages(page: Page) -> None:
    sign_in(page, "13800000003")
    expect(page.get_by_role("heading", name="租约即将到期，可以申请续约")).to_be_visible()
    assert body_font_px(page) < 18

    page.get_by_role("button", name="长辈模式").click()
    expect(page.locator("html")).to_have_class("elder")
    expect(page.get_by_role("button", name="长辈模式")).to_have_attribute("aria-pressed", "true")
    assert body_font_px(page) >= 18
    tab = page.get_by_role("link", name=re.compile("^消息"))
    box = tab.bounding_box()
    assert box and box["height"] >= 60
    check_page(page)

    tab.click()
    expect(page).to_have_url(re.compile(r"/messages/$"))
    check_page(page)
    page.get_by_role("button", name=re.compile("欢迎使用安居")).click()
    expect(page.get_by_role("heading", name="欢迎使用安居")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="我的").click()
    expect(page.get_by_text("已开启")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="关闭长辈模式").click()
    expect(page.locator("html")).not_to_have_class("elder")
    check_page(page)

    page.reload()
    expect(page.locator("html")).not_to_have_class("elder")
    check_page(page)


def test_pwa_is_installable_and_works_offline(installable_page: Page) -> None:
    page, context = installable_page, installable_page.context
    page.goto("/")
    check_page(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    check_page(page)
    assert page.evaluate("!!navigator.serviceWorker.controller")

    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest["errors"]
    installability = cdp.send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []

    context.set_offline(True)
    page.goto("/services")
    expect(page.get_by_role("heading", name="网络连接已断开")).to_be_visible()
    check_page(page)
    context.set_offline(False)


def test_sign_in_without_javascript(no_js_page: Page) -> None:
    page = no_js_page
    page.goto("/auth/login")
    check_page_without_js(page)
    page.get_by_label("手机号码").fill("13800000001")
    page.get_by_label("密码").fill("wrong-pass1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("手机号码或密码不正确")
    check_page_without_js(page)
    page.get_by_label("密码").fill("Anju2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好，张*明")).to_be_visible()
    check_page_without_js(page)
