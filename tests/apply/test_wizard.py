"""The application wizard through the web: every step, drafts, uploads, submission."""

from __future__ import annotations

import gc
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.apply.models import Application, ApplicationStatus, Consent
from app.audit.models import AuditEvent
from app.extensions import db
from app.messages.models import Message
from app.storage import storage
from tests.apply.conftest import APPLICANT, jpeg_bytes, walk_to_materials
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident


def test_full_application_is_submitted_with_a_precheck(wizard) -> None:
    walk_to_materials(wizard)
    wizard.upload_all_required()
    assert (
        wizard.post("/apply/materials", {"action": "next"}).headers["Location"] == "/apply/review"
    )
    review = page_text(wizard.client.get("/apply/review"))
    assert "王小二" in review and "修改" in review and "提交前还需完成" not in review
    confirm = page_text(wizard.client.get("/apply/submit"))
    assert "再次检查" in confirm and "直接提交" in confirm
    response = wizard.post("/apply/submit")
    assert response.headers["Location"] == "/apply/status"
    application = wizard.application
    assert application.status == ApplicationStatus.SUBMITTED and application.reference
    assert application.precheck["gongzu"]["eligible"] is True
    status = page_text(wizard.client.get("/apply/status"))
    assert "街道初审" in status and "30个工作日" in status and "进行中" in status
    assert (
        db.session.scalar(select(func.count(Message.id)).where(Message.user_id == wizard.user.id))
        == 1
    )
    # submitted applications can no longer be edited
    assert wizard.client.get("/apply/members").headers["Location"] == "/apply/status"


def test_consent_is_recorded_with_version_and_scopes(wizard) -> None:
    wizard.start()
    response = post(wizard.client, "/apply/consent", {"action": "agree", "scopes": ["identity"]})
    assert "请逐项勾选同意" in page_text(response)
    wizard.consent()
    consent = db.session.scalar(select(Consent))
    assert consent.version and set(consent.scopes) == {"identity", "face", "finances"}


def test_cancel_consent_returns_home(wizard) -> None:
    wizard.start()
    response = post(wizard.client, "/apply/consent", {"action": "cancel"})
    assert response.headers["Location"] == "/"


def test_region_needs_a_second_confirmation(wizard) -> None:
    wizard.start()
    wizard.consent()
    street = db.session.scalar(select(Application)).street_id
    assert street is None
    response = wizard.post("/apply/region", {"street_id": "999999"})
    assert "请选择申请区域" in page_text(response)
    wizard.region()
    assert wizard.application.region_confirmed_at is not None


def test_identity_step_waits_for_face_verification(wizard) -> None:
    wizard.start()
    wizard.consent()
    wizard.region()
    response = wizard.post("/apply/identity")
    assert response.status_code == 200 and "请先完成扫脸认证" in page_text(response)


def test_married_applicant_without_spouse_is_stopped(wizard) -> None:
    wizard.start()
    wizard.consent()
    wizard.region()
    wizard.verify_identity()
    wizard.post("/apply/identity")
    wizard.category()
    response = wizard.members()
    html = page_text(response)
    assert response.status_code == 200
    assert "须与配偶共同申请" in html
    assert 'value="浔阳区甘棠南路1号"' in html  # what was typed stays


def test_member_errors_all_at_once_and_duplicate_ids(wizard) -> None:
    walk_to_materials(wizard)
    response = wizard.post(
        "/apply/members/add",
        {"name": "a" * 200, "id_number": "123", "relation": "", "employment_status": ""},
        headers={"HX-Request": "true"},
    )
    html = page_text(response)
    assert "<html" not in html
    for message in ("最多 20 个字", "18位", "请选择与申请人的关系", "请选择就业状况"):
        assert message in html
    response = wizard.add_member("王小五", "sibling")  # same ID as the spouse
    assert "已在家庭成员中" in page_text(response)


def test_draft_is_saved_and_resumed_on_another_device(wizard, app) -> None:
    walk_to_materials(wizard)
    wizard.post("/apply/members", {**APPLICANT, "address": "暂存的地址", "action": "save"})
    other = app.test_client()
    login(other, wizard.user.phone, PASSWORD)
    response = other.get("/apply/continue")
    assert response.headers["Location"] == "/apply/materials"
    assert 'value="暂存的地址"' in page_text(other.get("/apply/members"))


def test_autosave_returns_a_small_fragment_and_never_a_version(wizard) -> None:
    walk_to_materials(wizard)
    before = wizard.version()
    response = wizard.post(
        "/apply/members/autosave",
        {**APPLICANT, "employer": "新单位"},
        headers={"HX-Request": "true"},
    )
    assert len(response.data) < 2048
    assert "已自动保存" in page_text(response)
    assert int(wizard.version()) > int(before)
    assert "version" not in page_text(response)  # the page keeps the version it was based on
    assert wizard.application.data["applicant"]["employer"] == "新单位"


