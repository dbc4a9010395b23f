"""The renewal after a 互换 (seed 002 Q&A 10) is priced for the unit the lease is on now.

Approving a swap moves each lease to the other unit and keeps its terms, so the current
term still carries the old unit's rent and 物业费; the renewal must not copy them.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.auth.roles import Role
from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import Lease
from app.renewal import services as renewal_services
from app.renewal.contract import clauses
from app.renewal.models import RenewalPolicy
from app.swap import applications, services
from tests.factories import create_staff
from tests.swap import builders
from tests.swap.test_applications import complete_party


def _open_the_renewal_window(lease_id: int) -> Lease:
    """An old-policy lease whose current term ends in 60 days: renewal is open now.
    Only the dates move; the term (and when it was agreed) stays the same row."""
    lease = db.session.get(Lease, lease_id)
    lease.current_term.start_date = date(2023, 1, 1)
    lease.current_term.end_date = today_in_china() + timedelta(days=60)
    db.session.commit()
    return lease


def test_renewal_after_a_swap_is_priced_from_the_new_unit(app) -> None:
    """README 申请互换: “Rent is re-priced from the new unit at the next renewal”. 刘洋's unit
    rents for 600.00 (物业费 80.00), 周婷's for 420.00 (50.00); both 享受租金补贴 (002 Q&A 10 ③,
    the same 保障类型). After the swap each renewal has the rent and fee of the unit moved
    into, and keeps its own household's subsidy."""
    a, a_lease = builders.tenant(
        "刘洋",
        home=builders.unit("琵琶湖小区", "浔阳区"),
        rent_fen=60000,
        fee_fen=8000,
        subsidy_fen=20000,
    )
    b, b_lease = builders.tenant(
        "周婷",
        home=builders.unit("十里小区", "濂溪区", lift=True),
        rent_fen=42000,
        fee_fen=5000,
        subsidy_fen=15000,
    )
    a_listing = builders.listing(a, districts=("濂溪区",))
    builders.listing(b, districts=("浔阳区",))
    request = services.send_request(b, a_listing, "想和您换房，方便看看吗？")
    services.accept_request(request, a)
    application = applications.start_application(a, request)
    complete_party(app, a, application)
    complete_party(app, b, application)
    a_unit, b_unit = a_lease.unit_id, b_lease.unit_id
    applications.approve(application, create_staff(Role.LEASE_MANAGER))

    for tenant, lease_id, new_unit, expected in (
        (a, a_lease.id, b_unit, (42000, 5000, 20000)),
        (b, b_lease.id, a_unit, (60000, 8000, 15000)),
    ):
        lease = _open_the_renewal_window(lease_id)
        assert lease.unit_id == new_unit
        renewal = renewal_services.start_renewal(tenant, lease, RenewalPolicy.OLD)
        prices = (renewal.monthly_rent_fen, renewal.property_fee_fen, renewal.monthly_subsidy_fen)
        assert prices == expected
        rent_clause = dict(clauses(renewal_services.contract_data(renewal)))["第三条 租金"]
        assert f"月租金¥{expected[0] // 100}.00" in rent_clause


def test_renewal_without_a_swap_keeps_the_current_terms_prices(app) -> None:
    """No move since the term was agreed: the renewal copies the current term's prices."""
    tenant, lease = builders.tenant("王芳", rent_fen=51000, fee_fen=6000, subsidy_fen=12000)
    lease = _open_the_renewal_window(lease.id)
    renewal = renewal_services.start_renewal(tenant, lease, RenewalPolicy.OLD)
    assert (renewal.monthly_rent_fen, renewal.property_fee_fen, renewal.monthly_subsidy_fen) == (
        51000,
        6000,
        12000,
    )
