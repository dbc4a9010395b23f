"""Per-region policy data: thresholds, message templates and clause citations (no Flask).

Each region is one JSON file in ``policies/`` named after its code (``jiujiang.json``).
Another city is another file: the rules read every number and every sentence from here.

Message templates are plain ``str.format`` strings. They may quote the region's
thresholds (``{adult_age}``, ``{sanction_period}`` ...), which are filled in when the
file is loaded, and the facts that the check reports for that outcome (``{age}``),
filled in per household. ``CHECK_SPECS`` lists which outcomes each check has and
which facts each outcome may quote; a file that does not match is refused at load.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_REGION = "jiujiang"
POLICY_DIR = Path(__file__).with_name("policies")

GONGZU = "gongzu"
LIANZU = "lianzu"
PROGRAMMES = (GONGZU, LIANZU)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """The outcomes (variants) of one check, each with the facts its message may quote."""

    passes: Mapping[str, frozenset[str]]
    fails: Mapping[str, frozenset[str]]


def _spec(passes: dict[str, tuple[str, ...]], fails: dict[str, tuple[str, ...]]) -> CheckSpec:
    return CheckSpec(
        passes={variant: frozenset(facts) for variant, facts in passes.items()},
        fails={variant: frozenset(facts) for variant, facts in fails.items()},
    )


_HOUSING_FACTS = ("owned_m2", "size", "same_hukou_others", "people", "per_person_m2")
_FUNDED_FACTS = (
    "relative",
    "units",
    "area_m2",
    "size",
    "relative_household_size",
    "people",
    "per_person_m2",
)
_WAITING_FACTS = ("months_ago_text", "remaining_text")

CHECK_SPECS: dict[str, CheckSpec] = {
    "age": _spec({"ok": ("age",)}, {"too_young": ("age",)}),
    "rent": _spec({"ok": ()}, {"cannot_pay": ()}),
    "spouse": _spec(
        {"with_spouse": (), "not_married": ("marital_status",)},
        {
            "missing_spouse": (),
            "spouse_but_not_married": ("marital_status", "spouse_count"),
            "several_spouses": ("spouse_count",),
        },
    ),
    "relation": _spec(
        {"no_co_applicants": (), "all_allowed": ()}, {"not_allowed": ("bad_relations",)}
    ),
    "housing": _spec(
        {"no_housing": (), "within_limit": _HOUSING_FACTS}, {"over_limit": _HOUSING_FACTS}
    ),
    "funded": _spec({"none": ()}, {"funded": _FUNDED_FACTS}),
    "residency": _spec(
        {
            "center_hukou": (),
            "employed": ("pension_months",),
            "entrepreneur": (),
            "central_unit": (),
        },
        {
            "no_local_work": (),
            "no_residence_permit": (),
            "short_pension": ("pension_months",),
            "no_business_license": (),
            "no_certificate": (),
        },
    ),
    "sanction": _spec({"never": (), "expired": ("months_ago_text",)}, {"recent": _WAITING_FACTS}),
    "hukou": _spec(
        {"ok": ("hukou_years",)},
        {"not_center": (), "too_short": ("hukou_years",), "minor": ("age",)},
    ),
    "single_age": _spec(
        {"not_single": (), "old_enough": ("sex", "age", "min_age")},
        {"too_young": ("sex", "age", "min_age", "years_left")},
    ),
    "low_income": _spec({"certified": ("civil_status",)}, {"not_certified": ()}),
    "reform_housing": _spec({"none": ()}, {"had": ()}),
    "disposal": _spec({"never": (), "expired": ("months_ago_text",)}, {"recent": _WAITING_FACTS}),
    "divorce": _spec(
        {"none": (), "eligible_before": (), "expired": ("months_ago_text",)},
        {"recent": _WAITING_FACTS},
    ),
    "assets": _spec({"none": ()}, {"owns": ("assets",)}),
}

PROGRAMME_CHECKS: dict[str, tuple[str, ...]] = {
    GONGZU: ("age", "rent", "spouse", "relation", "housing", "funded", "residency", "sanction"),
    LIANZU: (
        "hukou",
        "spouse",
        "single_age",
        "relation",
        "low_income",
        "housing",
        "funded",
        "reform_housing",
        "disposal",
        "divorce",
        "assets",
        "sanction",
    ),
}
"""The checks of each programme, in the order the contract lists them."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The numbers of one region's policy; 以上/以下/满 include the number itself."""

    adult_age: int
    gongzu_max_m2_per_person: float
    lianzu_max_m2_per_person: float
    funded_min_units: int
    funded_min_m2_per_person: float
    min_pension_months: int
    min_hukou_years: int
    single_male_min_age: int
    single_female_min_age: int
    sanction_months: int
    disposal_months: int
    divorce_months: int


