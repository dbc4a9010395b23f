from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.housing.models import Lease, Unit
from tests.conftest import login, page_text


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Unit.id))),
        db.session.scalar(select(func.count(Lease.id))),
    )


def test_seed_demo_is_idempotent(runner) -> None:
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    before = counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert counts() == before
    roles = set(db.session.scalars(select(User.role)))
    assert {role.value for role in Role} <= roles


def test_demo_logins_from_the_readme_work(runner, client) -> None:
    runner.invoke(args=["seed-demo"])
    response = login(client, "13800000003", "Anju2026")
    assert response.status_code == 303
    html = page_text(client.get("/"))
    assert "王*" in html
    assert "租约即将到期" in html


def test_create_staff_validates_arguments(runner) -> None:
    runner.invoke(args=["seed-demo"])

    def create(phone: str, *options: str):
        return runner.invoke(args=["create-staff", phone, *options])

    bad_phone = create("123", "--role", "admin", "--password", "abc12345")
    assert bad_phone.exit_code == 2 and "11位手机号码" in bad_phone.output
    weak = create("13700000000", "--role", "admin", "--password", "abc")
    assert weak.exit_code == 2 and "密码" in weak.output
    unknown = create(
        "13700000000", "--role", "admin", "--district", "999999", "--password", "abc12345"
    )
    assert unknown.exit_code == 2 and "999999" in unknown.output
    for code in ("36040\x00", "３６０４０３", "٣٦٠٤٠٣", "3604031", "9" * 40):
        bad = create("13700000000", "--role", "admin", "--district", code, "--password", "abc12345")
        assert bad.exit_code == 2 and "区划代码应为6位数字" in bad.output, code
    ok = create(
        "13700000000", "--role", "street_reviewer", "--district", "360403", "--password", "abc12345"
    )
    assert ok.exit_code == 0, ok.output
    assert (
        db.session.scalar(select(User.role).where(User.phone == "13700000000")) == "street_reviewer"
    )
