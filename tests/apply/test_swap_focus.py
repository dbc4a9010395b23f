"""What an htmx swap in the wizard marks for focus (app.js moves focus to [data-focus])
and what it says at once: the co-applicant just saved, the material just uploaded, the
asset section just changed; a message flashed by a fragment is shown with it, out of
band, never left for whichever page loads next."""

from __future__ import annotations

import io
import re

from tests.apply.conftest import jpeg_bytes, walk_to_materials
from tests.conftest import page_text
from tests.factories import valid_id_number

HX = {"HX-Request": "true"}


def focused(html: str) -> list[str]:
    """The opening tags that carry data-focus."""
    return re.findall(r"<[^>]*\bdata-focus\b[^>]*>", html)


def test_adding_a_co_applicant_marks_them_and_says_so_now_not_later(wizard) -> None:
    walk_to_materials(wizard)
    response = wizard.post(
        "/apply/members/add",
        {"name": "李小四", "id_number": valid_id_number("19900101", "662"), "relation": "child",
         "employment_status": "student", "employer": "", "address": ""},
        headers=HX,
    )  # fmt: skip
    html = page_text(response)
    uid = next(m["uid"] for m in wizard.application.data["members"] if m["name"] == "李小四")
    [tag] = focused(html)
    assert "member" in tag and 'tabindex="-1"' in tag
    row = html[html.index(tag) :]
    assert row.index("李小四") < row.index("</li>")
    assert f"/apply/members/{uid}/edit" in row[: row.index("</li>")]
    assert '<div id="flash" hx-swap-oob="innerHTML">' in html
    assert "已添加共同申请人 李小四" in html
    assert "已添加共同申请人" not in page_text(wizard.client.get("/apply/members"))


def test_a_refused_co_applicant_marks_nothing_and_the_alert_takes_focus(wizard) -> None:
    walk_to_materials(wizard)
    html = page_text(wizard.post("/apply/members/add", {"name": "", "id_number": "1"}, headers=HX))
    assert focused(html) == []
    assert 'role="alert"' in html and "hx-swap-oob" not in html


def test_an_upload_marks_its_own_material(wizard) -> None:
    walk_to_materials(wizard)
    from app.apply.materials import required_materials

    application = wizard.application
    items = required_materials(application.category, application.data)
    target = items[-1]
    response = wizard.post(
        f"/apply/materials/{target.key}/upload",
        {"file": (io.BytesIO(jpeg_bytes()), "photo.jpg")},
        content_type="multipart/form-data",
        headers=HX,
    )
    html = page_text(response)
    [tag] = focused(html)
    assert tag.startswith("<h2") and html[html.index(tag) :].split("</h2>")[0].count(target.label)


def test_an_added_asset_marks_its_section_and_a_refused_one_raises_an_alert(wizard) -> None:
    walk_to_materials(wizard)
    html = page_text(
        wizard.post(
            "/apply/assets/businesses/add",
            {"name": "九江小吃店", "credit_code": "92360402MA35X1234B"},
            headers=HX,
        )
    )
    [tag] = focused(html)
    assert 'id="assets-businesses-title"' in tag
    html = page_text(
        wizard.post("/apply/assets/vehicles/add", {"plate": "", "model": ""}, headers=HX)
    )
    assert focused(html) == []
    assert '<p class="field-error" role="alert">请修改标红的内容</p>' in html
