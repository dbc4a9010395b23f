"""The step engine (app/core/steps.py) on a small flow of its own: order, resume, refusals,
locks, the counter, and a free-order flow."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.core.steps import Flow, Step


@dataclass(frozen=True)
class Form:
    name: bool = False
    photo: bool = False
    paid: bool = False


def _needs(flag: str):
    return lambda form: None if getattr(form, flag) else f"缺少{flag}"


ORDERED = Flow(
    "toy",
    steps=(
        Step("name", "填写姓名", _needs("name"), endpoint="toy.name"),
        Step(
            "photo",
            "上传照片",
            _needs("photo"),
            locked=lambda form: "已缴费，照片不能再改" if form.paid else None,
            endpoint="toy.photo",
        ),
        Step("pay", "缴费", _needs("paid"), endpoint="toy.pay"),
    ),
    done=Step("done", "已完成", endpoint="toy.done"),
)
FREE = Flow("toy.free", steps=ORDERED.steps, ordered=False)


@pytest.mark.parametrize(
    ("form", "resume", "missing"),
    [
        (Form(), "name", ["name", "photo", "pay"]),
        (Form(name=True), "photo", ["photo", "pay"]),
        (Form(name=True, photo=True), "pay", ["pay"]),
        (Form(name=True, photo=True, paid=True), "done", []),
        (Form(photo=True), "name", ["name", "pay"]),  # a gap: resume at the first one missing
    ],
)
def test_an_ordered_flow_resumes_at_the_first_step_missing(form, resume, missing) -> None:
    assert ORDERED.resume(form).id == resume
    assert [step.id for step, _message in ORDERED.missing(form)] == missing
    assert ORDERED.finished(form) is (not missing)


@pytest.mark.parametrize(
    ("form", "wanted", "go_to"),
    [
        (Form(), "name", None),
        (Form(), "photo", "name"),
        (Form(), "pay", "name"),
        (Form(), "done", "name"),
        (Form(name=True), "photo", None),
        (Form(name=True), "pay", "photo"),
        (Form(name=True, photo=True), "pay", None),
        (Form(name=True, photo=True), "done", "pay"),
        (Form(name=True, photo=True, paid=True), "done", None),
        (Form(name=True, photo=True, paid=True), "photo", "photo"),  # locked, stays
    ],
)
def test_a_step_opened_before_its_turn_names_the_step_to_do_first(form, wanted, go_to) -> None:
    refusal = ORDERED.refusal(form, wanted)
    assert (refusal.go_to if refusal else None) == go_to


def test_refusals_say_what_to_do_in_the_flow_s_words() -> None:
    assert ORDERED.refusal(Form(), "pay").message == "请先完成“填写姓名”。"
    locked = ORDERED.refusal(Form(name=True, photo=True, paid=True), "photo")
    assert locked.message == "已缴费，照片不能再改"
    worded = Flow("w", steps=ORDERED.steps, blocked="请先完成上一步：{label}。")
    assert worded.refusal(Form(name=True), "pay").message == "请先完成上一步：上传照片。"


def test_a_free_order_flow_opens_any_step_and_resumes_where_the_person_was() -> None:
    assert FREE.refusal(Form(), "pay") is None
    assert FREE.resume(Form(), kept="pay").id == "pay"
    assert FREE.resume(Form(name=True), kept="gone").id == "photo"  # unknown: first missing
    assert FREE.resume(Form(name=True, photo=True, paid=True)).id == "pay"  # no done page
    assert FREE.refusal(Form(paid=True), "photo").message == "已缴费，照片不能再改"


def test_counter_and_neighbours() -> None:
    assert [ORDERED.number(i) for i in ("name", "photo", "pay", "done")] == [1, 2, 3, 3]
    assert ORDERED.total == 3
    assert ORDERED.next("name").id == "photo"
    assert ORDERED.next("pay") is None
    assert ORDERED.previous("name") is None
    assert ORDERED.previous("pay").id == "photo"
    assert ORDERED.furthest("photo", "name") == "photo"
    assert ORDERED.furthest("name", "pay") == "pay"
    assert ORDERED.step("done").endpoint == "toy.done"
    with pytest.raises(KeyError):
        ORDERED.step("nowhere")


def test_step_ids_are_unique() -> None:
    with pytest.raises(ValueError, match="repeat"):
        Flow("bad", steps=(Step("a", "A"), Step("a", "B")))


def test_a_free_order_step_needs_only_what_it_reads() -> None:
    flow = Flow(
        "needs",
        steps=(
            Step("name", "填写姓名", _needs("name")),
            Step("photo", "上传照片", _needs("photo")),
            Step("pay", "缴费", _needs("paid"), needs=("photo",)),
        ),
        ordered=False,
    )
    assert flow.refusal(Form(), "photo") is None
    assert flow.refusal(Form(), "pay").go_to == "photo"
    assert flow.refusal(Form(photo=True), "pay") is None  # the name is not read by 缴费
    with pytest.raises(ValueError, match="not before it"):
        Flow("bad", steps=(Step("a", "A", needs=("b",)), Step("b", "B")), ordered=False)


def test_waiting_names_the_step_and_what_it_still_needs() -> None:
    assert ORDERED.waiting(Form(), "pay") == (ORDERED.step("name"), "缺少name")
    assert ORDERED.waiting(Form(name=True), "pay") == (ORDERED.step("photo"), "缺少photo")
    assert ORDERED.waiting(Form(name=True), "photo") is None


def test_after_a_step_comes_the_next_then_the_page_after_the_last() -> None:
    assert ORDERED.after("name").id == "photo"
    assert ORDERED.after("pay").id == "done"
    assert FREE.after("pay").id == "pay"  # no page after: stay on the last step
