"""The renewal after a 互换 (seed 002 Q&A 10) is priced for the unit the lease is on now.

Approving a swap moves each lease to the other unit and keeps its terms, so the current
term still carries the old unit's rent and 物业费; the renewal must not copy them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.auth.models import User
from app.auth.roles import Role
from app.core.clock import today_in_china, utcnow
from app.extensions import db
from app.housing.models import Lease, LeaseUnitChange
from app.messages.models import Message
from app.renewal import application as renewal_application
from app.renewal import queries as renewal_queries
from app.renewal import services as renewal_services
from app.renewal import signing as renewal_signing
from app.renewal.contract import clauses
from app.renewal.models import Renewal, RenewalPolicy, RenewalStatus
from app.renewal.rules import RENEWAL_STATUS
from app.status import change
from app.swap import applications, requests
from app.swap.application_models import SwapApplication
from app.swap.rules import ApplicationStatus
from app.swap.statuses import SwapError
from tests.factories import create_staff
from tests.swap import builders
from tests.swap.test_applications import complete_party

LIU_YANG = (60000, 8000, 20000)  # 刘洋's unit rents for 600.00 (物业费 80.00), subsidy 200.00
ZHOU_TING = (42000, 5000, 15000)  # 周婷's for 420.00 (50.00), subsidy 150.00


def _open_the_renewal_window(lease_id: int) -> Lease:
    """An old-policy lease whose current term ends in 60 days: renewal is open now.
    Only the dates move; the term (and when it was agreed) stays the same row."""
    lease = db.session.get(Lease, lease_id)
    lease.current_term.start_date = date(2023, 1, 1)
    lease.current_term.end_date = today_in_china() + timedelta(days=60)
    db.session.commit()
    return lease


def _two_tenants() -> tuple[User, Lease, User, Lease]:
    """刘洋 and 周婷, both 享受租金补贴 (002 Q&A 10 ③, the same 保障类型), in different units."""
    a, a_lease = builders.tenant(
        "刘洋",
        home=builders.unit("琵琶湖小区", "浔阳区"),
        rent_fen=LIU_YANG[0],
        fee_fen=LIU_YANG[1],
        subsidy_fen=LIU_YANG[2],
    )
    b, b_lease = builders.tenant(
        "周婷",
        home=builders.unit("十里小区", "濂溪区", lift=True),
        rent_fen=ZHOU_TING[0],
        fee_fen=ZHOU_TING[1],
        subsidy_fen=ZHOU_TING[2],
    )
    return a, a_lease, b, b_lease


def _submitted_swap(app, a: User, b: User) -> SwapApplication:
    """Both list their homes, ``b`` asks, ``a`` accepts and starts the application, and
    both complete it: it waits for 租赁管理."""
    a_listing = builders.listing(a)
    builders.listing(b)
    request = requests.send_request(b, a_listing, "想和您换房，方便看看吗？")
    requests.accept_request(request, a)
    application = applications.start_application(a, request)
    complete_party(app, a, application)
    complete_party(app, b, application)
    return application


def _prices(renewal: Renewal) -> tuple[int, int, int]:
    return (renewal.monthly_rent_fen, renewal.property_fee_fen, renewal.monthly_subsidy_fen)


def _rent_clause(renewal: Renewal) -> str:
    return dict(clauses(renewal_services.contract_data(renewal)))["第三条 租金"]


def test_renewal_after_a_swap_is_priced_from_the_new_unit(app) -> None:
    """README 申请互换: “Rent is re-priced from the new unit at the next renewal”. After the
    swap each renewal has the rent and fee of the unit moved into, and keeps its own
    household's subsidy."""
    a, a_lease, b, b_lease = _two_tenants()
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    applications.approve(_submitted_swap(app, a, b), create_staff(Role.LEASE_MANAGER))

    for tenant, lease_id, new_unit, expected in (
        (a, a_lease.id, b_unit, (42000, 5000, 20000)),
        (b, b_lease.id, a_unit, (60000, 8000, 15000)),
    ):
        lease = _open_the_renewal_window(lease_id)
        assert lease.unit_id == new_unit
        renewal = renewal_application.start_renewal(tenant, lease, RenewalPolicy.OLD)
        assert _prices(renewal) == expected
        assert f"月租金¥{expected[0] // 100}.00" in _rent_clause(renewal)


