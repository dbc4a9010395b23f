"""资格自评 pages: intro, one question per screen, result, help; works signed out."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, request, session, url_for
from flask_login import current_user

from app.eligibility import answer_parsing, bp, questionnaire, questions, services
from app.eligibility.answer_parsing import AnswerError
from app.eligibility.household import Relation, RelativeRelation
from app.eligibility.questions import BY_ID, HELP, Kind, Question
from app.htmx import render, see_other

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
    question = BY_ID.get(question_id)
    if question is None:
        abort(404)
    return question


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
    error: AnswerError | None = None
    submitted: dict[str, Any] = {}
    if request.method == "POST":
        try:
            answers[question.id] = _read_answer(question, answers)
        except AnswerError as problem:
            error = problem
            submitted = {"answer": _raw_answer(question)}
        else:
            store_answers(answers)
            return see_other(_where_to_go(question, answers))
    return _render_question(question, answers, error=error, submitted=submitted)


def _raw_answer(question: Question) -> Any:
    if question.kind == Kind.MULTI:
        return request.form.getlist("answer")
    return request.form.get("answer", "")


def _read_answer(question: Question, answers: dict[str, Any]) -> Any:
    if question.kind == Kind.MEMBERS:
        members = list(answers.get(question.id, []))
        answer_parsing.validate_members(members, answers)
        return members
    if question.kind == Kind.RELATIVES:
        relatives = list(answers.get(question.id, []))
        if not relatives:
            raise AnswerError("请至少添加一位亲属；如果没有，请点“上一步”改为“否”")
        return relatives
    return answer_parsing.parse_answer(question, {"answer": _raw_answer(question)})


def _render_question(
    question: Question,
    answers: dict[str, Any],
    *,
    error: AnswerError | None = None,
    submitted: dict[str, Any] | None = None,
    item_error: AnswerError | None = None,
    item_values: dict[str, str] | None = None,
    block: str | None = None,
    focus_last: bool = False,
):
    position, total = questionnaire.progress(question.id, answers)
    previous = questionnaire.previous_question(question.id, answers)
    submitted = submitted or {}
    value = submitted.get("answer", answers.get(question.id))
    return render(
        "eligibility/question.html",
        block,
        title="资格自评",
        question=question,
        value=value,
        error=error,
        item_error=item_error,
        item_values=item_values or {},
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
    item_error = None
    try:
        if len(items) >= LIST_LIMITS[question.kind]:
            raise AnswerError(f"最多可添加 {LIST_LIMITS[question.kind]} 项", "relation")
        parse = (
            answer_parsing.parse_member
            if question.kind == Kind.MEMBERS
            else answer_parsing.parse_relative
        )
        items.append(parse(request.form))
    except AnswerError as problem:
        item_error = problem
    else:
        answers[question.id] = items
        store_answers(answers)
    return _render_question(
        question,
        answers,
        item_error=item_error,
        item_values=request.form.to_dict() if item_error else {},
        block="items_block",
        focus_last=item_error is None,
    )


@bp.post("/q/<question_id>/items/<int:index>/delete")
def delete_item(question_id: str, index: int):
    question = _question_or_404(question_id)
    if question.kind not in LIST_LIMITS:
        abort(404)
    answers = current_answers()
    items = list(answers.get(question.id, []))
    if not 0 <= index < len(items):
        abort(404)
    del items[index]
    answers[question.id] = items
    store_answers(answers)
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
    if question.kind == Kind.MEMBERS:
        if not value:
            return "无（单独申请）"
        return "、".join(
            f"{Relation(m['relation']).label}（{m['age']}岁）"  # type: ignore[call-arg]  # lookup by value; mypy checks it against LabelledEnum.__new__ (python/mypy#10573)
            for m in value
        )
    if question.kind == Kind.RELATIVES:
        return "、".join(
            f"{RelativeRelation(r['relation']).label}：{r['units']}套，共{r['area_m2']:g}平方米"  # type: ignore[call-arg]  # python/mypy#10573, as above
            for r in value
        )
    if question.kind == Kind.AREA:
        return f"{value:g} {question.unit}"
    return f"{value} {question.unit}"


@bp.get("/help")
def help_page():
    return render("eligibility/help.html", title="名词解释", help_items=list(HELP.values()))
