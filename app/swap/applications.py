"""申请互换, the formal application: started by either tenant of an accepted request; each
tenant gives a reason with proof, signs the 承诺书 on their own account and pre-pays a year
of rent through the rent area (real bills, paid through the usual flow); the moment both
have (the last bill paid), it goes to staff (租赁管理), who approve or refuse with a
reason. On approval both leases move to the other unit in one transaction, and the move
is kept in ``lease_unit_changes`` with what the unit moved onto was let for (``moves``);
a renewal in progress follows its lease to the new unit, and a signed one must be
finished first (``app.renewal.unit_change``).

Here: finding applications, starting one, and the staff review; each tenant's steps are in
``application_steps``. The order of the steps is in ``rules``, the statuses and their table
in ``statuses``; every change is audited, the other tenant is told through the message
centre, and the function commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record
from app.auth.models import User
from app.core.clock import to_china_time, utcnow
from app.core.transitions import Move
from app.extensions import db
from app.housing.models import Lease, LeaseStatus, LeaseUnitChange, Unit
from app.messages.services import post_message
from app.renewal.pricing import unit_prices
from app.renewal.services import RenewalError
from app.renewal.unit_change import follow_move, move_refusal
from app.rent.models import Bill
from app.status import announce, change, change_once
from app.swap.application_models import SwapApplication, SwapApplicationParty
from app.swap.application_steps import link, load, prepay_bills, progress_of
from app.swap.eligibility import own_blockers
from app.swap.listings import end_requests_of
from app.swap.models import RequestStatus, SwapListing, SwapRequest
from app.swap.rules import ApplicationStatus, PartyProgress, ready_for_review
from app.swap.statuses import APPLICATIONS, LISTINGS, MESSAGE_CATEGORY, SwapError
from app.swap.tenant_standing import pair_check, standing_of

OPEN_STATUSES = (ApplicationStatus.PREPARING, ApplicationStatus.SUBMITTED)


def application_by_id(application_id: int) -> SwapApplication | None:
    return db.session.scalar(
        select(SwapApplication).where(SwapApplication.id == application_id).options(*load())
    )


def application_for_party(user_id: int, application_id: int) -> SwapApplication | None:
    """The application if ``user_id`` is one of its tenants; None otherwise (no leak)."""
    found = application_by_id(application_id)
    if found is None or found.party_of(user_id) is None:
        return None
    return found


def application_for_request(request_id: int) -> SwapApplication | None:
    """The request's open application, else its latest."""
    return db.session.scalar(
        select(SwapApplication)
        .where(SwapApplication.request_id == request_id)
        .order_by(SwapApplication.status.in_(OPEN_STATUSES).desc(), SwapApplication.id.desc())
        .limit(1)
    )


def applications_of(user_id: int) -> list[SwapApplication]:
    return list(
        db.session.scalars(
            select(SwapApplication)
            .join(SwapApplicationParty, SwapApplicationParty.application_id == SwapApplication.id)
            .where(SwapApplicationParty.tenant_id == user_id)
            .order_by(SwapApplication.id.desc())
        )
    )


