"""``seed_scale(volume)``: the whole scale seed, in one transaction, once per database.

Order matters twice over. Plans are made first, because an earlier date often depends on a
later one (a resident registers before the application they will submit; a tenant who
swapped homes pays the year in advance before the swap). Rows are then written parents
first. Afterwards the daily jobs' notices (arrears, renewal window) are posted by the
app's own services, exactly once, as ``seed-demo`` will find them on its next run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import vault
from app.core.clock import today_in_china, utcnow
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.housing.models import Community, District, Street
from app.renewal.services import notify_window_openings
from app.rent.notices import send_arrears_notices
from app.rent.policy import due_day, late_fee_policy
from app.swap.match_store import rebuild_all
from bench.scale.applications import ApplicationSeeder
from bench.scale.housing import build_homes
from bench.scale.people import IdNumbers, phone_for
from bench.scale.rent import RentSeeder
from bench.scale.residents import Kind, add_reviewers, plan_residents, write_residents
from bench.scale.scene import Scene, Staff, StreetInfo, china_time
from bench.scale.swap import SwapSeeder
from bench.scale.tenancy import pick_violations, plan_leases, write_leases
from bench.scale.volume import ScaleError, Volume
from bench.scale.writer import BulkWriter, analyze, reset_sequences

MARKER_ACTION = "demo.scale_seeded"
STAFF_PHONE_PREFIX = "1390001"
# The tables whose row counts the summary reports.
SUMMARY_TABLES = (
    ("users", "位用户"),
    ("leases", "份租约"),
    ("rent_bills", "张账单"),
    ("rent_payments", "笔缴费"),
    ("swap_listings", "条互换信息"),
    ("swap_matches", "条互相匹配（谁想要谁的房屋）"),
    ("applications", "份申请"),
    ("messages", "条消息"),
)


class AlreadySeeded(Exception):
    """Scale data is in the database already; ``label`` says which volume."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label

    @property
    def scale(self) -> int | None:
        found = re.search(r"scale=(\d+)", self.label)
        return int(found.group(1)) if found else None


@dataclass(frozen=True)
class ScaleResult:
    volume: Volume
    seconds: float
    counts: dict[str, int]

    @property
    def summary(self) -> str:
        parts = [f"{self.counts[table]:,} {unit}" for table, unit in SUMMARY_TABLES]
        return f"{'，'.join(parts)}（用时 {self.seconds:.0f} 秒）"


