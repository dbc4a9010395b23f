"""``seed-demo --scale N``: volume, realism rules, idempotency, and the pages still work.

A tiny volume stands in for N (the CLI maps N to ``Volume.for_scale``, patched here), so
the whole seed runs in about a second.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app import create_app
from app.apply.models import Application, ApplicationStatus
from app.auth.idcard import parse_id_number
from app.auth.models import User
from app.auth.phone import is_mainland_mobile
from app.auth.services import create_user, vault
from app.core.clock import today_in_china
from app.core.masking import mask_id_number
from app.demo import DEMO_PASSWORD, seed_demo
from app.eligibility.models import EligibilityAnswers
from app.extensions import db
from app.housing.models import Lease
from app.messages.models import Message
from app.messages.services import post_message
from app.rent.models import Bill, Payment
from app.swap.models import SwapListing
from bench.scale import Volume, seed_scale
from bench.scale.seed import seeded_label
from tests.conftest import (
    TEST_DATABASE_URL,
    IsolatedClient,
    _empty_tables,
    _prepare_schema,
    login,
    page_text,
)

SCALE_PHONES = "150%"


def tiny(n: int = 1) -> Volume:
    return Volume(scale=n, residents=60 * n, leases=30 * n, listings=150 * n, mean_lease_months=24)


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def first_value(sql: str) -> str:
    """The first value the query finds (a phone, a reference)."""
    phone = db.session.execute(text(sql)).scalar()
    assert phone, f"no seeded user for: {sql}"
    return phone


@pytest.fixture(scope="class")
def seeded(tmp_path_factory) -> Iterator[Flask]:
    """The demo and a tiny scale seed, written once for the tests of a class (the
    ``app`` fixture would seed again for every test)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SMS_GATEWAY": "memory",
            "UPLOAD_ROOT": str(tmp_path_factory.mktemp("uploads")),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        _prepare_schema()
        seed_demo()
        seed_scale(TestSeededDatabase.volume)
        yield app
        _empty_tables()
        db.engine.dispose()


class TestSeededDatabase:
    """One tiny seed, read by every test in the class."""

    volume = tiny()

    def test_counts_follow_the_volume(self, seeded) -> None:
        residents = User.phone.like(SCALE_PHONES)
        assert count(User, residents) == self.volume.residents
        assert count(User, residents, User.real_name_bound_at.is_not(None)) == (
            self.volume.bound_residents
        )
        scale_leases = Lease.contract_number.like("JJ__-____-1____")
        assert count(Lease, scale_leases) == self.volume.leases
        bills = db.session.scalar(select(func.count(Bill.id)).join(Lease).where(scale_leases))
        # Every month of every lease: the lease ages are spread around the mean.
        expected = self.volume.leases * self.volume.mean_lease_months
        assert expected * 0.9 <= bills <= expected * 1.1
        listings = count(SwapListing, SwapListing.tenant_id.in_(select(User.id).where(residents)))
        assert listings == self.volume.listings
        assert count(Message) >= self.volume.residents * 5

    def test_every_application_status_is_there(self, seeded) -> None:
        found = set(db.session.scalars(select(Application.status).distinct()))
        assert found == {status.value for status in ApplicationStatus}
        # At most one open application per resident, and only open ones hold the slot.
        for application in db.session.scalars(select(Application)):
            assert (application.active_slot == 1) == application.status.is_open

    def test_one_live_listing_per_tenant_and_a_third_of_tenants_live(self, seeded) -> None:
        live = SwapListing.status.in_(["active", "paused"])
        per_tenant = db.session.execute(
            select(SwapListing.tenant_id, func.count()).where(live).group_by(SwapListing.tenant_id)
        ).all()
        assert all(n == 1 for _, n in per_tenant)
        scale = select(User.id).where(User.phone.like(SCALE_PHONES))
        tenants_live = count(SwapListing, live, SwapListing.tenant_id.in_(scale))
        assert tenants_live == self.volume.live_listings
        history = count(SwapListing, ~live, SwapListing.tenant_id.in_(scale))
        assert history > tenants_live

    def test_bills_are_unique_and_a_few_leases_are_in_arrears(self, seeded) -> None:
        duplicates = db.session.execute(
            select(Bill.lease_id, Bill.period)
            .group_by(Bill.lease_id, Bill.period)
            .having(func.count() > 1)
        ).all()
        assert duplicates == []
        in_arrears = db.session.scalar(
            select(func.count(func.distinct(Bill.lease_id)))
            .join(Lease)
            .join(User, User.id == Lease.tenant_id)
            .where(
                User.phone.like(SCALE_PHONES),
                Bill.status == "unpaid",
                Bill.due_date < today_in_china(),
            )
        )
        assert in_arrears == self.volume.arrears_leases
        # A paid bill is paid by a payment of the same amount (plus any late fee).
        mismatched = db.session.execute(
            select(Bill.id)
            .join(Payment, Payment.id == Bill.payment_id)
            .where(Bill.paid_at != Payment.paid_at)
        ).all()
        assert mismatched == []
        assert count(Bill, Bill.status == "paid", Bill.payment_id.is_(None)) == 0

    def test_id_numbers_are_encrypted_digested_and_masked(self, seeded) -> None:
        bound = db.session.scalars(
            select(User).where(User.phone.like(SCALE_PHONES), User.id_number_encrypted.is_not(None))
        ).all()
        assert len(bound) == self.volume.bound_residents
        for user in bound:
            assert is_mainland_mobile(user.phone)
            number = vault().decrypt(user.id_number_encrypted)
            resident = parse_id_number(number, date.today())  # a valid check character
            assert number not in user.id_number_encrypted
            assert user.id_number_masked == mask_id_number(number)
            assert user.id_number_digest == vault().digest(f"id:{number}")
            assert (user.birth_date, user.sex) == (resident.birth_date, resident.sex)
        assert len({user.id_number_digest for user in bound}) == len(bound)
        # Co-applicants' numbers in the application data are never stored in the clear.
        plain = re.compile(r"\b\d{17}[\dX]\b")
        for application in db.session.scalars(select(Application)):
            assert not plain.search(str(application.data))

    def test_pages_render_for_seeded_users(self, seeded) -> None:
        tenant = first_value(
            "SELECT u.phone FROM users u JOIN swap_listings s ON s.tenant_id = u.id"
            " WHERE s.status = 'active' AND u.phone LIKE '150%' ORDER BY u.id"
        )
        client = seeded.test_client()
        assert login(client, tenant, DEMO_PASSWORD).status_code == 303
        for path in ("/", "/rent/", "/rent/bills", "/swap/", "/swap/matches", "/messages/"):
            response = client.get(path)
            assert response.status_code == 200, path
        assert "租金" in page_text(client.get("/rent/"))

    def test_a_draft_opens_at_household_members(self, seeded) -> None:
        phone = first_value(
            "SELECT u.phone FROM users u JOIN applications a ON a.applicant_id = u.id"
            " WHERE a.status = 'draft' AND a.current_step = 'members'"
            " AND a.region_confirmed_at IS NOT NULL ORDER BY u.id"
        )
        client = seeded.test_client()
        login(client, phone, DEMO_PASSWORD)
        response = client.get("/apply/members")
        assert response.status_code == 200
        assert phone in page_text(response)

    def test_self_assessment_result_renders_from_saved_answers(self, seeded) -> None:
        phone = first_value(
            "SELECT u.phone FROM users u JOIN eligibility_answers e ON e.user_id = u.id"
            " WHERE u.phone LIKE '150%' ORDER BY u.id"
        )
        assert count(EligibilityAnswers) > 0
        client = seeded.test_client()
        login(client, phone, DEMO_PASSWORD)
        assert client.get("/eligibility/result").status_code == 200

    def test_the_demo_street_reviewer_has_seeded_work(self, seeded) -> None:
        reference = first_value(
            "SELECT a.reference FROM applications a JOIN streets s ON s.id = a.street_id"
            " WHERE s.code = '360403001' AND a.status = 'submitted'"
            " AND a.reference LIKE 'JJGZ________9%' ORDER BY a.id"
        )
        client = seeded.test_client()
        login(client, "13900000001", DEMO_PASSWORD)
        response = client.get("/staff/applications", query_string={"q": reference})
        assert response.status_code == 200
        assert reference in page_text(response)


