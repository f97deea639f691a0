"""Keyed hashes and encryption of personal data at rest (PIPL §51; 国办发〔2020〕49号 §（十三）).

- :func:`subject_key` is an HMAC-SHA256 of the normalised subject code under the platform key. Every
  table references a subject by this key, so a resident ID number never has to be stored in clear
  to be found, and logs can name a subject without revealing it.
- :func:`encrypt` / :func:`decrypt` use AES-256-GCM with a key derived (HKDF) from the platform key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xinyong.core.config import secret_key


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret_key())


@lru_cache(maxsize=4)
def _hmac_key(purpose: str) -> bytes:
    return _derive(b"xinyong-hmac-" + purpose.encode())


@lru_cache(maxsize=1)
def _aead() -> AESGCM:
    return AESGCM(_derive(b"xinyong-aes-gcm"))


def keyed_hash(value: str, purpose: str = "subject") -> str:
    return hmac.new(_hmac_key(purpose), value.encode(), hashlib.sha256).hexdigest()[:40]


def subject_key(normalised_code: str) -> str:
    """The opaque key under which a subject is stored and referenced everywhere."""
    return keyed_hash(normalised_code, "subject")


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aead().encrypt(nonce, plaintext.encode(), None)).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def reset_keys() -> None:
    _hmac_key.cache_clear()
    _aead.cache_clear()


def hash_api_key(token: str) -> str:
    """API keys are 256-bit random tokens, so a plain SHA-256 suffices (no password stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()