def seeded_label() -> str | None:
    """The volume the scale data was written with, or None when there is none."""
    return db.session.scalar(
        select(AuditEvent.detail)
        .where(AuditEvent.action == MARKER_ACTION)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def seed_scale(volume: Volume) -> ScaleResult:
    """Write ``volume``'s residents, leases, bills, listings and applications, or raise
    ``AlreadySeeded`` (nothing written) when scale data is there already."""
    started = time.perf_counter()
    found = seeded_label()
    if found is not None:
        raise AlreadySeeded(found)
    _refuse_taken_phones(volume)
    db.session.commit()
    connection = db.session.connection()
    writer = BulkWriter(connection)
    scene = _scene(volume, writer)
    _seed(scene)
    scene.audit(MARKER_ACTION, None, None, None, scene.now, volume.label)
    writer.flush()
    db.session.commit()
    reset_sequences(db.session.connection(), writer.tables_written())
    db.session.commit()
    send_arrears_notices(scene.today)
    notify_window_openings(scene.today)
    # The bulk rows bypassed the session hook that keeps 互相匹配's stored matches.
    rebuild_all(now=scene.now)
    analyze([*writer.tables_written(), "swap_matches"])
    return ScaleResult(volume, time.perf_counter() - started, _counts())


def _seed(scene: Scene) -> None:
    writer, rng = scene.writer, scene.rng
    digests = set(
        db.session.scalars(select(User.id_number_digest).where(User.id_number_digest.is_not(None)))
    )
    ids = IdNumbers(rng, lambda number: scene.vault.digest(f"id:{number}") in digests)
    add_reviewers(scene, _reviewers(), _next_staff_index())
    homes = build_homes(scene, scene.volume.leases)
    residents = plan_residents(scene, ids, first_index=1)
    tenants = [r for r in residents if r.kind is Kind.TENANT]
    leases = plan_leases(scene, tenants, homes)
    pick_violations(scene, leases)
    applications = ApplicationSeeder(scene, ids)
    recent = scene.launch + timedelta(days=270)
    moving_in = [(lease.tenant, lease.start) for lease in leases if lease.start >= recent]
    applications.plan([r for r in residents if r.kind is Kind.APPLICANT], moving_in)
    span = scene.now - timedelta(days=3) - china_time(scene.launch)
    for tenant in tenants:
        if tenant.registered_at is None:
            tenant.registered_at = china_time(scene.launch) + span * rng.random() ** 1.5
    applications.answers_for_others([r for r in residents if r.kind is not Kind.APPLICANT])
    swaps = SwapSeeder(scene, _communities(homes))
    swaps.plan_moves(leases)
    write_residents(scene, residents)
    write_leases(scene, leases, ids)
    writer.checkpoint()
    rent = RentSeeder(scene, late_fee_policy(), due_day())
    rent.plan(leases)
    for lease in leases:
        rent.seed(lease)
        writer.checkpoint()
    swaps.seed(leases)
    writer.checkpoint()
    applications.write()


def _scene(volume: Volume, writer: BulkWriter) -> Scene:
    streets = [
        StreetInfo(street.id, street.code, street.name, district.id, district.name)
        for street, district in db.session.execute(
            select(Street, District)
            .join(District, District.id == Street.district_id)
            .order_by(Street.code)
        )
    ]
    if not streets:
        raise ScaleError("没有街道数据：请先运行 seed-demo")
    staff = Staff(
        lease_manager=_staff_id(Role.LEASE_MANAGER),
        city_reviewer=_staff_id(Role.CITY_REVIEWER),
        civil_affairs=_staff_id(Role.CIVIL_AFFAIRS),
    )
    return Scene(
        volume=volume,
        writer=writer,
        vault=vault(),
        # One hash for everyone: hashing is deliberately slow.
        password_hash=generate_password_hash(DEMO_PASSWORD),
        today=today_in_china(),
        now=utcnow(),
        streets=streets,
        staff=staff,
    )


def _staff_id(role: Role) -> int:
    found = db.session.scalar(select(User.id).where(User.role == role).order_by(User.id).limit(1))
    if found is None:
        raise ScaleError(f"没有{role.label}账号：请先运行 seed-demo")
    return found


def _reviewers() -> dict[tuple[str, int], int]:
    found: dict[tuple[str, int], int] = {}
    rows = db.session.execute(
        select(User.id, User.role, User.street_id, User.district_id)
        .where(User.role.in_([Role.STREET_REVIEWER, Role.DISTRICT_REVIEWER]))
        .order_by(User.id)
    )
    for user_id, role, street_id, district_id in rows:
        scope = street_id if role == Role.STREET_REVIEWER else district_id
        if scope is not None:
            found.setdefault((role, scope), user_id)
    return found


def _next_staff_index() -> int:
    largest = db.session.scalar(
        select(func.max(User.phone)).where(User.phone.like(f"{STAFF_PHONE_PREFIX}%"))
    )
    return int(largest[len(STAFF_PHONE_PREFIX) :]) + 1 if largest else 1


def _communities(homes) -> dict[int, tuple[str, int]]:
    found = {
        community.id: (community.name, street.district_id)
        for community, street in db.session.execute(
            select(Community, Street)
            .join(Street, Street.id == Community.street_id)
            .order_by(Community.id)
        )
    }
    for home in homes:
        found[home.community_id] = (home.community_name, home.street.district_id)
    return found


def _refuse_taken_phones(volume: Volume) -> None:
    taken = db.session.scalar(
        select(func.count(User.id)).where(
            User.phone >= phone_for(1), User.phone <= phone_for(volume.residents)
        )
    )
    if taken:
        raise ScaleError(
            f"手机号 {phone_for(1)} 至 {phone_for(volume.residents)} 中已有 {taken} 个被注册，"
            "规模数据需要这些号码；请在新数据库中运行"
        )


def _counts() -> dict[str, int]:
    tables = db.metadata.tables
    return {
        name: db.session.scalar(select(func.count()).select_from(tables[name])) or 0
        for name, _unit in SUMMARY_TABLES
    }