@pytest.fixture
def tiny_scales(monkeypatch) -> None:
    """``--scale N`` means ``tiny(N)`` in these tests."""
    monkeypatch.setattr(Volume, "for_scale", classmethod(lambda cls, n: tiny(n)))


def totals() -> tuple[int, ...]:
    return tuple(count(model) for model in (User, Lease, Bill, Payment, SwapListing, Message))


def test_second_run_adds_nothing_and_another_scale_is_refused(runner, tiny_scales) -> None:
    first = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert first.exit_code == 0, first.output
    assert "规模数据已写入" in first.output
    assert seeded_label() == tiny(1).label
    before = totals()
    again = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert again.exit_code == 0, again.output
    assert "已写入过" in again.output
    assert totals() == before
    other = runner.invoke(args=["seed-demo", "--scale", "2"])
    assert other.exit_code == 2
    assert "已有 --scale 1" in other.output
    assert totals() == before


def test_the_app_keeps_inserting_after_a_seed(app) -> None:
    """On PostgreSQL the id sequences must have moved past the bulk-inserted ids."""
    seed_demo()
    seed_scale(tiny())
    user = create_user("13700000099", DEMO_PASSWORD)
    post_message(user.id, category="系统", title="欢迎", body="欢迎使用")
    db.session.commit()
    assert user.id == db.session.scalar(select(func.max(User.id)))


def test_scale_ten_is_the_volume_the_benchmark_needs() -> None:
    volume = Volume.for_scale(10)
    assert (volume.residents, volume.leases, volume.listings) == (10_000, 8_000, 50_000)
    assert volume.leases * volume.mean_lease_months >= 1_000_000  # bills, one a month
    assert volume.applicants > 0 and volume.live_listings < volume.listings


@pytest.mark.parametrize(
    "value", ["0", "-1", "abc", "101", "2.5", "²", "①", "١", "9" * 40, "1e1", "5\x00"]
)
def test_the_command_refuses_a_bad_scale(runner, value) -> None:
    result = runner.invoke(args=["seed-demo", f"--scale={value}"])
    assert result.exit_code == 2
    assert "规模应为 1 到 100 之间的整数" in result.output


def test_without_the_generator_the_command_says_so_and_writes_nothing(runner, monkeypatch) -> None:
    """An installed app has no ``bench/scale``: ``--scale`` is refused before the demo runs."""
    monkeypatch.setitem(sys.modules, "bench.scale", None)  # as if it were not there
    result = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert result.exit_code == 2
    assert "bench/scale" in result.output
    assert count(User) == 0
