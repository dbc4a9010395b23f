"""The application wizard's flow (app/apply/steps.py) as a table: for partial applications,
what the engine says is missing, step by step, and where the resident resumes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.apply.materials import missing_materials, required_materials
from app.apply.steps import FLOW, ApplicationFacts
from tests.apply.conftest import APPLICANT

SINGLE = {**APPLICANT, "marital_status": "single"}
CATEGORY = "low_middle_income"


def _required(data: dict) -> frozenset[str]:
    return frozenset(item.key for item in required_materials(CATEGORY, data))


READY = ApplicationFacts(
    consented=True,
    region_confirmed=True,
    identity_verified=True,
    category=CATEGORY,
    guarantee_mode="physical",
    data={"applicant": SINGLE, "members": []},
    signed=True,
    uploaded=_required({"applicant": SINGLE}),
)
REMARRIED = {
    "applicant": {**SINGLE, "marital_status": "married", "remarried": "yes"},
    "members": [],
}


@pytest.mark.parametrize(
    ("facts", "missing"),
    [
        (ApplicationFacts(), ["consent", "region", "identity", "category", "members", "assets",
                              "materials"]),
        (replace(READY, consented=False), ["consent"]),
        (replace(READY, region_confirmed=False, identity_verified=False), ["region", "identity"]),
        (replace(READY, guarantee_mode=None), ["category"]),
        (replace(READY, guarantee_mode="subsidy"), ["category"]),  # subsidy: 民政 households
        (replace(READY, signed=False), ["assets"]),
        (replace(READY, uploaded=frozenset()), ["materials"]),
        # a later answer asks for more: remarried needs the spouse and the divorce papers
        (replace(READY, data=REMARRIED), ["members", "materials"]),
        (READY, []),
    ],
)  # fmt: skip
def test_what_each_step_still_needs(facts, missing) -> None:
    assert [step.id for step, _message in FLOW.missing(facts)] == missing
    assert FLOW.finished(facts) is (not missing)


def test_messages_say_what_is_missing() -> None:
    found = dict(
        (step.id, message) for step, message in FLOW.missing(replace(READY, data=REMARRIED))
    )
    assert "须与配偶共同申请" in found["members"]
    assert found["materials"].startswith("缺少材料：")
    assert "离婚证" in found["materials"]
    labels = [
        item.label
        for item in missing_materials(required_materials(CATEGORY, REMARRIED), set(READY.uploaded))
    ]
    assert found["materials"] == "缺少材料：" + "、".join(labels)
    subsidy = dict((s.id, m) for s, m in FLOW.missing(replace(READY, guarantee_mode="subsidy")))
    assert "租赁补贴" in subsidy["category"]


@pytest.mark.parametrize(
    ("kept", "facts", "resume"),
    [
        ("members", ApplicationFacts(), "members"),  # where the resident was, even with gaps
        ("review", READY, "review"),
        ("signature", replace(READY, consented=False), "consent"),  # a step no longer known
        ("signature", READY, "review"),  # nothing missing: the last step
    ],
)
def test_the_resident_resumes_where_they_were(kept, facts, resume) -> None:
    assert FLOW.resume(facts, kept=kept).id == resume


@pytest.mark.parametrize(
    ("facts", "opens"),
    [
        (ApplicationFacts(), {"region": "consent", "identity": "region"}),
        (ApplicationFacts(consented=True), {"identity": "region"}),
        (replace(READY, identity_verified=False, signed=False, uploaded=frozenset()), {}),
    ],
)
def test_a_step_opens_once_the_steps_it_needs_are_complete(facts, opens) -> None:
    """The region needs consent, the face check the region; the rest open in any order."""
    for step_id in FLOW.ids:
        refusal = FLOW.refusal(facts, step_id)
        assert (refusal.go_to if refusal else None) == opens.get(step_id), step_id
