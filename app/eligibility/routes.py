"""资格自评 pages: intro, one question per screen, result, help; works signed out."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, request, session, url_for
from flask_login import current_user

from app.confirm_pages import Confirmation, confirm_page
from app.eligibility import bp, questionnaire, questions, services
from app.eligibility.forms import ITEM_FORMS, AnswerForm, answer_form
from app.eligibility.household import Relation, RelativeRelation
from app.eligibility.questions import BY_ID, HELP, Kind, Question
from app.htmx import render, see_other, wants_fragment
from app.inputs import CheckedForm
from app.web import found_or_404

SESSION_KEY = "eligibility_answers"
LIST_LIMITS = {Kind.MEMBERS: questions.MAX_MEMBERS, Kind.RELATIVES: questions.MAX_RELATIVES}


def current_answers() -> dict[str, Any]:
    """Answers from this browser's session, else (signed in) from the saved copy."""
    answers = session.get(SESSION_KEY)
    if answers is None and current_user.is_authenticated:
        answers = services.saved_answers(current_user.id)
        session[SESSION_KEY] = answers
    return dict(answers or {})


def store_answers(answers: dict[str, Any]) -> None:
    session[SESSION_KEY] = answers
    if current_user.is_authenticated:
        services.save_answers(current_user.id, answers)


def _question_or_404(question_id: str) -> Question:
    return found_or_404(BY_ID.get(question_id))


def _where_to_go(question: Question, answers: dict[str, Any]) -> str:
    following = questionnaire.next_question(question.id, answers)
    if following is None:
        return url_for("eligibility.result")
    return url_for("eligibility.question", question_id=following.id)


@bp.get("/")
def index():
    answers = current_answers()
    resume = questionnaire.first_unanswered(answers) if answers else None
    return render(
        "eligibility/index.html",
        title="资格自评",
        has_answers=bool(answers),
        resume=resume,
        complete=bool(answers) and resume is None,
        first=questions.QUESTIONS[0],
    )


@bp.get("/restart")
def confirm_restart():
    return confirm_page(
        "重新开始自评",
        Confirmation(
            question="清空答案，重新开始吗？",
            consequence="已填写的答案会全部清空（登录时保存在账号中的也会清空），"
            "需要从第一题重新回答。",
            action=url_for("eligibility.restart"),
            confirm_label="清空答案",
            cancel_url=url_for("eligibility.index"),
            cancel_label="不清空",
        ),
    )


@bp.post("/restart")
def restart():
    store_answers({})
    return see_other(url_for("eligibility.question", question_id=questions.QUESTIONS[0].id))


@bp.route("/q/<question_id>", methods=["GET", "POST"])
def question(question_id: str):
    question = _question_or_404(question_id)
    answers = current_answers()
    if not question.applies(answers):
        target = questionnaire.first_unanswered(answers)
        if target is None:
            return see_other(url_for("eligibility.result"))
        return see_other(url_for("eligibility.question", question_id=target.id))
    form = None
    if request.method == "POST":
        form = answer_form(question, answers)
        if form.validate():
            answers[question.id] = form.cleaned
            store_answers(answers)
            return see_other(_where_to_go(question, answers))
    return _render_question(question, answers, form=form)


def _render_question(
    question: Question,
    answers: dict[str, Any],
    *,
    form: AnswerForm | None = None,
    item_form: CheckedForm | None = None,
    block: str | None = None,
    focus_last: bool = False,
):
    """The question; ``form`` the answer as posted (refused), ``item_form`` the same for
    the add-a-person form of a list question."""
    position, total = questionnaire.progress(question.id, answers)
    previous = questionnaire.previous_question(question.id, answers)
    error = form.problems.get("answer") if form else None
    value = form.typed()["answer"] if form and "answer" in form else answers.get(question.id)
    if item_form is None and question.kind in ITEM_FORMS:
        item_form = ITEM_FORMS[question.kind](formdata=None)
    return render(
        "eligibility/question.html",
        block,
        title="资格自评",
        question=question,
        value=value,
        error=error,
        item_form=item_form,
        items=answers.get(question.id, []) if question.kind in LIST_LIMITS else [],
        position=position,
        total=total,
        previous_url=url_for("eligibility.question", question_id=previous.id)
        if previous
        else url_for("eligibility.index"),
        help_items=[HELP[term] for term in question.help_terms],
        relations=list(Relation),
        relative_relations=list(RelativeRelation),
        married=answers.get("marital_status") == "married",
        list_limit=LIST_LIMITS.get(question.kind, 0),
        focus_last=focus_last,
    )


