from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.demo import DEMO_PASSWORD
from app.demo.logins import DEMO_LOGINS
from app.extensions import db, limiter
from app.housing.models import Lease, Unit
from tests.conftest import login, page_text

README = Path(__file__).resolve().parents[2] / "README.md"


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


def readme_demo_rows() -> list[str]:
    """The rows of the table under README's "Demo logins" heading."""
    section = README.read_text(encoding="utf-8").split("\n## Demo logins\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [line for line in section.splitlines() if re.match(r"\| 1\d{10} \|", line)]


def test_the_readme_demo_table_is_demo_logins() -> None:
    expected = [demo.readme_row() for demo in DEMO_LOGINS]
    assert readme_demo_rows() == expected, (
        "README's demo table is written from app/demo/logins.py; its rows should read:\n"
        + "\n".join(expected)
    )


def test_every_demo_login_shows_what_the_readme_says(app, runner, client) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    roles = dict(db.session.execute(select(User.phone, User.role)).all())
    # Every role has a login in the table, and every login something to look at.
    assert {role.value for role in Role} <= {roles.get(demo.phone) for demo in DEMO_LOGINS}
    empty = []
    for demo in DEMO_LOGINS:
        assert demo.checks, demo.phone
        limiter.reset()
        browser = app.test_client()
        if login(browser, demo.phone, DEMO_PASSWORD).status_code != 303:
            empty.append(f"{demo.phone}: cannot sign in")
            continue
        for check in demo.checks:
            response = browser.get(check.path)
            if response.status_code != 200 or check.count(page_text(response)) < 1:
                empty.append(f"{demo.phone} {check.path}: no {check.pattern!r}")
    assert empty == []

    assert login(client, "13800000003", DEMO_PASSWORD).status_code == 303
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
