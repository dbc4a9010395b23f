"""App icons drawn with Pillow (a house on the theme colour), so no binary is checked in."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

THEME_COLOUR = "#b5282b"
ICON_SIZES = (192, 512)


@lru_cache(maxsize=len(ICON_SIZES) * 2)
def icon_png(size: int, maskable: bool = False) -> bytes:
    """A square PNG icon; maskable icons keep the drawing inside the 80% safe zone."""
    image = Image.new("RGB", (size, size), THEME_COLOUR)
    draw = ImageDraw.Draw(image)
    scale = size / 100
    inset = 10 if maskable else 0
    span = 100 - 2 * inset

    def point(x: float, y: float) -> tuple[float, float]:
        return ((inset + x * span / 100) * scale, (inset + y * span / 100) * scale)

    white = "#ffffff"
    draw.polygon([point(50, 16), point(86, 46), point(14, 46)], fill=white)  # roof
    draw.rectangle([point(24, 44), point(76, 84)], fill=white)  # walls
    draw.rectangle([point(43, 60), point(57, 84)], fill=THEME_COLOUR)  # door
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
