"""Lease violations (违规): recorded by 租赁管理, each blocks the tenant's renewal and
互换 until it is resolved (整改). Their kinds are the lease's own terms."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Lease, LeaseViolation

VIOLATION_KINDS = {
    "sublet": "转租、转借或擅自调换房屋",
    "misuse": "改变房屋用途",
    "damage": "破坏或擅自装修房屋，拒不恢复原状",
    "illegal": "在房屋内从事违法活动",
    "idle": "无正当理由连续6个月以上闲置房屋",
    "contract": "违反租赁合同或物业管理合同约定",
}


class ViolationError(ValueError):
    """A violation that cannot be recorded, with a Chinese message saying why."""


def open_violations(lease_id: int) -> list[LeaseViolation]:
    return list(
        db.session.scalars(
            select(LeaseViolation)
            .where(LeaseViolation.lease_id == lease_id, LeaseViolation.resolved_at.is_(None))
            .order_by(LeaseViolation.id)
        )
    )


def record_violation(
    lease: Lease, staff: User, *, kind: str, detail: str, ip: str | None = None
) -> LeaseViolation:
    if kind not in VIOLATION_KINDS:
        raise ViolationError("请选择违规类型。")
    violation = LeaseViolation(lease_id=lease.id, kind=kind, detail=detail, recorded_by=staff.id)
    db.session.add(violation)
    db.session.flush()
    record(
        "lease.violation_recorded",
        actor_id=staff.id,
        subject_type="lease",
        subject_id=lease.id,
        detail=f"{kind} {detail}"[:200],
        ip=ip,
    )
    db.session.commit()
    return violation


def resolve_violation(
    violation: LeaseViolation, staff: User, *, resolution: str, ip: str | None = None
) -> None:
    if violation.resolved_at is not None:
        return
    violation.resolved_at = utcnow()
    violation.resolved_by = staff.id
    violation.resolution = resolution
    record(
        "lease.violation_resolved",
        actor_id=staff.id,
        subject_type="lease",
        subject_id=violation.lease_id,
        detail=resolution[:200],
        ip=ip,
    )
    db.session.commit()
