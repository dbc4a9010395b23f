"""Encryption at rest and lookup digests for sensitive identifiers (ID numbers).

The ID number is stored encrypted (Fernet, AES-128-CBC + HMAC) so a database dump
does not reveal it, plus a keyed digest (HMAC-SHA256) so uniqueness can be enforced
and looked up without decrypting. Keys come from ``PII_KEY`` or, failing that, are
derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet


class PiiVault:
    def __init__(self, key_material: str) -> None:
        if not key_material:
            raise ValueError("PII key material must not be empty")
        master = hashlib.sha256(key_material.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"anju-pii-encrypt")))
        self._digest_key = _derive(master, b"anju-pii-digest")

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def digest(self, value: str) -> str:
        return hmac.new(self._digest_key, value.encode(), hashlib.sha256).hexdigest()


def _derive(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, label, hashlib.sha256).digest()
