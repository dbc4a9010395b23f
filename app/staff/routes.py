"""业务办理: the back office. Thin views: parse, call a service, render or redirect.

Every page needs a staff account (checked here for the whole blueprint); each view checks
the role (``access.roles``). The 工作台 is here; the application review's pages are in
``review_routes``, accounts and the audit log in ``admin_routes``.
"""

from __future__ import annotations

from flask_login import current_user

from app.apply.scope import missing_scope
from app.core import clock
from app.home.queues import queues_for
from app.htmx import render
from app.staff import admin_routes as _admin_routes  # noqa: F401  (accounts, audit log)
from app.staff import bp
from app.staff import cards as _cards  # noqa: F401  (registers the home card)
from app.staff import policy_page as _policy_page  # noqa: F401  (the 政策参数 page)
from app.staff import review_routes as _review_routes  # noqa: F401  (申请审核)
from app.web import staff_only

staff_only(bp)


# -- 工作台 -----------------------------------------------------------------------------


@bp.get("/")
def index():
    today = clock.today_in_china()
    return render(
        "staff/index.html",
        title="业务办理",
        links=queues_for(current_user, today),
        scope_problem=missing_scope(current_user),
        today=today,
    )
