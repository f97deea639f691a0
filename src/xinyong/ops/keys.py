"""Rotation of ``XINYONG_SECRET_KEY`` (the encryption key of personal data at rest).

The key has two uses with different lifetimes:

- **encryption** (AES-256-GCM, :mod:`xinyong.core.crypto`): resident ID numbers, phone numbers, receivers'
  signing secrets. These can be re-encrypted: after a rotation the old key stays in
  ``XINYONG_PREVIOUS_SECRET_KEYS`` (decryption only) until :func:`rotate` has rewritten every value under
  the new key; then it is removed.
- **keyed hashes** (HMAC, ``subject_key``): every table and the access log's hash chain reference subjects
  by them, so they cannot be recomputed. Before the first rotation ``XINYONG_HASH_KEY`` is pinned to the
  original key; :func:`hash_key_mismatch` refuses a rotation when the hashes in the database were made
  with another key (it recomputes the references of organisations, whose codes are stored in clear).

Every column named ``*_enc`` in the platform's tables holds such ciphertext and is rotated.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Table, select, update

from xinyong.core.crypto import decrypt, encrypt, subject_key, under_current_key
from xinyong.core.db import Base, unit_of_work


def new_key() -> str:
    """A fresh key: base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def encrypted_columns() -> list[tuple[Table, str]]:
    """(table, column) of every column holding ciphertext of :func:`xinyong.core.crypto.encrypt`."""
    from xinyong.composition import load_models

    load_models()
    out = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_enc"):
                out.append((table, column.name))
    return out


def hash_key_mismatch(sample: int = 20) -> str | None:
    """A Chinese reason when the subject references in the database were not made with the hash key in
    force (None: they agree, or there is nothing to compare)."""
    subjects = Base.metadata.tables.get("subjects")
    if subjects is None:
        return None
    with unit_of_work() as s:
        rows = s.execute(select(subjects.c.subject_key, subjects.c.uscc)
                         .where(subjects.c.uscc.is_not(None)).limit(sample)).all()
    wrong = sum(1 for key, uscc in rows if subject_key(uscc) != key)
    if wrong:
        return (f"散列密钥与数据库不一致（抽查 {len(rows)} 个主体，{wrong} 个引用对不上）："
                "轮换前请把 XINYONG_HASH_KEY 设为原来的密钥")
    return None


@dataclass
class RotationReport:
    #: "table.column" → values re-encrypted
    rewritten: dict[str, int] = field(default_factory=dict)
    #: values already under the current key
    current: int = 0

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def rotate(*, batch: int = 500) -> RotationReport:
    """Re-encrypt every value not under the current key (decrypting with the previous keys). Idempotent
    and resumable: each batch is one transaction, and a value already under the current key is left."""
    report = RotationReport()
    for table, name in encrypted_columns():
        pk = next(iter(table.primary_key.columns))
        column = table.c[name]
        done = 0
        last = None
        while True:
            with unit_of_work() as s:
                q = select(pk, column).where(column.is_not(None)).order_by(pk).limit(batch)
                if last is not None:
                    q = q.where(pk > last)
                rows = s.execute(q).all()
                if not rows:
                    break
                for key, token in rows:
                    if under_current_key(token):
                        report.current += 1
                        continue
                    s.execute(update(table).where(pk == key).values({name: encrypt(decrypt(token))}))
                    done += 1
                last = rows[-1][0]
        report.rewritten[f"{table.name}.{name}"] = done
    return report


def stale_values() -> int:
    """How many encrypted values are not under the current key (0 once a rotation is complete)."""
    count = 0
    with unit_of_work() as s:
        for table, name in encrypted_columns():
            column = table.c[name]
            for token in s.scalars(select(column).where(column.is_not(None))):
                count += 0 if under_current_key(token) else 1
    return count
