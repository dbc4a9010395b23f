from flask import Blueprint

bp = Blueprint("publicity", __name__)
