"""Draft saving in the service, without a request: no path writes stale fields over newer
ones, whatever a view sends (SQLite here; PostgreSQL in the CI pass)."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import select

from app.apply import declaration, services
from app.apply.drafts import MINE, THEIRS, Stamp
from app.apply.models import Application
from app.extensions import db
from tests.factories import create_resident, valid_id_number

PAGE_B, PAGE_C = "b" * 16, "c" * 16
FORM = {"phone": "13800000001", "address": "旧地址", "employer": "旧单位"}


def fresh(application_id: int) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application_id)


@pytest.fixture
def draft(app: Flask) -> Application:
    user = create_resident(real_name="张三")
    application = services.start_application(user)
    services.save_section(application, "applicant", FORM, version=None)
    return application


def pages(application: Application) -> tuple[Stamp, Stamp]:
    return Stamp(application.version, PAGE_B), Stamp(application.version, PAGE_C)


def member(name: str, uid: str | None = None) -> dict:
    values = {
        "name": name, "id_number": valid_id_number(serial="101"), "relation": "child",
        "employment_status": "student", "employer": "", "address": "",
        "birth_date": "2010-01-01", "sex": "男", "age": 16,
    }  # fmt: skip
    return declaration.member_record(values, uid)


def test_the_whole_stale_form_writes_only_what_the_page_changed(draft: Application) -> None:
    page_b, page_c = pages(draft)
    services.save_section(draft, "applicant", {**FORM, "address": "B 的地址"}, version=page_b)
    with pytest.raises(services.DraftConflict) as refused:
        services.save_section(draft, "applicant", {**FORM, "phone": "13900000002"}, version=page_c)
    assert [(c.field, c.theirs) for c in refused.value.conflicts] == [
        ("applicant.address", "B 的地址")
    ]
    saved = fresh(draft.id).data["applicant"]
    assert saved["address"] == "B 的地址" and saved["phone"] == "13900000002"
    # However often the stale page saves again, B's address stays.
    for _ in range(3):
        with pytest.raises(services.DraftConflict):
            services.save_section(draft, "applicant", FORM, version=page_c)
    assert fresh(draft.id).data["applicant"]["address"] == "B 的地址"


@pytest.mark.parametrize(("choice", "address"), [(THEIRS, "B 的地址"), (MINE, "C 的地址")])
def test_only_a_choice_made_after_seeing_the_change_resolves_it(
    draft: Application, choice: str, address: str
) -> None:
    page_b, page_c = pages(draft)
    services.save_section(draft, "applicant", {"address": "B 的地址"}, version=page_b)
    with pytest.raises(services.DraftConflict) as refused:
        services.save_section(draft, "applicant", {"address": "C 的地址"}, version=page_c)
    seen = refused.value.merge.read_at
    blind = Stamp(page_c.version, PAGE_C, seen=page_c.version, choices={"applicant.address": MINE})
    with pytest.raises(services.DraftConflict):  # a "choice" made before the change is none
        services.save_section(draft, "applicant", {"address": "C 的地址"}, version=blind)
    decided = Stamp(page_c.version, PAGE_C, seen=seen, choices={"applicant.address": choice})
    services.save_section(draft, "applicant", {"address": "C 的地址"}, version=decided)
    assert fresh(draft.id).data["applicant"]["address"] == address


def test_a_version_from_the_future_counts_as_no_version(draft: Application) -> None:
    page_b, _page_c = pages(draft)
    services.save_section(draft, "applicant", {"address": "B 的地址"}, version=page_b)
    forged = Stamp(10**6, PAGE_C)
    with pytest.raises(services.DraftConflict):
        services.save_section(draft, "applicant", {"address": "伪造"}, version=forged)
    assert fresh(draft.id).data["applicant"]["address"] == "B 的地址"


def test_category_fields_are_compared_one_by_one(draft: Application) -> None:
    page_b, page_c = pages(draft)
    common = {"details": {}, "priority_groups": []}
    services.save_category(
        draft, mode="physical", category="new_employee", version=page_b, **common
    )
    with pytest.raises(services.DraftConflict) as refused:
        services.save_category(
            draft,
            mode=None,
            category=None,
            version=page_c,
            **{**common, "priority_groups": ["hero"]},
        )
    assert {c.field for c in refused.value.conflicts} == {
        "column.guarantee_mode",
        "column.category",
    }
    saved = fresh(draft.id)
    assert (saved.guarantee_mode, saved.category) == ("physical", "new_employee")
    assert saved.data["priority_groups"] == ["hero"]


def test_members_are_merged_one_by_one(draft: Application) -> None:
    first = member("张小一")
    declaration.upsert_member(draft, first, version=Stamp(draft.version, PAGE_B))
    page_b, page_c = pages(draft)
    declaration.upsert_member(draft, {**first, "employer": "B 填的"}, version=page_b)
    with pytest.raises(services.DraftConflict):
        declaration.remove_member(draft, first["uid"], version=page_c)  # C never saw B's edit
    with pytest.raises(services.DraftConflict):
        declaration.upsert_member(draft, {**first, "address": "C 填的"}, version=page_c)
    declaration.upsert_member(draft, member("张小二"), version=page_c)  # a new one: no conflict
    members = fresh(draft.id).data["members"]
    assert [(m["name"], m["employer"]) for m in members] == [("张小一", "B 填的"), ("张小二", "")]


def test_submit_is_refused_when_anything_changed_after_the_review(draft: Application) -> None:
    reviewed = Stamp(draft.version, PAGE_C)
    services.save_section(draft, "applicant", {"employer": "新单位"}, version=pages(draft)[0])
    with pytest.raises(declaration.ChangedBeforeSubmit):
        declaration.submit(draft, draft_owner(draft), version=reviewed)
    assert fresh(draft.id).status == "draft"


def draft_owner(application: Application):
    from app.auth.models import User

    return db.session.get(User, application.applicant_id)


def test_concurrent_saves_of_whole_forms_keep_both_changes(shared_app: Flask) -> None:
    user = create_resident(real_name="李四")
    application = services.start_application(user)
    services.save_section(application, "applicant", FORM, version=None)
    base, application_id = application.version, application.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(editor: str, values: dict) -> None:
        with shared_app.app_context():
            try:
                mine = db.session.get(Application, application_id)
                barrier.wait(timeout=10)
                services.save_section(mine, "applicant", values, version=Stamp(base, editor))
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=(PAGE_B, {**FORM, "address": "B 的地址"})),
        threading.Thread(target=save, args=(PAGE_C, {**FORM, "phone": "13900000002"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Whichever page saved second is told that the other field changed under it ...
    assert [type(error) for error in errors] == [services.DraftConflict], errors
    # ... and both changes are kept.
    saved = db.session.scalar(select(Application).where(Application.id == application_id))
    db.session.refresh(saved)
    assert saved.data["applicant"]["address"] == "B 的地址"
    assert saved.data["applicant"]["phone"] == "13900000002"
