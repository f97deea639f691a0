"""Signed checkpoints: an RFC 6962 Merkle root over the first ``tree_size`` entries of a chain,
signed with Ed25519 (国办发〔2020〕49号 §（十三）防止篡改). The platform seals automatically every
``XINYONG_AUDIT_SEAL_EVERY`` entries (default 1000; 0 disables) — for the access log the sequencer
does it, also once the oldest unsealed entry is ``XINYONG_AUDIT_SEAL_SECONDS`` old
(:mod:`xinyong.core.audit.sequencer`) — and on ``xinyong audit seal``.
"""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.audit.chain import GENESIS, HEADS_TABLE, canonical, chained, chained_models
from xinyong.core.audit.keys import key_id, signer
from xinyong.core.audit.merkle import CompactRange

log = logging.getLogger(__name__)

DEFAULT_SEAL_EVERY = 1000


def seal_every() -> int:
    try:
        return int(os.environ.get("XINYONG_AUDIT_SEAL_EVERY", DEFAULT_SEAL_EVERY))
    except ValueError:
        return DEFAULT_SEAL_EVERY


def signed_message(cp: dict[str, Any]) -> bytes:
    """What a checkpoint's signature covers; ``keyed_from`` (the first keyed entry) from security_0006 on."""
    fields = ["chain", "tree_size", "root_hash", "last_entry_hash", "sealed_at", "key_id"]
    if cp.get("keyed_from") is not None:
        fields.append("keyed_from")
    return canonical({k: cp[k] for k in fields})


def model_of(chain: str) -> Any:
    for model in chained_models():
        if model.__tablename__ == chain:  # type: ignore[attr-defined]
            return model
    raise KeyError(chain)


def row_fields(model: Any, row: Any) -> dict[str, Any]:
    return {name: row._mapping[name] for name in model.__chain_fields__}


class SealRefused(Exception):
    """The entries since the last checkpoint do not chain: sealing would bless tampering."""


@dataclass(frozen=True)
class Sealed:
    chain: str
    tree_size: int
    root_hash: str


def seal_in_session(session: Session, chain: str, *, strict: bool = False) -> Sealed | None:
    """Seal ``chain`` up to its head inside ``session``'s transaction (which holds the head lock
    when called from the flush hook). Returns None if there is nothing new to seal."""
    conn = session.connection()
    model = model_of(chain)
    table = model.__table__
    cps = sa.table("audit_checkpoints", sa.column("chain"), sa.column("tree_size"), sa.column("peaks", sa.JSON),
                   sa.column("last_entry_hash"))
    last = conn.execute(
        sa.select(cps.c.tree_size, cps.c.peaks, cps.c.last_entry_hash).where(cps.c.chain == chain)
        .order_by(cps.c.tree_size.desc()).limit(1)
    ).first()
    start = int(last[0]) if last else 0
    compact = CompactRange.from_json(last[1] if last else None)
    prev = str(last[2]) if last else GENESIS
    head = conn.execute(sa.text(f"SELECT last_seq FROM {HEADS_TABLE} WHERE chain = :c"), {"c": chain}).first()
    end = int(head[0]) if head else 0
    if end <= start:
        return None
    rows = conn.execute(
        sa.select(table).where(table.c.seq > start, table.c.seq <= end).order_by(table.c.seq)
    ).all()
    expected = start + 1
    for row in rows:
        m = row._mapping
        problem = None
        if m["seq"] != expected:
            problem = f"seq {expected} missing or duplicated"
        elif m["prev_hash"] != prev:
            problem = f"seq {expected} does not link to its predecessor"
        elif chained(chain, prev, row_fields(model, row)) != m["entry_hash"]:
            problem = f"seq {expected} does not match its hash"
        if problem:
            if strict:
                raise SealRefused(f"{chain}: {problem}")
            log.error("audit chain %s not sealed: %s", chain, problem)
            return None
        compact.append(bytes.fromhex(m["entry_hash"]))
        prev = m["entry_hash"]
        expected += 1
    if expected - 1 != end:
        if strict:
            raise SealRefused(f"{chain}: entries {expected}..{end} missing")
        log.error("audit chain %s not sealed: entries %s..%s missing", chain, expected, end)
        return None
    sign = signer()
    pub = sign.public_key_b64
    cp: dict[str, Any] = {
        "chain": chain, "tree_size": end, "root_hash": compact.root().hex(), "last_entry_hash": prev,
        "sealed_at": clock.now(), "key_id": key_id(pub),
    }
    signature = base64.b64encode(sign.sign(signed_message(cp))).decode()
    from xinyong.core.models import AuditCheckpoint

    conn.execute(sa.insert(AuditCheckpoint).values(
        **cp, public_key=pub, signature=signature, peaks=compact.to_json(),
    ))
    return Sealed(chain, end, cp["root_hash"])


def seal_all(session: Session) -> list[Sealed]:
    """Seal every chain that grew since its last checkpoint (``xinyong audit seal``); the access log's
    queued entries are integrated first (:mod:`xinyong.core.audit.sequencer`)."""
    from xinyong.core.audit.chain import _lock_head
    from xinyong.core.audit.sequencer import integrate_all

    out = []
    for model in chained_models():
        chain = model.__tablename__  # type: ignore[attr-defined]
        if model.__chain_queued__:
            sealed = integrate_all(session, model, force_seal=True)
        else:
            _lock_head(session, chain)
            sealed = seal_in_session(session, chain, strict=True)
        if sealed:
            out.append(sealed)
    return out
