from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import page_text


def test_manifest_is_installable_shape(client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] and manifest["short_name"] == "安居"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["theme_color"].startswith("#")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_icons_are_real_pngs_of_the_declared_size(client) -> None:
    for size in (192, 512):
        response = client.get(f"/icons/icon-{size}.png")
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG" and image.size == (size, size)
    assert client.get("/icons/icon-100.png").status_code == 404


def test_service_worker_caches_only_the_shell(client) -> None:
    response = client.get("/sw.js")
    body = page_text(response)
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert '"/offline"' in body and "/static/css/app.css?v=" in body
    assert "/messages" not in body and "/auth" not in body
    assert 'request.method !== "GET"' in body


def test_offline_page_has_no_personal_data(client) -> None:
    html = page_text(client.get("/offline"))
    assert "网络连接已断开" in html
    assert "csrf" not in html.lower()


def test_versioned_static_assets_are_cached_for_a_year(client) -> None:
    html = page_text(client.get("/"))
    start = html.index("/static/css/app.css?v=")
    url = html[start : html.index('"', start)]
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()
