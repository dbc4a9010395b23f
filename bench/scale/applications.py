"""公租房 applications for the scale seed, in every status of ``ApplicationStatus``.

Each application is walked through the review state machine (``app.apply.workflow``) the
way residents and staff would have moved it: each step on a working day after the one
before, by the office whose turn it is, with the event, the message to the applicant, the
audit line, the publicity rounds (with an objection now and then), the 民政 report and the
certificate that step leaves behind. Drafts stop in the wizard (most at 家庭成员) with
consent, a confirmed region and, past 身份验证, a passed face verification.

There are no uploaded files: nothing would be behind them in storage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from app.apply import declaration, workflow
from app.apply import services as apply_services
from app.apply.categories import Category, GuaranteeMode
from app.apply.models import CLOSED_STATUSES
from app.apply.models import ApplicationStatus as S
from app.apply.prefill import category_from_answers, draft_data_from_answers
from app.apply.publicity.models import ObjectionStatus
from app.apply.steps import FLOW
from app.apply.workflow import Action, Programme, Round, Track
from app.core.masking import mask_name
from app.eligibility.household import CivilStatus, PriorityGroup
from app.handoff.purposes import APPLY_IDENTITY
from app.handoff.rules import TokenStatus
from bench.scale.eligibility import answers_for
from bench.scale.people import IdNumbers, age_on
from bench.scale.residents import Resident
from bench.scale.scene import Scene, StreetInfo, china_time, working_days_after

APPLICATION_COLUMNS = (
    "id",
    "reference",
    "applicant_id",
    "status",
    "active_slot",
    "district_id",
    "street_id",
    "region_confirmed_at",
    "category",
    "guarantee_mode",
    "data",
    "current_step",
    "furthest_step",
    "precheck",
    "submitted_at",
    "accepted_on",
    "legal_due_on",
    "review_track",
    "civil_check_started_on",
    "civil_check_due_on",
    "current_due_on",
    "closed_at",
    "version",
    "updated_at",
    "created_at",
)
EVENT_COLUMNS = (
    "id",
    "application_id",
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "details",
    "created_at",
)
CONSENT_COLUMNS = (
    "id",
    "user_id",
    "application_id",
    "agreement",
    "version",
    "scopes",
    "ip",
    "withdrawn_at",
    "created_at",
)
ROUND_COLUMNS = (
    "id",
    "application_id",
    "level",
    "programme",
    "masked_name",
    "masked_id",
    "household_size",
    "district_name",
    "street_name",
    "starts_on",
    "ends_on",
    "started_by_id",
    "finished_on",
    "finished_by_id",
    "outcome",
    "created_at",
)
OBJECTION_COLUMNS = (
    "id",
    "round_id",
    "application_id",
    "contact_name",
    "contact_phone",
    "content",
    "ip",
    "status",
    "handled_by_id",
    "handled_at",
    "resolution",
    "created_at",
)
CERTIFICATE_COLUMNS = (
    "id",
    "application_id",
    "holder_id",
    "number",
    "token",
    "programme",
    "masked_name",
    "masked_id",
    "household_size",
    "issued_on",
    "valid_until",
    "issued_by_id",
    "created_at",
)
TOKEN_COLUMNS = (
    "id",
    "user_id",
    "purpose",
    "object_id",
    "token_hash",
    "short_code_hash",
    "status",
    "continue_url",
    "return_url",
    "expires_at",
    "scanned_at",
    "redeemed_at",
    "redeemed_in_place",
    "completed_at",
    "closed_at",
    "created_at",
)
FACE_COLUMNS = (
    "id",
    "user_id",
    "purpose",
    "object_id",
    "handoff_token_id",
    "passed",
    "score",
    "reason",
    "provider",
    "provider_reference",
    "image_sha256",
    "image_key",
    "image_delete_after",
    "image_deleted_at",
    "created_at",
)
ANSWER_COLUMNS = ("id", "user_id", "answers", "updated_at")

# Where the applicants' own (current or last) applications stand. Every status gets at
# least one; the street queues (受理, 初核, 一榜公示) get the most.
TARGETS = (
    (S.DRAFT, 0.22),
    (S.SUBMITTED, 0.12),
    (S.CORRECTION_REQUESTED, 0.05),
    (S.ACCEPTED, 0.09),
    (S.STREET_PUBLICITY, 0.08),
    (S.DISTRICT_REVIEW, 0.04),
    (S.DISTRICT_PUBLICITY, 0.03),
    (S.CIVIL_CHECK, 0.08),
    (S.FINAL_REVIEW, 0.06),
    (S.RESULT_PUBLICITY, 0.04),
    (S.QUALIFIED, 0.07),
    (S.REJECTED, 0.04),
    (S.NOT_ACCEPTED, 0.02),
    (S.STOPPED, 0.02),
    (S.WITHDRAWN, 0.04),
)
LIANZU_ONLY = frozenset({S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY})
# Days since an open application's last step (its age in the current stage).
LAG_DAYS = {
    S.SUBMITTED: 6,
    S.CORRECTION_REQUESTED: 15,
    S.ACCEPTED: 12,
    S.STREET_PUBLICITY: 8,
    S.DISTRICT_REVIEW: 8,
    S.DISTRICT_PUBLICITY: 10,
    S.CIVIL_CHECK: 22,
    S.FINAL_REVIEW: 8,
    S.RESULT_PUBLICITY: 10,
}
STUCK_SHARE = 0.08
# The share of applications in 甘棠街道, the demo street reviewer's street.
DEMO_STREET = "360403001"
DEMO_STREET_SHARE = 0.35
DRAFT_STEPS = (("identity", 0.1), ("category", 0.15), ("members", 0.6), ("assets", 0.15))
WIZARD_ORDER = FLOW.ids[:-1]  # the review step is not a draft's resting place
MAIN_PATH = {
    Programme.GONGZU: (
        (Action.ACCEPT, S.ACCEPTED),
        (Action.START_PUBLICITY, S.STREET_PUBLICITY),
        (Action.FINISH_PUBLICITY, S.CIVIL_CHECK),
        (Action.RECORD_CIVIL_REPORT, S.FINAL_REVIEW),
        (Action.APPROVE, S.RESULT_PUBLICITY),
        (Action.ISSUE_CERTIFICATE, S.QUALIFIED),
    ),
    Programme.LIANZU: (
        (Action.ACCEPT, S.ACCEPTED),
        (Action.START_PUBLICITY, S.STREET_PUBLICITY),
        (Action.FINISH_PUBLICITY, S.DISTRICT_REVIEW),
        (Action.START_PUBLICITY, S.DISTRICT_PUBLICITY),
        (Action.FINISH_PUBLICITY, S.CIVIL_CHECK),
        (Action.RECORD_CIVIL_REPORT, S.FINAL_REVIEW),
        (Action.APPROVE, S.RESULT_PUBLICITY),
        (Action.ISSUE_CERTIFICATE, S.QUALIFIED),
    ),
}
# The seed's history spans years: its 廉租房 applications ran the three rounds of the 2019
# policy; one still open moves on under the policy in force (ReviewPolicy.track).
SEED_TRACK = {Programme.GONGZU: Track.ONE_ROUND, Programme.LIANZU: Track.THREE_ROUNDS}
OFFICE = {  # who acts from each status (the resident submits and withdraws)
    S.SUBMITTED: "street",
    S.ACCEPTED: "street",
    S.STREET_PUBLICITY: "street",
    S.DISTRICT_REVIEW: "district",
    S.DISTRICT_PUBLICITY: "district",
    S.CIVIL_CHECK: "civil",
    S.FINAL_REVIEW: "city",
    S.RESULT_PUBLICITY: "city",
}
CORRECTION_ITEMS = (
    "户口簿缺少户主页，请补充上传",
    "婚姻状况证明不清晰，请重新拍照上传",
    "配偶身份证号码与户口簿不一致，请核对",
    "请补充现居住地址的租房合同",
    "收入证明缺少单位盖章",
)
REFUSALS = {
    "not_accept": (
        "申请人户籍不在本街道，请向户籍所在街道提交申请。",
        "已享受其他住房保障，不符合申请条件。",
    ),
    "reject": (
        "经核查，家庭名下在中心城区有住房，人均面积超过标准。",
        "家庭收入超过中等偏下收入标准。",
        "经核查，家庭名下有登记的机动车辆。",
    ),
    "stop": (
        "经核实，申请人家庭在外地有自有住房，异议成立。",
        "经核实，申请人实际收入高于申报收入。",
    ),
}
OBJECTIONS = (
    "据我所知，申请人家里在外地有房子，请核实。",
    "申请人开了一家店，收入不低，请核实。",
    "申请人实际不在本街道居住。",
)
EMPLOYERS = ("九江某物流公司", "浔阳区某超市", "九江某汽车维修厂", "某家政服务公司", "九江某纺织厂")
ADDRESSES = (
    "浔阳区甘棠南路12号",
    "浔阳区湓浦路45号",
    "濂溪区十里大道88号",
    "浔阳区人民路201号",
    "柴桑区沙河大道20号",
    "濂溪区五里街道庐峰路3号",
)


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    source: S | None
    target: S
    actor: str  # "applicant" or an office: street / district / civil / city
    day: date
    at: datetime
    note: str = ""
    details: dict | None = None


@dataclass(eq=False)
class Household:
    married: str  # single / married / divorced / widowed
    hukou: str
    hukou_years: int
    category: Category
    mode: GuaranteeMode
    civil_status: str
    members: list[dict[str, Any]] = field(default_factory=list)  # name, person, relation
    employment: str = "employed"
    income: int = 3000
    priority_groups: list[str] = field(default_factory=list)

    @property
    def programme(self) -> Programme:
        return workflow.programme_for(self.category)


@dataclass(eq=False)
class ApplicationPlan:
    id: int
    applicant: Resident
    street: StreetInfo
    household: Household
    target: S
    created_at: datetime
    steps: list[Step]
    draft_step: str = "review"
    answers: dict | None = None  # 资格自评 answers it was started from


class ApplicationSeeder:
    def __init__(self, scene: Scene, ids: IdNumbers) -> None:
        self.scene = scene
        self.ids = ids
        self.plans: list[ApplicationPlan] = []
        self.answers: dict[int, dict] = {}  # user id -> saved 资格自评 answers
        self.people: dict[int, Resident] = {}
        self._serial = 0
        self._in_demo_street: set[S] = set()

    # -- planning (before the residents are written: their registration comes first) ----

    def plan(
        self, applicants: list[Resident], tenants_moving_in: list[tuple[Resident, date]]
    ) -> None:
        """Applicants: one application each in the status drawn for them, some with an
        earlier closed one. Tenants whose lease began after the app went live: the
        qualified application that got them their home."""
        scene, rng = self.scene, self.scene.rng
        self.people.update((r.id, r) for r in applicants)
        self.people.update((r.id, r) for r, _ in tenants_moving_in)
        targets = _spread(TARGETS, len(applicants))
        rng.shuffle(targets)
        for resident, target in zip(applicants, targets, strict=True):
            household = self._household(resident, lianzu=target in LIANZU_ONLY)
            answers = None
            if rng.random() < 0.6:
                answers = self.answers[resident.id] = self._answers(resident, household)
            if target in CLOSED_STATUSES:
                end = scene.day_between(
                    scene.launch + timedelta(days=150), scene.today - timedelta(days=2)
                )
            elif target is S.DRAFT:
                end = scene.today - timedelta(days=rng.randrange(0, 30))
            else:
                lag = rng.randrange(0, LAG_DAYS[target] + 1)
                if rng.random() < STUCK_SHARE:  # waiting far too long: past its deadline
                    lag += rng.randrange(15, 45)
                end = scene.today - timedelta(days=lag)
            current = self._plan_one(resident, household, target, end, answers)
            if target not in CLOSED_STATUSES and rng.random() < 0.15:
                earlier_end = current.created_at.date() - timedelta(days=rng.randrange(10, 120))
                if earlier_end > scene.launch + timedelta(days=60):
                    earlier = rng.choice((S.WITHDRAWN, S.NOT_ACCEPTED, S.REJECTED))
                    self._plan_one(
                        resident, self._household(resident, lianzu=False), earlier, earlier_end
                    )
        for resident, lease_start in tenants_moving_in:
            household = self._household(resident, lianzu=rng.random() < 0.2)
            end = lease_start - timedelta(days=rng.randrange(30, 100))
            self._plan_one(resident, household, S.QUALIFIED, end)
        first: dict[int, datetime] = {}
        for plan in self.plans:
            known = first.get(plan.applicant.id)
            first[plan.applicant.id] = min(known, plan.created_at) if known else plan.created_at
        for resident in [*applicants, *(r for r, _ in tenants_moving_in)]:
            started = first[resident.id]
            registered = started - timedelta(days=rng.uniform(0.02, 40))
            resident.registered_at = min(
                max(registered, china_time(scene.launch)), started - timedelta(hours=1)
            )

    def answers_for_others(self, residents: list[Resident]) -> None:
        """资格自评 answers of residents who have not applied (newcomers and tenants)."""
        rng = self.scene.rng
        self.people.update((r.id, r) for r in residents)
        for resident in residents:
            chance = 0.3 if resident.person is None else 0.05
            if resident.id not in self.answers and rng.random() < chance:
                household = self._household(resident, lianzu=False)
                self.answers[resident.id] = self._answers(resident, household)

    def _household(self, resident: Resident, *, lianzu: bool) -> Household:
        rng, today = self.scene.rng, self.scene.today
        person = resident.person
        age = resident.age_on(today)
        married = "single"
        if age >= 27:
            married = _pick(
                rng, (("married", 0.65), ("divorced", 0.15), ("widowed", 0.04), ("single", 0.16))
            )
        elif age >= 23 and rng.random() < 0.3:
            married = "married"
        centre = person is not None and person.from_centre
        local = lianzu or rng.random() < (0.9 if centre else 0.4)
        hukou = "center_urban" if local else "other"
        if lianzu or (local and rng.random() < 0.25):
            category = Category.LOW_INCOME
            civil = rng.choice(
                (CivilStatus.DIBAO, CivilStatus.TEKUN, CivilStatus.ZHICHU_POOR)
            ).value
        elif local:
            category = (
                Category.NEW_EMPLOYEE
                if age < 30 and rng.random() < 0.5
                else Category.LOW_MIDDLE_INCOME
            )
            civil = CivilStatus.NONE.value
        else:
            category = _pick(
                rng,
                (
                    (Category.MIGRANT_WORKER, 0.7),
                    (Category.ENTREPRENEUR, 0.2),
                    (Category.CENTRAL_UNIT, 0.1),
                ),
            )
            civil = CivilStatus.NONE.value
        low = category is Category.LOW_INCOME
        household = Household(
            married=married,
            hukou=hukou,
            hukou_years=rng.randrange(2, max(3, age - 15)) if local else 0,
            category=category,
            # 租赁补贴 only for 民政-certified households (app.apply.categories.modes_for)
            mode=GuaranteeMode.SUBSIDY
            if rng.random() < (0.3 if low else 0.0)
            else GuaranteeMode.PHYSICAL,
            civil_status=civil,
            employment="flexible"
            if low
            else ("self_employed" if category is Category.ENTREPRENEUR else "employed"),
            income=rng.randrange(600, 1200) if low else rng.randrange(2200, 5200),
            priority_groups=[rng.choice(list(PriorityGroup)).value] if rng.random() < 0.08 else [],
        )
        if person is None:
            return household
        family = person.name[0]
        if married == "married":
            sex = "female" if person.sex == "male" else "male"
            spouse = self.ids.person(today, min_age=max(20, age - 6), max_age=age + 4, sex=sex)
            household.members.append({"person": spouse, "relation": "spouse"})
        if married != "single" and age >= 26:
            for _ in range(rng.choice((0, 1, 1, 2))):
                child = self.ids.person(today, min_age=1, max_age=min(age - 21, 25), family=family)
                household.members.append({"person": child, "relation": "child"})
        return household

    def _answers(self, resident: Resident, household: Household) -> dict:
        return answers_for(self.scene.rng, resident, household, self.scene.today)

    def _plan_one(
        self,
        resident: Resident,
        household: Household,
        target: S,
        end: date,
        answers: dict | None = None,
    ) -> ApplicationPlan:
        """``answers``: the 资格自评 it may have been started from (which then decides the
        category, as ``start_from_eligibility`` does)."""
        rng = self.scene.rng
        if answers is not None and rng.random() < 0.6:
            household.category = category_from_answers(answers)
        else:
            answers = None
        street = self._street(target)
        path = _path(rng, household.programme, target)
        steps, created = self._place(path, end, household.programme, target)
        plan = ApplicationPlan(
            id=0,  # given when written, in the order they were created
            applicant=resident,
            street=street,
            household=household,
            target=target,
            created_at=created,
            steps=steps,
        )
        if target is S.DRAFT or (target is S.WITHDRAWN and steps[-1].source is S.DRAFT):
            plan.draft_step = _pick(rng, DRAFT_STEPS)
        plan.answers = answers
        self.plans.append(plan)
        return plan

    def _street(self, target: S) -> StreetInfo:
        """甘棠街道 (the demo reviewer's) gets the first application of every status and a
        good share of the rest; the other streets share what is left."""
        rng, streets = self.scene.rng, self.scene.streets
        demo = next((s for s in streets if s.code == DEMO_STREET), None)
        if demo is not None and (
            target not in self._in_demo_street or rng.random() < DEMO_STREET_SHARE
        ):
            self._in_demo_street.add(target)
            return demo
        return rng.choice(streets)

    def _place(
        self, path: list[tuple[str, S, str]], end: date, programme: Programme, target: S
    ) -> tuple[list[Step], datetime]:
        """Dates for each step so the last falls on or just before ``end``."""
        rng = self.scene.rng
        gaps = [_gap(rng, action) for action, _, _ in path]
        start = end - timedelta(days=int(sum(g[1] for g in gaps) * 1.5) + 2)
        for _ in range(8):
            days = _walk(start, path, gaps)
            delta = (end - days[-1]).days
            if 0 <= delta <= 2:
                break
            start += timedelta(days=delta if delta < 0 else max(1, delta - 1))
        while days[-1] > min(end, self.scene.today):
            start -= timedelta(days=max(1, (days[-1] - end).days))
            days = _walk(start, path, gaps)
        steps = []
        source: S | None = None
        for (action, target_status, actor), day in zip(path, days, strict=True):
            hour = rng.randrange(8, 22) if actor == "applicant" else rng.randrange(9, 17)
            at = min(china_time(day, hour, rng.randrange(60)), self.scene.now)
            if steps and at <= steps[-1].at:
                at = steps[-1].at + timedelta(minutes=rng.randrange(5, 90))
            if source is not None:
                found = workflow.find(source, action, SEED_TRACK[programme])
                if found is None or found.target != target_status:
                    raise RuntimeError(f"no transition {source} --{action}--> {target_status}")
            steps.append(Step(action, source, target_status, actor, day, at))
            source = target_status
        return steps, steps[0].at

    # -- writing ------------------------------------------------------------------------

    def write(self) -> None:
        writer = self.scene.writer
        self.applications = writer.sink("applications", APPLICATION_COLUMNS)
        self.events = writer.sink("application_events", EVENT_COLUMNS)
        self.consents = writer.sink("consents", CONSENT_COLUMNS)
        self.rounds = writer.sink("publicity_rounds", ROUND_COLUMNS)
        self.objections = writer.sink("objections", OBJECTION_COLUMNS)
        self.certificates = writer.sink("qualification_certificates", CERTIFICATE_COLUMNS)
        self.tokens = writer.sink("handoff_tokens", TOKEN_COLUMNS)
        self.faces = writer.sink("face_verifications", FACE_COLUMNS)
        self.plans.sort(key=lambda plan: plan.created_at)
        for plan in self.plans:
            plan.id = writer.next_id("applications")
        for plan in self.plans:
            self._write(plan)
            writer.checkpoint()
        answers = writer.sink("eligibility_answers", ANSWER_COLUMNS)
        for user_id, saved in self.answers.items():
            registered = self.people[user_id].registered_at
            updated = self.scene.moment_between(registered, self.scene.now - timedelta(hours=1))
            answers.add(writer.next_id("eligibility_answers"), user_id, saved, updated)
        writer.checkpoint()

    def _write(self, plan: ApplicationPlan) -> None:
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        user = plan.applicant
        household = plan.household
        steps = plan.steps
        status = steps[-1].target
        withdrawn = status is S.WITHDRAWN
        draft_step = plan.draft_step
        reached = (
            WIZARD_ORDER.index(draft_step) if draft_step in WIZARD_ORDER else len(WIZARD_ORDER)
        )
        consent_at = min(plan.created_at + timedelta(minutes=rng.randrange(1, 5)), scene.now)
        region_at = min(consent_at + timedelta(minutes=rng.randrange(1, 5)), scene.now)
        consent_id = writer.next_id("consents")
        self.consents.add(
            consent_id,
            user.id,
            plan.id,
            apply_services.CONSENT_AGREEMENT,
            apply_services.CONSENT_VERSION,
            list(apply_services.CONSENT_SCOPES),
            scene.ip(),
            None,
            consent_at,
        )
        if reached > WIZARD_ORDER.index("identity"):
            self._face(plan, min(region_at + timedelta(minutes=rng.randrange(2, 15)), scene.now))
        data = self._data(plan, consent_id, reached)
        submits = [step for step in steps if step.action == Action.SUBMIT]
        reference = None
        if submits:
            self._serial += 1
            reference = (
                f"JJGZ{submits[0].at + timedelta(hours=8):%Y%m%d}{900000 + self._serial:06d}"
            )
        events = self._events(plan, reference)
        accepted_on = next((s.day for s in steps if s.action == Action.ACCEPT), None)
        civil_started = next((s.day for s in steps if s.target is S.CIVIL_CHECK), None)
        track = SEED_TRACK[plan.household.programme]
        legal_due = workflow.legal_due(accepted_on, track) if accepted_on else None
        civil_due = workflow.civil_check_due(civil_started) if civil_started else None
        closed = status in CLOSED_STATUSES
        precheck = None
        if submits and not withdrawn:
            applicant = SimpleNamespace(birth_date=user.person.birth_date, sex=user.person.sex)
            precheck = declaration.precheck(
                SimpleNamespace(data=data, category=household.category.value), applicant
            )
        step_id = "review" if submits else draft_step
        categorised = bool(submits) or reached > WIZARD_ORDER.index("category")
        self.applications.add(
            plan.id,
            reference,
            user.id,
            status.value,
            None if closed else 1,
            plan.street.district_id,
            plan.street.id,
            region_at,
            household.category.value if categorised or plan.answers else None,
            household.mode.value if categorised else None,
            {} if withdrawn else data,
            step_id,
            step_id,
            precheck,
            submits[-1].at if submits else None,
            accepted_on,
            legal_due,
            track.value if accepted_on else None,
            civil_started,
            civil_due,
            workflow.current_due(status, legal_due, civil_due),
            steps[-1].at if closed else None,
            1 + events + rng.randrange(2, 9),
            steps[-1].at
            if len(steps) > 1
            else min(steps[0].at + timedelta(minutes=rng.randrange(10, 90)), scene.now),
            plan.created_at,
        )

    def _data(self, plan: ApplicationPlan, consent_id: int, reached: int) -> dict[str, Any]:
        """The wizard's answers as far as the resident got (all of them once submitted)."""
        rng = self.scene.rng
        household, user = plan.household, plan.applicant
        submitted = any(step.action == Action.SUBMIT for step in plan.steps)
        if plan.answers is not None:
            data = draft_data_from_answers(plan.answers)
            data["applicant"] = {**data["applicant"], "phone": user.phone}
            data["eligibility"] = dict(plan.answers)
            for member in data["members"]:
                member["uid"] = _uid(rng)
        else:
            data = {"applicant": {"phone": user.phone}}
        data["consent_id"] = consent_id
        if submitted or reached > WIZARD_ORDER.index("category"):
            data["category_details"] = _category_details(rng, household)
            data["priority_groups"] = list(household.priority_groups)
        members_done = submitted or reached > WIZARD_ORDER.index("members")
        if members_done:
            data["applicant"] = self._applicant_section(plan)
            data["members"] = [self._member(plan, member) for member in household.members]
            data.setdefault("assets", {})
        elif draft_step_is(plan, "members") and rng.random() < 0.5:
            # Autosaved while typing: every field of the form, as the strings typed so far.
            typed = {
                key: str(value) if key == "phone" or rng.random() < 0.7 else ""
                for key, value in self._applicant_section(plan).items()
            }
            shown = {key: str(value) for key, value in data["applicant"].items()}  # prefilled
            data["applicant"] = {**typed, **shown}
        if submitted and "assets" not in data:
            data["assets"] = {}
        return data

    def _applicant_section(self, plan: ApplicationPlan) -> dict[str, Any]:
        rng, household = self.scene.rng, plan.household
        employed = household.employment in ("employed", "self_employed")
        return {
            "phone": plan.applicant.phone,
            "marital_status": household.married,
            "hukou": household.hukou,
            "hukou_years": household.hukou_years,
            "employment_status": household.employment,
            "employer": rng.choice(EMPLOYERS) if employed else "",
            "monthly_income": household.income,
            "address": rng.choice(ADDRESSES),
            "housing_situation": rng.choice(("renting", "renting", "borrowing", "dormitory")),
        }

    def _member(self, plan: ApplicationPlan, member: dict[str, Any]) -> dict[str, Any]:
        person = member["person"]
        age = age_on(person.birth_date, self.scene.today)
        employment = "student" if age < 18 else "employed"
        return declaration.member_record(
            {
                "name": person.name,
                "id_number": person.id_number,
                "birth_date": person.birth_date.isoformat(),
                "sex": person.sex,
                "age": age,
                "relation": member["relation"],
                "employment_status": employment,
                "employer": "",
                "address": "",
            },
            uid=_uid(self.scene.rng),
        )

    def _face(self, plan: ApplicationPlan, at: datetime) -> None:
        """身份验证 passed on the phone (a handoff, then the local face check)."""
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        token_id = writer.next_id("handoff_tokens")
        in_place = rng.random() < 0.6
        opened = at - timedelta(seconds=rng.randrange(30, 120))
        self.tokens.add(
            token_id,
            plan.applicant.id,
            APPLY_IDENTITY,
            plan.id,
            f"{rng.getrandbits(256):064x}",
            f"{rng.getrandbits(256):064x}",
            TokenStatus.COMPLETED.value,
            "/apply/identity",
            "/apply/identity",
            opened + timedelta(minutes=10),
            opened,
            opened,
            in_place,
            at,
            None,
            opened - timedelta(seconds=rng.randrange(10, 90)),
        )
        face_id = writer.next_id("face_verifications")
        self.faces.add(
            face_id,
            plan.applicant.id,
            APPLY_IDENTITY,
            plan.id,
            token_id,
            True,
            round(rng.uniform(4.0, 9.0), 3),
            "检测到一张清晰的人脸",
            "local",
            f"local-{rng.getrandbits(64):016x}",
            f"{rng.getrandbits(256):064x}",
            None,
            None,
            None,
            at,
        )
        scene.audit("face.passed", plan.applicant.id, "face_verification", face_id, at)

    def _events(self, plan: ApplicationPlan, reference: str | None) -> int:
        """History, messages, audit, rounds, objections and the certificate; the number of
        events written."""
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        user = plan.applicant
        programme = plan.household.programme
        ref = f"（编号 {reference}）"
        staff = self._actors(plan)
        written = 0
        open_round: tuple[int, date, date, Round] | None = None
        self._round_rows: dict[int, list] = {}
        self._objection_rows: list[tuple] = []

        def event(step: Step, note: str = "", details: dict | None = None) -> None:
            nonlocal written
            written += 1
            self.events.add(
                writer.next_id("application_events"),
                plan.id,
                staff[step.actor],
                step.action,
                step.source.value if step.source else None,
                step.target.value,
                note,
                details,
                step.at,
            )

        event(plan.steps[0])
        scene.audit("application.draft_created", user.id, "application", plan.id, plan.created_at)
        scene.audit("application.consent", user.id, "application", plan.id, plan.created_at)
        resubmitted = False
        for step in plan.steps[1:]:
            actor = staff[step.actor]
            note, details = "", None
            message: tuple[str, str] | None = None
            action = step.action
            if action == Action.SUBMIT:
                message = (
                    "补正材料已提交" if resubmitted else "公租房申请已提交",
                    f"您的申请{ref}已{'补正并重新' if resubmitted else ''}提交，等待街道办事处受理。"
                    "自受理之日起办结时限为30个工作日，进度可在“我的申请”查看。",
                )
                scene.audit("application.submitted", user.id, "application", plan.id, step.at)
            elif action == Action.WITHDRAW:
                event(step)
                scene.audit(
                    "application.withdrawn",
                    user.id,
                    "application",
                    plan.id,
                    step.at,
                    f"from {step.source}",
                )
                continue
            elif action == Action.ACCEPT:
                track = SEED_TRACK[programme]
                due = workflow.legal_due(step.day, track)
                limit = (
                    f"应于{_d(due)}前办结"
                    if due
                    else f"自受理之日起{workflow.DECLARED.limit(track)}个工作日内办结"
                )
                message = (
                    "申请已受理",
                    f"街道办事处已于{_d(step.day)}受理您的公租房申请{ref}，接下来将进行资格初核。按规定{limit}。",
                )
            elif action == Action.REQUEST_CORRECTION:
                resubmitted = True
                items = rng.sample(CORRECTION_ITEMS, rng.randrange(1, 3))
                details = {"items": items}
                listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
                message = (
                    "请补正申请材料",
                    f"街道办事处审查了您的申请{ref}，需要一次性补正以下内容：\n{listed}\n"
                    "请在“我的申请”中补正后重新提交，补齐后即予受理。",
                )
            elif action in (Action.NOT_ACCEPT, Action.REJECT):
                note = rng.choice(REFUSALS[action.value])
                if action == Action.NOT_ACCEPT:
                    message = ("申请不予受理", f"您的申请{ref}不予受理。原因：{note}")
                else:
                    from app.apply.workflow import REJECTING_STAGE

                    stage = REJECTING_STAGE[step.source]
                    message = ("审核未通过", f"您的申请{ref}未通过{stage}。原因：{note}")
            elif action in (Action.START_PUBLICITY, Action.APPROVE):
                level = workflow.STARTS_ROUND[step.target]
                ends = working_days_after(step.day, workflow.DECLARED.publicity)
                round_id = self._open_round(plan, level, step, ends, actor)
                open_round = (round_id, step.day, ends, level)
                label = level.label(SEED_TRACK[programme])
                if action == Action.APPROVE:
                    message = (
                        "终审通过，结果公示中",
                        f"您的申请{ref}已通过市住房保障部门终审，现进行{label}，"
                        f"公示期{_d(step.day)}至{_d(ends)}。公示期满无异议后发放住房保障资格证明。",
                    )
                else:
                    message = (
                        f"申请进入{label}",
                        f"您的申请{ref}进入{label}，公示期{_d(step.day)}至{_d(ends)}。"
                        "公示期满无异议后进入下一环节。",
                    )
                if step is plan.steps[-1] and rng.random() < 0.12:
                    self._objection(open_round, plan, step, None)
            elif action == Action.FINISH_PUBLICITY:
                label = open_round[3].label(SEED_TRACK[programme])
                self._close_round(open_round, step, actor, "passed")
                open_round = None
                note = f"{label}期满无异议"
                if step.target is S.CIVIL_CHECK:
                    civil_due = workflow.civil_check_due(step.day)
                    following = (
                        "市住房保障部门已委托民政部门核对家庭经济状况，"
                        f"核对应于{_d(civil_due)}前完成。"
                    )
                else:
                    following = "申请已报区住房保障部门审核。"
                message = (f"{label}期满", f"您的申请{ref}{label}期满无异议。{following}")
            elif action == Action.RECORD_CIVIL_REPORT:
                note = "经核对，家庭收入、车辆、工商登记和不动产情况与申报一致。"
                details = {
                    "report_number": f"MZHD-{step.day:%Y}-{plan.id:06d}",
                    "conclusion": "meets",
                    "reported_on": step.day.isoformat(),
                    "late": False,
                }
                message = (
                    "家庭经济状况核对已完成",
                    f"民政部门已完成您家庭经济状况的核对{ref}，申请进入市住房保障部门终审。",
                )
            elif action == Action.STOP:
                note = rng.choice(REFUSALS["stop"])
                objection_id = self._objection(open_round, plan, step, note)
                details = {"objection": objection_id}
                self._close_round(open_round, step, actor, "stopped")
                open_round = None
                message = (
                    "申请已终止",
                    f"您的申请{ref}在公示期间收到异议，经核实异议成立，申请终止。原因：{note}",
                )
            elif action == Action.ISSUE_CERTIFICATE:
                self._close_round(open_round, step, actor, "passed")
                open_round = None
                number = self._certificate(plan, step, actor)
                details = {"certificate": number}
                message = (
                    "您已取得住房保障资格",
                    f"您的申请{ref}公示期满无异议，已发放住房保障资格证明（证明编号 {number}），"
                    f"有效期至{_d(workflow.certificate_valid_until(step.day))}。"
                    f"可在“我的申请”中查看和打印。{workflow.AFTER_CERTIFICATE}",
                )
                scene.audit("certificate.issued", actor, "application", plan.id, step.at, number)
            event(step, note, details)
            if action != Action.SUBMIT:
                scene.audit(
                    f"application.{action}",
                    actor,
                    "application",
                    plan.id,
                    step.at,
                    f"{step.source} -> {step.target}" + (f": {note}" if note else ""),
                )
            if message is not None:
                scene.message(user.id, "申请", message[0], message[1], "/apply/status", step.at)
        for row in self._round_rows.values():
            self.rounds.add(*row)
        for row in self._objection_rows:
            self.objections.add(*row)
        return written

    def _actors(self, plan: ApplicationPlan) -> dict[str, int | None]:
        staff = self.scene.staff
        return {
            "applicant": plan.applicant.id,
            "street": staff.street_reviewers[plan.street.id],
            "district": staff.district_reviewers[plan.street.district_id],
            "civil": staff.civil_affairs,
            "city": staff.city_reviewer,
        }

    def _open_round(
        self, plan: ApplicationPlan, level: Round, step: Step, ends: date, actor: int
    ) -> int:
        writer = self.scene.writer
        round_id = writer.next_id("publicity_rounds")
        self._round_rows[round_id] = [
            round_id,
            plan.id,
            level.value,
            plan.household.programme.value,
            mask_name(plan.applicant.name),
            plan.applicant.masked_id,
            1 + len(plan.household.members),
            plan.street.district_name,
            plan.street.name,
            step.day,
            ends,
            actor,
            None,
            None,
            None,
            step.at,
        ]
        return round_id

    def _close_round(self, opened: tuple, step: Step, actor: int, outcome: str) -> None:
        row = self._round_rows[opened[0]]
        row[12], row[13], row[14] = step.day, actor, outcome

    def _objection(
        self, opened: tuple, plan: ApplicationPlan, step: Step, upheld_note: str | None
    ) -> int:
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        round_id, starts, _ends, _level = opened
        objection_id = writer.next_id("objections")
        made = scene.moment_between(china_time(starts, 10), step.at)
        if upheld_note is None:
            made = scene.moment_between(china_time(starts, 10), scene.now)
        contact = self.ids.person(scene.today, min_age=25, max_age=70)
        self._objection_rows.append(
            (
                objection_id,
                round_id,
                plan.id,
                contact.name,
                f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
                rng.choice(OBJECTIONS),
                scene.ip(),
                (ObjectionStatus.UPHELD if upheld_note else ObjectionStatus.OPEN).value,
                self._actors(plan)[step.actor] if upheld_note else None,
                step.at if upheld_note else None,
                upheld_note,
                made,
            )
        )
        return objection_id

    def _certificate(self, plan: ApplicationPlan, step: Step, actor: int) -> str:
        writer, rng = self.scene.writer, self.scene.rng
        number = f"JJBZ{step.day:%Y}{plan.id:06d}"
        token = uuid.UUID(int=rng.getrandbits(128)).hex[:22]
        self.certificates.add(
            writer.next_id("qualification_certificates"),
            plan.id,
            plan.applicant.id,
            number,
            token,
            plan.household.programme.value,
            mask_name(plan.applicant.name),
            plan.applicant.masked_id,
            1 + len(plan.household.members),
            step.day,
            workflow.certificate_valid_until(step.day),
            actor,
            step.at,
        )
        return number


def draft_step_is(plan: ApplicationPlan, step_id: str) -> bool:
    return plan.draft_step == step_id and not any(s.action == Action.SUBMIT for s in plan.steps)


def _category_details(rng, household: Household) -> dict[str, Any]:
    if household.category is Category.LOW_INCOME:
        return {"civil_status": household.civil_status}
    if household.category is Category.MIGRANT_WORKER:
        return {"residence_permit": True, "pension_months": rng.randrange(12, 120)}
    return {}


def _path(rng, programme: Programme, target: S) -> list[tuple[str, S, str]]:
    """The steps from the draft to ``target``: (action, status reached, who acts)."""
    draft = [("draft_created", S.DRAFT, "applicant")]
    if target is S.DRAFT:
        return draft
    submitted = [*draft, (Action.SUBMIT, S.SUBMITTED, "applicant")]
    if rng.random() < 0.15 and target not in (S.SUBMITTED, S.CORRECTION_REQUESTED, S.NOT_ACCEPTED):
        submitted += [
            (Action.REQUEST_CORRECTION, S.CORRECTION_REQUESTED, "street"),
            (Action.SUBMIT, S.SUBMITTED, "applicant"),
        ]
    main = MAIN_PATH[programme]

    def through(status: S) -> list[tuple[str, S, str]]:
        steps = list(submitted)
        source = S.SUBMITTED
        for action, reached in main:
            steps.append((action, reached, OFFICE[source]))
            source = reached
            if reached is status:
                return steps
        raise ValueError(f"{status} is not on the {programme} path")

    if target is S.SUBMITTED:
        return submitted
    if target is S.CORRECTION_REQUESTED:
        return [*submitted, (Action.REQUEST_CORRECTION, S.CORRECTION_REQUESTED, "street")]
    if target is S.NOT_ACCEPTED:
        return [*submitted, (Action.NOT_ACCEPT, S.NOT_ACCEPTED, "street")]
    if target is S.REJECTED:
        stages = [S.ACCEPTED, S.FINAL_REVIEW]
        if programme is Programme.LIANZU:
            stages.append(S.DISTRICT_REVIEW)
        stage = rng.choice(stages)
        return [*through(stage), (Action.REJECT, S.REJECTED, OFFICE[stage])]
    if target is S.STOPPED:
        stages = [S.STREET_PUBLICITY, S.RESULT_PUBLICITY]
        if programme is Programme.LIANZU:
            stages.append(S.DISTRICT_PUBLICITY)
        stage = rng.choice(stages)
        return [*through(stage), (Action.STOP, S.STOPPED, OFFICE[stage])]
    if target is S.WITHDRAWN:
        stage = rng.choice((S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.ACCEPTED, S.STREET_PUBLICITY))
        before = (
            draft if stage is S.DRAFT else (submitted if stage is S.SUBMITTED else through(stage))
        )
        return [*before, (Action.WITHDRAW, S.WITHDRAWN, "applicant")]
    return through(target)


def _gap(rng, action: str) -> tuple[str, int]:
    """How long after the step before: ("cal", days), ("wd", working days) or
    ("publicity", working days after the round's 5 working days end)."""
    if action == "draft_created":
        return ("cal", 0)
    if action == Action.SUBMIT:
        return ("cal", rng.randrange(0, 12))
    if action == Action.WITHDRAW:
        return ("cal", rng.randrange(1, 20))
    if action in (Action.FINISH_PUBLICITY, Action.ISSUE_CERTIFICATE):
        return ("publicity", rng.randrange(1, 4))
    if action == Action.STOP:
        return ("wd", rng.randrange(1, workflow.DECLARED.publicity + 1))
    ranges = {
        Action.ACCEPT: (1, 5),
        Action.REQUEST_CORRECTION: (1, 4),
        Action.NOT_ACCEPT: (1, 5),
        Action.START_PUBLICITY: (2, 6),
        Action.RECORD_CIVIL_REPORT: (4, 12),
        Action.APPROVE: (1, 4),
        Action.REJECT: (2, 9),
    }
    low, high = ranges[action]
    return ("wd", rng.randrange(low, high))


def _walk(start: date, path: list, gaps: list[tuple[str, int]]) -> list[date]:
    days: list[date] = []
    day = start
    round_start = start
    for (_action, reached, _actor), (kind, amount) in zip(path, gaps, strict=True):
        if kind == "cal":
            day = day + timedelta(days=amount)
        elif kind == "wd":
            day = working_days_after(day, amount)
        else:
            ends = working_days_after(round_start, workflow.DECLARED.publicity)
            day = working_days_after(ends, amount)
        if reached in workflow.STARTS_ROUND:
            round_start = day
        days.append(day)
    return days


def _spread(weighted, count: int) -> list:
    """``count`` values in proportion to their weights, each at least once when possible."""
    values = [value for value, _ in weighted]
    if count < len(values):
        return values[:count]
    total = sum(weight for _, weight in weighted)
    counts = [max(1, round(count * weight / total)) for _, weight in weighted]
    while sum(counts) > count:
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < count:
        counts[0] += 1
    return [value for value, n in zip(values, counts, strict=True) for _ in range(n)]


def _pick(rng, weighted):
    roll = rng.random() * sum(weight for _, weight in weighted)
    for value, weight in weighted:
        if roll < weight:
            return value
        roll -= weight
    return weighted[-1][0]


def _uid(rng) -> str:
    return f"{rng.getrandbits(40):010x}"


def _d(day: date | None) -> str:
    return f"{day:%Y年%m月%d日}" if day else "待定"
