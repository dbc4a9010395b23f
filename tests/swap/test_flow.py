"""The swap application's flow (app/swap/rules.py FLOW) as a table: for one tenant's partial
progress, the step to do next, what is missing and why a step is refused."""

from __future__ import annotations

import pytest

from app.swap.rules import FLOW, PartyProgress


def party(reason=False, files=0, signed=False, issued=False, paid=False) -> PartyProgress:
    return PartyProgress(reason, files, signed, issued, paid)


@pytest.mark.parametrize(
    ("state", "resume", "missing", "sign", "prepay", "reason"),
    [
        (party(), "reason", ["reason", "sign", "prepay"], "请先完成上一步：填写互换理由并上传证明材料。",
         "请先完成上一步：填写互换理由并上传证明材料。", None),
        (party(reason=True), "reason", ["reason", "sign", "prepay"],  # a reason without proof
         "请先完成上一步：填写互换理由并上传证明材料。", "请先完成上一步：填写互换理由并上传证明材料。", None),
        (party(reason=True, files=2), "sign", ["sign", "prepay"], None,
         "请先完成上一步：签署《承诺书》。", None),
        (party(reason=True, files=1, signed=True, issued=True), "prepay", ["prepay"], None, None,
         "您已签署《承诺书》，互换理由和证明材料不能再修改。"),
        (party(reason=True, files=1, signed=True, issued=True, paid=True), None, [], None, None,
         "您已签署《承诺书》，互换理由和证明材料不能再修改。"),
    ],
)  # fmt: skip
def test_one_tenant_s_steps(state, resume, missing, sign, prepay, reason) -> None:
    found = FLOW.first_incomplete(state)
    assert (found.id if found else None) == resume
    assert [step.id for step, _message in FLOW.missing(state)] == missing
    refusals = {s: FLOW.refusal(state, s) for s in ("sign", "prepay", "reason")}
    assert {s: r.message if r else None for s, r in refusals.items()} == {
        "sign": sign,
        "prepay": prepay,
        "reason": reason,
    }
