"""Keyed hashes and encryption of personal data at rest (PIPL §51; 国办发〔2020〕49号 §（十三）).

- :func:`subject_key` is an HMAC-SHA256 of the normalised subject code under the platform key. Every
  table references a subject by this key, so a resident ID number never has to be stored in clear
  to be found, and logs can name a subject without revealing it.
- :func:`encrypt` / :func:`decrypt` use AES-256-GCM with a key derived (HKDF) from the platform key.
- Phone numbers: :func:`seal_phone` (ciphertext + keyed hash :func:`phone_key`); any personal text
  column can use :class:`EncryptedText`. Logs are redacted by :mod:`xinyong.core.redact`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from xinyong.core.config import hash_key, previous_secret_keys, secret_key


def _derive(purpose: bytes, root: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(root or secret_key())


@lru_cache(maxsize=4)
def _hmac_key(purpose: str) -> bytes:
    # keyed hashes stay under the hash key when the secret key is rotated (XINYONG_HASH_KEY)
    return _derive(b"xinyong-hmac-" + purpose.encode(), hash_key())


@lru_cache(maxsize=1)
def _aead() -> AESGCM:
    return AESGCM(_derive(b"xinyong-aes-gcm"))


@lru_cache(maxsize=1)
def _previous_aeads() -> tuple[AESGCM, ...]:
    """The encryption keys of XINYONG_PREVIOUS_SECRET_KEYS, newest first: values written before a key
    rotation stay readable until ``xinyong keys rotate`` has re-encrypted them."""
    return tuple(AESGCM(_derive(b"xinyong-aes-gcm", k)) for k in previous_secret_keys())


@lru_cache(maxsize=4)
def _hmac_pads(purpose: str) -> tuple[Any, Any]:
    """SHA-256 states after the inner and outer padded keys of HMAC (RFC 2104), computed once per purpose:
    each keyed hash then copies them instead of setting the key up again (what ``hmac.new`` costs)."""
    key = _hmac_key(purpose)
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key)))


_SHA256_BLOCK = 64


def keyed_hash(value: str, purpose: str = "subject") -> str:
    """HMAC-SHA256 of ``value`` under the purpose's key, hex, first 40 characters (the same bytes as
    ``hmac.new(key, value, sha256)``)."""
    inner, outer = _hmac_pads(purpose)
    h = inner.copy()
    h.update(value.encode())
    o = outer.copy()
    o.update(h.digest())
    return o.hexdigest()[:40]


def subject_key(normalised_code: str) -> str:
    """The opaque key under which a subject is stored and referenced everywhere."""
    return keyed_hash(normalised_code, "subject")


def subject_keys(normalised_codes: Iterable[str]) -> list[str]:
    """:func:`subject_key` of each code, in order: a batch's hashes without a function call and a
    lookup of the pads per code (a million codes in a batch screening)."""
    inner, outer = _hmac_pads("subject")
    new_inner, new_outer = inner.copy, outer.copy
    keys: list[str] = []
    append = keys.append
    for code in normalised_codes:
        h = new_inner()
        h.update(code.encode())
        o = new_outer()
        o.update(h.digest())
        append(o.hexdigest()[:40])
    return keys


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aead().encrypt(nonce, plaintext.encode(), None)).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    try:
        return _aead().decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag:
        for previous in _previous_aeads():  # written under a key since rotated
            try:
                return previous.decrypt(raw[:12], raw[12:], None).decode()
            except InvalidTag:
                continue
        raise


def under_current_key(token: str) -> bool:
    """Whether ``token`` was encrypted under the current key (key rotation checks this)."""
    raw = base64.b64decode(token)
    try:
        _aead().decrypt(raw[:12], raw[12:], None)
    except InvalidTag:
        return False
    return True


def reset_keys() -> None:
    _hmac_key.cache_clear()
    _hmac_pads.cache_clear()
    _aead.cache_clear()
    _previous_aeads.cache_clear()


def hash_api_key(token: str) -> str:
    """API keys are 256-bit random tokens, so a plain SHA-256 suffices (no password stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- phone numbers and other personal fields (PIPL §51; 国办发〔2020〕49号 §（十三）) -----------------

_PHONE_SEPARATORS = str.maketrans("", "", " -()（）")


def normalise_phone(raw: str) -> str:
    """Digits of a mainland mobile (11 digits) or landline (area code + number) number.

    Raises :class:`xinyong.core.errors.ValidationFailed` with a Chinese message otherwise.
    """
    import re

    from xinyong.core.errors import ValidationFailed

    digits = raw.strip().translate(_PHONE_SEPARATORS)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"0\d{2,3}\d{7,8}", digits):
        return digits
    raise ValidationFailed("invalid_phone", "电话号码格式不正确（手机号为11位，固定电话须含区号）")


def phone_key(raw: str) -> str:
    """Keyed hash of a phone number for exact lookup without storing it in clear."""
    return keyed_hash(normalise_phone(raw), "phone")


@dataclass(frozen=True)
class SealedValue:
    """A personal field ready to store: ciphertext (AES-GCM) and keyed hash for exact lookup."""

    ciphertext: str
    lookup_key: str


def seal_phone(raw: str) -> SealedValue:
    phone = normalise_phone(raw)
    return SealedValue(encrypt(phone), keyed_hash(phone, "phone"))


def seal(value: str, purpose: str) -> SealedValue:
    """Encrypt any already-normalised personal value, with its keyed hash under ``purpose``."""
    return SealedValue(encrypt(value), keyed_hash(value, purpose))


class EncryptedText(TypeDecorator[str]):
    """A column type that stores text encrypted (AES-256-GCM) and gives it back decrypted.

    ``phone_enc: Mapped[str | None] = mapped_column(EncryptedText())`` next to a keyed-hash column
    (``phone_key``) for lookups; the clear value never reaches the database.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return encrypt(value) if value is not None else None

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return decrypt(value) if value is not None else None
