"""The sequencer: integrates queued access-log entries into the hash chain and seals checkpoints.

A request only INSERTs its entry (with its keyed MAC, :func:`xinyong.core.audit.chain.entry_mac`);
nothing it does waits for another request. :func:`sequence_pending` — run every
``XINYONG_AUDIT_SEQUENCE_SECONDS`` by the server, in a thread or a process of its own (:func:`start_background`),
by ``xinyong audit sequence`` and by any scheduler — then, in batches, each one transaction:

1. locks the chain head (only sequencers take that lock) and checks it: its HMAC, and that the entry
   it names carries the hash it records (a head rewritten in the database is refused, not extended);
2. reads the oldest queued entries (``seq IS NULL``, by id), gives each the next ``seq``, its
   predecessor's hash as ``prev_hash`` and ``entry_hash = HMAC(chain, prev, mac)``;
3. seals a signed checkpoint whenever ``XINYONG_AUDIT_SEAL_EVERY`` entries have accumulated since the
   last one, and once the oldest unsealed entry is ``XINYONG_AUDIT_SEAL_SECONDS`` old;
4. moves the head and signs it (HMAC), and commits;

and after the commits publishes the new checkpoints to the witnesses (:mod:`.witness`). Before it
seals, it checks that the database still holds the latest checkpoint each witness has: a database
whose checkpoints were deleted or rewritten is not re-sealed (that would bless the tampering).

A crash at any point loses nothing: an entry is durable once its request commits; a batch is
integrated wholly or not at all; a checkpoint not yet published is published by the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.audit.chain import (
    GENESIS,
    HEADS_TABLE,
    canonical,
    chained_models,
    link_hash,
)
from xinyong.core.audit.checkpoints import Sealed, SealRefused
from xinyong.core.audit.merkle import CompactRange

log = logging.getLogger(__name__)


class SequencerRefused(SealRefused):
    """The chain in the database does not continue what was signed: integrating would bless tampering."""


# --- the head ----------------------------------------------------------------------------------

@dataclass
class Head:
    chain: str
    last_seq: int
    last_hash: str
    keyed_from: int | None
    updated_at: dt.datetime | None
    mac: str | None


def head_mac(chain: str, last_seq: int, last_hash: str, keyed_from: int | None,
             updated_at: dt.datetime | None) -> str:
    """HMAC of a chain head with the audit key: a head edited in the database no longer matches."""
    from xinyong.core.audit.keys import mac_key

    message = b"xinyong-head/1\x00" + canonical({"chain": chain, "last_seq": last_seq, "last_hash": last_hash,
                                                 "keyed_from": keyed_from, "updated_at": updated_at})
    return hmac.new(mac_key(), message, hashlib.sha256).hexdigest()


def read_head(conn: Connection, chain: str, *, lock: bool = False) -> Head | None:
    sql = (f"UPDATE {HEADS_TABLE} SET last_seq = last_seq WHERE chain = :c "
           "RETURNING last_seq, last_hash, keyed_from, updated_at, mac") if lock else (
        f"SELECT last_seq, last_hash, keyed_from, updated_at, mac FROM {HEADS_TABLE} WHERE chain = :c")
    row = conn.execute(sa.text(sql), {"c": chain}).first()
    if row is None and lock:
        insert = ("INSERT INTO {t} (chain, last_seq, last_hash, keyed_from) VALUES (:c, 0, :g, 1) "
                  "ON CONFLICT (chain) DO NOTHING") if conn.dialect.name == "postgresql" else (
            "INSERT OR IGNORE INTO {t} (chain, last_seq, last_hash, keyed_from) VALUES (:c, 0, :g, 1)")
        conn.execute(sa.text(insert.format(t=HEADS_TABLE)), {"c": chain, "g": GENESIS})
        row = conn.execute(sa.text(sql), {"c": chain}).first()
    if row is None:
        return None
    updated = row[3]
    if isinstance(updated, str):  # SQLite through a text() query
        updated = dt.datetime.fromisoformat(updated)
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.UTC)
    return Head(chain, int(row[0]), str(row[1]), None if row[2] is None else int(row[2]), updated, row[4])


def head_problem(head: Head) -> str | None:
    """Why ``head`` cannot be trusted (its HMAC), or None."""
    keyed_from = head.keyed_from or 1
    if head.mac is None:
        if head.last_seq >= keyed_from:
            return "链头没有签名（HMAC），却已记有带密钥的条目"
        return None
    expected = head_mac(head.chain, head.last_seq, head.last_hash, head.keyed_from, head.updated_at)
    if not hmac.compare_digest(expected, head.mac):
        return "链头记录与其签名（HMAC）不符（链头在数据库中被改写）"
    return None


# --- checkpoints -------------------------------------------------------------------------------

def _last_checkpoint(conn: Connection, chain: str) -> dict[str, Any] | None:
    from xinyong.core.models import AuditCheckpoint

    t = AuditCheckpoint.__table__
    row = conn.execute(sa.select(t).where(t.c.chain == chain).order_by(t.c.tree_size.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


def _seal(conn: Connection, chain: str, compact: CompactRange, last_hash: str, keyed_from: int | None,
          now: dt.datetime) -> dict[str, Any]:
    from xinyong.core.audit.checkpoints import signed_message
    from xinyong.core.audit.keys import key_id, signer
    from xinyong.core.models import AuditCheckpoint

    sign = signer()
    cp: dict[str, Any] = {
        "chain": chain, "tree_size": compact.size, "root_hash": compact.root().hex(),
        "last_entry_hash": last_hash, "sealed_at": now, "key_id": key_id(sign.public_key_b64),
        "keyed_from": keyed_from,
    }
    import base64

    cp["signature"] = base64.b64encode(sign.sign(signed_message(cp))).decode()
    cp["public_key"] = sign.public_key_b64
    cp["peaks"] = compact.to_json()
    conn.execute(sa.insert(AuditCheckpoint).values(**cp))
    return cp


def _witness_agrees(conn: Connection, chain: str) -> None:
    """Refuse to seal when the database lacks (or changed) the latest checkpoint a witness holds."""
    from xinyong.core.audit.witness import configured_witnesses
    from xinyong.core.models import AuditCheckpoint

    t = AuditCheckpoint.__table__
    for witness in configured_witnesses():
        try:
            latest = witness.latest(chain)
        except Exception as exc:
            log.warning("audit witness %s unreadable: %s", witness.name, exc)
            continue
        if latest is None:
            continue
        row = conn.execute(sa.select(t.c.root_hash, t.c.signature).where(
            t.c.chain == chain, t.c.tree_size == int(latest["tree_size"]))).first()
        if row is None or row[0] != latest["root_hash"] or row[1] != latest["signature"]:
            raise SequencerRefused(
                f"{chain}: 见证 {witness.name} 记有{latest['tree_size']}条的检查点，数据库中缺失或不同"
                "（检查点被删除或改写），拒绝继续封存")


# --- integrating -------------------------------------------------------------------------------

def _queued_models() -> list[Any]:
    return [m for m in chained_models() if m.__chain_queued__]


def _settings() -> Any:
    from xinyong.core.config import get_settings

    return get_settings()


def _as_utc(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _integrate(session: Session, model: Any, now: dt.datetime, *, batch: int, force_seal: bool,
               check_witness: bool) -> tuple[int, bool]:
    """One batch of one chain in ``session``'s transaction: (entries integrated, more queued)."""
    from xinyong.core.audit.keys import check_key_location, mac_key

    conn = session.connection()
    chain: str = model.__tablename__
    table = model.__table__
    settings = _settings()
    head = read_head(conn, chain, lock=True)
    assert head is not None
    problem = head_problem(head)
    if problem:
        raise SequencerRefused(f"{chain}: {problem}")
    if head.last_seq > 0:
        found = conn.execute(sa.select(table.c.entry_hash).where(table.c.seq == head.last_seq)).scalars().all()
        if found != [head.last_hash]:
            raise SequencerRefused(f"{chain}: 链头记录的最后一条（第{head.last_seq}条）与链上条目不符")
    rows = conn.execute(sa.select(table.c.id, table.c.at, table.c.mac).where(table.c.seq.is_(None))
                        .order_by(table.c.id).limit(batch)).all()
    every = settings.audit_seal_every
    keyed_from = head.keyed_from or 1
    last = _last_checkpoint(conn, chain)
    cp_size = int(last["tree_size"]) if last else 0
    if not rows and head.last_seq == cp_size:
        return 0, False
    if check_witness:
        _witness_agrees(conn, chain)
    check_key_location(str(conn.engine.url), strict=settings.audit_strict_key_location)
    compact = CompactRange.from_json(last["peaks"] if last else None)
    if compact.size != cp_size:
        raise SequencerRefused(f"{chain}: 检查点（{cp_size}条）的压缩范围不完整")
    if head.last_seq > cp_size:
        unsealed = conn.execute(sa.select(table.c.seq, table.c.entry_hash).where(
            table.c.seq > cp_size, table.c.seq <= head.last_seq).order_by(table.c.seq)).all()
        if [r[0] for r in unsealed] != list(range(cp_size + 1, head.last_seq + 1)):
            raise SequencerRefused(f"{chain}: 第{cp_size + 1}至{head.last_seq}条不连续（条目被删除或插入）")
        for r in unsealed:
            compact.append(bytes.fromhex(r[1]))
    elif head.last_seq < cp_size:
        raise SequencerRefused(f"{chain}: 链头（{head.last_seq}条）落后于已签名的检查点（{cp_size}条）")
    seq, prev = head.last_seq, head.last_hash
    updates: list[dict[str, Any]] = []
    key = mac_key()
    for row in rows:
        seq += 1
        mac = row.mac or ""  # an entry written around the platform has none: verify reports it
        digest = link_hash(chain, prev, mac, key)
        updates.append({"b_id": row.id, "b_at": row.at, "b_seq": seq, "b_prev": prev, "b_hash": digest})
        compact.append(bytes.fromhex(digest))
        prev = digest
        if every > 0 and compact.size - cp_size >= every:
            _flush(conn, table, updates)
            updates = []
            _seal(conn, chain, compact, prev, keyed_from, now)
            cp_size = compact.size
    _flush(conn, table, updates)
    if compact.size > cp_size:
        first_at = conn.execute(sa.select(table.c.at).where(table.c.seq == cp_size + 1)).scalar()
        overdue = first_at is not None and (now - _as_utc(first_at)).total_seconds() >= settings.audit_seal_seconds
        if force_seal or overdue:
            _seal(conn, chain, compact, prev, keyed_from, now)
    if seq != head.last_seq:
        conn.execute(sa.text(f"UPDATE {HEADS_TABLE} SET last_seq = :s, last_hash = :h, keyed_from = :k, "
                             "updated_at = :u, mac = :m WHERE chain = :c"),
                     {"s": seq, "h": prev, "k": keyed_from, "u": now, "c": chain,
                      "m": head_mac(chain, seq, prev, keyed_from, now)})
    return len(rows), len(rows) == batch


