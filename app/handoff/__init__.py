from flask import Blueprint

bp = Blueprint("handoff", __name__)

from app.handoff import routes  # noqa: E402, F401