_AREA_THRESHOLDS = frozenset(
    {"gongzu_max_m2_per_person", "lianzu_max_m2_per_person", "funded_min_m2_per_person"}
)


@dataclass(frozen=True, slots=True)
class Template:
    """One outcome's sentence, alone (``text``) and with the clause cited (``cited``).

    When ``quotes_facts`` both are ``str.format`` strings awaiting the facts;
    otherwise both are finished text.
    """

    text: str
    cited: str
    quotes_facts: bool

    def render(self, facts: Mapping[str, object]) -> str:
        return self.text.format_map(facts) if self.quotes_facts else self.text


@dataclass(frozen=True, slots=True, eq=False)
class CheckText:
    """The clause a check cites and its message templates, per outcome variant.

    Compared and hashed by identity, so the rules can memoise the checks built from it.
    """

    clause: str
    passes: Mapping[str, Template]
    fails: Mapping[str, Template]

    def message(self, ok: bool, variants: tuple[str, ...], facts: Mapping[str, object]) -> str:
        """The resident-facing message: the variants' sentences, then the clause cited."""
        templates = self.passes if ok else self.fails
        if len(variants) == 1:
            template = templates[variants[0]]
            return template.cited.format_map(facts) if template.quotes_facts else template.cited
        return cite("".join(templates[variant].render(facts) for variant in variants), self.clause)


@dataclass(frozen=True, slots=True)
class Policy:
    region: str
    name: str
    thresholds: Thresholds
    texts: Mapping[str, Mapping[str, CheckText]]
    """Programme (``gongzu`` / ``lianzu``) -> check id -> its texts."""


class PolicyError(ValueError):
    """A policy file is missing, malformed or does not match ``CHECK_SPECS``."""


def cite(text: str, clause: str) -> str:
    """``"……符合要求。"`` -> ``"……符合要求（《指南》二（一）1）。"``."""
    return f"{text.rstrip('。')}（{clause}）。"


def format_number(value: float) -> str:
    """Show a number as a person would write it: ``60`` not ``60.0``, ``60.3`` not ``60.29…``."""
    if type(value) is int:
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)).normalize(), "f")


def months_text(months: int) -> str:
    """``60`` -> ``5年``, ``18`` -> ``1年6个月``, ``0`` -> ``不到1个月``."""
    if months == 0:
        return "不到1个月"
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest}个月"
    return f"{years}年{rest}个月" if rest else f"{years}年"


@cache
def available_regions() -> tuple[str, ...]:
    """The region codes that have a policy file, sorted."""
    return tuple(sorted(path.stem for path in POLICY_DIR.glob("*.json")))


@cache
def load_policy(region: str) -> Policy:
    """The policy of ``region`` (e.g. ``jiujiang``), loaded once per process."""
    if region not in available_regions():
        raise PolicyError(f"no policy file for region {region!r}")
    policy = load_policy_file(POLICY_DIR / f"{region}.json")
    if policy.region != region:
        raise PolicyError(f"{region}.json declares region {policy.region!r}")
    return policy


