"""Hash-chained, append-only history tables (国办发〔2020〕49号 §（十三）防止篡改、破坏).

Any table can become a tamper-evident history:

1. its model subclasses :class:`ChainedMixin` and names the hashed columns in ``__chain_fields__``;
2. its migration creates the chain columns (:func:`chain_columns`) and runs
   :func:`append_only_ddl` (triggers that refuse UPDATE and DELETE on SQLite and PostgreSQL) and
   :func:`head_row_sql` for its chain head.

Two ways of joining the chain:

- **Queued** (``__chain_queued__ = True``: the access log, written by every request). A request only
  INSERTs its entry with a keyed MAC over its fields (:func:`entry_mac`) and no place in the chain —
  no lock shared with any other request. The sequencer (:mod:`xinyong.core.audit.sequencer`) later
  gives queued entries their ``seq``, ``prev_hash`` and ``entry_hash = HMAC(chain, prev, mac)``
  (:func:`link_hash`), moves the chain head and seals signed checkpoints, in batches — the
  certificate-transparency design (entries queued, then integrated).
- **Immediate** (the decision history, a few writes a day): when the row is flushed, a session hook
  locks the chain's head row (``audit_chain_heads``), gives the row the next ``seq``, the previous
  entry's hash as ``prev_hash`` and ``entry_hash = SHA-256(canonical JSON of {chain, prev, fields})``.

:mod:`xinyong.core.audit.verify` recomputes both; :mod:`xinyong.core.audit.checkpoints` seals them.
Rows handed to :func:`defer` (the access log's ``guard`` entries) join the session only when it
commits, so a handler can still fill in ``result_count`` / ``detail`` after ``guard``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import Integer, String, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column

GENESIS = "0" * 64
HEADS_TABLE = "audit_chain_heads"
_PENDING = "xy_audit_pending"


# --- canonical encoding ------------------------------------------------------------------------

#: values canonical as they are, returned before the isinstance checks below (a batch screening's
#: access-log entry lists hundreds of thousands of subject keys)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _norm(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if type(value) is list and _PLAIN.issuperset(map(type, value)):
        return value  # a long list of keys: one pass in C, not a call per element
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _norm(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def canonical(value: Any) -> bytes:
    """Canonical JSON: UTC timestamps with microseconds, sorted keys, no whitespace, UTF-8."""
    return json.dumps(_norm(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def chained(chain: str, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """``entry_hash`` of an entry of ``chain`` whose predecessor hashed to ``prev_hash``."""
    return hashlib.sha256(canonical({"chain": chain, "prev": prev_hash, "fields": dict(fields)})).hexdigest()


def entry_mac(chain: str, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """Keyed MAC of a queued entry's content, computed by the request that writes it (HMAC-SHA256 with
    :func:`xinyong.core.audit.keys.mac_key`, a key held outside the database)."""
    if key is None:
        from xinyong.core.audit.keys import mac_key

        key = mac_key()
    message = b"xinyong-entry/1\x00" + canonical({"chain": chain, "fields": dict(fields)})
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def link_hash(chain: str, prev_hash: str, mac: str, key: bytes | None = None) -> str:
    """``entry_hash`` of a sequenced entry: HMAC-SHA256 over the chain, its predecessor and its MAC
    (``chain``, then the two hex digests, NUL-separated: unambiguous). ``key``: the MAC key, when the
    caller fetched it once for a batch."""
    if key is None:
        from xinyong.core.audit.keys import mac_key

        key = mac_key()
    message = f"xinyong-link/1\x00{chain}\x00{prev_hash}\x00{mac}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def json_roundtrip(value: Any) -> Any:
    """What a JSON column gives back (keys become strings, tuples lists).

    A value made only of strings, integers, booleans, None, finite floats, lists, tuples and dicts
    with string keys comes back as a copy without being encoded and decoded (a batch screening's entry
    lists up to 125,000 subject keys: the round trip took about 65 ms of its commit); anything else
    (dates, decimals, enums, other keys) takes the round trip."""
    if value is None:
        return None
    copied = _json_copy(value)
    if copied is not _NOT_JSON:
        return copied
    return json.loads(json.dumps(_norm(value), ensure_ascii=False))


_NOT_JSON = object()
#: scalars that a JSON column gives back as they are (bool before int: ``type`` is exact)
_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def _json_copy(value: Any) -> Any:
    """A copy of ``value`` as :func:`json_roundtrip` would give it, or ``_NOT_JSON`` when it holds
    anything the round trip changes other than tuples."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is float:
        return value if math.isfinite(value) else _NOT_JSON
    if kind is list or kind is tuple:
        if _JSON_SCALARS.issuperset(map(type, value)):
            return list(value)
        items = [_json_copy(v) for v in value]
        return _NOT_JSON if any(v is _NOT_JSON for v in items) else items
    if kind is dict:
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                return _NOT_JSON
            inner = _json_copy(item)
            if inner is _NOT_JSON:
                return _NOT_JSON
            copied[key] = inner
        return copied
    return _NOT_JSON


