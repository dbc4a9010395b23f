"""举报 and its moderation: a tenant reports a listing, or (from a conversation) its tenant;
staff uphold the report (the listing is taken down and its tenant told why) or dismiss it.
Refusals are ``SwapError`` with the reasons in Chinese.
"""

from __future__ import annotations

from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.status import announce, change, change_once, change_where, commit_or_stale
from app.swap.listings import end_requests_of, open_application_for_listing
from app.swap.models import ReportStatus, SwapListing, SwapReport, SwapRequest
from app.swap.statuses import LISTINGS, REPORTS, SwapError


def report(
    reporter: User,
    listing: SwapListing,
    reason: str,
    detail: str,
    request: SwapRequest | None = None,
) -> SwapReport:
    """举报 a listing, or (from a conversation) its tenant."""
    if listing.tenant_id == reporter.id:
        raise SwapError("不能举报自己发布的互换信息。")
    already = db.session.scalar(
        select(SwapReport.id).where(
            SwapReport.reporter_id == reporter.id,
            SwapReport.listing_id == listing.id,
            SwapReport.status == ReportStatus.OPEN,
        )
    )
    if already is not None:
        raise SwapError("您已举报过此信息，工作人员正在核实，请耐心等待。")
    found = SwapReport(
        reporter_id=reporter.id,
        listing_id=listing.id,
        reported_user_id=listing.tenant_id,
        request_id=request.id if request else None,
        reason=reason,
        detail=detail.strip(),
        status=ReportStatus.OPEN,
    )
    db.session.add(found)
    db.session.flush()
    record(
        "swap.report.filed",
        actor_id=reporter.id,
        subject_type="swap_report",
        subject_id=found.id,
        detail=reason,
    )
    db.session.commit()
    return found


def open_reports(limit: int = 50) -> list[SwapReport]:
    return list(
        db.session.scalars(
            select(SwapReport)
            .where(SwapReport.status == ReportStatus.OPEN)
            .order_by(SwapReport.created_at, SwapReport.id)
            .limit(limit)
        )
    )


def decide_report(
    staff: User, found: SwapReport, *, uphold: bool, note: str, ip: str | None = None
) -> None:
    """Uphold (take the listing down, tell its tenant why) or dismiss a report."""
    note = note.strip()
    decided = {"decided_by": staff.id, "decided_at": utcnow(), "decision_note": note}
    action = "upheld" if uphold else "dismissed"
    decision = change_once(
        found, REPORTS, action, actor=staff, values=decided, note=note, ip=ip, tell=()
    )
    listing = db.session.get(SwapListing, found.listing_id)
    if uphold and listing is not None and listing.is_live:
        if open_application_for_listing(listing.id) is not None:
            db.session.rollback()
            raise SwapError("该租户有正在办理的互换申请，请先在互换审核中处理申请。")
        change(
            listing, LISTINGS, "removed", actor=staff, system=True, say={"note": note}, commit=False
        )
        listing.closed_at = utcnow()
        end_requests_of(listing, "对方的互换信息已被下架")
        # Other open reports on the same listing are settled by this decision.
        change_where(
            REPORTS, "settled", SwapReport, SwapReport.listing_id == listing.id, values=decided
        )
    announce(REPORTS, decision, found)  # the reporter reads the outcome last
    commit_or_stale(LISTINGS)
    db.session.expire(found)
