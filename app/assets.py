"""Static assets: content-hashed URLs cached for a year, served pre-compressed.

Files under ``static/`` are small and few, so each is read once, compressed once with
brotli and gzip, and kept in memory per worker; the URL carries the content hash
(``?v=…``), so a changed file is a new URL and old caches never go stale.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, Response, abort, request, url_for

ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    raw: bytes
    br: bytes | None
    gz: bytes | None
    mimetype: str
    etag: str


def init_app(app: Flask) -> None:
    static_dir = Path(app.static_folder or "").resolve()

    @lru_cache(maxsize=256)
    def load(filename: str) -> Asset | None:
        path = (static_dir / filename).resolve()
        if static_dir not in path.parents or not path.is_file():
            return None
        stat = path.stat()
        return _read(path, stat.st_mtime_ns, stat.st_size)

    urls: dict[tuple[str, str], str] = {}

    def asset_url(filename: str) -> str:
        """The versioned URL, built once per file (and per mount point behind a proxy)."""
        key = (request.script_root, filename)
        if key not in urls:
            asset = load(filename)
            urls[key] = url_for("static", filename=filename, v=asset.etag[:12] if asset else None)
        return urls[key]

    def serve_static(filename: str) -> Response:
        asset = load(filename)
        if asset is None:
            abort(404)
        body, encoding = _best_encoding(asset)
        response = Response(body, mimetype=asset.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(asset.etag + (f"-{encoding}" if encoding else ""))
        if request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        response.make_conditional(request)  # in place (it returns the same response)
        return response

    def etag_of(file: Path) -> str:
        asset = load(file.relative_to(static_dir).as_posix())
        if asset is None:  # a link out of static/: not served, so it has no version
            raise RuntimeError(f"{file} resolves outside {static_dir}")
        return asset.etag

    app.view_functions["static"] = serve_static
    app.jinja_env.globals["asset"] = asset_url
    app.extensions["asset_version"] = hashlib.sha256(
        "".join(etag_of(p) for p in sorted(static_dir.rglob("*")) if p.is_file()).encode()
    ).hexdigest()[:12]


@lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int, size: int) -> Asset:
    """One file's bytes, compressed once per process: every app the process creates (the
    tests create thousands) shares the work; a changed file has a new mtime and size."""
    raw = path.read_bytes()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    compressible = mimetype.startswith(COMPRESSIBLE) and len(raw) > 512
    return Asset(
        raw=raw,
        br=brotli.compress(raw, quality=11) if compressible else None,
        gz=gzip.compress(raw, compresslevel=9, mtime=0) if compressible else None,
        mimetype=mimetype,
        etag=hashlib.sha256(raw).hexdigest()[:16],
    )


def _best_encoding(asset: Asset) -> tuple[bytes, str | None]:
    accepted = request.headers.get("Accept-Encoding", "")
    if asset.br is not None and "br" in accepted:
        return asset.br, "br"
    if asset.gz is not None and "gzip" in accepted:
        return asset.gz, "gzip"
    return asset.raw, None
