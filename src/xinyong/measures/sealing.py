"""Seal and sign what a push carries (PIPL §51 加密; 国办发〔2020〕49号 §（十三） 防止信息泄露).

- A full resident ID goes to one receiver only, sealed with that receiver's X25519 public key
  (ephemeral-static ECDH, HKDF-SHA256, AES-256-GCM; the push id and the channel are the associated
  data, so a sealed value cannot be replayed into another push or to another receiver). The platform
  keeps no key that opens it.
- Every push body is signed by the platform with Ed25519 (the key is derived from the platform secret
  with HKDF); receivers verify with the public key the API publishes (``GET /api/v1/push/signing-key``).
  The signature covers the canonical JSON of the body (sorted keys, no spaces, UTF-8).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xinyong.core.config import secret_key
from xinyong.core.errors import ValidationFailed

SEAL_ALG = "X25519-HKDF-SHA256-A256GCM"
SIGN_ALG = "Ed25519"
_SEAL_INFO = b"xinyong-push-seal-v1"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def canonical(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# --- receivers' public keys ------------------------------------------------------------------------


def check_public_key(text: str) -> str:
    """A receiver's X25519 public key as base64 of its 32 raw bytes; refused with a Chinese reason."""
    try:
        raw = _unb64(text.strip())
    except (binascii.Error, ValueError):
        raise ValidationFailed("invalid_public_key", "接收公钥须为 X25519 公钥（32字节）的 Base64 编码") from None
    if len(raw) != 32:
        raise ValidationFailed("invalid_public_key", "接收公钥须为 X25519 公钥（32字节）的 Base64 编码")
    X25519PublicKey.from_public_bytes(raw)
    return _b64(raw)


def _key(shared: bytes, epk: bytes, rpk: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + rpk, info=_SEAL_INFO).derive(shared)


def seal(public_key: str, plaintext: str, aad: str) -> dict[str, str]:
    """Encrypt ``plaintext`` for the holder of the private key of ``public_key`` alone."""
    rpk = _unb64(public_key)
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(rpk))
    nonce = os.urandom(12)
    ct = AESGCM(_key(shared, epk, rpk)).encrypt(nonce, plaintext.encode(), aad.encode())
    return {"alg": SEAL_ALG, "epk": _b64(epk), "nonce": _b64(nonce), "ciphertext": _b64(ct), "aad": aad}


def open_sealed(private_key: X25519PrivateKey, sealed: dict[str, str]) -> str:
    """What a receiver does with its private key (used by the tests and documented for receivers)."""
    if sealed.get("alg") != SEAL_ALG:
        raise ValueError("unknown sealing algorithm")
    epk = _unb64(sealed["epk"])
    rpk = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(epk))
    try:
        plain = AESGCM(_key(shared, epk, rpk)).decrypt(_unb64(sealed["nonce"]), _unb64(sealed["ciphertext"]),
                                                       sealed["aad"].encode())
    except InvalidTag:
        raise ValueError("sealed value does not open with this key") from None
    return plain.decode()


# --- the platform's signature ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _signing_key() -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"xinyong-push-ed25519").derive(secret_key())
    return Ed25519PrivateKey.from_private_bytes(seed)


def reset_keys() -> None:
    _signing_key.cache_clear()


def signing_public_key() -> str:
    raw = _signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def key_id() -> str:
    return hashlib.sha256(_unb64(signing_public_key())).hexdigest()[:16]


def sign(body: Any) -> dict[str, str]:
    return {"alg": SIGN_ALG, "key_id": key_id(), "value": _b64(_signing_key().sign(canonical(body)))}


def verify(public_key: str, body: Any, signature: dict[str, str]) -> bool:
    """What a receiver does: check the platform's signature over the body it received."""
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(_unb64(signature["value"]), canonical(body))
    except (InvalidSignature, KeyError, ValueError, binascii.Error):
        return False
    return True
