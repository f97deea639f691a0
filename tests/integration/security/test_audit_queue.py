"""The queued access log under concurrency, across the security_0006 migration, and with an HTTP
witness; on both engines."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from xinyong.core import db as core_db
from xinyong.core.access import SYSTEM, Purpose, guard
from xinyong.core.audit.chain import GENESIS, chained
from xinyong.core.audit.partitions import ensure_partitions
from xinyong.core.audit.sequencer import sequence_pending, unsequenced_backlog
from xinyong.core.audit.verify import load_against, verify_all
from xinyong.core.config import reset_settings
from xinyong.core.db import get_engine, unit_of_work
from xinyong.core.migrate import alembic_config


def _one(i: int) -> None:
    with unit_of_work() as s:
        entry = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key=f"w{i:05d}")
        entry.result_count = i


def test_many_writers_and_a_running_sequencer(db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    """16 threads append 30 entries each while the sequencer integrates and seals (every 50): no error,
    nothing lost, one unbroken chain that verifies."""
    monkeypatch.setenv("XINYONG_AUDIT_SEAL_EVERY", "50")
    reset_settings()
    writers, each = 16, 30
    errors: list[BaseException] = []
    done = threading.Event()

    def write(w: int) -> None:
        try:
            for k in range(each):
                _one(w * each + k)
        except BaseException as exc:
            errors.append(exc)

    def sequence() -> None:
        while not done.is_set():
            try:
                sequence_pending()
            except BaseException as exc:
                errors.append(exc)
            done.wait(0.05)

    sequencer = threading.Thread(target=sequence)
    sequencer.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    sequencer.join()
    assert errors == []
    sequence_pending()
    with get_engine().connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM access_log ORDER BY seq"))]
        keys = {r[0] for r in conn.execute(text("SELECT subject_key FROM access_log"))}
        report = verify_all(conn)
        sizes = [r[0] for r in conn.execute(text(
            "SELECT tree_size FROM audit_checkpoints WHERE chain = 'access_log' ORDER BY tree_size"))]
    assert seqs == list(range(1, writers * each + 1))
    assert keys == {f"w{i:05d}" for i in range(writers * each)}
    assert report.ok, report.as_dict()
    assert sizes[:9] == [50 * k for k in range(1, 10)]
    with unit_of_work() as s:
        assert unsequenced_backlog(s) == (0, 0.0)


@pytest.fixture
def before_0006(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database at security_0005 (every other branch at its head)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        drop = None
    else:
        name = f"xy_m_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(core_db.database_url()).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        url = make_url(core_db.database_url()).set(database=name).render_as_string(hide_password=False)
        drop = (admin, name)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "security_0005")
    previous = core_db.database_url()
    core_db.use_database(url)
    try:
        yield url
    finally:
        core_db.use_database(previous)
        core_db.dispose_engines()
        if drop is not None:
            with drop[0].connect() as conn:
                conn.execute(text(f"DROP DATABASE {drop[1]} WITH (FORCE)"))
            drop[0].dispose()


def test_entries_written_before_the_queue_stay_verifiable(db_url, before_0006: str) -> None:
    """Entries chained the old way (unkeyed SHA-256, head locked) migrate as they are; the entries after
    security_0006 continue the same chain, keyed."""
    url = before_0006
    engine = create_engine(url)
    fields = {"principal_id": None, "principal_name": "系统", "role": "admin", "department": "平台",
              "action": "credit_file.read", "purpose": "administration", "allowed": True,
              "result_count": 1, "detail": {}, "reason": None}
    prev = GENESIS
    with engine.begin() as conn:
        for seq in range(1, 4):
            at = dt.datetime(2026, 11, 20, 8, seq, tzinfo=dt.UTC)
            row = {**fields, "at": at, "subject_key": f"old{seq}"}
            digest = chained("access_log", prev, row)
            conn.execute(text(
                "INSERT INTO access_log (at, principal_id, principal_name, role, department, action, purpose,"
                " subject_key, allowed, result_count, detail, reason, seq, prev_hash, entry_hash) VALUES"
                " (:at, NULL, :principal_name, :role, :department, :action, :purpose, :subject_key, :allowed,"
                " :result_count, '{}', NULL, :seq, :prev, :hash)"),
                {**row, "seq": seq, "prev": prev, "hash": digest})
            prev = digest
        conn.execute(text("UPDATE audit_chain_heads SET last_seq = 3, last_hash = :h WHERE chain = 'access_log'"),
                     {"h": prev})
    engine.dispose()
    command.upgrade(alembic_config(url), "heads")
    core_db.dispose_engines()
    with get_engine().connect() as conn:
        assert verify_all(conn).ok
        assert conn.execute(text("SELECT keyed_from FROM audit_chain_heads WHERE chain = 'access_log'")).scalar() == 4
    _one(1)
    _one(2)
    assert sequence_pending(force_seal=True) == 2
    with get_engine().connect() as conn:
        report = verify_all(conn)
        assert report.ok, report.as_dict()
        assert [r[0] for r in conn.execute(text("SELECT seq FROM access_log ORDER BY seq"))] == [1, 2, 3, 4, 5]
    engine = get_engine()
    with engine.begin() as conn:  # an insider recomputing an old-style hash for a new entry gains nothing
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER access_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE access_log DISABLE TRIGGER ALL"))
        conn.execute(text("UPDATE access_log SET mac = NULL WHERE seq = 5"))
    with engine.connect() as conn:
        report = verify_all(conn)
    assert report.first is not None and report.first.seq == 5


class _Witness(BaseHTTPRequestHandler):
    lines: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        json.loads(body)
        type(self).lines.append(body)
        self.send_response(201)
        self.end_headers()

    def do_GET(self) -> None:
        data = "\n".join(type(self).lines).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_http_witness(db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    _Witness.lines = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/checkpoints"
    try:
        monkeypatch.setenv("XINYONG_AUDIT_SEAL_EVERY", "3")
        monkeypatch.setenv("XINYONG_AUDIT_WITNESS", url)
        reset_settings()
        for i in range(7):
            _one(i)
        sequence_pending()
        assert [json.loads(x)["tree_size"] for x in _Witness.lines] == [3, 6]
        with get_engine().connect() as conn:
            assert verify_all(conn, export=load_against(url)).ok
        _Witness.lines.append(json.dumps({**json.loads(_Witness.lines[-1]), "tree_size": 9}))
        with get_engine().connect() as conn:
            report = verify_all(conn, export=load_against(url))
        assert not report.ok  # the witness holds a checkpoint the database lacks
    finally:
        server.shutdown()
        reset_settings()


class _WriterAtCreation:
    """The log's connection, with a request writing an entry of the month on another connection just as
    the partition is about to be created (the moment a check-then-create would race)."""

    def __init__(self, conn: Any, write: Callable[[], None]) -> None:
        self._conn, self._write, self.writer = conn, write, None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if self.writer is None and str(statement).startswith("CREATE TABLE IF NOT EXISTS access_log_y"):
            self.writer = threading.Thread(target=self._write)
            self.writer.start()
            self.writer.join(0.5)  # under the lock it waits; without it, it commits to DEFAULT here
        return self._conn.execute(statement, *args, **kwargs)


def test_a_partition_made_while_requests_write_that_month(db_url, test_clock) -> None:
    """A month without a partition: the sequencer creates it while a request writes an entry of that
    month. Neither fails, and the entry lands in the new partition."""
    if get_engine().dialect.name != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only")
    test_clock.set(dt.datetime(2031, 5, 10, 9, 0, tzinfo=dt.UTC))
    errors: list[BaseException] = []

    def write() -> None:
        try:
            _one(1)
        except BaseException as exc:
            errors.append(exc)

    with get_engine().connect() as conn, conn.begin():
        racing = _WriterAtCreation(conn, write)
        made = ensure_partitions(racing, dt.date(2031, 5, 10), months_ahead=0)  # type: ignore[arg-type]
    assert racing.writer is not None
    racing.writer.join(10)
    assert errors == [] and made == ["access_log_y2031m05"]
    with get_engine().connect() as conn:
        where = conn.execute(text("SELECT tableoid::regclass::text FROM access_log WHERE subject_key = 'w00001'"))
        assert where.scalar() == "access_log_y2031m05"


def test_entries_detail_is_compressed_with_lz4_in_every_partition(db_url, test_clock) -> None:
    """The access log's detail (a batch screening's entry lists up to 125,000 subject keys) is
    compressed with LZ4 in the partitioned table, in every partition the migrations made, and in a
    partition made later; a large entry written there reads back whole."""
    if get_engine().dialect.name != "postgresql":
        pytest.skip("partitions and column compression exist on PostgreSQL only")
    with get_engine().connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                             "AND 'lz4' = ANY(enumvals)")).first() is None:
            pytest.skip("this PostgreSQL was built without LZ4")
    test_clock.set(dt.datetime(2032, 3, 1, 9, 0, tzinfo=dt.UTC))
    with get_engine().connect() as conn, conn.begin():
        assert ensure_partitions(conn, dt.date(2032, 3, 1), months_ahead=0) == ["access_log_y2032m03"]
    with get_engine().connect() as conn:
        methods = dict(conn.execute(text(
            "SELECT c.relname, a.attcompression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attname = 'detail' AND (c.relname = 'access_log' OR c.oid IN "
            "(SELECT inhrelid FROM pg_inherits WHERE inhparent = 'access_log'::regclass))")).all())
    assert "access_log_y2032m03" in methods and len(methods) >= 3
    assert set(methods.values()) == {"l"}, methods
    keys = [f"{i:040x}" for i in range(40_000)]
    with unit_of_work() as s:
        entry = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key="lz4")
        entry.detail = {"subject_keys": keys}
    with get_engine().connect() as conn:
        stored = conn.execute(text("SELECT tableoid::regclass::text, pg_column_compression(detail), detail "
                                   "FROM access_log WHERE subject_key = 'lz4'")).one()
    assert stored[0] == "access_log_y2032m03" and stored[1] == "lz4" and stored[2]["subject_keys"] == keys
