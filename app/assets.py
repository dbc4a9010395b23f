"""Static asset URLs carry a content hash, so they can be cached for a year."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request, url_for

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    static_dir = Path(app.static_folder or "")

    @lru_cache(maxsize=128)
    def content_hash(filename: str) -> str:
        return hashlib.sha256((static_dir / filename).read_bytes()).hexdigest()[:12]

    def asset(filename: str) -> str:
        return url_for("static", filename=filename, v=content_hash(filename))

    app.jinja_env.globals["asset"] = asset
    app.config["ASSET_VERSION"] = hashlib.sha256(
        "".join(
            content_hash(p.relative_to(static_dir).as_posix())
            for p in sorted(static_dir.rglob("*"))
            if p.is_file()
        ).encode()
    ).hexdigest()[:12]
    app.after_request(_cache_versioned_assets)


def _cache_versioned_assets(response: Response) -> Response:
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response
