"""View helpers every area shares, written once: who may use a back-office blueprint or
view, the client's address for the audit log, a private file response, and the status
that tells htmx to stop polling."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import IO, TYPE_CHECKING, Any, TypeVar

from flask import Blueprint, Response, abort, request, send_file
from flask_login import current_user

from app.extensions import login_manager

if TYPE_CHECKING:
    from app.auth.roles import Role

T = TypeVar("T")

# htmx swaps a 286 response and stops the element's `every Ns` polling trigger.
STOP_POLLING = 286


def staff_only(bp: Blueprint, allowed: Collection[Role] | None = None) -> None:
    """Every view of ``bp`` needs a signed-in staff member (of ``allowed`` roles, if
    given): a visitor is sent to sign in, a resident or another role gets 403."""

    @bp.before_request
    def require_staff() -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        permitted = current_user.is_staff if allowed is None else current_user.role in allowed
        if not permitted:
            abort(403)
        return None


def roles(*allowed: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view only these roles may use (403 for the others): ``@roles(Role.A, Role.B)``."""
    permitted = frozenset(allowed)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in permitted:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def client_ip() -> str | None:
    """The address the audit log records (``ProxyFix`` has applied the trusted proxy)."""
    return request.remote_addr


def private_file(
    handle: IO[bytes],
    mimetype: str,
    name: str,
    *,
    download: bool = False,
    cache: str = "private, no-store",
) -> Response:
    """A stored file under a generated ``name``, shown inline (or downloaded), never cached
    unless ``cache`` says so."""
    response = send_file(handle, mimetype=mimetype, download_name=name, max_age=0)
    response.headers["Cache-Control"] = cache
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def found_or_404(found: T | None) -> T:
    """``found``, or 404 when it is None: not there, or not this person's to see."""
    if found is None:
        abort(404)
    return found
