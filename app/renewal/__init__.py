from flask import Blueprint

bp = Blueprint("renewal", __name__, url_prefix="/renewal")
