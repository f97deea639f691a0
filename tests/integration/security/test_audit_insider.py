"""An insider with write access to the database (append-only triggers dropped, chain heads and
checkpoints writable) but without the audit key file attacks the access log; on both engines every
attack is found and the first bad sequence number named. The window — entries younger than the
sealing interval, whose deletion together with a replayed chain head goes unnoticed — is shown too.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.core.access import SYSTEM, Purpose, guard
from xinyong.core.audit.chain import append_only_ddl, chained, drop_append_only_ddl
from xinyong.core.audit.checkpoints import SealRefused, signed_message
from xinyong.core.audit.keys import key_id, public_b64
from xinyong.core.audit.sequencer import sequence_pending
from xinyong.core.config import reset_settings
from xinyong.core.db import get_engine, unit_of_work

runner = CliRunner()


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Seal every 4 entries or after 60 s; a witness file of this test."""
    witness = tmp_path / "witness" / "checkpoints.jsonl"
    monkeypatch.setenv("XINYONG_AUDIT_SEAL_EVERY", "4")
    monkeypatch.setenv("XINYONG_AUDIT_SEAL_SECONDS", "60")
    monkeypatch.setenv("XINYONG_AUDIT_MAX_QUEUE_SECONDS", "120")
    monkeypatch.setenv("XINYONG_AUDIT_WITNESS", str(witness))
    reset_settings()
    yield witness
    reset_settings()


def _log(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with unit_of_work() as s:
            entry = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key=f"key{i:03d}")
            entry.result_count = i
    sequence_pending()


def _verify(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["audit", "verify", "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _first(report: dict[str, Any]) -> tuple[int | None, str]:
    return report["first"]["seq"], report["first"]["kind"]


def _kinds(report: dict[str, Any]) -> set[tuple[int | None, str]]:
    return {(p["seq"], p["kind"]) for c in report["chains"] for p in c["problems"]}


@contextmanager
def insider() -> Iterator[Connection]:
    """What an insider with database rights does first: the append-only triggers go."""
    engine = get_engine()
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for table in ("access_log", "audit_checkpoints"):
            if dialect == "sqlite":
                for sql in drop_append_only_ddl(table, dialect):
                    conn.execute(text(sql))
            else:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER ALL"))
        yield conn
        if dialect == "sqlite":
            for sql in append_only_ddl("access_log", dialect, queued=True) + append_only_ddl("audit_checkpoints"):
                conn.execute(text(sql))
        else:
            for table in ("access_log", "audit_checkpoints"):
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER ALL"))


def _hash(conn: Connection, seq: int) -> str:
    return str(conn.execute(text("SELECT entry_hash FROM access_log WHERE seq = :s"), {"s": seq}).scalar_one())


def _set_head(conn: Connection, seq: int, digest: str) -> None:
    conn.execute(text("UPDATE audit_chain_heads SET last_seq = :s, last_hash = :h WHERE chain = 'access_log'"),
                 {"s": seq, "h": digest})


def test_intact_log_verifies_against_the_witness(db_url, settings: Path) -> None:
    _log(10)
    assert _verify()[0] == 0
    assert _verify("--against", str(settings))[0] == 0
    published = [json.loads(line)["tree_size"] for line in settings.read_text().splitlines()]
    assert published == [4, 8]


def test_alter_and_recompute_is_named(db_url) -> None:
    _log(10)
    with insider() as conn:
        conn.execute(text("UPDATE access_log SET result_count = 99, purpose = 'audit' WHERE seq = 6"))
        # recompute every later hash (and the head) the only way someone without the key can
        from xinyong.core.audit.checkpoints import row_fields
        from xinyong.core.models import AccessLogEntry

        table = AccessLogEntry.__table__
        prev = _hash(conn, 5)
        for row in conn.execute(table.select().where(table.c.seq >= 6).order_by(table.c.seq)).all():
            digest = chained("access_log", prev, row_fields(AccessLogEntry, row))
            conn.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, entry_hash=digest))
            prev = digest
        _set_head(conn, 10, prev)
    code, report = _verify()
    assert code == 1 and _first(report) == (6, "altered")


def test_delete_is_named(db_url) -> None:
    _log(10)
    with insider() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq = 7"))
    code, report = _verify()
    assert code == 1 and _first(report) == (7, "removed")


