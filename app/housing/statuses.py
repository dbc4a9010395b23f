"""The lease's status table (``app.core.transitions``). A lease runs until its term ends
(到期) or 租赁管理 ends it early (解除); no screen does either yet, the tables say who may."""

from __future__ import annotations

from app.auth.roles import Role
from app.core.transitions import SYSTEM, Table, move
from app.labels import Labelled


class LeaseStatus(Labelled):
    ACTIVE = "active", "履约中"
    ENDED = "ended", "已到期"
    TERMINATED = "terminated", "已解除"


LEASES = Table(
    name="Lease.status",
    statuses=tuple(LeaseStatus),
    moves=(
        *move("end", LeaseStatus.ACTIVE, LeaseStatus.ENDED, {SYSTEM, Role.LEASE_MANAGER}, "到期"),
        *move("terminate", LeaseStatus.ACTIVE, LeaseStatus.TERMINATED, Role.LEASE_MANAGER, "解除"),
    ),
    owners=lambda lease: (lease.tenant_id,),
    labels=lambda status: LeaseStatus(status).label,
    audit="lease",
    subject="lease",
    stale="租约已被他人更新，请刷新页面查看最新状态",
    category="租约",
)
