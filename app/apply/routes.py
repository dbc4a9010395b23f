"""公租房申请: entry page and the draft."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from app.apply import bp
from app.apply.categories import Category
from app.apply.services import active_application
from app.eligibility.household import Relation
from app.htmx import render, see_other


@bp.get("/")
def index():
    application = active_application(current_user.id) if current_user.is_authenticated else None
    return render("apply/index.html", title="公租房申请", application=application)


@bp.get("/draft")
@login_required
def draft():
    application = active_application(current_user.id)
    if application is None:
        return see_other(url_for("apply.index"))
    data = application.data or {}
    members = [
        {"relation_label": Relation(m["relation"]).label, "age": m["age"]}
        for m in data.get("members", [])
    ]
    return render(
        "apply/draft.html",
        title="我的申请",
        application=application,
        category=Category(application.category) if application.category else None,
        members=members,
        assets=data.get("assets", {"vehicles": [], "real_estate": [], "businesses": []}),
    )