def test_reorder_is_named(db_url) -> None:
    _log(10)
    with insider() as conn:
        conn.execute(text("UPDATE access_log SET seq = -1 WHERE seq = 3"))
        conn.execute(text("UPDATE access_log SET seq = 3 WHERE seq = 4"))
        conn.execute(text("UPDATE access_log SET seq = 4 WHERE seq = -1"))
    code, report = _verify()
    assert code == 1 and _first(report) == (3, "reordered")


def test_insert_is_named(db_url) -> None:
    _log(6)
    with insider() as conn:
        prev = _hash(conn, 3)
        conn.execute(text("UPDATE access_log SET seq = seq + 100 WHERE seq >= 4"))
        conn.execute(text("UPDATE access_log SET seq = seq - 99 WHERE seq >= 104"))
        conn.execute(text(
            "INSERT INTO access_log (at, principal_name, role, action, purpose, allowed, detail, seq, prev_hash,"
            " entry_hash, mac) SELECT at, principal_name, role, action, purpose, allowed, detail, 4, :p, :h, mac"
            " FROM access_log WHERE seq = 3"), {"p": prev, "h": "ab" * 32})
    code, report = _verify()
    assert code == 1 and _first(report) == (4, "altered")  # a copied MAC, but no key for the link hash


def test_truncating_sealed_entries_is_named(db_url, settings: Path) -> None:
    _log(10)  # sealed at 4 and 8
    with insider() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq >= 7"))
        conn.execute(text("DELETE FROM audit_checkpoints WHERE tree_size = 8"))
        _set_head(conn, 6, _hash(conn, 6))
    code, report = _verify()
    assert code == 1 and _first(report) == (7, "head")  # the head's HMAC no longer matches
    code, report = _verify("--against", str(settings))
    assert code == 1 and _first(report) == (7, "head")
    assert (7, "removed") in _kinds(report) and (8, "checkpoint") in _kinds(report)


def test_truncating_unsealed_entries_older_than_the_interval_is_named(db_url, test_clock) -> None:
    _log(10)  # sealed at 4 and 8; 9 and 10 are sequenced, not yet due for sealing
    test_clock.advance(dt.timedelta(seconds=600))  # the sequencer was stopped: 9 and 10 are overdue now
    with insider() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq = 10"))
        _set_head(conn, 9, _hash(conn, 9))
    code, report = _verify()
    assert code == 1
    assert _first(report) == (9, "unsealed")  # from 9 on nothing is signed although it is overdue
    assert (10, "head") in _kinds(report)  # and the rewritten head names the removed 10


def test_rewriting_the_head_is_named(db_url) -> None:
    _log(10)
    with insider() as conn:
        _set_head(conn, 5, _hash(conn, 5))
    code, report = _verify()
    assert code == 1 and _first(report) == (6, "head")
    with pytest.raises(SealRefused):
        sequence_pending()  # the sequencer does not extend a head it did not sign


def test_deleting_checkpoints_and_resealing_is_named(db_url, settings: Path, monkeypatch) -> None:
    _log(12)  # sealed at 4, 8 and 12, published to the witness
    with insider() as conn:
        conn.execute(text("DELETE FROM audit_checkpoints WHERE chain = 'access_log'"))
    code, report = _verify()
    assert code == 1 and _first(report) == (1, "unsealed")  # 12 entries, no checkpoint
    with pytest.raises(SealRefused):
        with unit_of_work() as s:
            from xinyong.core.audit.checkpoints import seal_all

            seal_all(s)  # the witness still holds the checkpoint of 12: no re-sealing
    # an insider who also hides the witness from the platform gets a re-seal, which still shows
    monkeypatch.setenv("XINYONG_AUDIT_WITNESS", "")
    reset_settings()
    assert runner.invoke(app, ["audit", "seal"]).exit_code == 0
    code, report = _verify()
    assert code == 1 and _first(report) == (1, "unsealed")  # one checkpoint for 12 entries
    code, report = _verify("--against", str(settings))
    assert code == 1 and (4, "checkpoint") in _kinds(report) and (8, "checkpoint") in _kinds(report)


