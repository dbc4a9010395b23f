from flask import Blueprint

bp = Blueprint("apply", __name__, url_prefix="/apply")
