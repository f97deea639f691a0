"""Tamper tests: edit, delete, insert and swap access-log rows behind the platform's back (triggers
disabled) and check that ``xinyong audit verify`` finds the first altered entry; on both engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.core.access import SYSTEM, Purpose, guard
from xinyong.core.audit.chain import append_only_ddl, chained, drop_append_only_ddl
from xinyong.core.audit.sequencer import sequence_pending
from xinyong.core.config import reset_settings
from xinyong.core.db import get_engine, unit_of_work

runner = CliRunner()


def _log(n: int) -> None:
    for i in range(n):
        with unit_of_work() as s:
            entry = guard(s, SYSTEM, "credit_file.read", purpose=Purpose.administration, subject_key=f"key{i:03d}")
            entry.result_count = i
    sequence_pending()


def _verify(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["audit", "verify", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


@contextmanager
def tampering() -> Iterator[Connection]:
    """A connection with the append-only triggers out of the way (what an intruder with DB rights does)."""
    engine = get_engine()
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect == "sqlite":
            for sql in drop_append_only_ddl("access_log", dialect):
                conn.execute(text(sql))
        else:
            conn.execute(text("ALTER TABLE access_log DISABLE TRIGGER ALL"))
        yield conn
        if dialect == "sqlite":
            for sql in append_only_ddl("access_log", dialect, queued=True):
                conn.execute(text(sql))
        else:
            conn.execute(text("ALTER TABLE access_log ENABLE TRIGGER ALL"))


def _seal() -> None:
    result = runner.invoke(app, ["audit", "seal"])
    assert result.exit_code == 0, result.output


def test_intact_chain_verifies_with_exit_0(db_url) -> None:
    _log(5)
    _seal()
    _log(2)
    code, report = _verify()
    assert code == 0, report
    assert report["ok"] is True
    chain = next(c for c in report["chains"] if c["chain"] == "access_log")
    assert chain["entries"] == 7 and chain["checkpoints"] == 1


def test_edit_is_found(db_url) -> None:
    _log(6)
    with tampering() as conn:
        conn.execute(text("UPDATE access_log SET purpose = 'audit' WHERE seq = 4"))
    code, report = _verify()
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (4, "altered")


def test_delete_is_found(db_url) -> None:
    _log(6)
    with tampering() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq = 3"))
    code, report = _verify()
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (3, "removed")


def test_delete_of_the_last_entry_is_found(db_url) -> None:
    _log(4)
    with tampering() as conn:
        conn.execute(text("DELETE FROM access_log WHERE seq = 4"))
    code, report = _verify()
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (4, "removed")


def test_insert_in_the_middle_with_recomputed_hashes_is_found(db_url) -> None:
    """A careful intruder renumbers and forges a self-consistent row; the links betray it."""
    _log(5)
    with tampering() as conn:
        prev = conn.execute(text("SELECT entry_hash FROM access_log WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE access_log SET seq = seq + 100 WHERE seq >= 3"))
        conn.execute(text("UPDATE access_log SET seq = seq - 99 WHERE seq >= 103"))
        from xinyong.core.models import AccessLogEntry

        table = AccessLogEntry.__table__
        at = conn.execute(table.select().where(table.c.seq == 2)).one().at
        fields = {"at": at, "principal_id": None, "principal_name": "系统", "role": "admin",
                  "department": "平台", "action": "credit_file.read", "purpose": "administration",
                  "subject_key": "forged", "allowed": True, "result_count": 1, "detail": {}, "reason": None}
        conn.execute(table.insert().values(**fields, seq=3, prev_hash=prev,
                                           entry_hash=chained("access_log", prev, fields)))
    code, report = _verify()
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (3, "inserted")


def test_raw_insert_without_chain_is_found(db_url) -> None:
    _log(2)
    with tampering() as conn:
        conn.execute(text(
            "INSERT INTO access_log (at, principal_name, role, action, purpose, allowed, detail)"
            " VALUES (CURRENT_TIMESTAMP, 'x', 'admin', 'record.read', 'audit', :t, '{}')"), {"t": True})
    code, report = _verify()
    assert code == 1
    assert report["first"]["kind"] == "inserted"


def test_swap_is_found(db_url) -> None:
    _log(6)
    with tampering() as conn:
        conn.execute(text("UPDATE access_log SET seq = -1 WHERE seq = 2"))
        conn.execute(text("UPDATE access_log SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE access_log SET seq = 3 WHERE seq = -1"))
    code, report = _verify()
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (2, "reordered")


def test_rewritten_chain_is_caught_by_the_keyed_hashes(db_url) -> None:
    """An intruder edits row 3 and recomputes every later hash and the head: the hashes are keyed
    (a key the database does not hold), so the edited entry itself is named."""
    _log(6)
    _seal()
    with tampering() as conn:
        conn.execute(text("UPDATE access_log SET result_count = 42 WHERE seq = 3"))
        from xinyong.core.audit.checkpoints import row_fields
        from xinyong.core.models import AccessLogEntry

        table = AccessLogEntry.__table__
        rows = conn.execute(table.select().order_by(table.c.seq)).all()
        prev = "0" * 64
        for row in rows:
            digest = chained("access_log", prev, row_fields(AccessLogEntry, row))
            conn.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, entry_hash=digest))
            prev = digest
        conn.execute(text("UPDATE audit_chain_heads SET last_hash = :h WHERE chain = 'access_log'"), {"h": prev})
    code, report = _verify()
    assert code == 1
    first = report["first"]
    assert first["kind"] == "altered" and first["seq"] == 1  # recomputed unkeyed: every entry fails
    assert any(p["seq"] == 3 and "校验码" in p["message"] for p in report["chains"][0]["problems"])


def test_export_pinpoints_a_rewrite_and_survives_deleted_checkpoints(db_url, tmp_path: Path) -> None:
    _log(6)
    _seal()
    out = tmp_path / "audit.json"
    assert runner.invoke(app, ["audit", "export", str(out)]).exit_code == 0
    with tampering() as conn:
        from xinyong.core.audit.checkpoints import row_fields
        from xinyong.core.models import AccessLogEntry

        conn.execute(text("UPDATE access_log SET result_count = 42 WHERE seq = 5"))
        table = AccessLogEntry.__table__
        prev = conn.execute(text("SELECT entry_hash FROM access_log WHERE seq = 4")).scalar_one()
        for row in conn.execute(table.select().where(table.c.seq >= 5).order_by(table.c.seq)).all():
            digest = chained("access_log", prev, row_fields(AccessLogEntry, row))
            conn.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, entry_hash=digest))
            prev = digest
        conn.execute(text("UPDATE audit_chain_heads SET last_hash = :h WHERE chain = 'access_log'"), {"h": prev})
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_checkpoints_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL"))
        conn.execute(text("DELETE FROM audit_checkpoints"))
    code, report = _verify()
    assert code == 1  # keyed hashes: even without the checkpoints the rewrite shows
    assert (report["first"]["seq"], report["first"]["kind"]) == (5, "altered")
    code, report = _verify("--against", str(out))
    assert code == 1
    assert (report["first"]["seq"], report["first"]["kind"]) == (5, "altered")


def test_forged_checkpoint_signature_is_found(db_url, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XINYONG_AUDIT_MAC_KEY", "bWFjLWtleS1vZi10aGlzLXRlc3Qtb25seS0zMmJ5dGU=")  # only the signer differs
    _log(3)
    _seal()
    other = tmp_path / "other.key"
    monkeypatch.setenv("XINYONG_AUDIT_SIGNING_KEY_FILE", str(other))  # verifier trusts a different key
    code, report = _verify()
    assert code == 1
    assert report["first"]["kind"] == "checkpoint"


def test_automatic_seal_every_n_entries(db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_AUDIT_SEAL_EVERY", "4")
    reset_settings()
    _log(9)
    with unit_of_work() as s:
        sizes = [r[0] for r in s.execute(text(
            "SELECT tree_size FROM audit_checkpoints WHERE chain = 'access_log' ORDER BY tree_size"))]
    assert sizes == [4, 8]
    assert _verify()[0] == 0


def test_decision_history_is_chained_append_only_and_verified(db_url) -> None:
    from sqlalchemy.exc import DBAPIError

    from xinyong.core.audit.history import history_of, record_decision

    with unit_of_work() as s:
        for event in ("noticed", "decided", "published"):
            record_decision(s, capability="listing", ref="listing_case:1", event=event, actor=SYSTEM,
                            detail={"document": "淮信认〔2026〕1号"})
    with unit_of_work() as s:
        assert [h.event for h in history_of(s, "listing_case:1")] == ["noticed", "decided", "published"]
    assert _verify()[0] == 0
    with pytest.raises(DBAPIError), get_engine().begin() as conn:
        conn.execute(text("DELETE FROM decision_history"))
    engine = get_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for sql in drop_append_only_ddl("decision_history", "sqlite"):
                conn.execute(text(sql))
        else:
            conn.execute(text("ALTER TABLE decision_history DISABLE TRIGGER ALL"))
        conn.execute(text("UPDATE decision_history SET event = 'withdrawn' WHERE seq = 2"))
    code, report = _verify()
    assert code == 1
    assert report["first"]["chain"] == "decision_history"
    assert (report["first"]["seq"], report["first"]["kind"]) == (2, "altered")
