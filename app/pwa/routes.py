"""Web app manifest, service worker, icons and the offline page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

from flask import Response, abort, current_app, render_template, url_for

from app.pwa import bp
from app.pwa.icons import ICON_SIZES, THEME_COLOUR, icon_png

ONE_YEAR = 365 * 24 * 3600


@bp.get("/manifest.webmanifest")
def manifest():
    icons = [
        {"src": url_for("pwa.icon", size=size), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in ICON_SIZES
    ] + [
        {
            "src": url_for("pwa.icon", size=size, maskable=1),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in ICON_SIZES
    ]
    body = {
        "name": "安居 · 公租房服务",
        "short_name": "安居",
        "description": "公租房申请、租金缴纳、互换与续约",
        "lang": "zh-CN",
        "start_url": url_for("home.index", source="pwa"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.cache_control.max_age = 3600
    return response


@bp.get("/icons/icon-<int:size>.png")
def icon(size: int):
    from flask import request

    if size not in ICON_SIZES:
        abort(404)
    png = icon_png(size, maskable=request.args.get("maskable") == "1")
    response = Response(png, mimetype="image/png")
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.public = True
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so its scope is the whole app; never cached long."""
    body = render_template(
        "pwa/sw.js",
        cache_name=f"anju-shell-{current_app.extensions['asset_version']}",
        precache=precache_urls(),
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def precache_urls() -> list[str]:
    """The shell: offline page and static assets. Never personal pages."""
    # ``app.assets`` puts its URL builder among the template globals, which hold any object.
    assets = cast(Callable[[str], str], current_app.jinja_env.globals["asset"])
    return [
        url_for("pwa.offline"),
        assets("css/app.css"),
        assets("js/htmx-2.0.11.min.js"),
        assets("js/app.js"),
        url_for("pwa.icon", size=192),
    ]


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html", title="网络不可用", offline_page=True)
