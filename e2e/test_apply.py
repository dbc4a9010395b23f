"""Journey: a resident applies on a phone, leaves half-way, resumes on another browser,
submits and follows the progress; bad input is refused; withdrawing works."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import (
    LiveServer,
    PageAudit,
    _assert_audit_complete,
    _audited_page,
    _new_context,
    check_page,
)
from e2e.test_shell import sign_in
from tests.factories import PASSWORD, valid_id_number
from tests.handoff.samples import face_jpeg

SPOUSE_ID = valid_id_number("19860606", "371")


def proceed(page: Page, url_part: str) -> None:
    page.get_by_role("button", name="下一步").click()
    expect(page).to_have_url(re.compile(url_part))
    check_page(page)


def start_and_verify_identity(page: Page, tmp_path) -> None:
    page.goto("/apply/")
    check_page(page)
    page.get_by_role("button", name="立即办理").click()
    expect(page).to_have_url(re.compile(r"/apply/consent$"))
    check_page(page)
    page.get_by_role("button", name="同意授权").click()
    expect(page.get_by_role("alert")).to_contain_text("请逐项勾选同意")
    check_page(page)
    for label in (
        "同意处理身份信息（身份证号码等）",
        "同意处理人脸信息（仅用于本人核验）",
        "同意核对家庭经济状况信息",
    ):
        page.get_by_label(label).check()
    page.get_by_role("button", name="同意授权").click()
    expect(page).to_have_url(re.compile(r"/apply/region$"))
    check_page(page)
    page.get_by_label("请选择申请区域").select_option(label="浔阳区 · 甘棠街道")
    page.get_by_role("button", name="去申请").click()
    expect(page.get_by_role("heading", name="请确认申请区域")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="确认区域").click()
    expect(page).to_have_url(re.compile(r"/apply/identity$"))
    check_page(page)

    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    page.get_by_role("button", name="在本机继续").click()
    expect(page.get_by_role("heading", name="拍摄本人照片")).to_be_visible()
    check_page(page)
    page.locator("#face-form input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="开始验证").click()
    expect(page.get_by_text("扫脸认证已通过")).to_be_visible()
    check_page(page)
    proceed(page, r"/apply/category$")


def fill_category_and_applicant(page: Page) -> None:
    page.get_by_label("实物配租").check()
    page.get_by_label("城镇中等偏下收入住房困难家庭").check()
    proceed(page, r"/apply/members$")
    applicant = page.get_by_role("region", name="申请人信息")
    applicant.get_by_label("婚姻状况").select_option(label="已婚")
    applicant.get_by_label("是否离异后再婚（已婚的填写）").select_option(label="否")
    applicant.get_by_label("户籍类型").select_option(label="市中心城区城镇常住户籍")
    applicant.get_by_label("中心城区落户年限（年）").fill("12")
    applicant.get_by_label("就业状况").select_option(label="在职")
    applicant.get_by_label("工作单位").fill("九江市某物流公司")
    applicant.get_by_label("本人月收入（元）").fill("3200")
    applicant.get_by_label("现居住地址").fill("浔阳区甘棠南路12号")
    applicant.get_by_label("现居住情况").select_option(label="租住")
    applicant.get_by_label(
        "您或共同申请人的父母、子女在中心城区有两套或以上住房吗？"
    ).select_option(label="否")
    expect(page.get_by_role("status").filter(has_text="已自动保存")).to_be_visible()


def test_apply_resume_submit_and_withdraw(
    page: Page, browser, live_server: LiveServer, new_resident, tmp_path
) -> None:
    phone = new_resident("陈晓梅")
    sign_in(page, phone, PASSWORD)
    start_and_verify_identity(page, tmp_path)
    fill_category_and_applicant(page)

    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("alert")).to_contain_text("须与配偶共同申请")
    expect(page.get_by_role("region", name="申请人信息").get_by_label("现居住地址")).to_have_value(
        "浔阳区甘棠南路12号"
    )
    check_page(page)

    member = page.get_by_role("region", name="共同申请人")
    member.get_by_label("姓名").fill("刘建军")
    member.get_by_label("身份证号码").fill(SPOUSE_ID)
    member.get_by_label("与申请人的关系").select_option(label="配偶")
    member.get_by_label("就业状况").select_option(label="灵活就业")
    member.get_by_role("button", name="添加").click()
    expect(page.get_by_role("link", name="修改 刘建军")).to_be_visible()
    check_page(page)

    # Leave half-way; carry on in another browser (another device).
    other_context = _new_context(browser, live_server)
    audit = PageAudit()
    other = _audited_page(other_context, audit)
    sign_in(other, phone, PASSWORD)
    other.goto("/apply/")
    check_page(other)
    other.get_by_role("link", name="继续我的申请").click()
    expect(other).to_have_url(re.compile(r"/apply/members$"))
    expect(other.get_by_role("region", name="申请人信息").get_by_label("现居住地址")).to_have_value(
        "浔阳区甘棠南路12号"
    )
    expect(other.get_by_role("link", name="修改 刘建军")).to_be_visible()
    check_page(other)
    proceed(other, r"/apply/assets$")

    canvas = other.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    other.mouse.move(box["x"] + 20, box["y"] + 40)
    other.mouse.down()
    for step in range(1, 12):
        other.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    other.mouse.up()
    other.get_by_role("button", name="保存签名").click()
    expect(other.get_by_text("已签名")).to_be_visible()
    check_page(other)
    other.get_by_role("link", name="查看授权书").click()
    expect(other.get_by_role("img", name="陈晓梅的手写签名")).to_be_visible()
    check_page(other)
    other.get_by_role("link", name="返回家庭财产").click()
    expect(other).to_have_url(re.compile(r"/apply/assets$"))
    check_page(other)
    proceed(other, r"/apply/materials$")

    fake = tmp_path / "身份证.jpg"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 400)
    uploads = other.locator("form.upload-form")
    uploads.first.locator("input[type=file]").set_input_files(str(fake))
    uploads.first.get_by_role("button", name="上传").click()
    expect(other.get_by_role("alert")).to_contain_text("不是这些格式")
    check_page(other)

    photo = tmp_path / "material.jpg"
    photo.write_bytes(face_jpeg())
    count = uploads.count()
    for index in range(count):
        form = other.locator("form.upload-form").nth(index)
        form.locator("input[type=file]").set_input_files(str(photo))
        form.get_by_role("button", name="上传").click()
        expect(other.locator(".material").nth(index).get_by_text("已上传")).to_be_visible()
    check_page(other)
    proceed(other, r"/apply/review$")
    expect(other.get_by_text(re.compile("刘建军，配偶"))).to_be_visible()
    other.get_by_role("link", name="提交申请").click()
    expect(other.get_by_role("heading", name="确认提交申请？")).to_be_visible()
    check_page(other)
    other.get_by_role("button", name="直接提交").click()
    expect(other).to_have_url(re.compile(r"/apply/status$"))
    expect(other.locator(".timeline-current")).to_contain_text("街道初审")
    check_page(other)
    _assert_audit_complete(audit)
    other_context.close()

    # Back on the phone: the draft is gone from editing; withdraw.
    page.goto("/apply/status")
    check_page(page)
    page.get_by_role("link", name="放弃申请").click()
    expect(page.get_by_text("不能恢复")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="确认放弃").click()
    expect(page.get_by_role("status")).to_contain_text("已放弃申请")
    check_page(page)
