"""Database engine, declarative base and the unit of work.

SQLite (embedded default) runs in WAL mode with full synchronous commits and foreign keys on;
PostgreSQL is the production engine. Every use case runs in one explicit transaction opened by
:func:`unit_of_work`: it commits when the block ends normally and rolls back on any exception, so a
failed request leaves nothing half-written (DESIGN.md principle 4).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, MetaData, any_, bindparam, create_engine, event, update
from sqlalchemy.engine import Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import Executable
from sqlalchemy.util.typing import TupleAny

from xinyong.core.authority import region_prefix
from xinyong.core.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_sessionmakers: dict[str, sessionmaker[Session]] = {}
_override_url: str | None = None


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def database_url() -> str:
    return _override_url or get_settings().database_url


def use_database(url: str | None) -> None:
    """Point the process at another database (tests, CLI --database)."""
    global _override_url
    _override_url = url


def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            kwargs: dict[str, Any] = {"echo": get_settings().sql_echo, "future": True}
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            else:
                settings = get_settings()
                kwargs.update(pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)
            engine = create_engine(url, **kwargs)
            if parsed.get_backend_name() != "sqlite" and settings.db_pre_ping:
                _ping_when_idle(engine, settings.db_ping_after_idle_seconds)
            if parsed.get_backend_name() == "sqlite":
                event.listen(engine, "connect", _on_sqlite_connect)
            _engines[url] = engine
        return engine


_IDLE_SINCE = "xy_idle_since"


def _ping_when_idle(engine: Engine, after_seconds: float) -> None:
    """Test a pooled connection with a round trip before lending it, when it sat unused in the pool for
    more than ``after_seconds``. A connection the database dropped (a restart, an idle timeout) is then
    replaced before a request meets it, while a busy server — connections lent again within
    milliseconds — pays no round trip per request (SQLAlchemy's ``pool_pre_ping`` pings on every
    checkout: a seventh of an exact screening's time). A connection that fails in use anyway makes
    SQLAlchemy invalidate the whole pool, so only the requests already holding one fail."""

    def returned(_dbapi: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def lent(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since <= after_seconds:
            return  # a new connection, or one in use moments ago
        try:
            # the dialect's ping leaves the connection as it found it (no transaction left open)
            engine.dialect.do_ping(dbapi)
        except Exception as error:  # any failure: the pool replaces the connection and tries again
            raise DisconnectionError(str(error)) from error

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", lent)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    url = url or database_url()
    maker = _sessionmakers.get(url)
    if maker is None:
        maker = sessionmaker(bind=get_engine(url), expire_on_commit=False)
        _sessionmakers[url] = maker
    return maker


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _sessionmakers.clear()


@contextmanager
def unit_of_work(url: str | None = None, *, serialise: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception.

    ``serialise=True`` is for a read-check-write that must not interleave with another writer (a
    decision two officers may take at once): on SQLite the transaction starts with ``BEGIN IMMEDIATE``,
    so it holds the database's write lock before its first read and a concurrent writer waits for it
    (``busy_timeout``) and then reads the committed result. PostgreSQL needs nothing here: such use
    cases lock their row (``FOR UPDATE``) or write with a conditional update (:func:`claim`).
    Never open a serialised unit of work inside another open one in the same thread (it would wait
    for itself)."""
    session = session_factory(url)()
    try:
        with session.begin():
            if serialise and session.get_bind().dialect.name == "sqlite":
                # pysqlite (legacy transaction control) issues no BEGIN of its own once one is open
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
    finally:
        session.close()


def claim(session: Session, row: Any, column: str, expected: Iterable[str], values: dict[str, Any]) -> bool:
    """Compare-and-set on one row: ``UPDATE <table> SET <values> WHERE id = :id AND <column> IN
    (:expected)``; True when this transaction changed the row, False when another had already moved it
    on. The decision is the database's (a row lock on PostgreSQL, the write lock on SQLite), so two
    conflicting decisions can never both succeed. ``row`` is refreshed from the database either way."""
    model = type(row)
    table = model.__table__
    stmt = (update(table).where(table.c.id == row.id, table.c[column].in_(list(expected))).values(**values))
    changed = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    session.refresh(row)
    return changed


@contextmanager
def single_read(url: str | None = None) -> Iterator[Session]:
    """A session for reads that need no transaction (one statement, e.g. resolving an API key):
    the connection is in autocommit, so there is no BEGIN/COMMIT round trip. Never write with it
    (:func:`read_and_register` adds the one write a read may carry, its access-log entry)."""
    with get_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn, \
            Session(bind=conn, expire_on_commit=False) as session:
        yield session


def plain_rows(session: Session, statement: Executable,
               params: dict[str, Any] | None = None) -> CursorResult[*TupleAny]:
    """``statement`` run on the session's connection, its rows as plain tuples: no ORM statement handling,
    no entities (the hot paths read a handful of rows per request, and loading entities cost more than
    the query). The session's pending changes are flushed first, as autoflush would."""
    session.flush()
    return session.connection().execute(statement, params)


def among(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values``, written so that the statement's text does not depend on how many values
    there are: on PostgreSQL ``column = ANY(array)`` with one array parameter, which the driver
    prepares once (an IN list of a new length is a new statement, parsed and planned again — about as
    long as the lookup itself on the hot paths); on SQLite a plain IN list."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))
    return column.in_(wanted)


_READ_ONLY = "xy_read_only"


@contextmanager
def read_and_register(url: str | None = None) -> Iterator[Session]:
    """A use case that only reads, and registers the read in the access log (exact screening, the hot
    path): on PostgreSQL its statements run in autocommit — no BEGIN, no COMMIT round trip — and the
    access-log entry ``guard`` deferred is written at the end by one INSERT that commits by itself, so
    the answer leaves only once the entry is durable. Reading in autocommit gives each statement its
    own snapshot; the use cases that take this read their answer in one statement.

    Any other write is refused (the session would commit it statement by statement, not as a whole):
    a use case that writes uses :func:`unit_of_work`. On SQLite this is :func:`unit_of_work` with the
    same refusal. On an exception nothing is written, as with a rolled-back unit of work."""
    autocommit = get_engine(url).dialect.name == "postgresql"
    with (single_read(url) if autocommit else unit_of_work(url)) as session:
        session.info[_READ_ONLY] = True
        conn = session.connection()
        conn.info[_READ_ONLY] = True
        try:
            yield session
            if autocommit:
                session.commit()  # before_commit writes the deferred access-log entry (xinyong.core.audit.chain)
        finally:
            conn.info.pop(_READ_ONLY, None)  # the connection goes back to the pool


#: the one statement a read_and_register connection may write: its access-log entry
_ENTRY_INSERT = "INSERT INTO access_log "
_CTE_WRITE = re.compile(r"\bAS\s*\(\s*(INSERT|UPDATE|DELETE)\b|\)\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def reads_only(session: Session) -> bool:
    """True inside :func:`read_and_register`: a use case that finds it must write (a marked screening
    index to recompute) does so in a :func:`unit_of_work` instead."""
    return bool(session.info.get(_READ_ONLY))


@event.listens_for(Session, "before_flush")
def _refuse_writes_when_read_only(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_READ_ONLY) and (session.new or session.dirty or session.deleted):
        changed = sorted({type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted)})
        raise RuntimeError(f"read_and_register: this use case reads only, yet it changed {', '.join(changed)}")


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_core_writes_when_read_only(conn: Connection, _cursor: Any, statement: str, _parameters: Any,
                                       _context: Any, _executemany: bool) -> None:
    """Writes that bypass the ORM (Core DELETE/INSERT/UPDATE) are refused on a read_and_register
    connection too: in autocommit they would commit one by one, and a reader could see half of them."""
    if conn.info.get(_READ_ONLY) and not statement.startswith(_ENTRY_INSERT):
        head = statement.lstrip()[:6].upper()
        if head in ("INSERT", "UPDATE", "DELETE") or head.startswith("MERGE") or (
                head.startswith("WITH") and _CTE_WRITE.search(statement)):
            raise RuntimeError(f"read_and_register: this use case reads only, yet it ran {statement[:60]!r}")


def is_postgres(url: str | None = None) -> bool:
    return make_url(url or database_url()).get_backend_name() == "postgresql"


def within_region(column: Any, region: str) -> ColumnElement[bool]:
    """SQL for ``column`` (a GB/T 2260 code) lying within ``region`` — the query form of
    :func:`xinyong.core.authority.region_within`, for filtering lists by a territory."""
    prefix = region_prefix(region)
    return column.is_not(None) if prefix is None else column.like(prefix + "%")
