"""Residents (accounts with the demo password, most with a bound real name) and staff for
the streets and districts the demo has no reviewer for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.auth.roles import Role
from app.core.masking import mask_id_number
from bench.scale.people import IdNumbers, Person, age_on, phone_for, staff_phone_for
from bench.scale.scene import Scene, china_time

USER_COLUMNS = (
    "id",
    "phone",
    "password_hash",
    "role",
    "real_name",
    "id_number_encrypted",
    "id_number_digest",
    "id_number_masked",
    "birth_date",
    "sex",
    "real_name_bound_at",
    "district_id",
    "street_id",
    "elder_mode",
    "session_version",
    "last_login_at",
    "created_at",
)
WELCOME_TITLE = "欢迎使用安居"
WELCOME_BODY = "在这里可以申请公租房、查询审核进度、缴纳租金、发布互换信息和办理续约。"


class Kind(StrEnum):
    TENANT = "tenant"  # has a lease
    APPLICANT = "applicant"  # real name bound, no lease: applies for housing
    NEWCOMER = "newcomer"  # registered, real name not yet bound


@dataclass(eq=False)
class Resident:
    id: int
    phone: str
    kind: Kind
    person: Person | None
    # Set once the plans that need an earlier date (a lease, an application) are made.
    registered_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.person.name if self.person else ""

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.person.id_number) if self.person else ""

    def age_on(self, day: date) -> int:
        return age_on(self.person.birth_date, day) if self.person else 30


def plan_residents(scene: Scene, ids: IdNumbers, first_index: int) -> list[Resident]:
    """Who the residents are: ``leases`` tenants, then applicants, then newcomers."""
    volume, rng, today = scene.volume, scene.rng, scene.today
    kinds = (
        [Kind.TENANT] * volume.leases
        + [Kind.APPLICANT] * volume.applicants
        + [Kind.NEWCOMER] * (volume.residents - volume.bound_residents)
    )
    rng.shuffle(kinds)
    residents = []
    for offset, kind in enumerate(kinds):
        person = None
        if kind is Kind.TENANT:
            person = ids.person(today, min_age=24, max_age=78)
        elif kind is Kind.APPLICANT:
            person = ids.person(today, min_age=21, max_age=62)
        residents.append(
            Resident(
                id=scene.writer.next_id("users"),
                phone=phone_for(first_index + offset),
                kind=kind,
                person=person,
            )
        )
    return residents


def write_residents(scene: Scene, residents: list[Resident]) -> None:
    """The accounts, each registered (and real-name bound) at its planned time, with the
    welcome message and the audit events the app writes."""
    rng, writer, vault = scene.rng, scene.writer, scene.vault
    users = writer.sink("users", USER_COLUMNS)
    for resident in residents:
        registered = resident.registered_at or scene.moment_between(
            china_time(scene.launch), scene.now - timedelta(days=1)
        )
        resident.registered_at = registered
        person = resident.person
        bound_at = None
        if person is not None:
            bound_at = min(registered + timedelta(minutes=rng.randrange(2, 60 * 24)), scene.now)
        elder = bool(person) and resident.age_on(scene.today) >= 65 and rng.random() < 0.4
        last_login = scene.moment_between(
            max(registered, scene.now - timedelta(days=45)), scene.now
        )
        users.add(
            resident.id,
            resident.phone,
            scene.password_hash,
            Role.RESIDENT.value,
            person.name if person else None,
            vault.encrypt(person.id_number) if person else None,
            vault.digest(f"id:{person.id_number}") if person else None,
            mask_id_number(person.id_number) if person else None,
            person.birth_date if person else None,
            person.sex if person else None,
            bound_at,
            None,
            None,
            elder,
            1,
            last_login,
            registered,
        )
        scene.audit("account.register", resident.id, "user", resident.id, registered)
        if bound_at is not None:
            scene.audit("account.real_name_bound", resident.id, "user", resident.id, bound_at)
        scene.message(resident.id, "系统", WELCOME_TITLE, WELCOME_BODY, "/services", registered)
        writer.checkpoint()


def add_reviewers(scene: Scene, existing: dict[tuple[str, int], int], first_index: int) -> None:
    """A 街道 reviewer for every street and a 区 reviewer for every district without one, so
    each office can work its own queue (``existing``: (role, street or district id) -> id)."""
    users = scene.writer.sink("users", USER_COLUMNS)
    index = first_index
    created = china_time(scene.launch)
    districts = {street.district_id for street in scene.streets}
    wanted = [(Role.STREET_REVIEWER, street.district_id, street.id) for street in scene.streets]
    wanted += [(Role.DISTRICT_REVIEWER, district, None) for district in sorted(districts)]
    for role, district_id, street_id in wanted:
        key = (role.value, street_id if role is Role.STREET_REVIEWER else district_id)
        user_id = existing.get(key)
        if user_id is None:
            user_id = scene.writer.next_id("users")
            users.add(
                user_id,
                staff_phone_for(index),
                scene.password_hash,
                role.value,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                district_id,
                street_id,
                False,
                1,
                None,
                created,
            )
            index += 1
        if role is Role.STREET_REVIEWER:
            scene.staff.street_reviewers[street_id] = user_id
        else:
            scene.staff.district_reviewers[district_id] = user_id
