"""Reading a tenant's lease and renewals: the active lease, its renewal window and what
blocks a renewal, the renewal in progress or settled, which of its steps are done, the
face check for signing and the reading countdowns; the policies a lease may renew under.

What the back office reads too (the contract's data, files, documents) is in ``services``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.clock import today_in_china, utcnow
from app.core.steps import Flow
from app.extensions import db
from app.handoff.models import FaceVerification
from app.handoff.purposes import RENEWAL_SIGN
from app.handoff.services import passed_verification
from app.housing.models import Lease, LeaseStatus
from app.housing.services import WITH_ADDRESS
from app.housing.tenancy import RenewalWindow, renewal_window
from app.housing.violations import VIOLATION_KINDS, open_violations
from app.renewal import rules
from app.renewal.models import Renewal, RenewalPolicy, RenewalStatus
from app.renewal.rules import RenewalError
from app.renewal.services import config
from app.rent.standing import tenant_has_arrears


def active_lease(tenant_id: int) -> Lease | None:
    return db.session.scalar(
        select(Lease)
        .where(Lease.tenant_id == tenant_id, Lease.status == LeaseStatus.ACTIVE)
        .options(
            selectinload(Lease.terms),
            selectinload(Lease.residents),
            WITH_ADDRESS,
        )
        .order_by(Lease.id.desc())
        .limit(1)
    )


def window_for(lease: Lease) -> RenewalWindow:
    return renewal_window(lease.current_term.end_date, config("RENEWAL_WINDOW_DAYS"))


def lease_policy(lease: Lease) -> RenewalPolicy:
    first = lease.terms[0].start_date
    return RenewalPolicy(rules.lease_policy(first, config("RENEWAL_NEW_POLICY_SINCE")))


def blockers_for(lease: Lease, today: date | None = None) -> list[rules.Blocker]:
    today = today or today_in_china()
    return rules.renewal_blockers(
        window_for(lease),
        today,
        has_arrears=tenant_has_arrears(lease.tenant_id, today),
        violations=[VIOLATION_KINDS.get(v.kind, v.kind) for v in open_violations(lease.id)],
    )


def renewal_for(tenant_id: int, renewal_id: int) -> Renewal | None:
    """The renewal if it belongs to ``tenant_id``; None otherwise (no existence leak)."""
    return db.session.scalar(
        select(Renewal).where(Renewal.id == renewal_id, Renewal.tenant_id == tenant_id)
    )


def open_renewal(lease_id: int) -> Renewal | None:
    """The lease's renewal in progress (not rejected, not completed), if any."""
    return db.session.scalar(
        select(Renewal)
        .where(
            Renewal.lease_id == lease_id,
            Renewal.status.not_in([RenewalStatus.REJECTED, RenewalStatus.COMPLETED]),
        )
        .order_by(Renewal.id.desc())
        .limit(1)
    )


def settled_renewal(lease: Lease, today: date | None = None) -> Renewal | None:
    """The completed renewal that gave the lease its current term, while the next renewal
    window has not opened: then there is nothing to apply for, only the result to show."""
    if (today or today_in_china()) >= window_for(lease).opens_on:
        return None
    return db.session.scalar(
        select(Renewal)
        .where(
            Renewal.lease_id == lease.id,
            Renewal.status == RenewalStatus.COMPLETED,
            Renewal.new_term_id == lease.current_term.id,
        )
        .order_by(Renewal.id.desc())
        .limit(1)
    )


def renewals_of(tenant_id: int) -> list[Renewal]:
    return list(
        db.session.scalars(
            select(Renewal).where(Renewal.tenant_id == tenant_id).order_by(Renewal.id.desc())
        )
    )


def facts(renewal: Renewal) -> rules.RenewalFacts:
    """Which of the renewal's steps have been taken, for its two flows (rules.APPLY_FLOW,
    rules.SIGN_FLOW): read from the stored timestamps, so every device agrees."""
    return rules.RenewalFacts(
        declared=renewal.declaration_accepted_at is not None,
        confirmed=renewal.details_confirmed_at is not None,
        submitted=renewal.submitted_at is not None,
        started=renewal.sign_started_at is not None,
        sign_confirmed=renewal.sign_confirmed_at is not None,
        read=renewal.commitment_read_at is not None,
        copied=renewal.commitment_confirmed_at is not None,
        signed=renewal.signed_at is not None,
    )


def face_for_signing(renewal: Renewal) -> FaceVerification | None:
    """A passed face verification for signing this renewal, taken after the commitment."""
    found = passed_verification(renewal.tenant_id, RENEWAL_SIGN, renewal.id)
    if found is None or renewal.commitment_confirmed_at is None:
        return None
    return found if found.created_at >= renewal.commitment_confirmed_at else None


def require_earlier(renewal: Renewal, flow: Flow[rules.RenewalFacts], step: str) -> None:
    """The steps before ``step`` are complete, else what the first one still needs."""
    found = flow.waiting(facts(renewal), step)
    if found is not None:
        raise RenewalError(found[1])


def sign_step(renewal: Renewal) -> rules.SignStep:
    return rules.SignStep(rules.SIGN_FLOW.resume(facts(renewal)).id)


def commitment_seconds_left(renewal: Renewal, now: datetime | None = None) -> int:
    return rules.seconds_left(
        renewal.commitment_shown_at, now or utcnow(), config("RENEWAL_COMMITMENT_SECONDS")
    )


def contract_seconds_left(renewal: Renewal, now: datetime | None = None) -> int:
    return rules.seconds_left(
        renewal.contract_shown_at, now or utcnow(), config("RENEWAL_CONTRACT_READ_SECONDS")
    )


# -- the policy (经济状况核对 itself: app.renewal.income_check) ----------------------------------


def policy_choices(lease: Lease) -> list[RenewalPolicy]:
    """Old-policy tenants may keep the old policy or take the new one; others only new."""
    if lease_policy(lease) is RenewalPolicy.OLD:
        return [RenewalPolicy.OLD, RenewalPolicy.NEW]
    return [RenewalPolicy.NEW]