# --- the mixin ---------------------------------------------------------------------------------

class ChainedMixin:
    """Columns and metadata of a hash-chained history table. Set ``__chain_fields__`` explicitly."""

    __chain_fields__: ClassVar[tuple[str, ...]] = ()
    #: True: entries are queued by the writer and integrated by the sequencer (no head lock per write)
    __chain_queued__: ClassVar[bool] = False

    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    entry_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    def chain_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__chain_fields__}


def chain_name(obj_or_cls: Any) -> str:
    table = getattr(obj_or_cls, "__tablename__", None)
    if not isinstance(table, str):
        raise TypeError(f"{obj_or_cls!r} has no __tablename__")
    return table


def chained_models() -> list[type[ChainedMixin]]:
    """Every mapped ChainedMixin subclass (the composition root maps every capability's tables)."""
    from xinyong.core.assembly import ensure_assembled
    from xinyong.core.db import Base

    ensure_assembled()
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, ChainedMixin)),
        key=chain_name,
    )


# --- migration helpers -------------------------------------------------------------------------

def chain_columns() -> list[sa.Column[Any]]:
    """The chain columns for ``op.create_table`` (or ``batch_op.add_column``) of a history table."""
    return [
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("entry_hash", sa.String(length=64), nullable=True),
    ]


#: queued chains: the columns a sequencer may not change when it fills in a queued entry's chain columns
QUEUED_COLUMNS: dict[str, tuple[str, ...]] = {
    "access_log": ("id", "at", "principal_id", "principal_name", "role", "department", "action", "purpose",
                   "subject_key", "allowed", "result_count", "detail", "reason", "mac"),
}


def append_only_ddl(table_name: str, dialect: str = "sqlite", *, queued: bool = False) -> list[str]:
    """DDL that makes ``table_name`` append-only: UPDATE and DELETE (and TRUNCATE) raise.

    In a migration: ``for sql in append_only_ddl("x", op.get_bind().dialect.name): op.execute(sql)``.
    With ``queued`` (a queued chain, :data:`QUEUED_COLUMNS`; from security_0006 on) one UPDATE is allowed: a row without ``seq`` may receive its
    ``seq``, ``prev_hash`` and ``entry_hash`` once, nothing else changing.
    """
    if not table_name.replace("_", "").isalnum():
        raise ValueError(f"unsafe table name {table_name!r}")
    message = f"{table_name} is append-only (只允许追加，不得修改或删除)"
    kept = QUEUED_COLUMNS[table_name] if queued else None
    if kept is not None and dialect == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in kept)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_update BEFORE UPDATE ON {table_name} "
            f"WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_delete BEFORE DELETE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    if kept is not None and dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION xinyong_sequence_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND "
            "(to_jsonb(NEW) - 'seq' - 'prev_hash' - 'entry_hash')::text = "
            "(to_jsonb(OLD) - 'seq' - 'prev_hash' - 'entry_hash')::text THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (只允许追加，不得修改或删除)', "
            "ERRCODE = 'insufficient_privilege'; END $$",
            "CREATE OR REPLACE FUNCTION xinyong_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (只允许追加，不得修改或删除)', "
            "ERRCODE = 'insufficient_privilege'; END $$",
            f"DROP TRIGGER IF EXISTS {table_name}_append_only ON {table_name}",
            f"CREATE TRIGGER {table_name}_append_only BEFORE UPDATE OR DELETE ON {table_name} "
            "FOR EACH ROW EXECUTE FUNCTION xinyong_sequence_only()",
            f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table_name}",
            f"CREATE TRIGGER {table_name}_no_truncate BEFORE TRUNCATE ON {table_name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_append_only()",
        ]
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_update BEFORE UPDATE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_delete BEFORE DELETE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION xinyong_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (只允许追加，不得修改或删除)', "
            "ERRCODE = 'insufficient_privilege'; END $$",
            f"DROP TRIGGER IF EXISTS {table_name}_append_only ON {table_name}",
            f"CREATE TRIGGER {table_name}_append_only BEFORE UPDATE OR DELETE ON {table_name} "
            "FOR EACH ROW EXECUTE FUNCTION xinyong_append_only()",
            f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table_name}",
            f"CREATE TRIGGER {table_name}_no_truncate BEFORE TRUNCATE ON {table_name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_append_only()",
        ]
    raise ValueError(f"unsupported dialect {dialect}")


