"""The applications' work queue (公租房申请审核) of the back office, with its filters and
rows, and the registration of the applications' and rent's queues in the 工作台's list
(``app.home.queues``; 续约 and 互换 register theirs from their own staff routes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, or_, select
from sqlalchemy.orm import defer

from app.apply import scope, workflow
from app.apply.categories import Category
from app.apply.models import Application, ApplicationStatus
from app.apply.publicity.models import Objection, ObjectionStatus, PublicityRound
from app.apply.review_policy import review_policy
from app.auth.models import User
from app.auth.roles import Role
from app.core.masking import mask_name
from app.extensions import db
from app.home.queues import Queue, QueueCount, register_queue
from app.housing.models import Street
from app.inputs import arg_page

PAGE_SIZE = 20


# -- applications --------------------------------------------------------------------

VIEWS = {"todo": "待我办理", "all": "全部"}
FLAGS = {"overdue": "已超期", "due_soon": "即将到期", "objection": "有待处理异议"}


def flag_labels() -> dict[str, str]:
    """The filter's labels, with the 即将到期 days in force."""
    days = review_policy().nearly_due
    return {**FLAGS, "due_soon": f"即将到期（{days}个工作日内）"}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    view: str = "todo"
    status: str = ""
    programme: str = ""
    flag: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        page = arg_page(args)
        view = args.get("view", "todo")
        status = args.get("status", "")
        programme = args.get("programme", "")
        flag = args.get("flag", "")
        return cls(
            q=args.get("q", "").strip()[:40],
            view=view if view in VIEWS else "todo",
            status=status if status in {s.value for s in ApplicationStatus} else "",
            programme=programme if programme in {p.value for p in workflow.Programme} else "",
            flag=flag if flag in FLAGS else "",
            page=max(page, 1),
        )

    def args(self, **changes: str | int) -> dict[str, str | int]:
        """Query arguments for a link to these filters with ``changes`` (defaults left out)."""
        values = {**self.__dict__, **changes}
        return {
            key: value for key, value in values.items() if value and (key, value) != ("page", 1)
        }


@dataclass(frozen=True)
class Row:
    application: Application
    masked_name: str
    street_name: str
    programme: workflow.Programme
    status_label: str
    flag: workflow.Flag
    due_on: date | None
    publicity_ends_on: date | None
    publicity_over: bool
    open_objections: int
    can_start_publicity: bool


@dataclass(frozen=True)
class ResultPage:
    rows: list[Row]
    total: int
    page: int
    pages: int
    filters: Filters


def status_label(status: str, track: workflow.Track) -> str:
    if status == ApplicationStatus.RESULT_PUBLICITY and track is workflow.Track.THREE_ROUNDS:
        return "三榜公示中（市）"
    return ApplicationStatus(status).label


def _open_objection_counts() -> Subquery:
    return (
        select(Objection.application_id, func.count(Objection.id).label("n"))
        .join(PublicityRound, PublicityRound.id == Objection.round_id)
        .where(Objection.status == ObjectionStatus.OPEN, PublicityRound.finished_on.is_(None))
        .group_by(Objection.application_id)
        .subquery()
    )


def _search(query: Select, q: str) -> Select:
    if not q:
        return query
    from app.auth.services import vault

    like = f"%{q}%"
    conditions: list[ColumnElement[bool]] = [
        Application.reference.ilike(like),
        User.real_name.ilike(like),
    ]
    if len(q) == 18:
        conditions.append(User.id_number_digest == vault().digest(f"id:{q.upper()}"))
    return query.where(or_(*conditions))