def load_policy_file(path: Path | str) -> Policy:
    """Read and validate one policy file (not cached; tests load their own files)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PolicyError(f"{path}: {error}") from error
    try:
        return _policy_from_data(data)
    except PolicyError as error:
        raise PolicyError(f"{path}: {error}") from error


_POLICY_KEYS = frozenset({"region", "name", "sources", "thresholds", "checks"})


def _policy_from_data(data: Any) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError("the file must hold one JSON object")
    _require_keys(data, _POLICY_KEYS - {"sources"}, _POLICY_KEYS, "")
    region, name = data["region"], data["name"]
    if not (isinstance(region, str) and region and isinstance(name, str) and name):
        raise PolicyError("region and name must be non-empty strings")
    thresholds = _thresholds(data["thresholds"])
    values = _threshold_values(thresholds, name)
    checks = data["checks"]
    if not isinstance(checks, dict):
        raise PolicyError("checks must be an object")
    _require_keys(checks, set(PROGRAMMES), set(PROGRAMMES), "checks")
    texts = {
        programme: _programme_texts(checks[programme], programme, values)
        for programme in PROGRAMMES
    }
    return Policy(region=region, name=name, thresholds=thresholds, texts=texts)


def _require_keys(
    data: dict[str, Any],
    required: set[str] | frozenset[str],
    allowed: set[str] | frozenset[str],
    where: str,
) -> None:
    missing = sorted(set(required) - data.keys())
    unknown = sorted(data.keys() - set(allowed))
    if missing or unknown:
        raise PolicyError(f"{where or 'top level'}: missing {missing}, unknown {unknown}")


def _thresholds(data: Any) -> Thresholds:
    names = {field.name for field in fields(Thresholds)}
    if not isinstance(data, dict):
        raise PolicyError("thresholds must be an object")
    _require_keys(data, names, names, "thresholds")
    for key, value in data.items():
        valid_types = (int, float) if key in _AREA_THRESHOLDS else (int,)
        if type(value) not in valid_types or value < 0:
            raise PolicyError(f"thresholds.{key} must be a non-negative number, got {value!r}")
    return Thresholds(**data)


def _threshold_values(thresholds: Thresholds, region_name: str) -> dict[str, str]:
    """What templates may quote from the region itself, as display text."""
    values = {
        field.name: format_number(getattr(thresholds, field.name)) for field in fields(Thresholds)
    }
    values["sanction_period"] = months_text(thresholds.sanction_months)
    values["disposal_period"] = months_text(thresholds.disposal_months)
    values["divorce_period"] = months_text(thresholds.divorce_months)
    values["region_name"] = region_name
    return values


def _programme_texts(data: Any, programme: str, values: dict[str, str]) -> dict[str, CheckText]:
    where = f"checks.{programme}"
    if not isinstance(data, dict):
        raise PolicyError(f"{where} must be an object")
    ids = set(PROGRAMME_CHECKS[programme])
    _require_keys(data, ids, ids, where)
    return {
        check_id: _check_text(data[check_id], CHECK_SPECS[check_id], values, f"{where}.{check_id}")
        for check_id in PROGRAMME_CHECKS[programme]
    }


def _check_text(data: Any, spec: CheckSpec, values: dict[str, str], where: str) -> CheckText:
    if not isinstance(data, dict):
        raise PolicyError(f"{where} must be an object")
    _require_keys(data, {"clause", "pass", "fail"}, {"clause", "pass", "fail"}, where)
    clause = data["clause"]
    if not isinstance(clause, str) or not clause:
        raise PolicyError(f"{where}.clause must be a non-empty string")
    return CheckText(
        clause=clause,
        passes=_variant_templates(data["pass"], spec.passes, values, clause, f"{where}.pass"),
        fails=_variant_templates(data["fail"], spec.fails, values, clause, f"{where}.fail"),
    )


def _variant_templates(
    data: Any,
    variants: Mapping[str, frozenset[str]],
    values: dict[str, str],
    clause: str,
    where: str,
) -> dict[str, Template]:
    if not isinstance(data, dict):
        raise PolicyError(f"{where} must be an object of variant -> template")
    _require_keys(data, set(variants), set(variants), where)
    return {
        variant: _template(data[variant], facts, values, clause, f"{where}.{variant}")
        for variant, facts in variants.items()
    }


def _template(
    text: Any, facts: frozenset[str], values: dict[str, str], clause: str, where: str
) -> Template:
    """Fill in the region's values now; keep ``{fact}`` placeholders for each household."""
    if not isinstance(text, str) or not text:
        raise PolicyError(f"{where} must be a non-empty string")
    parts: list[str] = []
    quotes_facts = False
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise PolicyError(f"{where}: {error}") from error
    for literal, field, spec, conversion in parsed:
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if spec or conversion:
            raise PolicyError(
                f"{where}: write plain {{{field}}}, without format spec or conversion"
            )
        if field in values:
            parts.append(values[field].replace("{", "{{").replace("}", "}}"))
        elif field in facts:
            parts.append(f"{{{field}}}")
            quotes_facts = True
        else:
            allowed = sorted(facts | values.keys())
            raise PolicyError(f"{where}: unknown placeholder {{{field}}}; allowed: {allowed}")
    compiled = "".join(parts)
    if quotes_facts:
        escaped_clause = clause.replace("{", "{{").replace("}", "}}")
        return Template(text=compiled, cited=cite(compiled, escaped_clause), quotes_facts=True)
    finished = compiled.replace("{{", "{").replace("}}", "}")
    return Template(text=finished, cited=cite(finished, clause), quotes_facts=False)
