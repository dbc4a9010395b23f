"""Deleting a co-applicant, an asset or an uploaded file is confirmed on its own page (no
pop-up): the page writes nothing and is not found for another resident's item; its
button deletes, and the resident is back on the list."""

from __future__ import annotations

import pytest

from tests.apply.conftest import Wizard, jpeg_bytes, walk_to_materials
from tests.conftest import confirm, login, page_text, post
from tests.factories import PASSWORD, create_resident


def walk_to_members(wizard: Wizard) -> None:
    wizard.start()
    wizard.consent()
    wizard.region()
    wizard.verify_identity()
    wizard.post("/apply/identity")
    assert wizard.category().headers["Location"] == "/apply/members"


@pytest.fixture
def intruder(app):
    """Another resident, signed in, with an application of her own."""
    other = app.test_client()
    login(other, create_resident(real_name="王五").phone, PASSWORD)
    post(other, "/apply/start")
    return other


def test_deleting_a_co_applicant_is_confirmed_on_its_own_page(wizard, intruder) -> None:
    walk_to_members(wizard)
    wizard.add_member("王小二", "spouse")
    uid = wizard.application.data["members"][0]["uid"]
    members = page_text(wizard.client.get("/apply/members"))
    assert f'href="/apply/members/{uid}/delete"' in members and "hx-confirm" not in members

    version = wizard.version()
    page = wizard.client.get(f"/apply/members/{uid}/delete")
    html = page_text(page)
    assert "确定删除共同申请人王小二吗？" in html and "王小二 · 配偶" in html
    assert "身份证号码：" in html and "不删除" in html
    assert wizard.version() == version  # the page wrote nothing
    assert intruder.get(f"/apply/members/{uid}/delete").status_code == 404

    response = confirm(wizard.client, page, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 303 and response.headers["Location"] == "/apply/members"
    assert wizard.application.data["members"] == []
    assert "已删除这位共同申请人" in page_text(wizard.client.get("/apply/members"))


def test_deleting_an_asset_is_confirmed_on_its_own_page(wizard, intruder) -> None:
    walk_to_members(wizard)
    wizard.add_member("王小二", "spouse")
    wizard.members()
    wizard.post("/apply/assets/vehicles/add", {"plate": "赣G12345", "model": "大众朗逸"})
    uid = wizard.application.data["assets"]["vehicles"][0]["uid"]
    assets = page_text(wizard.client.get("/apply/assets"))
    assert f'href="/apply/assets/vehicles/{uid}/delete"' in assets and "hx-confirm" not in assets

    version = wizard.version()
    page = wizard.client.get(f"/apply/assets/vehicles/{uid}/delete")
    html = page_text(page)
    assert "确定删除这一项车辆吗？" in html and "车牌号码：赣G12345" in html
    assert wizard.version() == version
    assert intruder.get(f"/apply/assets/vehicles/{uid}/delete").status_code == 404
    assert wizard.client.get(f"/apply/assets/boats/{uid}/delete").status_code == 404

    response = confirm(wizard.client, page)
    assert response.status_code == 303 and response.headers["Location"] == "/apply/assets"
    assert wizard.application.data["assets"]["vehicles"] == []
    assert "赣G12345" not in page_text(wizard.client.get("/apply/assets"))


def test_deleting_an_uploaded_file_is_confirmed_on_its_own_page(wizard, intruder) -> None:
    walk_to_materials(wizard)
    wizard.upload("id_applicant", jpeg_bytes())
    file_id = next(f.id for f in wizard.application.files if f.material_key == "id_applicant")
    materials = page_text(wizard.client.get("/apply/materials"))
    assert f'href="/apply/files/{file_id}/delete"' in materials
    assert "hx-confirm" not in materials

    version = wizard.version()
    page = wizard.client.get(f"/apply/files/{file_id}/delete")
    html = page_text(page)
    assert "确定删除这个文件吗？" in html and "第1个文件" in html
    assert f'src="/apply/files/{file_id}/thumbnail"' in html
    assert wizard.version() == version
    assert any(f.id == file_id for f in wizard.application.files)
    assert intruder.get(f"/apply/files/{file_id}/delete").status_code == 404

    response = confirm(wizard.client, page)
    assert response.status_code == 303 and response.headers["Location"] == "/apply/materials"
    assert not any(f.id == file_id for f in wizard.application.files)
    assert "已删除这个文件" in page_text(wizard.client.get("/apply/materials"))