def drop_append_only_ddl(table_name: str, dialect: str = "sqlite") -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table_name}_no_update", f"DROP TRIGGER IF EXISTS {table_name}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {table_name}_append_only ON {table_name}",
            f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table_name}"]


def head_row_sql(table_name: str) -> str:
    """Insert the chain head of a new history table (run once in its migration)."""
    return (f"INSERT INTO {HEADS_TABLE} (chain, last_seq, last_hash) "
            f"VALUES ('{table_name}', 0, '{GENESIS}')")


# --- assigning the chain at flush --------------------------------------------------------------

def defer(session: Session, row: ChainedMixin) -> None:
    """Add ``row`` to ``session`` when it commits (it may still be mutated until then)."""
    session.info.setdefault(_PENDING, []).append(row)


def _lock_head(session: Session, chain: str) -> tuple[int, str]:
    """Lock the chain's head row until commit and read it: one statement (``UPDATE … RETURNING``
    works on PostgreSQL and SQLite ≥ 3.35); the head row is created on first use."""
    conn = session.connection()
    params = {"c": chain}
    lock = text(f"UPDATE {HEADS_TABLE} SET last_seq = last_seq WHERE chain = :c RETURNING last_seq, last_hash")
    row = conn.execute(lock, params).first()
    if row is None:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"INSERT INTO {HEADS_TABLE} (chain, last_seq, last_hash) "
                              "VALUES (:c, 0, :g) ON CONFLICT (chain) DO NOTHING"), {**params, "g": GENESIS})
        else:
            conn.execute(text(f"INSERT OR IGNORE INTO {HEADS_TABLE} (chain, last_seq, last_hash) "
                              "VALUES (:c, 0, :g)"), {**params, "g": GENESIS})
        row = conn.execute(lock, params).one()
    return int(row[0]), str(row[1])


def _prepare(row: ChainedMixin) -> dict[str, Any]:
    """Normalise the hashed fields to what the database gives back, and return them."""
    table = row.__table__  # type: ignore[attr-defined]
    fields: dict[str, Any] = {}
    for name in row.__chain_fields__:
        value = getattr(row, name)
        column = table.columns[name]
        default = column.default
        if value is None and default is not None and getattr(default, "is_scalar", False):
            value = default.arg
        elif value is None and default is not None and getattr(default, "is_callable", False):
            value = default.arg(None)
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            value = aware.astimezone(dt.UTC)
        elif isinstance(column.type, sa.JSON):
            value = json_roundtrip(value)
        setattr(row, name, value)
        fields[name] = value
    return fields


def assign(session: Session, rows: Iterable[ChainedMixin]) -> list[tuple[str, int, int]]:
    """Give ``rows`` their place in their chains; returns (chain, old last_seq, new last_seq)."""
    by_chain: dict[str, list[ChainedMixin]] = {}
    for row in rows:
        by_chain.setdefault(chain_name(row), []).append(row)
    moved = []
    for chain in sorted(by_chain):
        last_seq, last_hash = _lock_head(session, chain)
        start = last_seq
        for row in by_chain[chain]:
            fields = _prepare(row)
            last_seq += 1
            row.seq = last_seq
            row.prev_hash = last_hash
            row.entry_hash = last_hash = chained(chain, row.prev_hash, fields)
        session.connection().execute(
            text(f"UPDATE {HEADS_TABLE} SET last_seq = :s, last_hash = :h WHERE chain = :c"),
            {"s": last_seq, "h": last_hash, "c": chain},
        )
        moved.append((chain, start, last_seq))
    return moved


def _row_values(row: ChainedMixin) -> dict[str, Any]:
    """Column values of ``row`` for a Core INSERT (defaults applied, the autoincrement key left out)."""
    values: dict[str, Any] = {}
    for attr, column_key, primary, default in _insert_columns(type(row)):
        value = getattr(row, attr)
        if value is None and primary:
            continue
        if value is None and default is not None:
            if getattr(default, "is_scalar", False):
                value = default.arg
            elif getattr(default, "is_callable", False):
                value = default.arg(None)
        values[column_key] = value
    return values


_INSERT_COLUMNS: dict[type, list[tuple[str, str, bool, Any]]] = {}


