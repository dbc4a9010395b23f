"""开始申请 from the 资格自评 result: a draft prefilled from the answers.

The page and its URL (``/eligibility/start-application``, endpoint
``eligibility.start_application``) belong to the questionnaire; the view lives here because it
starts an application, and the eligibility area sits below apply (it must not import it).
"""

from __future__ import annotations

from flask import flash, url_for
from flask_login import current_user, login_required

from app.apply.services import start_from_eligibility
from app.eligibility import bp, questionnaire
from app.eligibility.routes import current_answers
from app.htmx import see_other


@bp.post("/start-application")
@login_required
def start_application():
    answers = current_answers()
    if not questionnaire.is_complete(answers):
        flash("请先完成资格自评的全部问题", "info")
        return see_other(url_for("eligibility.index"))
    if not current_user.has_real_name:
        flash("开始申请前，请先完成实名认证", "info")
        return see_other(url_for("auth.real_name"))
    _application, created = start_from_eligibility(current_user.id, answers)
    if created:
        flash("已根据您的自评答案生成申请草稿，请核对并继续填写", "success")
    else:
        flash("您已有一份进行中的申请，已为您打开", "info")
    return see_other(url_for("apply.draft"))
