from flask import Blueprint

bp = Blueprint("handoff", __name__)
