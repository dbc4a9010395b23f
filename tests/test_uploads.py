"""The one upload helper (app.uploads): pixel limit as an error, pixels only kept,
scaled to a sensible size. Each upload path has its own test in its area."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.handoff.photos import UnreadablePhoto, decode_photo
from app.uploads import MAX_EDGE, MAX_PIXELS, TooManyPixels, UploadError, clean_upload, open_image
from tests.hostile_images import HTML, assert_pixels_only, huge_jpeg, jpeg_with_html


def test_a_72_megapixel_image_is_refused_before_decoding() -> None:
    data = huge_jpeg()
    assert len(data) < 1024 * 1024 and MAX_PIXELS < 8500 * 8500
    with pytest.raises(TooManyPixels, match="像素过大"):
        open_image(data)
    with pytest.raises(UploadError, match="像素过大"):
        clean_upload(data)
    with pytest.raises(UnreadablePhoto, match="尺寸过大"):  # the face step, same helper
        decode_photo(data)


def test_html_in_a_comment_and_every_segment_is_dropped() -> None:
    clean = clean_upload(jpeg_with_html())
    assert clean.content_type == "image/jpeg"
    assert_pixels_only(clean.data)
    assert clean.thumbnail and HTML not in clean.thumbnail


def test_the_same_for_png_with_text_chunks_and_alpha() -> None:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", HTML.decode())
    out = io.BytesIO()
    Image.new("RGBA", (300, 300), (10, 20, 30, 128)).save(out, format="PNG", pnginfo=text)
    assert HTML in out.getvalue()
    clean = clean_upload(out.getvalue())
    assert clean.content_type == "image/png" and HTML not in clean.data
    assert Image.open(io.BytesIO(clean.data)).text == {}


def test_large_photos_are_scaled_down_and_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (200, 50, 50)).save(out, format="JPEG", exif=exif)
    clean = clean_upload(out.getvalue())
    kept = Image.open(io.BytesIO(clean.data))
    assert kept.size == (round(MAX_EDGE * 4000 / 6000), MAX_EDGE)  # upright, long edge MAX_EDGE
    assert_pixels_only(clean.data)


def test_small_photos_keep_their_size() -> None:
    clean = clean_upload(jpeg_with_html((800, 600)))
    assert Image.open(io.BytesIO(clean.data)).size == (800, 600)