def test_each_move_records_what_the_unit_moved_onto_was_let_for(app) -> None:
    a, a_lease, b, b_lease = _two_tenants()
    applications.approve(_submitted_swap(app, a, b), create_staff(Role.LEASE_MANAGER))
    moves = {
        move.lease_id: (move.unit_rent_fen, move.unit_fee_fen)
        for move in db.session.scalars(select(LeaseUnitChange))
    }
    assert moves == {a_lease.id: ZHOU_TING[:2], b_lease.id: LIU_YANG[:2]}


def test_swapping_back_renews_each_lease_at_its_own_units_rent(app) -> None:
    """A chain of swaps: 刘洋 and 周婷 swap, then swap back before renewing. Each current
    term still carries the rent of the unit its lease first left, so copying the leaving
    lease's term priced 刘洋's own unit at 周婷's rent. Each move keeps what its unit was
    let for, so both renew at their own unit's rent again."""
    a, a_lease, b, b_lease = _two_tenants()
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    manager = create_staff(Role.LEASE_MANAGER)
    applications.approve(_submitted_swap(app, a, b), manager)
    applications.approve(_submitted_swap(app, b, a), manager)

    for tenant, lease_id, unit, expected in (
        (a, a_lease.id, a_unit, LIU_YANG),
        (b, b_lease.id, b_unit, ZHOU_TING),
    ):
        lease = _open_the_renewal_window(lease_id)
        assert lease.unit_id == unit
        renewal = renewal_application.start_renewal(tenant, lease, RenewalPolicy.OLD)
        assert _prices(renewal) == expected


def test_a_move_recorded_without_prices_falls_back_to_the_term_of_the_lease_that_left(
    app,
) -> None:
    """Moves approved before the prices were recorded (NULL) are priced as before: from the
    term the other lease had when it left the unit."""
    a, a_lease, b, _b_lease = _two_tenants()
    applications.approve(_submitted_swap(app, a, b), create_staff(Role.LEASE_MANAGER))
    db.session.execute(update(LeaseUnitChange).values(unit_rent_fen=None, unit_fee_fen=None))
    db.session.commit()
    lease = _open_the_renewal_window(a_lease.id)
    renewal = renewal_application.start_renewal(a, lease, RenewalPolicy.OLD)
    assert _prices(renewal) == (42000, 5000, 20000)


# -- a renewal already open when the swap is approved ---------------------------------


def _approved_renewal(tenant: User, lease: Lease) -> Renewal:
    """Applied for, submitted and approved by 租赁管理: the tenant may sign the contract."""
    renewal = renewal_application.start_renewal(tenant, lease, RenewalPolicy.OLD)
    renewal_application.accept_declaration(renewal)
    renewal_application.confirm_details(renewal)
    for side in renewal_services.ID_SIDES:
        renewal_application.attach_id_side(renewal, side, builders.jpeg())
    renewal_application.submit(renewal)
    renewal_services.review(renewal, create_staff(Role.LEASE_MANAGER), approve=True)
    return renewal


def test_a_draft_renewal_is_priced_again_for_the_unit_moved_into(app) -> None:
    """The tenant had confirmed the old unit's prices: the renewal follows the lease to the
    new unit, asks for the details to be confirmed again, and tells the tenant."""
    a, a_lease, b, _b_lease = _two_tenants()
    application = _submitted_swap(app, a, b)
    renewal = renewal_application.start_renewal(
        a, _open_the_renewal_window(a_lease.id), RenewalPolicy.OLD
    )
    renewal_application.accept_declaration(renewal)
    renewal_application.confirm_details(renewal)
    assert _prices(renewal) == LIU_YANG

    applications.approve(application, create_staff(Role.LEASE_MANAGER))

    renewal = db.session.get(Renewal, renewal.id)
    assert _prices(renewal) == (42000, 5000, 20000)
    assert renewal.status is RenewalStatus.DRAFT
    assert renewal.details_confirmed_at is None
    assert renewal.events[-1].action == "repriced"
    assert "月租金¥420.00" in _rent_clause(renewal)
    told = db.session.scalars(
        select(Message).where(Message.user_id == a.id, Message.title.contains("重新核定"))
    ).one()
    assert "¥420.00" in told.body and "重新确认续约信息" in told.body