def application_query(user: User, filters: Filters, today: date) -> Select:
    objections = _open_objection_counts()
    query = (
        select(Application, User.real_name, Street.name, objections.c.n)
        .join(User, User.id == Application.applicant_id)
        .outerjoin(Street, Street.id == Application.street_id)
        .outerjoin(objections, objections.c.application_id == Application.id)
        .where(scope.application_filter(user))
        .options(defer(Application.data))  # the wizard's answers are not in the list
    )
    if filters.view == "todo":
        query = query.where(Application.status.in_(sorted(workflow.actionable_statuses(user.role))))
    if filters.status:
        query = query.where(Application.status == filters.status)
    # SQL mirror of workflow.programme_for: 低保/特困/支出型贫困 households are 廉租房.
    if filters.programme == workflow.Programme.LIANZU:
        query = query.where(Application.category == Category.LOW_INCOME)
    elif filters.programme == workflow.Programme.GONGZU:
        query = query.where(
            or_(Application.category.is_(None), Application.category != Category.LOW_INCOME)
        )
    if filters.flag == "objection":
        query = query.where(objections.c.n > 0)
    elif filters.flag in ("overdue", "due_soon"):
        threshold = workflow.nearly_due_threshold(today, review_policy())
        if filters.flag == "overdue":
            query = query.where(Application.current_due_on < today)
        elif threshold is not None:
            query = query.where(
                and_(Application.current_due_on >= today, Application.current_due_on <= threshold)
            )
    return _search(query, filters.q)


def _count(query: Select) -> int:
    """Rows the query would return, counted over ids only (not every column)."""
    ids = query.with_only_columns(Application.id, maintain_column_froms=True)
    return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def application_page(user: User, filters: Filters, today: date) -> ResultPage:
    """One page of the queue: overdue and nearly-due first (earliest deadline first), then
    items without a running deadline, oldest submission first."""
    query = application_query(user, filters, today)
    total = _count(query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    found = db.session.execute(
        query.order_by(
            Application.current_due_on.is_(None),
            Application.current_due_on,
            Application.submitted_at,
            Application.id,
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    rounds = _open_rounds([row[0].id for row in found])
    rows = [
        _row(user, application, name, street, objections or 0, rounds.get(application.id), today)
        for application, name, street, objections in found
    ]
    return ResultPage(rows=rows, total=total, page=page, pages=pages, filters=filters)


def _open_rounds(application_ids: list[int]) -> dict[int, PublicityRound]:
    if not application_ids:
        return {}
    rounds = db.session.scalars(
        select(PublicityRound).where(
            PublicityRound.application_id.in_(application_ids),
            PublicityRound.finished_on.is_(None),
        )
    )
    return {publicity.application_id: publicity for publicity in rounds}


def _row(
    user: User,
    application: Application,
    name: str | None,
    street: str | None,
    objections: int,
    publicity: PublicityRound | None,
    today: date,
) -> Row:
    programme = workflow.programme_for(application.category)
    policy = review_policy()
    track = policy.track(programme, application.status, application.review_track)
    running = application.accepted_on is not None and ApplicationStatus(application.status).is_open
    start = workflow.find(application.status, workflow.Action.START_PUBLICITY, track)
    return Row(
        application=application,
        masked_name=mask_name(name or ""),
        street_name=street or "",
        programme=programme,
        status_label=status_label(application.status, track),
        flag=workflow.deadline_flag(
            today, application.current_due_on, running=running, policy=policy
        ),
        due_on=application.current_due_on,
        publicity_ends_on=publicity.ends_on if publicity else None,
        publicity_over=bool(publicity and today > publicity.ends_on),
        open_objections=objections,
        can_start_publicity=start is not None and user.role in start.roles,
    )


def application_counts(user: User, today: date) -> QueueCount:
    todo = application_query(user, Filters(view="todo"), today)
    waiting = _count(todo)
    threshold = workflow.nearly_due_threshold(today, review_policy())
    due = Application.current_due_on
    flagged_query = todo.where(due <= threshold if threshold else due < today)
    flagged = _count(flagged_query)
    return QueueCount(waiting=waiting, flagged=flagged)


register_queue(
    Queue(
        "applications",
        "公租房申请审核",
        frozenset(scope.APPLICATION_ROLES),
        "staff.applications",
        count=application_counts,
        description="受理、补正、公示、民政核对、终审与资格证明",
        position=10,
    )
)
register_queue(
    Queue(
        "rent",
        "租金与欠租",
        frozenset({Role.LEASE_MANAGER, Role.ADMIN}),
        "rent_staff.arrears",
        description="欠租、线下缴费登记、银行代扣结果导入",
        position=20,
    )
)
