from flask import Blueprint

bp = Blueprint("swap", __name__, url_prefix="/swap")
