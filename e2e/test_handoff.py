"""Journey: start on a computer, continue on the phone by QR code, and the computer's
page updates by itself to 已完成 (no reload). A phone already in hand continues in place."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import Page, expect

from e2e.conftest import LiveServer, check_page
from e2e.test_shell import sign_in
from tests.factories import PASSWORD
from tests.handoff import samples
from tests.handoff.flow import decode_qr

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def photo(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def read_qr(page: Page) -> str:
    """Decode the QR code the page shows (its PNG, with OpenCV's QR detector)."""
    source = page.get_by_role("img", name=re.compile("二维码")).get_attribute("src") or ""
    assert source.startswith("data:image/png;base64,")
    return decode_qr(base64.b64decode(source.split(",", 1)[1]))


def test_desktop_hands_the_face_check_to_the_phone(
    desktop_page: Page, page: Page, live_server: LiveServer
) -> None:
    desktop, phone = desktop_page, page
    sign_in(desktop, "13800000001")
    desktop.goto("/handoff/demo")
    expect(desktop.get_by_role("heading", name="用手机完成人脸识别")).to_be_visible()
    check_page(desktop)
    status = desktop.locator("#handoff-status")
    expect(status).to_contain_text("等待扫码")
    desktop.evaluate("window.handoffMarker = 'no reload'")
    url = read_qr(desktop)
    assert url.startswith(f"{live_server.url}/h/")

    phone.goto(url)
    expect(phone).to_have_url(re.compile(r"/h/match$"))  # the token left the address bar
    expect(phone.get_by_role("heading", name="请确认是您本人办理")).to_be_visible()
    expect(phone.get_by_text("张*明")).to_be_visible()
    expect(phone.get_by_text("人脸识别体验")).to_be_visible()
    check_page(phone)
    expect(status).to_contain_text("已扫码，请在手机上点选")
    check_page(desktop)

    tap_the_number(phone, desktop)
    expect(phone).to_have_url(re.compile(r"/handoff/\d+/face$"))
    expect(status).to_contain_text("请在手机上继续完成人脸识别")
    expect(phone.get_by_text("0792-8136274")).to_be_visible()
    check_page(phone)

    camera = phone.get_by_label("本人正面照片")
    expect(camera).to_have_attribute("capture", "user")
    camera.set_input_files(photo("landscape.png", samples.gradient_png(), "image/png"))
    phone.get_by_role("button", name="开始验证").click()
    expect(phone.get_by_role("alert")).to_contain_text("未检测到人脸")
    check_page(phone)

    phone.get_by_label("本人正面照片").set_input_files(
        photo("selfie.jpg", samples.face_jpeg(), "image/jpeg")
    )
    phone.get_by_role("button", name="开始验证").click()
    expect(phone).to_have_url(re.compile(r"/handoff/\d+/done$"))
    expect(phone.get_by_role("heading", name="人脸识别已通过")).to_be_visible()
    check_page(phone)

    expect(status).to_contain_text("已完成")
    assert desktop.evaluate("window.handoffMarker") == "no reload"
    expect(desktop.get_by_role("img", name=re.compile("二维码"))).to_be_hidden()
    expect(desktop.get_by_role("button", name="取消")).to_be_hidden()
    check_page(desktop)
    desktop.get_by_role("link", name="继续").click()
    expect(desktop).to_have_url(re.compile(r"/handoff/demo/result$"))
    expect(desktop.get_by_role("heading", name="人脸识别已通过")).to_be_visible()
    expect(desktop.get_by_text("已删除，仅保留校验值")).to_be_visible()
    check_page(desktop)


def shown_number(desktop: Page) -> str:
    """The two-digit number the computer shows once the code is opened on a phone."""
    shown = desktop.locator("#handoff-status .handoff-match")
    expect(shown).to_have_text(re.compile(r"\d{2}$"))
    return (shown.text_content() or "")[-2:]


def tap_the_number(phone: Page, desktop: Page) -> None:
    """What the person does: look at the computer, tap the same number on the phone."""
    phone.get_by_role("button", name=shown_number(desktop), exact=True).click()


def test_a_wrong_number_burns_the_code_and_the_computer_says_so(
    desktop_page: Page, page: Page, new_resident
) -> None:
    desktop, phone = desktop_page, page
    sign_in(desktop, new_resident("赵小燕"), PASSWORD)
    desktop.goto("/handoff/demo")
    desktop.evaluate("window.handoffMarker = 'no reload'")
    phone.goto(read_qr(desktop))
    choices = phone.locator("button[name=choice]")
    expect(choices).to_have_count(3)
    right = shown_number(desktop)
    wrong = next(text for text in choices.all_inner_texts() if text.strip() != right)
    phone.get_by_role("button", name=wrong.strip(), exact=True).click()
    expect(phone.get_by_role("heading", name="数字不一致，二维码已作废")).to_be_visible()
    check_page(phone)

    status = desktop.locator("#handoff-status")
    expect(status).to_contain_text("手机上点选的数字不对，二维码已作废")
    expect(desktop.get_by_role("img", name=re.compile("二维码"))).to_be_hidden()
    assert desktop.evaluate("window.handoffMarker") == "no reload"
    check_page(desktop)
    phone.go_back()  # the number page again: the code is gone, the right number no help
    phone.reload()
    expect(phone.get_by_role("heading", name="二维码已失效")).to_be_visible()
    check_page(phone)

    desktop.get_by_role("button", name="刷新二维码").click()
    expect(status).to_contain_text("等待扫码")
    phone.goto(read_qr(desktop))
    tap_the_number(phone, desktop)
    expect(phone).to_have_url(re.compile(r"/handoff/\d+/face$"))
    check_page(phone)


def test_desktop_cancels_and_refreshes_the_code_without_reload(desktop_page: Page, page: Page):
    desktop, phone = desktop_page, page
    sign_in(desktop, "13800000002")
    desktop.goto("/handoff/demo")
    check_page(desktop)
    desktop.evaluate("window.handoffMarker = 'no reload'")
    first = read_qr(desktop)

    desktop.get_by_role("button", name="取消").click()
    expect(desktop.locator("#handoff-status")).to_contain_text("已取消")
    expect(desktop.get_by_role("img", name=re.compile("二维码"))).to_have_count(0)
    check_page(desktop)

    phone.goto(first)
    expect(phone.get_by_role("heading", name="二维码已失效")).to_be_visible()
    expect(phone.get_by_text("李*")).to_have_count(0)
    check_page(phone)

    desktop.get_by_role("button", name="刷新二维码").click()
    expect(desktop.locator("#handoff-status")).to_contain_text("等待扫码")
    second = read_qr(desktop)
    assert second != first
    assert desktop.evaluate("window.handoffMarker") == "no reload"
    check_page(desktop)

    phone.goto(second)
    expect(phone.get_by_text("李*")).to_be_visible()
    check_page(phone)


# A phone whose browser says it is a computer (a "desktop site" setting, some in-app
# browsers): the small touch screen still puts 在本机继续 first.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def test_a_small_touch_screen_puts_continue_here_first(
    make_phone_page, desktop_page: Page, new_resident
) -> None:
    account = new_resident("钱小红")
    phone = make_phone_page(user_agent=DESKTOP_USER_AGENT)
    sign_in(phone, account, PASSWORD)
    phone.goto("/handoff/demo")
    qr = phone.get_by_role("img", name=re.compile("二维码"))
    expect(qr).to_be_attached()  # issued by the widget's POST as it loads
    here = phone.get_by_role("button", name="在本机继续")
    expect(here).to_have_count(1)  # one button, not the computer's second one too
    here_box, qr_box = here.bounding_box(), qr.bounding_box()
    assert here_box and qr_box and here_box["y"] < qr_box["y"]
    assert here_box["y"] + here_box["height"] <= 844  # on the first screen
    check_page(phone)

    # The same account on a computer with a wide screen and a mouse: the QR step first.
    desktop = desktop_page
    sign_in(desktop, account, PASSWORD)
    desktop.goto("/handoff/demo")
    qr = desktop.get_by_role("img", name=re.compile("二维码"))
    expect(qr).to_be_visible()
    here = desktop.get_by_role("button", name="在本机继续")
    expect(here).to_have_count(1)
    here_box, qr_box = here.bounding_box(), qr.bounding_box()
    assert here_box and qr_box and here_box["y"] > qr_box["y"]
    check_page(desktop)

    phone.reload()  # the computer's visit issued a new code; continue on the phone
    # the widget's POST swaps the step in as the page loads: click the button it brings
    expect(phone.get_by_role("img", name=re.compile("二维码"))).to_be_attached()
    phone.get_by_role("button", name="在本机继续").click()
    expect(phone).to_have_url(re.compile(r"/handoff/\d+/face$"))
    check_page(phone)


def test_on_a_phone_already_continue_in_place(make_phone_page) -> None:
    phone = make_phone_page(user_agent=IPHONE)
    sign_in(phone, "13800000003")
    phone.goto("/handoff/demo")
    expect(phone.get_by_role("img", name=re.compile("二维码"))).to_have_count(0)
    check_page(phone)
    phone.get_by_role("button", name="在本机继续").click()
    expect(phone).to_have_url(re.compile(r"/handoff/\d+/face$"))
    check_page(phone)
    phone.get_by_label("本人正面照片").set_input_files(
        photo("selfie.jpg", samples.face_jpeg(), "image/jpeg")
    )
    phone.get_by_role("button", name="开始验证").click()
    expect(phone).to_have_url(re.compile(r"/handoff/demo/result$"))
    expect(phone.get_by_role("status").filter(has_text="人脸识别已通过")).to_be_visible()
    check_page(phone)
