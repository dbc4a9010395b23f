"""Rate limits that hold across workers, and that fail closed.

Limits live in ``RATELIMIT_STORAGE_URI`` (Redis in production, so every worker counts
the same attempts). When that storage cannot be reached the limited endpoints — sign-in,
the QR short code, objections — refuse with a Chinese explanation (503) instead of
running unlimited; pages without a limit never touch the storage and serve as usual.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template, request
from limits.errors import StorageError

log = logging.getLogger(__name__)

UNAVAILABLE_HEADING = "暂时无法办理"
UNAVAILABLE_DETAIL = (
    "安全校验服务暂时连接不上。为保护您的账号，登录、验证码等操作暂停受理，"
    "请几分钟后再试；其他页面可以正常使用。急需办理请到服务窗口。"
)
RETRY_AFTER_SECONDS = 60


def init_app(app: Flask) -> None:
    app.register_error_handler(StorageError, _storage_unavailable)


def _storage_unavailable(error: StorageError) -> Response:
    log.error(
        "rate limit storage unreachable (%s); refusing %s", type(error).__name__, request.path
    )
    response = make_response(
        render_template(
            "errors/error.html",
            title=UNAVAILABLE_HEADING,
            heading=UNAVAILABLE_HEADING,
            detail=UNAVAILABLE_DETAIL,
            code=503,
        ),
        503,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return whole_page_for_htmx(response)


def whole_page_for_htmx(response: Response) -> Response:
    """A refusal page replaces the whole page, also when htmx sent the request (a boosted
    form or a fragment): base.html lets htmx swap 429 and 503, and this retargets it."""
    if request.headers.get("HX-Request"):
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response
