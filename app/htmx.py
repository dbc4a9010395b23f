"""One place decides whether a response is a full page or an htmx fragment.

A template is one page; the region htmx swaps is a ``{% block %}`` in it, rendered
alone with jinja2-fragments. Boosted navigations and history restores get the full
page, so back, refresh and deep links always work.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Response, get_flashed_messages, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page (not boosted, not a restore)."""
    hx = getattr(request, "htmx", None)
    if not hx:
        return False
    return not hx.boosted and not hx.history_restore_request


def is_htmx() -> bool:
    """True for any request htmx sent (``HX-Request: true``): a fragment, boosted or not."""
    return bool(getattr(request, "htmx", None))


def render(
    template: str, block: str | None = None, *, status: int = 200, **context: Any
) -> Response:
    """Render ``template`` as a full page, or only ``block`` for an htmx fragment request."""
    if block and wants_fragment():
        body = render_block(template, block, **context) + _flashes_out_of_band()
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def see_other(location: str) -> Response:
    """303 after a POST. htmx follows it and, for boosted forms, pushes the final URL."""
    # Flask annotates redirect() with werkzeug's base Response; in a request it builds
    # app.response_class, this Response.
    return cast(Response, redirect(location, code=303))


def _flashes_out_of_band() -> str:
    """A message flashed while answering a form sent by htmx shows now, in the page's live
    region, not on whichever page loads next. A GET fragment (a poll, search results)
    leaves waiting messages for their page."""
    if request.method == "GET":
        return ""
    messages = get_flashed_messages(with_categories=True)
    if not messages:
        return ""
    items = render_template("_flashes.html", messages=messages)
    return f'<div id="flash" hx-swap-oob="innerHTML">{items}</div>'