_UPDATES: dict[str, Any] = {}


def _flush(conn: Connection, table: sa.Table, updates: list[dict[str, Any]]) -> None:
    """Write the chain columns of a batch: one statement on PostgreSQL (arrays unnested), executemany
    on SQLite (in-process, no round trips)."""
    if not updates:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            f"UPDATE {table.name} AS a SET seq = v.seq, prev_hash = v.prev, entry_hash = v.hash "
            "FROM unnest(CAST(:ids AS bigint[]), CAST(:ats AS timestamptz[]), CAST(:seqs AS bigint[]), "
            "CAST(:prevs AS text[]), CAST(:hashes AS text[])) AS v(id, at, seq, prev, hash) "
            "WHERE a.id = v.id AND a.at = v.at"),
            {"ids": [u["b_id"] for u in updates], "ats": [u["b_at"] for u in updates],
             "seqs": [u["b_seq"] for u in updates], "prevs": [u["b_prev"] for u in updates],
             "hashes": [u["b_hash"] for u in updates]})
        return
    stmt = _UPDATES.get(table.name)
    if stmt is None:
        stmt = _UPDATES[table.name] = (
            table.update()
            .where(table.c.id == sa.bindparam("b_id"), table.c.at == sa.bindparam("b_at"))
            .values(seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"), entry_hash=sa.bindparam("b_hash"))
        )
    conn.execute(stmt, updates)


def sequence_pending(session_factory: Callable[[], Session] | None = None, now: dt.datetime | None = None,
                     *, force_seal: bool = False, batch: int | None = None) -> int:
    """Integrate every queued entry (batches of ``XINYONG_AUDIT_SEQUENCE_BATCH``), seal what is due and
    publish new checkpoints to the witnesses. Returns the number of entries integrated. Raises
    :class:`SequencerRefused` when the chain in the database was tampered with."""
    from xinyong.core.db import session_factory as default_factory

    factory = session_factory or default_factory()
    size = batch or _settings().audit_sequence_batch
    total = 0
    from xinyong.core.audit.partitions import ensure_partitions

    with factory() as session, session.begin():
        # its own short transaction: the lock it may take is not held while entries are integrated
        ensure_partitions(session.connection(), (now or clock.now()).astimezone(dt.UTC).date())
    for model in _queued_models():
        first = True
        while True:
            when = now or clock.now()
            with factory() as session, session.begin():
                done, more = _integrate(session, model, when, batch=size, force_seal=force_seal,
                                        check_witness=first)
            total += done
            first = False
            if not more:
                break
    publish_pending(factory)
    return total


def integrate_all(session: Session, model: Any, *, force_seal: bool = False) -> Sealed | None:
    """Integrate every queued entry of ``model``'s chain inside ``session`` (``xinyong audit seal``)."""
    before = _last_checkpoint(session.connection(), model.__tablename__)
    while True:
        _, more = _integrate(session, model, clock.now(), batch=_settings().audit_sequence_batch,
                             force_seal=force_seal, check_witness=True)
        if not more:
            break
    after = _last_checkpoint(session.connection(), model.__tablename__)
    if after is None or (before is not None and after["tree_size"] == before["tree_size"]):
        return None
    return Sealed(model.__tablename__, int(after["tree_size"]), str(after["root_hash"]))


def publish_pending(session_factory: Callable[[], Session] | None = None) -> int:
    """Publish the checkpoints a witness does not have yet (newer than its latest); returns how many."""
    from xinyong.core.audit.witness import configured_witnesses, published_form
    from xinyong.core.db import session_factory as default_factory
    from xinyong.core.models import AuditCheckpoint

    witnesses = configured_witnesses()
    if not witnesses:
        return 0
    factory = session_factory or default_factory()
    t = AuditCheckpoint.__table__
    count = 0
    with factory() as session:
        conn = session.connection()
        chains = [r[0] for r in conn.execute(sa.select(t.c.chain).distinct())]
        for witness in witnesses:
            for chain in chains:
                try:
                    latest = witness.latest(chain)
                    after = int(latest["tree_size"]) if latest else 0
                    for row in conn.execute(sa.select(t).where(t.c.chain == chain, t.c.tree_size > after)
                                            .order_by(t.c.tree_size)):
                        witness.publish(published_form(dict(row._mapping)))
                        count += 1
                except Exception as exc:
                    log.warning("audit witness %s: publishing failed: %s", witness.name, exc)
    return count


def unsequenced_backlog(session: Session, now: dt.datetime | None = None) -> tuple[int, float]:
    """(queued entries, age in seconds of the oldest) — for metrics and alerts."""
    total, oldest = 0, 0.0
    current = now or clock.now()
    for model in _queued_models():
        table = model.__table__
        row = session.execute(sa.select(sa.func.count(), sa.func.min(table.c.at)).where(table.c.seq.is_(None))).one()
        total += int(row[0])
        if row[1] is not None:
            oldest = max(oldest, (current - _as_utc(row[1])).total_seconds())
    return total, max(0.0, oldest)


# --- in the server -----------------------------------------------------------------------------

def _run_once() -> None:
    """One round of :func:`sequence_pending`, its failures logged (the next round tries again)."""
    try:
        sequence_pending()
    except SequencerRefused as exc:
        log.error("access log NOT integrated: %s — run `xinyong audit verify`", exc)
    except Exception:
        log.exception("audit sequencer run failed")


class BackgroundSequencer:
    """A daemon thread that runs :func:`sequence_pending` every ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-sequencer", daemon=True)

    def start(self) -> BackgroundSequencer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            _run_once()


class SequencerProcess:
    """:func:`sequence_pending` every ``interval`` seconds in a process of its own, beside a server that
    answers requests in one process.

    As a thread of that process, each round's Python work (a few hundred entries hashed, arrays
    encoded, a checkpoint signed) held the interpreter lock while requests waited for it: sequential
    exact screening on PostgreSQL went from p99 6.7–8.2 ms to 11.7–55 ms, with single requests held up
    to 400 ms (bench/README.md). With several workers the sequencer already runs in uvicorn's
    supervisor, which answers no requests. The process stops with the server (a daemon child) and on
    its own when the server is gone (its parent changes); stopping it mid-round loses nothing (the
    round's transaction is rolled back and done again by the next)."""

    def __init__(self, interval: float, target: Callable[[float, int], None]) -> None:
        import multiprocessing
        import os

        # spawned, not forked: a fresh interpreter, no copy of the server's threads, locks or connections.
        # ``target(interval, parent pid)`` assembles the platform, then calls :func:`sequence_until_orphaned`
        self._process = multiprocessing.get_context("spawn").Process(
            target=target, args=(interval, os.getpid()), name="audit-sequencer", daemon=True)

    def start(self) -> SequencerProcess:
        self._process.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout)


def sequence_until_orphaned(interval: float, parent: int) -> None:
    """The loop of :class:`SequencerProcess`: a round every ``interval`` seconds while the process
    ``parent`` (the server) is its parent."""
    import os
    import time

    while True:
        time.sleep(interval)
        if os.getppid() != parent:  # the server is gone: this process was handed to another parent
            return
        _run_once()


def start_background(*, process_target: Callable[[float, int], None] | None = None,
                     ) -> BackgroundSequencer | SequencerProcess | None:
    """Start the server's sequencer unless ``XINYONG_AUDIT_SEQUENCE_SECONDS`` is 0: a thread, or with
    ``process_target`` a process of its own running it (:class:`SequencerProcess`)."""
    interval = _settings().audit_sequence_seconds
    if interval <= 0:
        return None
    if process_target is not None:
        return SequencerProcess(interval, process_target).start()
    return BackgroundSequencer(interval).start()