def test_a_renewal_being_signed_starts_signing_again_on_the_new_contract(app) -> None:
    """The contract to be signed named the old unit and its rent: after the swap the tenant
    reads and signs the new one from the first step."""
    a, a_lease, b, _b_lease = _two_tenants()
    application = _submitted_swap(app, a, b)
    renewal = _approved_renewal(a, _open_the_renewal_window(a_lease.id))
    renewal_signing.start_signing(renewal)
    renewal_signing.confirm_signing_details(renewal)

    applications.approve(application, create_staff(Role.LEASE_MANAGER))

    renewal = db.session.get(Renewal, renewal.id)
    assert _prices(renewal) == (42000, 5000, 20000)
    assert renewal.status is RenewalStatus.APPROVED
    assert renewal_queries.sign_step(renewal).value == "contract"
    assert renewal.sign_started_at is None and renewal.sign_confirmed_at is None
    renewal_signing.start_signing(renewal)
    assert [d.kind for d in renewal.documents] == ["unsigned", "unsigned"]
    assert "月租金¥420.00" in _rent_clause(renewal)


def _signed(renewal: Renewal) -> None:
    """As ``renewal_signing.sign`` leaves it (the signing itself is tested elsewhere)."""
    renewal.signed_at = utcnow()
    change(renewal, RENEWAL_STATUS, "signed", actor=db.session.get(User, renewal.tenant_id))


def test_a_signed_renewal_must_be_finished_before_the_swap_is_approved(app) -> None:
    """A signed contract (待审批) cannot change: the approval is refused, saying what to
    do, and nothing moves."""
    a, a_lease, b, b_lease = _two_tenants()
    application = _submitted_swap(app, a, b)
    renewal = _approved_renewal(a, _open_the_renewal_window(a_lease.id))
    _signed(renewal)
    units = (a_lease.unit_id, b_lease.unit_id)

    problems = [p for review in applications.review_of(application) for p in review.problems]
    assert any("请先完成续约合同审批" in problem for problem in problems)
    with pytest.raises(SwapError) as refused:
        applications.approve(application, create_staff(Role.LEASE_MANAGER))

    assert "续约合同" in refused.value.message and "请先完成续约合同审批" in refused.value.message
    db.session.expire_all()
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED
    assert (
        db.session.get(Lease, a_lease.id).unit_id,
        db.session.get(Lease, b_lease.id).unit_id,
    ) == units
    assert _prices(db.session.get(Renewal, renewal.id)) == LIU_YANG
    assert db.session.scalars(select(LeaseUnitChange)).all() == []


def test_a_renewal_signed_while_the_swap_is_approved_undoes_the_approval(app, monkeypatch) -> None:
    """Signed on the phone after the approval's check ran: the move is rolled back whole."""
    a, a_lease, b, _b_lease = _two_tenants()
    application = _submitted_swap(app, a, b)
    _signed(_approved_renewal(a, _open_the_renewal_window(a_lease.id)))
    monkeypatch.setattr(applications, "move_refusal", lambda lease: None)

    with pytest.raises(SwapError, match="请先完成续约合同审批"):
        applications.approve(application, create_staff(Role.LEASE_MANAGER))

    db.session.expire_all()
    assert db.session.get(SwapApplication, application.id).status == ApplicationStatus.SUBMITTED
    assert db.session.scalars(select(LeaseUnitChange)).all() == []


def test_renewal_without_a_swap_keeps_the_current_terms_prices(app) -> None:
    """No move since the term was agreed: the renewal copies the current term's prices."""
    tenant, lease = builders.tenant("王芳", rent_fen=51000, fee_fen=6000, subsidy_fen=12000)
    lease = _open_the_renewal_window(lease.id)
    renewal = renewal_application.start_renewal(tenant, lease, RenewalPolicy.OLD)
    assert (renewal.monthly_rent_fen, renewal.property_fee_fen, renewal.monthly_subsidy_fen) == (
        51000,
        6000,
        12000,
    )
