"""Every place a message points to (在“我的申请”中查看) is reachable from the menus."""

from __future__ import annotations

from datetime import date

from app.apply import services as apply_services
from app.apply.models import ApplicationStatus
from app.demo.logins import DEMO_LOGINS
from app.extensions import db, limiter
from tests.apply.conftest import Wizard
from tests.conftest import login, page_text
from tests.factories import PASSWORD, create_resident
from tests.home.menus import Menus, links_of, pointers
from tests.staff.review import Desk, submit_application, walk_to_final_review

# Every resident login of the demo (applicants at each stage, tenants, swap tenants, one
# without a real name): the places messages name are resident places.
DEMO_RESIDENTS = tuple(login.phone for login in DEMO_LOGINS if login.phone.startswith("138"))


def test_the_places_messages_name_are_read_from_the_app() -> None:
    found = pointers()
    assert {"我的申请", "租金缴纳", "我的续约", "我的互换", "互相匹配"} <= set(found)
    assert found["我的 › 我的续约"] == ("我的", "我的续约")


def test_each_named_place_is_a_link_from_the_menus_for_every_demo_resident(app, runner) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert len(DEMO_RESIDENTS) > 10
    unreachable = {}
    for phone in DEMO_RESIDENTS:
        limiter.reset()  # many sign-ins from one address in a second
        client = app.test_client()
        assert login(client, phone, "Anju2026").status_code == 303, phone
        menus = Menus(client)
        missing = sorted(name for name, path in pointers().items() if menus.route_to(path) is None)
        if missing:
            unreachable[phone] = missing
    assert not unreachable, f"no menu path to: {unreachable}"


def test_a_qualified_resident_finds_the_application_and_certificate_from_the_menus(
    app, client, places, staff, today
) -> None:
    resident, application = submit_application(app, places.gantang)
    walk_to_final_review(app, staff, application, today)
    city = Desk(app, staff.city)
    today.set(date(2026, 9, 11))
    assert city.act(application, "approve").status_code == 303
    today.set(date(2026, 9, 30))
    assert city.act(application, "issue_certificate").status_code == 303
    db.session.refresh(application)
    assert application.status == ApplicationStatus.QUALIFIED

    menus = Menus(resident.client)
    assert menus.route_to(("我的", "我的申请")) == ["我的", "我的申请"]
    status = page_text(resident.get("/apply/status"))
    assert "查看和打印资格证明" in status
    assert "/certificate" in [href for href, _text, _nav in links_of(status)]
    assert resident.get("/certificate").status_code == 200
    # 公租房申请 no longer offers only a new application
    index = page_text(resident.get("/apply/"))
    assert "已取得保障资格" in index and ("/apply/status", "我的申请", False) in links_of(index)
    assert ("/certificate", "查看和打印资格证明", False) in links_of(index)
    assert 'action="/apply/start"' not in index  # valid: no need to apply again
    home = page_text(resident.get("/"))
    assert "已取得住房保障资格" in home
    assert ("/apply/status", "我的申请", False) in links_of(home)

    # A new draft (e.g. after a change in the household) does not hide the certificate.
    apply_services.start_application(resident.user)
    db.session.commit()
    landed = resident.get("/apply/status", follow_redirects=True)
    assert ("/certificate", "查看和打印资格证明", False) in links_of(page_text(landed))


def test_home_offers_to_go_on_with_a_draft_at_the_step_reached(client, region) -> None:
    user = create_resident(real_name="赵一鸣")
    login(client, user.phone, PASSWORD)
    assert "暂时没有需要您办理的事项" in page_text(client.get("/"))
    wizard = Wizard(client, user)
    wizard.start()
    wizard.consent()
    wizard.post("/apply/region", {"street_id": str(region.id)})
    wizard.post("/apply/region/confirm")
    wizard.verify_identity()
    wizard.post("/apply/identity")
    home = page_text(client.get("/"))
    assert "暂时没有需要您办理的事项" not in home
    assert "已填到第4步（共8步）：申请类别" in home
    assert ("/apply/continue", "继续填写申请", False) in links_of(home)
    assert client.get("/apply/continue").headers["Location"] == "/apply/category"


def test_an_application_under_review_and_one_to_correct_show_on_home(app, places, staff) -> None:
    resident, application = submit_application(app, places.gantang)
    assert "公租房申请审核中" in page_text(resident.get("/"))
    street = Desk(app, staff.street)
    asked = street.act(application, "request_correction", items=["hukou_book"], note="请补正")
    assert asked.status_code == 303
    home = page_text(resident.get("/"))
    assert "申请材料需要补正" in home
    assert ("/apply/status", "查看并补正", False) in links_of(home)


def test_a_withdrawn_draft_does_not_hide_the_earlier_result(app, places, staff) -> None:
    resident, application = submit_application(app, places.gantang)
    reason = "申请人不属于本街道辖区"
    assert Desk(app, staff.street).act(application, "not_accept", reason=reason).status_code == 303
    assert resident.post("/apply/start").status_code == 303  # a new draft…
    assert resident.post("/apply/withdraw").status_code == 303  # …given up
    home = page_text(resident.get("/"))
    assert "公租房申请不予受理" in home
    index = page_text(resident.get("/apply/"))
    assert "不予受理" in index and ("/apply/status", "我的申请", False) in links_of(index)
    assert reason in page_text(resident.get("/apply/status"))