def test_a_stale_page_never_overwrites_a_newer_value(wizard) -> None:
    walk_to_materials(wizard)
    stale = wizard.version()
    wizard.post(
        "/apply/members/autosave",
        {**APPLICANT, "employer": "设备一"},
        headers={"HX-Request": "true"},
    )
    response = post(
        wizard.client,
        "/apply/members/autosave",
        {**APPLICANT, "employer": "设备二", "version": stale},
        headers={"HX-Request": "true"},
    )
    html = page_text(response)
    assert "另一台设备已修改了 1 项" in html and "工作单位" in html and "设备一" in html
    assert wizard.application.data["applicant"]["employer"] == "设备一"


# Werkzeug's test client spools a >500 KB request body to a temporary file it never
# closes; that warning is about the test client, not the app.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_uploads_are_checked_by_content_and_cleaned(wizard) -> None:
    walk_to_materials(wizard)
    exe = b"MZ\x90\x00" + b"\x00" * 200
    assert "不是这些格式" in page_text(wizard.upload("id_applicant", exe, "photo.jpg"))
    truncated = jpeg_bytes()[:300]
    assert "损坏或不完整" in page_text(wizard.upload("id_applicant", truncated))
    big = b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)
    assert "超过 10MB" in page_text(wizard.upload("id_applicant", big))
    assert wizard.application.files == [] or all(
        f.material_key == "signature" for f in wizard.application.files
    )

    response = wizard.upload("id_applicant", jpeg_bytes(exif=True))
    assert response.status_code == 303
    stored = next(f for f in wizard.application.files if f.material_key == "id_applicant")
    with storage().open(stored.storage_key) as handle:
        cleaned = Image.open(io.BytesIO(handle.read()))
        assert dict(cleaned.getexif()) == {}
    thumbnail = wizard.client.get(f"/apply/files/{stored.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert "no-store" in thumbnail.headers["Cache-Control"]
    thumbnail.close()
    gc.collect()  # let the test client's leaked temp file be reported here, where it is ignored


def test_unknown_material_key_is_404(wizard) -> None:
    walk_to_materials(wizard)
    assert wizard.upload("../../etc/passwd", jpeg_bytes()).status_code == 404


def test_materials_step_requires_every_required_file(wizard) -> None:
    walk_to_materials(wizard)
    response = wizard.post("/apply/materials", {"action": "next"})
    html = page_text(response)
    assert "请上传申请人身份证" in html and "请上传结婚证" in html


def test_submitting_an_incomplete_application_shows_what_is_missing(wizard) -> None:
    walk_to_materials(wizard)
    assert "提交前还需完成" in page_text(wizard.client.get("/apply/review"))
    assert wizard.client.get("/apply/submit").headers["Location"] == "/apply/review"
    before = wizard.version()
    response = wizard.post("/apply/submit")  # the service refuses; the view shows it
    assert response.headers["Location"] == "/apply/review"
    application = wizard.application
    assert application.status == ApplicationStatus.DRAFT and application.reference is None
    assert wizard.version() == before  # the refusal wrote nothing
    review = page_text(wizard.client.get("/apply/review"))
    assert "还有未完成的内容，请先补全" in review and "缺少材料：" in review
    assert "王小二" in review  # nothing the resident entered is lost


def test_another_resident_cannot_read_or_delete_files(wizard, app) -> None:
    walk_to_materials(wizard)
    wizard.upload("id_applicant", jpeg_bytes())
    file_id = next(f.id for f in wizard.application.files if f.material_key == "id_applicant")
    intruder = create_resident(real_name="王五")
    other = app.test_client()
    login(other, intruder.phone, PASSWORD)
    assert other.get(f"/apply/files/{file_id}").status_code == 404
    post(other, "/apply/start")
    response = post(other, f"/apply/files/{file_id}/delete", {"version": "1"})
    assert response.status_code in (303, 404)
    assert any(f.id == file_id for f in wizard.application.files)
    assert "王小二" not in page_text(other.get("/apply/members"))


def test_only_one_active_application(wizard) -> None:
    wizard.start()
    wizard.start()
    assert db.session.scalar(select(func.count(Application.id))) == 1


def test_withdraw_removes_data_and_files_but_keeps_audit(wizard) -> None:
    walk_to_materials(wizard)
    wizard.upload("id_applicant", jpeg_bytes())
    keys = [f.storage_key for f in wizard.application.files]
    page = page_text(wizard.client.get("/apply/withdraw"))
    assert "不能恢复" in page
    response = post(wizard.client, "/apply/withdraw")
    assert response.headers["Location"] == "/apply/"
    application = wizard.application
    assert application.status == ApplicationStatus.WITHDRAWN and application.active_slot is None
    assert application.data == {} and application.files == []
    for key in keys:
        try:
            storage().open(key).close()
        except FileNotFoundError:
            continue
        raise AssertionError("file still stored")
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "application.withdrawn" in actions
    assert wizard.start().status_code == 303  # a new application may be started
    assert db.session.scalar(select(func.count(Application.id))) == 2


def test_signed_out_and_unverified_residents(client, region) -> None:
    assert client.get("/apply/members").status_code == 302
    user = create_resident()
    login(client, user.phone, PASSWORD)
    assert post(client, "/apply/start").headers["Location"] == "/auth/real-name"


def test_the_same_pages_own_autosave_is_not_a_conflict(wizard) -> None:
    walk_to_materials(wizard)
    seen = wizard.version()
    common = {**APPLICANT, "version": seen, "editor": "0123456789abcdef"}
    post(
        wizard.client,
        "/apply/members/autosave",
        {**common, "employer": "自动保存"},
        headers={"HX-Request": "true"},
    )
    response = post(wizard.client, "/apply/members", {**common, "action": "next"})
    assert response.status_code == 303  # the page's own autosave raced the click: fine
    assert wizard.application.data["applicant"]["employer"] == APPLICANT["employer"]
    other_page = {
        **APPLICANT, "employer": "另一页", "version": seen, "editor": "fedcba9876543210",
        "action": "save",
    }  # fmt: skip
    response = post(wizard.client, "/apply/members", other_page)
    html = page_text(response)
    assert response.status_code == 200 and "另一台设备已修改：工作单位" in html
    assert wizard.application.data["applicant"]["employer"] == APPLICANT["employer"]
    assert f'name="version" value="{seen}"' in html  # the refused page keeps its version


@pytest.mark.parametrize("hostile", ["²", "①", "١٢", "9" * 40, "1e2", "8 0"])
def test_hostile_numbers_on_the_family_page_get_a_chinese_error(wizard, hostile: str) -> None:
    walk_to_materials(wizard)
    response = wizard.members(hukou_years=hostile)
    html = page_text(response)
    assert response.status_code == 200
    assert "落户年限请填写整数" in html or "落户年限应在 0 到 150" in html
    assert 'value="浔阳区甘棠南路1号"' in html  # what was typed stays
    # The draft keeps the text as typed, to be corrected; it never becomes a number.
    assert not isinstance(wizard.application.data["applicant"]["hukou_years"], int)


@pytest.mark.parametrize("hostile", ["²", "1e309", "NaN", "9" * 40, "58.555"])
def test_hostile_areas_of_real_estate_are_refused(wizard, hostile: str) -> None:
    walk_to_materials(wizard)
    response = wizard.post(
        "/apply/assets/real_estate/add",
        {"address": "浔阳区某路1号", "area_m2": hostile, "use": "住宅"},
    )
    assert response.status_code == 200
    assert "建筑面积" in page_text(response)
    assert not (wizard.application.data.get("assets") or {}).get("real_estate")


def test_materials_refuse_72_megapixels_and_keep_only_pixels(wizard) -> None:
    from tests.hostile_images import assert_pixels_only, huge_png, jpeg_with_html

    walk_to_materials(wizard)
    refused = wizard.upload("id_applicant", huge_png())
    assert refused.status_code == 200 and "像素过大" in page_text(refused)
    assert not [f for f in wizard.application.files if f.material_key == "id_applicant"]

    assert wizard.upload("id_applicant", jpeg_with_html()).status_code == 303
    stored = next(f for f in wizard.application.files if f.material_key == "id_applicant")
    for path in (f"/apply/files/{stored.id}", f"/apply/files/{stored.id}/thumbnail"):
        served = wizard.client.get(path)
        assert served.status_code == 200
        assert_pixels_only(served.data)
        served.close()
    gc.collect()


def test_without_javascript_the_person_chooses_per_field_and_then_saves(wizard) -> None:
    walk_to_materials(wizard)
    base = wizard.version()
    page_b = {**APPLICANT, "version": base, "editor": "b" * 16, "action": "save"}
    page_c = {**APPLICANT, "version": base, "editor": "c" * 16, "action": "save"}
    post(wizard.client, "/apply/members", {**page_b, "address": "B 的地址", "employer": "B 单位"})
    refused = post(wizard.client, "/apply/members", {**page_c, "employer": "C 单位"})
    html = page_text(refused)
    assert "另一台设备已修改：工作单位" in html and "另一台设备已修改：现居住地址" in html
    seen = re.search(r'name="seen" value="(\d+)"', html).group(1)
    chosen = {
        **page_c, "employer": "C 单位", "seen": seen,
        "keep:applicant.employer": "mine", "keep:applicant.address": "theirs",
    }  # fmt: skip
    assert post(wizard.client, "/apply/members", chosen).status_code == 303
    saved = wizard.application.data["applicant"]
    assert (saved["employer"], saved["address"]) == ("C 单位", "B 的地址")


def test_a_category_changed_elsewhere_is_shown_not_overwritten(wizard) -> None:
    walk_to_materials(wizard)
    base = wizard.version()
    common = {"version": base, "guarantee_mode": "physical", "action": "save"}
    post(
        wizard.client, "/apply/category", {**common, "editor": "b" * 16, "category": "new_employee"}
    )
    refused = post(
        wizard.client, "/apply/category", {**common, "editor": "c" * 16, "category": "entrepreneur"}
    )
    html = page_text(refused)
    assert "另一台设备已修改：保障类别" in html and "新就业职工" in html
    assert wizard.application.category == "new_employee"
