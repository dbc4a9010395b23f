"""Who may use a back-office page: the role check every view declares, and the client's
address the audit log records."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from app.auth.roles import Role


def roles(*allowed: Role):
    def decorate(view):
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if current_user.role_enum not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def client_ip() -> str | None:
    return request.remote_addr
