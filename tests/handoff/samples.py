"""Test photos: a real face (scikit-image's public-domain astronaut portrait of Eileen
Collins, NASA), real photos without a face, and images made here."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
from PIL import Image
from skimage import data

from app.core.clock import CHINA_TZ


def encode(image: Image.Image, kind: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def astronaut() -> Image.Image:
    return Image.fromarray(data.astronaut())


def face_jpeg(**options) -> bytes:
    return encode(astronaut(), quality=90, **options)


def two_faces_jpeg() -> bytes:
    portrait = data.astronaut()
    return encode(Image.fromarray(np.hstack([portrait, portrait])))


def coffee_jpeg() -> bytes:
    """A real photo with no face in it (a cup of coffee)."""
    return encode(Image.fromarray(data.coffee()))


def cat_jpeg() -> bytes:
    """A real photo of a cat's face: not a human face."""
    return encode(Image.fromarray(data.chelsea()))


def gradient_png(width: int = 640, height: int = 480) -> bytes:
    """A sky-to-ground landscape gradient: photo-sized, bright enough, no face."""
    sky = np.linspace([90, 150, 230], [200, 220, 250], height // 2)
    ground = np.linspace([60, 140, 60], [30, 90, 30], height - height // 2)
    rows = np.vstack([sky, ground]).astype(np.uint8)
    return encode(Image.fromarray(np.repeat(rows[:, None, :], width, axis=1)), "PNG")


def dark_face_jpeg() -> bytes:
    return encode(Image.fromarray((data.astronaut() * 0.12).astype(np.uint8)))


def tiny_face_jpeg() -> bytes:
    return encode(astronaut().resize((160, 160)))


def face_far_away_jpeg() -> bytes:
    """The portrait pasted small into a large grey frame: the face is too small to count."""
    canvas = Image.new("RGB", (2000, 2000), (128, 128, 128))
    canvas.paste(astronaut(), (744, 744))
    return encode(canvas)


def face_heic() -> bytes:
    return encode(astronaut(), "HEIF", quality=80)


def face_webp() -> bytes:
    return encode(astronaut(), "WEBP", quality=85)


def face_taken_at(moment: datetime) -> bytes:
    """The portrait with an EXIF DateTimeOriginal of ``moment`` (naive UTC) in China time."""
    exif = Image.Exif()
    china = moment.replace(tzinfo=UTC).astimezone(CHINA_TZ)
    exif.get_ifd(0x8769)[0x9003] = china.strftime("%Y:%m:%d %H:%M:%S")
    return encode(astronaut(), exif=exif)


def truncated_jpeg() -> bytes:
    whole = face_jpeg()
    return whole[: len(whole) // 2]


def exe_renamed() -> bytes:
    """A Windows program's header (MZ ... PE), as if renamed to face.jpg."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
    )
