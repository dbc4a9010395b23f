"""The handwritten signature drawn on a canvas arrives as a PNG data URL. No Flask."""

from __future__ import annotations

import base64
import binascii

PREFIX = "data:image/png;base64,"
MAX_BYTES = 2 * 1024 * 1024


class SignatureError(ValueError):
    pass


def decode_drawn_signature(data_url: str) -> bytes:
    """The PNG bytes of a drawn signature, or ``SignatureError`` in Chinese."""
    if not data_url.startswith(PREFIX):
        raise SignatureError("签名数据不正确，请清除后重新签名")
    encoded = data_url[len(PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise SignatureError("签名图片过大，请清除后重新签名")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("签名数据不正确，请清除后重新签名") from None
