"""Recognising and decoding uploaded photos. Pure: no Flask, no database.

Uploads are allowed by their content (magic bytes, shared with ``app.uploads``), never
by name or Content-Type, and fully decoded with Pillow (HEIC through pillow-heif), so a
renamed program or a truncated file is refused before any face detection runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.clock import CHINA_TZ
from app.uploads import TooManyPixels, open_image, sniff

JPEG, PNG, WEBP, HEIC = "jpeg", "png", "webp", "heic"
PHOTO_KINDS = {JPEG, PNG, WEBP, HEIC}
SNIFF_BYTES = 16
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011

pillow_heif.register_heif_opener()


class UnreadablePhoto(Exception):
    """The bytes are not a photo we can decode; the message is for the resident."""


@dataclass(frozen=True)
class Photo:
    image: Image.Image  # upright (EXIF orientation applied), RGB
    kind: str
    taken_at: datetime | None  # naive UTC, from EXIF; None when the file does not say


def sniff_image_type(head: bytes) -> str | None:
    """``jpeg``, ``png``, ``webp`` or ``heic`` from the first bytes of a file; None otherwise."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    kind = sniff(head)
    return kind if kind in PHOTO_KINDS else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_photo(data: bytes) -> Photo:
    """Fully decode ``data`` into an upright RGB photo, or raise ``UnreadablePhoto``."""
    kind = sniff_image_type(data[:SNIFF_BYTES])
    if kind is None:
        raise UnreadablePhoto("这不是照片文件，请用手机拍照上传（支持 JPEG、PNG、WebP、HEIC）")
    try:
        image = open_image(data, formats=["JPEG", "PNG", "WEBP", "HEIF"])
        taken = taken_at(image)
        upright = ImageOps.exif_transpose(image).convert("RGB")
    except TooManyPixels:
        raise UnreadablePhoto("照片尺寸过大，请直接用手机拍照上传") from None
    except (OSError, SyntaxError, ValueError, RuntimeError, UnidentifiedImageError):
        raise UnreadablePhoto("照片无法读取（文件可能不完整），请重新拍摄") from None
    return Photo(image=upright, kind=kind, taken_at=taken)


def taken_at(image: Image.Image) -> datetime | None:
    """When the camera says the photo was taken (EXIF DateTimeOriginal), as naive UTC.

    Without an offset in the file the camera clock is taken to be China Standard Time.
    None when the photo carries no such record (browsers often strip it).
    """
    try:
        exif = image.getexif().get_ifd(_EXIF_IFD)
    except (AttributeError, OSError, SyntaxError, ValueError):
        return None
    raw = exif.get(_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = _parse_offset(exif.get(_OFFSET_TIME_ORIGINAL)) or CHINA_TZ
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _parse_offset(raw: object) -> timezone | None:
    if not isinstance(raw, str) or len(raw.strip("\x00 ")) != 6:
        return None
    text = raw.strip("\x00 ")
    sign = -1 if text[0] == "-" else 1
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