def _insert_columns(cls: type) -> list[tuple[str, str, bool, Any]]:
    """(attribute, column key, is primary key, column default) of a mapped class, computed once."""
    found = _INSERT_COLUMNS.get(cls)
    if found is None:
        found = []
        attrs: Any = sa.inspect(cls).column_attrs
        for attr in attrs:
            column: Any = attr.columns[0]
            found.append((attr.key, column.key, column.primary_key, column.default))
        _INSERT_COLUMNS[cls] = found
    return found


def append_deferred(session: Session, rows: list[ChainedMixin]) -> None:
    """Write deferred rows (the access log's ``guard`` entries) straight to their tables.

    The rows never enter the ORM unit of work: each chain's head is locked and read in one statement,
    the hashes computed, and on PostgreSQL the head update travels in the INSERT itself (a
    data-modifying CTE), so a request's access-log entry costs two round trips. The chain head is
    still the last lock a transaction takes (callers flush first), so the lock order cannot cycle.
    """
    from xinyong.core.audit.checkpoints import seal_every, seal_in_session

    by_chain: dict[str, list[ChainedMixin]] = {}
    for row in rows:
        by_chain.setdefault(chain_name(row), []).append(row)
    conn = session.connection()
    for chain in sorted(by_chain):
        items = by_chain[chain]
        if items[0].__chain_queued__:
            for row in items:
                queue_row(row)
            insert = _append_statements(items[0].__table__)[1]  # type: ignore[attr-defined]
            conn.execute(insert, [_row_values(row) for row in items])
            continue
        last_seq, last_hash = _lock_head(session, chain)
        start = last_seq
        for row in items:
            fields = _prepare(row)
            last_seq += 1
            row.seq = last_seq
            row.prev_hash = last_hash
            row.entry_hash = last_hash = chained(chain, row.prev_hash, fields)
        move, insert, insert_moving = _append_statements(items[0].__table__)  # type: ignore[attr-defined]
        head = {"head_chain": chain, "head_seq": last_seq, "head_hash": last_hash}
        if len(items) == 1 and conn.dialect.name == "postgresql":
            conn.execute(insert_moving, {**_row_values(items[0]), **head})
        else:
            conn.execute(move, head)
            conn.execute(insert, [_row_values(row) for row in items])
        every = seal_every()
        if every > 0 and last_seq // every > start // every:
            seal_in_session(session, chain)


_HEADS = sa.table(HEADS_TABLE, sa.column("chain"), sa.column("last_seq"), sa.column("last_hash"))
_MOVE_HEAD = (_HEADS.update().where(_HEADS.c.chain == sa.bindparam("head_chain"))
              .values(last_seq=sa.bindparam("head_seq"), last_hash=sa.bindparam("head_hash")))
_STATEMENTS: dict[str, tuple[Any, Any, Any]] = {}


def _append_statements(table: sa.Table) -> tuple[Any, Any, Any]:
    """(move the head, insert rows, insert one row moving the head in a CTE) — built once per table so
    that SQLAlchemy's compiled cache serves every later append."""
    found = _STATEMENTS.get(table.name)
    if found is None:
        insert = sa.insert(table)
        found = _STATEMENTS[table.name] = (_MOVE_HEAD, insert, insert.add_cte(_MOVE_HEAD.cte("moved_head")))
    return found


def queue_row(row: ChainedMixin) -> None:
    """Prepare a queued entry: normalise its fields and give it its MAC (no chain position yet)."""
    fields = _prepare(row)
    row.mac = entry_mac(chain_name(row), fields)  # type: ignore[attr-defined]


@event.listens_for(Session, "before_commit")
def _add_deferred(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.flush()
        append_deferred(session, pending)


@event.listens_for(Session, "before_flush")
def _chain_new_rows(session: Session, _flush_context: Any, _instances: Any) -> None:
    fresh = [o for o in session.new if isinstance(o, ChainedMixin) and o.entry_hash is None]
    if not fresh:
        return
    queued = [o for o in fresh if o.__chain_queued__]
    for row in queued:
        if getattr(row, "mac", None) is None:
            queue_row(row)
    fresh = [o for o in fresh if not o.__chain_queued__]
    if not fresh:
        return
    moved = assign(session, fresh)
    session.info.setdefault("xy_audit_moved", []).extend(moved)


@event.listens_for(Session, "after_flush_postexec")
def _maybe_seal(session: Session, _flush_context: Any) -> None:
    moved = session.info.pop("xy_audit_moved", None)
    if not moved:
        return
    from xinyong.core.audit.checkpoints import seal_every, seal_in_session

    every = seal_every()
    if every <= 0:
        return
    for chain, start, end in moved:
        if end // every > start // every:
            seal_in_session(session, chain)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop("xy_audit_moved", None)
