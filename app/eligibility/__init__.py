"""资格自评: the eligibility questionnaire and the one rules engine behind it.

The engine (``household``, ``policy``, ``rules``) and the questionnaire flow
(``questionnaire``) import no Flask; ``routes`` is the web front, ``cli`` the command.
"""

from flask import Blueprint

bp = Blueprint("eligibility", __name__, url_prefix="/eligibility")
