"""Checking and cleaning uploaded files. No Flask.

A file is accepted by what its bytes are (magic numbers), never by its name or the
browser's Content-Type. Images over ``MAX_PIXELS`` are refused from their header;
the rest are decoded and re-encoded from their pixels alone (orientation applied,
scaled to ``MAX_EDGE``), which drops EXIF (GPS, device), comments, ICC and other
segments, and anything hidden after the image data; HEIC photos from iPhones become
JPEG. PDFs are checked for a header and an end-of-file marker.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF support (iPhone photos)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - optional at run time
    HEIC_SUPPORTED = False

MAX_FILE_BYTES = 10 * 1024 * 1024
# 40 megapixels: more than any phone camera takes, refused as an error everywhere.
MAX_PIXELS = 40_000_000
# What is kept: a document photo stays readable at 2560 px on its long side.
MAX_EDGE = 2560
THUMBNAIL_SIZE = (240, 240)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_TOO_MANY_PIXELS = "图片像素过大（超过 4000 万像素），请缩小后再上传，或直接用手机拍照上传"


class UploadError(ValueError):
    """The file is refused; ``str(error)`` says why in Chinese."""


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    suffix: str
    thumbnail: bytes | None


def sniff(head: bytes) -> str | None:
    """The kind of file its first bytes say it is: jpeg, png, heic, pdf, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if (
        len(head) >= 12
        and head[4:8] == b"ftyp"
        and head[8:12]
        in {
            b"heic",
            b"heix",
            b"hevc",
            b"heim",
            b"heis",
            b"mif1",
            b"msf1",
        }
    ):
        return "heic"
    return None


def clean_upload(data: bytes, *, allow_pdf: bool = True) -> CleanFile:
    """Validate and re-encode an upload, or raise ``UploadError``."""
    if not data:
        raise UploadError("文件是空的，请重新选择")
    if len(data) > MAX_FILE_BYTES:
        raise UploadError("文件超过 10MB，请压缩后再上传，或拍照时选择较小的尺寸")
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError("只能上传 JPG、PNG、HEIC 照片或 PDF 文件；此文件不是这些格式")
    if kind == "pdf":
        if not allow_pdf:
            raise UploadError("这里只能上传照片（JPG、PNG、HEIC）")
        return _clean_pdf(data)
    if kind == "heic" and not HEIC_SUPPORTED:  # pragma: no cover
        raise UploadError("暂不支持 HEIC 照片，请在相机设置中改为“兼容性最佳”后重拍")
    return _reencode_image(data)


def _clean_pdf(data: bytes) -> CleanFile:
    if b"%%EOF" not in data[-2048:]:
        raise UploadError("PDF 文件不完整（可能没有上传完），请重新上传")
    return CleanFile(data=data, content_type="application/pdf", suffix=".pdf", thumbnail=None)


class TooManyPixels(UploadError):
    """More pixels than ``MAX_PIXELS``: refused from the header, before any decoding."""


def open_image(data: bytes, *, formats: list[str] | None = None) -> Image.Image:
    """Open and fully decode an image, refusing more than ``MAX_PIXELS`` from its header
    (Pillow itself only warns up to twice its limit), so a small file that inflates to a
    huge bitmap costs nothing. Raises ``TooManyPixels``, or Pillow's errors for a file
    that is not a whole image."""
    try:
        image = Image.open(io.BytesIO(data), formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels(_TOO_MANY_PIXELS) from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise TooManyPixels(_TOO_MANY_PIXELS)
    image.load()  # decodes every byte: a truncated file fails here
    return image


def keep_pixels_only(image: Image.Image) -> Image.Image:
    """Orientation applied, at most ``MAX_EDGE`` on the long side, and nothing but the
    pixels: no EXIF, comment, ICC or other segment survives into what is saved."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "P", "PA")
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    if max(converted.size) > MAX_EDGE:
        converted.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def _reencode_image(data: bytes) -> CleanFile:
    try:
        with open_image(data) as image:
            converted = keep_pixels_only(image)
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadError("图片已损坏或不完整，无法打开，请重新拍照或选择") from None
    if min(converted.size) < 200:
        raise UploadError("图片太小，看不清内容，请上传清晰的照片")
    out = io.BytesIO()
    if converted.mode == "RGBA":
        converted.save(out, format="PNG", optimize=True)
        content_type, suffix = "image/png", ".png"
    else:
        converted.save(out, format="JPEG", quality=85, optimize=True)
        content_type, suffix = "image/jpeg", ".jpg"
    return CleanFile(
        data=out.getvalue(),
        content_type=content_type,
        suffix=suffix,
        thumbnail=_thumbnail(converted),
    )


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=75)
    return out.getvalue()
