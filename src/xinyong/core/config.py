"""Configuration from the environment (XINYONG_*).

Secrets (the keyed-hash and encryption keys) come from configuration, never from the repository.
For a local `make run` the key file under var/ is generated once by `xinyong init`.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_VAR = Path(os.environ.get("XINYONG_VAR_DIR", "var"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_VAR / 'xinyong.db'}"
    #: base64 of 32 random bytes; when empty, read (or create) var/secret.key
    secret_key: str = ""
    #: keys used before the current one (base64, comma-separated): only to decrypt values written under
    #: them until ``xinyong keys rotate`` has re-encrypted everything (key rotation)
    previous_secret_keys: str = ""
    #: the key of the keyed hashes that reference subjects everywhere (base64 of 32 bytes); empty: the
    #: secret key. Pinned to the first key when the secret key is rotated, since every stored reference
    #: (and the access log's hash chain) is made with it
    hash_key: str = ""
    #: where the secret key file lives when XINYONG_SECRET_KEY is not set
    secret_key_file: str = str(PROJECT_VAR / "secret.key")
    #: extra rule folders (national/ and local/<region>/) layered over the shipped ones
    rules_dir: str = ""
    #: console session lifetime in minutes
    session_minutes: int = 30
    #: seconds a resolved API key is reused without a database lookup (0: look up every request);
    #: a revocation made in the serving process applies at once, one made elsewhere within this time
    auth_cache_seconds: float = 2.0
    #: behind a reverse proxy that terminates TLS: believe its X-Forwarded-Proto (Secure cookies, HSTS)
    trust_proxy: bool = False
    #: the proxy addresses whose forwarded headers are believed (comma-separated addresses or networks)
    forwarded_allow_ips: str = "127.0.0.1"
    #: PostgreSQL connections each process keeps open (a request beyond them opens one more, up to
    #: ``db_max_overflow``, closed again afterwards — costly: keep this at the concurrency a process
    #: serves). workers × (pool + overflow) must stay below the server's max_connections
    db_pool_size: int = 16
    db_max_overflow: int = 8
    #: test a pooled connection with a round trip before lending it when it sat unused for more than
    #: ``db_ping_after_idle_seconds`` (off: a connection the server dropped fails the one request that
    #: meets it, and the pool is refreshed)
    db_pre_ping: bool = True
    db_ping_after_idle_seconds: float = 2.0
    #: echo SQL (debugging)
    sql_echo: bool = False
    #: the largest request body accepted (bytes); a larger one is refused with 413 before it is read
    max_body_bytes: int = 30 * 1024 * 1024
    #: the longest consent period registered, in years (no legal maximum is known: basis_verified false)
    consent_max_years: int = 5
    #: push receivers an administrator allows beyond public https addresses: host names, addresses or CIDR
    #: ranges, comma-separated (they may be internal and use http)
    push_allowed_hosts: str = ""
    # --- the access log (xinyong.core.audit; README "Under load and under attack") ---
    #: a checkpoint is sealed at least every this many entries of a chain (0: only on `xinyong audit seal`)
    audit_seal_every: int = 1000
    #: ... and at least every this many seconds while unsealed entries exist
    audit_seal_seconds: float = 60.0
    #: how often the server's background sequencer integrates queued entries (seconds; 0: not in the server)
    audit_sequence_seconds: float = 1.0
    #: entries integrated per sequencer transaction
    audit_sequence_batch: int = 5000
    #: an entry still unsequenced after this many seconds is reported by `xinyong audit verify`
    audit_max_queue_seconds: float = 300.0
    #: where checkpoints are published besides the database: a JSON-lines file path or an http(s) URL;
    #: several separated by commas (empty: no witness — `audit verify --against` then has nothing to compare)
    audit_witness: str = ""
    #: refuse to seal while the audit key file lies inside the data folder (else: a warning)
    audit_strict_key_location: bool = False
    #: the upstream platform (provincial platform / 信用中国) that receives the 双公示 items reported upward
    #: (国办发〔2020〕49号 §（五）); empty: nothing is reported. Checked like every push receiver
    #: (xinyong.core.webhook_urls) when `xinyong upstream connect` registers it
    upstream_url: str = ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
    _secret_key.cache_clear()


@lru_cache(maxsize=1)
def _secret_key() -> bytes:
    settings = get_settings()
    if settings.secret_key:
        key = base64.b64decode(settings.secret_key)
    else:
        path = Path(settings.secret_key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
        key = base64.b64decode(path.read_text().strip())
    if len(key) != 32:
        raise RuntimeError("XINYONG_SECRET_KEY must be base64 of exactly 32 bytes")
    return key


def secret_key() -> bytes:
    return _secret_key()


def _decode_key(value: str, name: str) -> bytes:
    key = base64.b64decode(value.strip())
    if len(key) != 32:
        raise RuntimeError(f"{name} must be base64 of exactly 32 bytes")
    return key


def previous_secret_keys() -> list[bytes]:
    """The keys used before the current one, for decryption only (key rotation)."""
    raw = get_settings().previous_secret_keys
    return [_decode_key(k, "XINYONG_PREVIOUS_SECRET_KEYS") for k in raw.split(",") if k.strip()]


def hash_key() -> bytes:
    """The root of the keyed hashes (subject references): XINYONG_HASH_KEY, else the secret key."""
    raw = get_settings().hash_key
    return _decode_key(raw, "XINYONG_HASH_KEY") if raw.strip() else secret_key()