@bp.post("/q/<question_id>/items")
def add_item(question_id: str):
    """Add one co-applicant or relative; htmx swaps only the list block."""
    question = _question_or_404(question_id)
    if question.kind not in LIST_LIMITS:
        abort(404)
    answers = current_answers()
    items = list(answers.get(question.id, []))
    form = ITEM_FORMS[question.kind]()
    added = False
    if len(items) >= LIST_LIMITS[question.kind]:
        form.add_problems({"relation": f"最多可添加 {LIST_LIMITS[question.kind]} 项"})
    elif form.validate():
        items.append(form.cleaned)
        answers[question.id] = items
        store_answers(answers)
        added = True
    return _render_question(
        question,
        answers,
        item_form=None if added else form,
        block="items_block",
        focus_last=added,
    )


def _listed_item(question_id: str, index: int) -> tuple[Question, dict[str, Any], list[Any]]:
    """A co-applicant or relative on a list question, its answers and the list; else 404."""
    question = _question_or_404(question_id)
    if question.kind not in LIST_LIMITS:
        abort(404)
    answers = current_answers()
    items = list(answers.get(question.id, []))
    if not 0 <= index < len(items):
        abort(404)
    return question, answers, items


@bp.get("/q/<question_id>/items/<int:index>/delete")
def confirm_delete_item(question_id: str, index: int):
    question, _answers, items = _listed_item(question_id, index)
    return confirm_page(
        "资格自评",
        Confirmation(
            question="确定删除这一项吗？",
            facts=[_describe_item(question, items[index])],
            consequence="删除后，这一项不再计入自评；如需要，可以重新添加。",
            action=url_for("eligibility.delete_item", question_id=question.id, index=index),
            confirm_label="确认删除",
            cancel_url=url_for("eligibility.question", question_id=question.id),
            cancel_label="不删除",
        ),
    )


@bp.post("/q/<question_id>/items/<int:index>/delete")
def delete_item(question_id: str, index: int):
    question, answers, items = _listed_item(question_id, index)
    del items[index]
    answers[question.id] = items
    store_answers(answers)
    flash("已删除这一项", "success")
    if not wants_fragment():  # confirmed on its own page: back to the list
        return see_other(url_for("eligibility.question", question_id=question.id))
    return _render_question(question, answers, block="items_block")


@bp.get("/result")
def result():
    answers = current_answers()
    missing = questionnaire.first_unanswered(answers)
    if missing is not None:
        if answers:
            flash("还有问题没有回答，请继续", "info")
        return see_other(url_for("eligibility.question", question_id=missing.id))
    assessment = services.assess_answers(answers)
    return render(
        "eligibility/result.html",
        title="自评结果",
        assessment=assessment,
        answers=answers,
        asked=questionnaire.applicable(answers),
        asked_checks={
            check_id
            for check_id in questionnaire.CHECK_QUESTIONS
            if questionnaire.asked_check(check_id, answers)
        },
        lianzu_asked=questions.lianzu_possible(answers),
        advice=questionnaire.ADVICE,
        describe=_describe_answer,
    )


def _describe_answer(question: Question, value: Any) -> str:
    """An answer as the resident would say it, for the summary on the result page."""
    if question.kind == Kind.YES_NO:
        return "是" if value else "否"
    if question.kind == Kind.CHOICE:
        return next((o.label for o in question.options if o.value == value), str(value))
    if question.kind == Kind.MULTI:
        labels = [o.label for o in question.options if o.value in value]
        return "、".join(labels) or question.none_option
    if question.kind == Kind.MEMBERS and not value:
        return "无（单独申请）"
    if question.kind in LIST_LIMITS:
        return "、".join(_describe_item(question, item) for item in value)
    if question.kind == Kind.AREA:
        return f"{value:g} {question.unit}"
    return f"{value} {question.unit}"


def _describe_item(question: Question, item: dict[str, Any]) -> str:
    """One co-applicant or relative as the resident would say it."""
    if question.kind == Kind.MEMBERS:
        return f"{Relation(item['relation']).label}（{item['age']}岁）"
    return f"{RelativeRelation(item['relation']).label}：{item['units']}套，共{item['area_m2']:g}平方米"


@bp.get("/help")
def help_page():
    return render("eligibility/help.html", title="名词解释", help_items=list(HELP.values()))
