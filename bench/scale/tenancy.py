"""Leases for the scale seed: one per tenant, with its history of 3-year terms (each
renewal a new term at a slightly higher rent), the people living with the tenant, and a
few recorded violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.core.masking import mask_id_number
from app.housing.models import GuaranteeType, LeaseStatus
from app.housing.violations import VIOLATION_KINDS
from app.renewal.rules import proposed_term
from app.rent.billing import Period
from bench.scale.housing import Home
from bench.scale.people import IdNumbers
from bench.scale.residents import Resident
from bench.scale.scene import Scene, china_time

TERM_YEARS = 3
LEASE_COLUMNS = (
    "id",
    "contract_number",
    "unit_id",
    "tenant_id",
    "guarantee_type",
    "status",
    "version",
    "created_at",
)
TERM_COLUMNS = (
    "id",
    "lease_id",
    "start_date",
    "end_date",
    "monthly_rent_fen",
    "property_fee_fen",
    "monthly_subsidy_fen",
    "created_at",
)
LEASE_RESIDENT_COLUMNS = ("id", "lease_id", "name", "relation", "id_number_masked")
VIOLATION_COLUMNS = (
    "id",
    "lease_id",
    "kind",
    "detail",
    "recorded_by",
    "resolved_at",
    "resolved_by",
    "resolution",
    "created_at",
)
VIOLATION_DETAILS = {
    "sublet": "经小区走访核实，该房屋由非承租人家庭居住。",
    "misuse": "房屋被用作小作坊加工场所。",
    "damage": "擅自拆改房屋内墙，经通知未恢复原状。",
    "illegal": "房屋内存在违法经营行为，已移交相关部门。",
    "idle": "房屋连续6个月以上无人居住，水电用量为零。",
    "contract": "多次违反物业管理规定，在楼道堆放杂物。",
}


@dataclass(frozen=True, slots=True)
class Term:
    id: int
    start: date
    end: date
    rent_fen: int
    fee_fen: int
    subsidy_fen: int
    created_at: datetime


@dataclass(eq=False)
class Move:
    """A swap (互换) the lease took part in: from ``before`` to its current home on ``day``."""

    day: date
    before: Home
    partner: Lease


@dataclass(eq=False)
class Lease:
    id: int
    contract_number: str
    tenant: Resident
    home: Home
    guarantee: str
    terms: list[Term]
    created_at: datetime
    arrears_months: int = 0
    mandate_since: date | None = None
    open_violation: bool = False
    violation: str | None = None  # a kind of VIOLATION_KINDS
    move: Move | None = None
    prepaid_at: datetime | None = None  # the year paid in advance before the move
    current_unpaid: bool = False  # this month's bill not paid yet (before its due date)
    # Filled in by the rent seed.
    first_paid_at: datetime | None = None
    prepaid_bill_ids: list[int] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.terms[0].start

    @property
    def current_term(self) -> Term:
        return self.terms[-1]

    @property
    def is_lianzu(self) -> bool:
        return self.guarantee == GuaranteeType.LIANZU

    def home_on(self, day: date) -> Home:
        if self.move is not None and day < self.move.day:
            return self.move.before
        return self.home

    def term_on(self, day: date) -> Term:
        for term in self.terms:
            if term.start <= day <= term.end:
                return term
        return self.terms[0] if day < self.start else self.terms[-1]

    def months(self, today: date) -> int:
        """Bills from the first month to this one."""
        first, last = Period.of(self.start), Period.of(today)
        return (last.year - first.year) * 12 + last.month - first.month + 1


def lease_months(scene: Scene, count: int) -> list[int]:
    """How many months each lease has run: symmetric around the mean, so the total is
    ``count`` x mean (the bill volume follows)."""
    mean, rng = scene.volume.mean_lease_months, scene.rng
    months: list[int] = []
    for _ in range(count // 2):
        spread = rng.randrange(mean)
        months += [mean + spread, mean - spread]
    if count % 2:
        months.append(mean)
    rng.shuffle(months)
    return months


def plan_leases(scene: Scene, tenants: list[Resident], homes: list[Home]) -> list[Lease]:
    rng, today = scene.rng, scene.today
    this_month = Period.of(today)
    leases = []
    for serial, (tenant, home, months) in enumerate(
        zip(tenants, homes, lease_months(scene, len(tenants)), strict=True), start=1
    ):
        first = this_month
        for _ in range(months - 1):
            first = first.previous()
        day = 1 if rng.random() < 0.7 else rng.randrange(2, 29)
        start = first.first_day.replace(day=day)
        if start > today:
            start = first.first_day
        lianzu = rng.random() < scene.volume.lianzu_share
        guarantee = GuaranteeType.LIANZU if lianzu else GuaranteeType.GONGZU
        prefix = "JJLZ" if lianzu else "JJGZ"
        created = china_time(start - timedelta(days=rng.randrange(3, 30)), rng.randrange(9, 17))
        lease_id = scene.writer.next_id("leases")
        leases.append(
            Lease(
                id=lease_id,
                contract_number=f"{prefix}-{start.year}-{10000 + serial:05d}",
                tenant=tenant,
                home=home,
                guarantee=guarantee.value,
                terms=_terms(scene, start, home, lianzu, created),
                created_at=created,
            )
        )
    return leases


def _terms(scene: Scene, start: date, home: Home, lianzu: bool, created: datetime) -> list[Term]:
    rng, today = scene.rng, scene.today
    spans = []
    begins = start
    while True:
        begins, ends = proposed_term(begins - timedelta(days=1), TERM_YEARS)
        spans.append((begins, ends))
        if ends >= today:
            break
        begins = ends + timedelta(days=1)
    # Today's price per m2 (公租房 about 11-14 元, 廉租房 5-7 元 with most of it subsidised);
    # each earlier term was about 4% cheaper.
    rate = rng.uniform(5.0, 7.0) if lianzu else rng.uniform(11.0, 14.0)
    fee_rate = rng.uniform(0.9, 1.6)
    subsidy_share = rng.uniform(0.4, 0.7) if lianzu else 0.0
    area = float(home.area_m2)
    terms = []
    for index, (begins, ends) in enumerate(spans):
        factor = 1.04 ** (index - len(spans) + 1)
        rent = round(area * rate * factor) * 100
        fee = round(area * fee_rate) * 100
        subsidy = round(rent * subsidy_share / 100) * 100
        made = created
        if index:
            made = china_time(begins - timedelta(days=rng.randrange(15, 80)), rng.randrange(9, 17))
        terms.append(
            Term(scene.writer.next_id("lease_terms"), begins, ends, rent, fee, subsidy, made)
        )
    return terms


def write_leases(scene: Scene, leases: list[Lease], ids: IdNumbers) -> None:
    writer = scene.writer
    lease_rows = writer.sink("leases", LEASE_COLUMNS)
    term_rows = writer.sink("lease_terms", TERM_COLUMNS)
    people = writer.sink("lease_residents", LEASE_RESIDENT_COLUMNS)
    for lease in leases:
        lease_rows.add(
            lease.id,
            lease.contract_number,
            lease.home.id,
            lease.tenant.id,
            lease.guarantee,
            LeaseStatus.ACTIVE.value,
            1 + (lease.move is not None),
            lease.created_at,
        )
        for term in lease.terms:
            term_rows.add(
                term.id,
                lease.id,
                term.start,
                term.end,
                term.rent_fen,
                term.fee_fen,
                term.subsidy_fen,
                term.created_at,
            )
        for name, relation, number in _household(scene, lease, ids):
            people.add(writer.next_id("lease_residents"), lease.id, name, relation, number)
    _violations(scene, leases)


def _household(scene: Scene, lease: Lease, ids: IdNumbers) -> list[tuple[str, str, str]]:
    """Who lives with the tenant (其他入住人): a spouse, children, sometimes a parent."""
    rng, today = scene.rng, scene.today
    tenant = lease.tenant.person
    age = lease.tenant.age_on(today)
    found = []
    if rng.random() < 0.35 or tenant is None:
        return found
    family = tenant.name[0]
    if age >= 25 and rng.random() < 0.7:
        sex = "female" if tenant.sex == "male" else "male"
        spouse = ids.person(today, min_age=max(20, age - 6), max_age=age + 4, sex=sex)
        found.append((spouse.name, "配偶", mask_id_number(spouse.id_number)))
    for _ in range(rng.choice((0, 1, 1, 2)) if age >= 28 else 0):
        child = ids.person(today, min_age=1, max_age=min(age - 22, 30), family=family)
        found.append((child.name, "子女", mask_id_number(child.id_number)))
    if age < 45 and rng.random() < 0.12:
        parent = ids.person(today, min_age=age + 22, max_age=age + 35, family=family)
        found.append((parent.name, "父母", mask_id_number(parent.id_number)))
    return found


def pick_violations(scene: Scene, leases: list[Lease]) -> None:
    count = round(len(leases) * scene.volume.violation_share)
    for lease in scene.rng.sample(leases, min(count, len(leases))):
        lease.violation = scene.rng.choice(list(VIOLATION_KINDS))
        lease.open_violation = scene.rng.random() < 0.5


def _violations(scene: Scene, leases: list[Lease]) -> None:
    rows = scene.writer.sink("lease_violations", VIOLATION_COLUMNS)
    manager = scene.staff.lease_manager
    for lease in leases:
        kind = lease.violation
        if kind is None:
            continue
        recorded = scene.moment_between(
            max(china_time(scene.launch), lease.created_at), scene.now - timedelta(days=3)
        )
        resolved = resolution = resolver = None
        if not lease.open_violation:
            resolved = min(scene.moment_between(recorded + timedelta(days=7), scene.now), scene.now)
            resolver, resolution = manager, "经复查已整改到位。"
        rows.add(
            scene.writer.next_id("lease_violations"),
            lease.id,
            kind,
            VIOLATION_DETAILS[kind],
            manager,
            resolved,
            resolver,
            resolution,
            recorded,
        )
