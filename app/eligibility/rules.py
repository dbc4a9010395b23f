"""The eligibility rules for 公租房 (gongzu) and 廉租房 / 租金补贴 (lianzu); no Flask here.

One engine serves the self-assessment questionnaire, the pre-check on submission and
the ``flask eligibility check`` command. Every number and sentence comes from the
region's policy file (``policy.py``); this module decides which outcome each check has
and which facts its message quotes.

Counting rule: 以上 / 以下 / 满 include the number itself (民法典 第一千二百五十九条), so
every comparison is inclusive. Areas are compared by cross-multiplication on exact
values (``area <= limit * people``), never by dividing floats: 60 m² for 3 people is
20 m² each and passes a 20 m² limit, 60.3 m² is not and fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from app.eligibility.household import (
    CivilStatus,
    Household,
    Hukou,
    MaritalStatus,
    Relation,
    RelativeRelation,
    Sex,
    Work,
    parse_household,
)
from app.eligibility.policy import (
    GONGZU,
    LIANZU,
    PROGRAMME_CHECKS,
    CheckText,
    Policy,
    Thresholds,
    format_number,
    load_policy,
    months_text,
)


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    ok: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "message": self.message}


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    """One programme's verdict: eligible exactly when no check failed."""

    eligible: bool
    failed: tuple[str, ...]
    checks: tuple[Check, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "failed": list(self.failed),
            "checks": [check.to_dict() for check in self.checks],
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    gongzu: ProgrammeResult
    lianzu: ProgrammeResult
    priority: bool
    """优先实物保障: eligible somewhere, and eligible for lianzu or in a priority group."""

    def to_dict(self) -> dict[str, Any]:
        """The contract's output JSON."""
        return {
            "gongzu": self.gongzu.to_dict(),
            "lianzu": self.lianzu.to_dict(),
            "priority": self.priority,
        }


Outcome = tuple[bool, tuple[str, ...], Mapping[str, object]]
"""What one check found: pass or fail, its message variants, and the facts they quote."""

Rule = Callable[[Household, Thresholds], Outcome]


def assess(household: Household, policy: Policy | None = None) -> Assessment:
    """Run every check of both programmes; ``policy`` defaults to the household's region."""
    if policy is None:
        policy = load_policy(household.region)
    gongzu = _assess_programme(household, policy, GONGZU, GONGZU_RULES)
    lianzu = _assess_programme(household, policy, LIANZU, LIANZU_RULES)
    eligible_somewhere = gongzu.eligible or lianzu.eligible
    priority = eligible_somewhere and (lianzu.eligible or bool(household.priority_groups))
    return Assessment(gongzu=gongzu, lianzu=lianzu, priority=priority)


def assess_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Parse, assess and return the output JSON; raises ``HouseholdError`` on bad input."""
    return assess(parse_household(data)).to_dict()


def _assess_programme(
    household: Household,
    policy: Policy,
    programme: str,
    rules: tuple[tuple[str, Rule], ...],
) -> ProgrammeResult:
    texts = policy.texts[programme]
    thresholds = policy.thresholds
    checks = []
    failed = []
    for check_id, rule in rules:
        ok, variants, facts = rule(household, thresholds)
        text = texts[check_id]
        if facts:
            check = Check(check_id, ok, text.message(ok, variants, facts))
        else:
            check = _FACT_FREE_CHECKS.get((text, ok, variants)) or _remember_fact_free_check(
                check_id, text, ok, variants
            )
        checks.append(check)
        if not ok:
            failed.append(check_id)
    return ProgrammeResult(eligible=not failed, failed=tuple(failed), checks=tuple(checks))


_FACT_FREE_CHECKS: dict[tuple[CheckText, bool, tuple[str, ...]], Check] = {}
"""Checks whose message quotes no facts are the same for every household: built once."""


def _remember_fact_free_check(
    check_id: str, text: CheckText, ok: bool, variants: tuple[str, ...]
) -> Check:
    check = Check(check_id, ok, text.message(ok, variants, {}))
    _FACT_FREE_CHECKS[text, ok, variants] = check
    return check


def _passed(variant: str, **facts: object) -> Outcome:
    return True, (variant,), facts


def _failed(*variants: str, **facts: object) -> Outcome:
    return False, variants, facts


# --- checks shared by both programmes ------------------------------------------------------


def check_spouse(household: Household, thresholds: Thresholds) -> Outcome:
    """Married: exactly one spouse among the co-applicants; otherwise none."""
    spouses = [person.relation for person in household.co_applicants].count(Relation.SPOUSE)
    status = household.applicant.marital_status
    if status is MaritalStatus.MARRIED:
        if spouses == 1:
            return _passed("with_spouse")
        if spouses == 0:
            return _failed("missing_spouse")
        return _failed("several_spouses", spouse_count=spouses)
    if spouses == 0:
        return _passed("not_married", marital_status=status.label)
    return _failed("spouse_but_not_married", marital_status=status.label, spouse_count=spouses)


def _relation_outcome(household: Household, allowed: frozenset[Relation]) -> Outcome:
    if not household.co_applicants:
        return _passed("no_co_applicants")
    not_allowed = [p.relation for p in household.co_applicants if p.relation not in allowed]
    if not not_allowed:
        return _passed("all_allowed")
    labels = dict.fromkeys(relation.label for relation in not_allowed)
    return _failed("not_allowed", bad_relations="、".join(labels))


def _housing_outcome(household: Household, people: int, limit_per_person: float) -> Outcome:
    """No housing, or owned area per person at most the limit (以下 includes the limit)."""
    area = household.owned_housing_m2
    if area == 0:
        return _passed("no_housing")
    within = _exact(area) <= _exact(limit_per_person) * people
    facts = {
        "owned_m2": format_number(area),
        "size": household.size,
        "same_hukou_others": household.same_hukou_others,
        "people": people,
        # Round towards the limit's side, so the shown figure never contradicts the verdict.
        "per_person_m2": _per_person_text(area, people, ROUND_FLOOR if within else ROUND_CEILING),
    }
    return within, ("within_limit",) if within else ("over_limit",), facts


_FUNDING_RELATIVES = frozenset({RelativeRelation.PARENT, RelativeRelation.CHILD})


def check_funded(household: Household, thresholds: Thresholds) -> Outcome:
    """资助住房: a parent or child owns 2+ units with 40 m² or more per person (问答第6问)."""
    size = household.size
    min_per_person = _exact(thresholds.funded_min_m2_per_person)
    for relative in household.relatives_housing:
        if relative.relation not in _FUNDING_RELATIVES:
            continue
        if relative.units < thresholds.funded_min_units:
            continue
        people = size + relative.household_size
        if _exact(relative.area_m2) >= min_per_person * people:
            return _failed(
                "funded",
                relative=relative.relation.label,
                units=relative.units,
                area_m2=format_number(relative.area_m2),
                size=size,
                relative_household_size=relative.household_size,
                people=people,
                per_person_m2=_per_person_text(relative.area_m2, people, ROUND_FLOOR),
            )
    return _passed("none")


def check_sanction(household: Household, thresholds: Thresholds) -> Outcome:
    """5-year ban after false materials or giving up an allocated unit (问答第12、13问)."""
    return _waiting_outcome(household.sanction_months_ago, thresholds.sanction_months)


def _waiting_outcome(months_ago: int | None, required_months: int) -> Outcome:
    """Passes when it never happened or at least ``required_months`` ago (满 includes it)."""
    if months_ago is None:
        return _passed("never")
    if months_ago >= required_months:
        return _passed("expired", months_ago_text=months_text(months_ago))
    return _failed(
        "recent",
        months_ago_text=months_text(months_ago),
        remaining_text=months_text(required_months - months_ago),
    )


# --- 公租房 ---------------------------------------------------------------------------------

_GONGZU_RELATIONS = frozenset(
    {
        Relation.SPOUSE,
        Relation.CHILD,
        Relation.PARENT,
        Relation.SPOUSE_PARENT,
        Relation.GRANDPARENT,
        Relation.GRANDCHILD,
        Relation.SIBLING,
    }
)
"""法定赡养、抚养、扶养关系 with the applicant or the spouse."""


def check_age(household: Household, thresholds: Thresholds) -> Outcome:
    age = household.applicant.age
    if age >= thresholds.adult_age:
        return _passed("ok", age=age)
    return _failed("too_young", age=age)


def check_rent(household: Household, thresholds: Thresholds) -> Outcome:
    return _passed("ok") if household.applicant.can_pay_rent else _failed("cannot_pay")


def check_gongzu_relation(household: Household, thresholds: Thresholds) -> Outcome:
    return _relation_outcome(household, _GONGZU_RELATIONS)


def check_gongzu_housing(household: Household, thresholds: Thresholds) -> Outcome:
    return _housing_outcome(household, household.size, thresholds.gongzu_max_m2_per_person)


def check_residency(household: Household, thresholds: Thresholds) -> Outcome:
    """Center-city hukou, or one of the three ways of working in the center city."""
    applicant = household.applicant
    if applicant.hukou is Hukou.CENTER_URBAN:
        return _passed("center_hukou")
    if applicant.work is Work.EMPLOYED:
        return _employed_outcome(
            applicant.residence_permit, applicant.pension_months, thresholds.min_pension_months
        )
    if applicant.work is Work.ENTREPRENEUR:
        if applicant.business_license:
            return _passed("entrepreneur")
        return _failed("no_business_license")
    if applicant.work is Work.CENTRAL_UNIT:
        if applicant.central_unit_certificate:
            return _passed("central_unit")
        return _failed("no_certificate")
    return _failed("no_local_work")


def _employed_outcome(residence_permit: bool, pension_months: int, min_months: int) -> Outcome:
    missing = []
    if not residence_permit:
        missing.append("no_residence_permit")
    if pension_months < min_months:
        missing.append("short_pension")
    if missing:
        return _failed(*missing, pension_months=pension_months)
    return _passed("employed", pension_months=pension_months)


# --- 廉租房 / 租金补贴 ----------------------------------------------------------------------

_LIANZU_RELATIONS = frozenset(
    {Relation.SPOUSE, Relation.CHILD, Relation.PARENT, Relation.GRANDPARENT, Relation.GRANDCHILD}
)
"""直系亲属 (and the spouse, who must apply together)."""

_ASSET_LABELS = {
    "owns_commercial_property": "营业性非住宅",
    "owns_consumer_vehicle": "消费性车辆",
    "owns_company": "在工商部门注册的企业",
}


def check_lianzu_hukou(household: Household, thresholds: Thresholds) -> Outcome:
    """Center-city urban hukou for 2 years or more, and an adult (法定成年人)."""
    applicant = household.applicant
    problems = []
    if applicant.hukou is not Hukou.CENTER_URBAN:
        problems.append("not_center")
    elif applicant.hukou_years < thresholds.min_hukou_years:
        problems.append("too_short")
    if applicant.age < thresholds.adult_age:
        problems.append("minor")
    if problems:
        return _failed(*problems, hukou_years=applicant.hukou_years, age=applicant.age)
    return _passed("ok", hukou_years=applicant.hukou_years)


def check_single_age(household: Household, thresholds: Thresholds) -> Outcome:
    """单身申请 (not married, no co-applicants): men from 30, women from 28."""
    applicant = household.applicant
    if applicant.marital_status is MaritalStatus.MARRIED or household.co_applicants:
        return _passed("not_single")
    if applicant.sex is Sex.MALE:
        min_age = thresholds.single_male_min_age
    else:
        min_age = thresholds.single_female_min_age
    facts = {"sex": applicant.sex.label, "age": applicant.age, "min_age": min_age}
    if applicant.age >= min_age:
        return True, ("old_enough",), facts
    return False, ("too_young",), {**facts, "years_left": min_age - applicant.age}


def check_lianzu_relation(household: Household, thresholds: Thresholds) -> Outcome:
    return _relation_outcome(household, _LIANZU_RELATIONS)


def check_low_income(household: Household, thresholds: Thresholds) -> Outcome:
    if household.civil_status is CivilStatus.NONE:
        return _failed("not_certified")
    return _passed("certified", civil_status=household.civil_status.label)


def check_lianzu_housing(household: Household, thresholds: Thresholds) -> Outcome:
    """Per person counts the members on the same hukou who are not co-applicants too."""
    people = household.size + household.same_hukou_others
    return _housing_outcome(household, people, thresholds.lianzu_max_m2_per_person)


def check_reform_housing(household: Household, thresholds: Thresholds) -> Outcome:
    return _failed("had") if household.had_reform_housing else _passed("none")


def check_disposal(household: Household, thresholds: Thresholds) -> Outcome:
    return _waiting_outcome(household.disposed_housing_months_ago, thresholds.disposal_months)


def check_divorce(household: Household, thresholds: Thresholds) -> Outcome:
    """Blocks only a divorce under 2 years ago by someone not eligible before it."""
    divorce = household.divorce
    if divorce is None:
        return _passed("none")
    if divorce.eligible_before:
        return _passed("eligible_before")
    return _waiting_outcome(divorce.months_ago, thresholds.divorce_months)


def check_assets(household: Household, thresholds: Thresholds) -> Outcome:
    owned = [label for field, label in _ASSET_LABELS.items() if getattr(household, field)]
    if owned:
        return _failed("owns", assets="、".join(owned))
    return _passed("none")


_GONGZU_RULE_BY_ID: dict[str, Rule] = {
    "age": check_age,
    "rent": check_rent,
    "spouse": check_spouse,
    "relation": check_gongzu_relation,
    "housing": check_gongzu_housing,
    "funded": check_funded,
    "residency": check_residency,
    "sanction": check_sanction,
}
_LIANZU_RULE_BY_ID: dict[str, Rule] = {
    "hukou": check_lianzu_hukou,
    "spouse": check_spouse,
    "single_age": check_single_age,
    "relation": check_lianzu_relation,
    "low_income": check_low_income,
    "housing": check_lianzu_housing,
    "funded": check_funded,
    "reform_housing": check_reform_housing,
    "disposal": check_disposal,
    "divorce": check_divorce,
    "assets": check_assets,
    "sanction": check_sanction,
}

# The contract's order lives in one place, policy.PROGRAMME_CHECKS.
GONGZU_RULES: tuple[tuple[str, Rule], ...] = tuple(
    (check_id, _GONGZU_RULE_BY_ID[check_id]) for check_id in PROGRAMME_CHECKS[GONGZU]
)
LIANZU_RULES: tuple[tuple[str, Rule], ...] = tuple(
    (check_id, _LIANZU_RULE_BY_ID[check_id]) for check_id in PROGRAMME_CHECKS[LIANZU]
)


# --- exact arithmetic ----------------------------------------------------------------------


def _exact(value: float) -> int | Decimal:
    """The number the resident typed, exactly: ``60.3`` is 60.3, not 60.29999….

    A float from JSON is the nearest binary value; its shortest ``repr`` is the
    decimal that was written, so comparisons on it have no float artefacts.
    """
    if type(value) is int:
        return value
    if value.is_integer():
        return int(value)
    return Decimal(repr(value))


def _per_person_text(area: float, people: int, rounding: str) -> str:
    """Area per person to 0.01 m², prefixed ``约`` when rounded."""
    total = _exact(area)
    if type(total) is int and total % people == 0:
        return str(total // people)
    exact = total / Decimal(people)
    try:
        shown = exact.quantize(Decimal("0.01"), rounding=rounding)
    except InvalidOperation:  # beyond Decimal's precision: an absurdly large area
        return format(exact.normalize(), "f")
    text = format(shown.normalize(), "f")
    return text if shown == exact else f"约{text}"
