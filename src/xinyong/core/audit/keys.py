"""The audit keys: the Ed25519 key that signs checkpoints and the HMAC key of entry hashes.

Both come from ONE secret held outside the database (国办发〔2020〕49号 §（十三）防止篡改): the key file
``XINYONG_AUDIT_KEY_FILE`` (older name ``XINYONG_AUDIT_SIGNING_KEY_FILE``), by default
``~/.config/xinyong/audit_signing.key``, created on first use with mode 0600; or
``XINYONG_AUDIT_SIGNING_KEY`` (base64 of the 32-byte Ed25519 seed). The HMAC key of the entry hashes
is derived from that seed with HKDF-SHA256 unless ``XINYONG_AUDIT_MAC_KEY`` (base64, 32 bytes) gives
it separately — which is what a deployment whose signing key lives in a KMS/HSM does: it plugs a
:class:`Signer` in with :func:`use_signer`. Keep a copy of the public key (``xinyong audit export``
writes it) somewhere else, and never keep the key file in the database's folder: whoever can write
the database must not be able to read the key (:func:`key_location_problem`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

log = logging.getLogger(__name__)

DEFAULT_KEY_FILE = Path("~/.config/xinyong/audit_signing.key")


def key_file() -> Path:
    """Where the audit key lives: ``XINYONG_AUDIT_KEY_FILE``, else ``XINYONG_AUDIT_SIGNING_KEY_FILE``,
    else ``~/.config/xinyong/audit_signing.key`` — outside the data directory."""
    for name in ("XINYONG_AUDIT_KEY_FILE", "XINYONG_AUDIT_SIGNING_KEY_FILE"):
        value = os.environ.get(name, "")
        if value:
            return Path(value).expanduser()
    return DEFAULT_KEY_FILE.expanduser()


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
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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


# --- the signer --------------------------------------------------------------------------------

class Signer(Protocol):
    """What seals a checkpoint: a local key file today, a KMS or HSM tomorrow (Ed25519 signatures)."""

    @property
    def public_key_b64(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


class FileSigner:
    """The Ed25519 key of :func:`key_file` (or ``XINYONG_AUDIT_SIGNING_KEY``)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public_key_b64 = public_b64(key.public_key())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


_SIGNER: Signer | None = None


def use_signer(signer: Signer | None) -> None:
    """Plug another signer in (a KMS/HSM client); ``None`` goes back to the key file."""
    global _SIGNER
    _SIGNER = signer


def signer() -> Signer:
    return _SIGNER if _SIGNER is not None else FileSigner(signing_key())


# --- the keyed hash ----------------------------------------------------------------------------

_MAC_CACHE: dict[str, bytes] = {}


def mac_key() -> bytes:
    """The HMAC key of entry hashes: ``XINYONG_AUDIT_MAC_KEY`` or HKDF-SHA256 of the signing seed.

    Derived, never stored: the database holds only the MACs, so whoever can write the database but
    cannot read the key file cannot compute the hash of an altered, inserted or moved entry."""
    env = os.environ.get("XINYONG_AUDIT_MAC_KEY", "")
    if env:
        raw = base64.b64decode(env.strip())
        if len(raw) != 32:
            raise RuntimeError("XINYONG_AUDIT_MAC_KEY must be base64 of exactly 32 bytes")
        return raw
    seed_source = os.environ.get("XINYONG_AUDIT_SIGNING_KEY", "") or str(key_file())
    found = _MAC_CACHE.get(seed_source)
    if found is None:
        key = signing_key()
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        found = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xinyong-audit",
                     info=b"entry-mac/1").derive(seed)
        if len(_MAC_CACHE) > 16:
            _MAC_CACHE.clear()
        _MAC_CACHE[seed_source] = found
    return found


def forget_keys() -> None:
    """Drop derived keys (tests switch key files)."""
    _MAC_CACHE.clear()


def key_location_problem(database_url: str) -> str | None:
    """Why the key file must not stay where it is (inside the database's or the data folder), or None."""
    if os.environ.get("XINYONG_AUDIT_SIGNING_KEY") and os.environ.get("XINYONG_AUDIT_MAC_KEY"):
        return None
    path = key_file().resolve()
    folders: list[Path] = []
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folders.append(Path(url.database).expanduser().resolve().parent)
    var = os.environ.get("XINYONG_VAR_DIR", "var")
    folders.append(Path(var).expanduser().resolve())
    for folder in folders:
        if path.is_relative_to(folder):
            return (f"审计密钥文件 {path} 位于数据目录 {folder} 内：能改写数据库的人也能读到密钥，"
                    "请把它移到数据目录之外（XINYONG_AUDIT_KEY_FILE）")
    return None


def check_key_location(database_url: str, *, strict: bool) -> None:
    """Warn (or, with ``strict``, refuse to seal) when the key file lies in the data folder."""
    problem = key_location_problem(database_url)
    if problem is None:
        return
    if strict:
        raise RuntimeError(problem)
    if problem not in _WARNED:
        _WARNED.add(problem)
        log.warning(problem)


_WARNED: set[str] = set()


def trusted_public_keys(extra: list[str] | None = None) -> dict[str, Ed25519PublicKey]:
    """key_id → public key: the configured signer's, plus any given (base64 or files)."""
    out: dict[str, Ed25519PublicKey] = {}
    if _SIGNER is not None:
        out[key_id(_SIGNER.public_key_b64)] = public_from_b64(_SIGNER.public_key_b64)
    own = load_signing_key(create=False)
    if own is not None:
        b64 = public_b64(own.public_key())
        out[key_id(b64)] = own.public_key()
    for item in extra or []:
        text = Path(item).read_text().strip() if Path(item).is_file() else item
        out[key_id(text)] = public_from_b64(text)
    return out
