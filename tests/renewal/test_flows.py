"""The renewal's two flows (app/renewal/rules.py APPLY_FLOW, SIGN_FLOW) as tables: for partial
renewals, where the tenant resumes, what is missing, and which page is refused."""

from __future__ import annotations

import pytest

from app.renewal.rules import APPLY_FLOW, SIGN_FLOW, RenewalFacts

SIGN_ORDER = ("started", "sign_confirmed", "read", "copied", "signed")


def signing(done: int) -> RenewalFacts:
    """A renewal with the first ``done`` signing steps taken."""
    return RenewalFacts(**{flag: True for flag in SIGN_ORDER[:done]})


@pytest.mark.parametrize(
    ("facts", "resume", "missing", "refused", "go_to"),
    [
        (RenewalFacts(), "declaration", ["declaration", "confirm", "materials"], "confirm",
         "declaration"),
        (RenewalFacts(declared=True), "confirm", ["confirm", "materials"], "materials", "confirm"),
        (RenewalFacts(declared=True, confirmed=True), "materials", ["materials"], "done",
         "materials"),
        (RenewalFacts(declared=True, confirmed=True, submitted=True), "done", [], None, None),
    ],
)  # fmt: skip
def test_the_application_flow(facts, resume, missing, refused, go_to) -> None:
    assert APPLY_FLOW.resume(facts).id == resume
    assert [step.id for step, _message in APPLY_FLOW.missing(facts)] == missing
    if refused:
        refusal = APPLY_FLOW.refusal(facts, refused)
        assert refusal.go_to == go_to
        assert refusal.message == f"请先完成“{APPLY_FLOW.step(go_to).label}”。"
    complete = APPLY_FLOW.total - len(missing)
    for position, step_id in enumerate(APPLY_FLOW.ids):
        assert (APPLY_FLOW.refusal(facts, step_id) is None) is (position <= complete), step_id


@pytest.mark.parametrize(
    ("done", "resume"),
    [(0, "contract"), (1, "confirm"), (2, "commitment"), (3, "copy"), (4, "face"), (5, "signed")],
)
def test_the_signing_flow(done, resume) -> None:
    facts = signing(done)
    assert SIGN_FLOW.resume(facts).id == resume
    assert [step.id for step, _m in SIGN_FLOW.missing(facts)] == SIGN_FLOW.ids[done:]
    for position, step_id in enumerate(SIGN_FLOW.ids):
        refusal = SIGN_FLOW.refusal(facts, step_id)
        assert (refusal is None) is (position <= done), step_id
        if refusal:
            assert refusal.go_to == resume
    assert (SIGN_FLOW.refusal(facts, "signed") is None) is (done == 5)


def test_the_counter_shows_the_page_after_the_last_step_as_the_last() -> None:
    assert [APPLY_FLOW.number(i) for i in ("declaration", "materials", "done")] == [1, 3, 3]
    assert SIGN_FLOW.step("signed").label == "签订成功"
    assert SIGN_FLOW.step("signed").endpoint == "renewal.sign_done"