def test_swapping_the_signing_key_is_named(db_url, settings: Path) -> None:
    _log(9)
    forged = Ed25519PrivateKey.generate()
    pub = public_b64(forged.public_key())
    with insider() as conn:
        rows = conn.execute(text("SELECT id, chain, tree_size, root_hash, last_entry_hash, sealed_at, keyed_from "
                                 "FROM audit_checkpoints")).all()
        for r in rows:
            cp = dict(r._mapping) | {"key_id": key_id(pub)}
            signature = base64.b64encode(forged.sign(signed_message(cp))).decode()
            conn.execute(text("UPDATE audit_checkpoints SET key_id = :k, public_key = :p, signature = :s "
                              "WHERE id = :i"), {"k": key_id(pub), "p": pub, "s": signature, "i": r.id})
    code, report = _verify()
    # no checkpoint under a trusted key is left: nothing from entry 1 on is sealed
    assert code == 1 and _first(report) == (1, "unsealed")
    assert (4, "checkpoint") in _kinds(report) and (8, "checkpoint") in _kinds(report)
    code, report = _verify("--public-key", pub, "--against", str(settings))
    assert code == 1 and _first(report) == (4, "checkpoint")  # the witness knows which key signed


def test_a_queued_entry_altered_before_sequencing_is_found(db_url) -> None:
    with unit_of_work() as s:
        guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key="k")
    with insider() as conn:
        conn.execute(text("UPDATE access_log SET subject_key = 'other' WHERE seq IS NULL"))
    code, report = _verify()
    assert code == 1 and _first(report) == (None, "altered")
    sequence_pending()
    code, report = _verify()
    assert code == 1 and _first(report) == (1, "altered")


def test_entries_waiting_too_long_are_reported(db_url, test_clock) -> None:
    with unit_of_work() as s:
        guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key="k")
    assert _verify()[0] == 0
    test_clock.advance(dt.timedelta(seconds=121))
    code, report = _verify()
    assert code == 1 and _first(report) == (None, "unsequenced")
    assert report["chains"][0]["unsequenced"] == 1
    sequence_pending()
    assert _verify()[0] == 0


def test_the_window_entries_younger_than_the_sealing_interval(db_url) -> None:
    """The documented window: an entry not yet sealed (at most XINYONG_AUDIT_SEAL_SECONDS old, or fewer
    than XINYONG_AUDIT_SEAL_EVERY since the last checkpoint) can be deleted by an insider who also puts
    back a chain head the sequencer signed before it, and that deletion is not detectable."""
    _log(9)  # sealed at 4 and 8
    with get_engine().connect() as conn:
        old_head = dict(conn.execute(text("SELECT * FROM audit_chain_heads WHERE chain = 'access_log'"))
                        .one()._mapping)
    _log(1, start=9)
    with insider() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq = 10"))
        conn.execute(text("UPDATE audit_chain_heads SET last_seq = :last_seq, last_hash = :last_hash, "
                          "updated_at = :updated_at, mac = :mac WHERE chain = 'access_log'"), old_head)
    assert _verify()[0] == 0  # inside the window
    with get_engine().connect() as conn:  # entries sealed before the attack stay protected
        assert conn.execute(text("SELECT max(tree_size) FROM audit_checkpoints")).scalar() == 8


def test_one_month_verifies_on_its_own(db_url, test_clock) -> None:
    test_clock.set(dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC))
    sequence_pending()  # PostgreSQL: the partitions of October and November are made ahead
    _log(6)
    test_clock.set(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC))
    _log(6, start=6)
    assert runner.invoke(app, ["audit", "seal"]).exit_code == 0
    assert _verify("--month", "2026-10")[0] == 0
    assert _verify("--month", "2026-11")[0] == 0
    with insider() as conn:
        conn.execute(text("UPDATE access_log SET result_count = 77 WHERE seq = 9"))
        if conn.dialect.name == "postgresql":
            part = conn.execute(text("SELECT tableoid::regclass::text FROM access_log WHERE seq = 9")).scalar()
            assert part == "access_log_y2026m11"
    assert _verify("--month", "2026-10")[0] == 0
    code, report = _verify("--month", "2026-11")
    assert code == 1 and _first(report) == (9, "altered")
    assert report["chains"][0]["entries"] <= 8  # verified from the checkpoint before November, not from 1
    assert runner.invoke(app, ["audit", "verify", "--month", "11-2026"]).exit_code == 2

