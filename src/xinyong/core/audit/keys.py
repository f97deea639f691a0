"""The Ed25519 key that signs audit checkpoints. From configuration, never from the repository.

``XINYONG_AUDIT_SIGNING_KEY`` (base64 of the 32-byte private seed) wins; otherwise the file
``XINYONG_AUDIT_SIGNING_KEY_FILE`` (default ``var/audit_signing.key``), created on first seal with
mode 0600. Keep a copy of the public key (``xinyong audit export`` writes it) somewhere else.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def key_file() -> Path:
    var = Path(os.environ.get("XINYONG_VAR_DIR", "var"))
    return Path(os.environ.get("XINYONG_AUDIT_SIGNING_KEY_FILE", str(var / "audit_signing.key")))


def _from_b64(value: str) -> Ed25519PrivateKey:
    raw = base64.b64decode(value.strip())
    if len(raw) != 32:
        raise RuntimeError("XINYONG_AUDIT_SIGNING_KEY must be base64 of exactly 32 bytes (an Ed25519 seed)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_signing_key(create: bool = False) -> Ed25519PrivateKey | None:
    env = os.environ.get("XINYONG_AUDIT_SIGNING_KEY", "")
    if env:
        return _from_b64(env)
    path = key_file()
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit_key.")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic: the first writer wins, the others read its key
        finally:
            os.unlink(tmp)
    return _from_b64(path.read_text())


def signing_key() -> Ed25519PrivateKey:
    key = load_signing_key(create=True)
    assert key is not None
    return key


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_bytes(key)).decode()


def key_id(public_key_b64: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def public_from_b64(value: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(value.strip()))


def trusted_public_keys(extra: list[str] | None = None) -> dict[str, Ed25519PublicKey]:
    """key_id → public key: the configured signing key's, plus any given (base64 or files)."""
    out: dict[str, Ed25519PublicKey] = {}
    own = load_signing_key(create=False)
    if own is not None:
        b64 = public_b64(own.public_key())
        out[key_id(b64)] = own.public_key()
    for item in extra or []:
        text = Path(item).read_text().strip() if Path(item).is_file() else item
        out[key_id(text)] = public_from_b64(text)
    return out
