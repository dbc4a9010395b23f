"""The application card on the home page: a draft to go on with, a correction to make,
a review under way, or the 资格证明 once qualified."""

from __future__ import annotations

from flask import url_for

from app.apply import services
from app.apply.models import Application, ApplicationStatus
from app.apply.steps import FLOW
from app.auth.models import User
from app.core.clock import to_china_time
from app.home.cards import HomeCard, home_card_provider

# Closed applications that still have something to show: the outcome and its reason.
_OUTCOMES = (ApplicationStatus.NOT_ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.STOPPED)


def draft_progress(application: Application) -> str:
    """“已填到第5步（共8步）：家庭成员”: where the draft's furthest step is."""
    step = FLOW.step(application.current_step)
    return f"已填到第{FLOW.number(step.id)}步（共{FLOW.total}步）：{step.label}"


@home_card_provider
def application_card(user: User) -> list[HomeCard]:
    if user.is_staff:
        return []
    application = services.shown_application(user.id)
    if application is None:
        return []
    status = application.status
    if status is ApplicationStatus.DRAFT:
        saved = to_china_time(application.updated_at)
        return [
            HomeCard(
                title="公租房申请未填完",
                body=f"{draft_progress(application)}，上次保存于 {saved:%m月%d日 %H:%M}。",
                link=url_for("apply.resume"),
                action="继续填写申请",
                tone="warning",
                priority=25,
            )
        ]
    if status is ApplicationStatus.CORRECTION_REQUESTED:
        return [
            HomeCard(
                title="申请材料需要补正",
                body="街道办事处请您补正部分内容，补齐后即予受理。",
                link=url_for("apply.status"),
                action="查看并补正",
                tone="warning",
                priority=22,
            )
        ]
    if status.is_open:
        return [
            HomeCard(
                title="公租房申请审核中",
                body=f"当前进度：{status.label}。",
                link=url_for("apply.status"),
                action="我的申请",
                priority=45,
            )
        ]
    if status is ApplicationStatus.QUALIFIED:
        return [
            HomeCard(
                title="已取得住房保障资格",
                body="资格证明可在“我的申请”中查看和打印。",
                link=url_for("apply.status"),
                action="我的申请",
                tone="success",
                priority=55,
            )
        ]
    if status in _OUTCOMES:
        return [
            HomeCard(
                title=f"公租房申请{status.label}",
                body="原因和咨询电话在“我的申请”中。",
                link=url_for("apply.status"),
                action="我的申请",
                priority=55,
            )
        ]
    return []