def _open_application_of_tenant(tenant_ids: list[int]) -> SwapApplication | None:
    return db.session.scalar(
        select(SwapApplication)
        .join(SwapApplicationParty, SwapApplicationParty.application_id == SwapApplication.id)
        .where(
            SwapApplicationParty.tenant_id.in_(tenant_ids),
            SwapApplication.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    )


def _reference(application_id: int, now: datetime) -> str:
    return f"HH{to_china_time(now):%Y%m%d}{application_id:06d}"


def start_application(user: User, request: SwapRequest) -> SwapApplication:
    """Either tenant of an accepted request starts the formal application for both."""
    if user.id not in (request.from_tenant_id, request.to_tenant_id):
        raise SwapError("只有换房双方可以发起互换申请。")
    if request.status != RequestStatus.ACCEPTED:
        raise SwapError("对方接受换房请求后，才能发起互换申请。")
    existing = _open_application_of_tenant([request.from_tenant_id, request.to_tenant_id])
    if existing is not None:
        if existing.request_id == request.id:
            return existing
        raise SwapError("您或对方已有正在办理的互换申请，一次只能办理一件。")
    check = pair_check(user.id, request.other_tenant_id(user.id))
    if not check.ok:
        raise SwapError(*check.messages)
    parties = []
    for listing in (request.from_listing, request.to_listing):
        lease = db.session.get(Lease, listing.lease_id)
        if not listing.is_live or lease is None or lease.status != LeaseStatus.ACTIVE:
            raise SwapError("一方的互换信息或租约已变化，不能发起申请。")
        parties.append((listing, lease))
    (from_listing, from_lease), (to_listing, to_lease) = parties
    now = utcnow()
    application = SwapApplication(
        reference=f"HH{secrets.token_hex(8)}",  # the real one needs the id
        request_id=request.id,
        started_by=user.id,
        status=ApplicationStatus.PREPARING,
    )
    application.parties = [
        SwapApplicationParty(
            tenant_id=from_listing.tenant_id,
            lease_id=from_lease.id,
            listing_id=from_listing.id,
            from_unit_id=from_lease.unit_id,
            to_unit_id=to_lease.unit_id,
        ),
        SwapApplicationParty(
            tenant_id=to_listing.tenant_id,
            lease_id=to_lease.id,
            listing_id=to_listing.id,
            from_unit_id=to_lease.unit_id,
            to_unit_id=from_lease.unit_id,
        ),
    ]
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SwapError("申请已在办理中，请刷新页面。") from None
    application.reference = _reference(application.id, now)
    post_message(
        request.other_tenant_id(user.id),
        category=MESSAGE_CATEGORY,
        title="对方发起了互换申请",
        body=f"对方发起了互换申请（{application.reference}）。请您也填写互换理由、上传证明材料、"
        "签署《承诺书》并预缴一年租金；双方都完成后，申请提交住房保障中心审核。",
        link=f"/swap/applications/{application.id}",
    )
    record(
        "swap.application.started",
        actor_id=user.id,
        subject_type="swap_application",
        subject_id=application.id,
        detail=application.reference,
    )
    db.session.commit()
    return application


# --- staff review ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyReview:
    party: SwapApplicationParty
    tenant: User
    lease: Lease
    from_unit: Unit
    to_unit: Unit
    progress: PartyProgress
    bills: list[Bill]
    problems: list[str]


def review_of(application: SwapApplication) -> list[PartyReview]:
    """Everything staff need about each tenant, with their eligibility as of now."""
    reviews = []
    for party in application.parties:
        standing, _lease = standing_of(party.tenant_id)
        lease = db.session.get_one(Lease, party.lease_id)
        problems = [blocker.message for blocker in own_blockers(standing)]
        renewal_refusal = move_refusal(lease)
        if renewal_refusal:
            problems.append(renewal_refusal)
        reviews.append(
            PartyReview(
                party=party,
                tenant=db.session.get_one(User, party.tenant_id),
                lease=lease,
                from_unit=db.session.get_one(Unit, party.from_unit_id),
                to_unit=db.session.get_one(Unit, party.to_unit_id),
                progress=progress_of(party),
                bills=prepay_bills(party),
                problems=problems,
            )
        )
    return reviews


def submitted_applications(limit: int = 50) -> list[SwapApplication]:
    return list(
        db.session.scalars(
            select(SwapApplication)
            .where(SwapApplication.status == ApplicationStatus.SUBMITTED)
            .order_by(SwapApplication.submitted_at, SwapApplication.id)
            .limit(limit)
            .options(selectinload(SwapApplication.parties))
        )
    )


def recent_decisions(limit: int = 20) -> list[SwapApplication]:
    return list(
        db.session.scalars(
            select(SwapApplication)
            .where(
                SwapApplication.status.in_([ApplicationStatus.APPROVED, ApplicationStatus.REFUSED])
            )
            .order_by(SwapApplication.decided_at.desc(), SwapApplication.id.desc())
            .limit(limit)
        )
    )


def _decide(
    application: SwapApplication,
    staff: User,
    action: str,
    reason: str | None = None,
    *,
    ip: str | None,
    tell: list[int] | None = None,
) -> Move:
    """submitted -> approved / refused, compare-and-set (the caller commits)."""
    return change_once(
        application,
        APPLICATIONS,
        action,
        actor=staff,
        values={
            "decided_at": utcnow(),
            "decided_by": staff.id,
            "decision_reason": reason,
            "version": SwapApplication.version + 1,
        },
        lost="此申请已被处理或撤回，请刷新页面。",
        note=reason or application.reference,
        ip=ip,
        say={"reference": application.reference, "reason": reason},
        tell=tell,
        link=link(application),
    )


def approve(application: SwapApplication, staff: User, *, ip: str | None = None) -> None:
    """Approve: both leases move to the other unit, in one transaction, with history."""
    reviews = review_of(application)
    problems = [
        f"{review.tenant.real_name or '一方'}：{problem}"
        for review in reviews
        for problem in review.problems
    ]
    check = pair_check(reviews[0].party.tenant_id, reviews[1].party.tenant_id)
    problems += [blocker.message for blocker in check.pair if blocker.code == "guarantee_type"]
    if not ready_for_review([review.progress for review in reviews]):
        problems.append("双方尚未都完成签署《承诺书》和预缴一年租金。")
    for review in reviews:
        if review.lease.status != LeaseStatus.ACTIVE:
            problems.append(f"租约 {review.lease.contract_number} 已不在履约中。")
        elif review.lease.unit_id != review.party.from_unit_id:
            problems.append(
                f"租约 {review.lease.contract_number} 的房屋已变更，请不予通过后重新申请。"
            )
    if problems:
        raise SwapError(*problems)
    # What each unit is let for, read before the units change (each move keeps it).
    let_for = {review.lease.unit_id: unit_prices(review.lease) for review in reviews}
    approved = _decide(application, staff, "approved", ip=ip, tell=[])  # each told below
    try:
        for review in reviews:
            review.lease.unit_id = review.party.to_unit_id
            onto = let_for.get(review.party.to_unit_id)
            db.session.add(
                LeaseUnitChange(
                    lease_id=review.lease.id,
                    from_unit_id=review.party.from_unit_id,
                    to_unit_id=review.party.to_unit_id,
                    swap_application_id=application.id,
                    approved_by=staff.id,
                    note=f"公租房互换 {application.reference}",
                    unit_rent_fen=onto.monthly_rent_fen if onto else None,
                    unit_fee_fen=onto.property_fee_fen if onto else None,
                )
            )
            listing = db.session.get(SwapListing, review.party.listing_id)
            if listing is not None and listing.is_live:
                change(listing, LISTINGS, "swapped", actor=staff, system=True, commit=False)
                listing.closed_at = utcnow()
                end_requests_of(listing, "对方已完成互换", keep=application.request_id)
            announce(
                APPLICATIONS,
                approved,
                application,
                say={
                    "reference": application.reference,
                    "contract": review.lease.contract_number,
                    "address": review.to_unit.address,
                },
                tell=[review.party.tenant_id],
                link=link(application),
            )
        for review in reviews:  # after both moves: a renewal in progress follows its lease
            follow_move(review.lease, staff.id)
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise SwapError("租约在审核期间被修改，未做任何变更，请刷新页面后重试。") from None
    except RenewalError as error:
        db.session.rollback()
        raise SwapError(error.message) from None
    db.session.expire_all()


def refuse(
    application: SwapApplication, staff: User, reason: str, *, ip: str | None = None
) -> None:
    reason = reason.strip()
    if not reason:
        raise SwapError("请填写不通过的原因。")
    _decide(application, staff, "refused", reason, ip=ip)  # both are told
    db.session.commit()
    db.session.expire(application)


def lease_moves(lease_id: int) -> list[LeaseUnitChange]:
    """The history of the lease's units, newest first."""
    return list(
        db.session.scalars(
            select(LeaseUnitChange)
            .where(LeaseUnitChange.lease_id == lease_id)
            .order_by(LeaseUnitChange.id.desc())
        )
    )
