"""Images a tester would upload, and a check that what we keep is pixels only."""

from __future__ import annotations

import io
import struct
from functools import cache

from PIL import Image

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@cache
def huge_jpeg() -> bytes:
    """8500 x 8500 (72 MP): between Pillow's warning and error limits, under 1 MB."""
    out = io.BytesIO()
    Image.new("L", (8500, 8500), 128).save(out, format="JPEG", quality=30)
    return out.getvalue()


@cache
def huge_png() -> bytes:
    """8500 x 8500 (72 MP) in black and white: a few KB on the wire."""
    out = io.BytesIO()
    Image.new("1", (8500, 8500), 1).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_html(size: tuple[int, int] = (640, 480)) -> bytes:
    """A real photo carrying HTML in a comment, EXIF (GPS, camera) and an ICC segment."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (29.0, 42.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", comment=HTML, exif=exif, icc_profile=HTML * 4)
    data = out.getvalue()
    assert HTML in data and b"SecretCam" in data
    return data


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its image data (SOS)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF, "broken segment chain"
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: pixels follow
            return markers
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        markers.append(marker)
        at += 2 + length
    raise AssertionError("no image data")


def assert_pixels_only(data: bytes) -> None:
    """No comment, EXIF, ICC or other application segment; the JFIF header libjpeg
    writes (APP0) is the one allowed."""
    assert HTML not in data and b"<script" not in data and b"SecretCam" not in data
    if data[:2] == b"\xff\xd8":
        extra = [hex(m) for m in jpeg_segments(data) if m == 0xFE or 0xE1 <= m <= 0xEF]
        assert extra == [], f"segments kept: {extra}"
    image = Image.open(io.BytesIO(data))
    assert "comment" not in image.info and "icc_profile" not in image.info
    assert dict(image.getexif()) == {}
