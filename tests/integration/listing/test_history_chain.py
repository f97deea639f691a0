"""A case's history is entries of the core audit chain (decision_history): ``xinyong audit verify`` and
the case's ``history_intact`` find an altered, removed or reordered step; rows of the private chain kept
before listing_0004 stay readable and verifiable, and a row without a mirror is carried into the chain."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection
from typer.testing import CliRunner

from tests.integration.listing.helpers import listed_case, make_subject, officer
from xinyong.cli import app
from xinyong.core import clock
from xinyong.core.audit.chain import GENESIS, append_only_ddl, drop_append_only_ddl
from xinyong.core.audit.history import history_of, record_decision
from xinyong.core.db import get_engine, unit_of_work
from xinyong.listing import service
from xinyong.listing.history import legacy_event_body, legacy_event_hash
from xinyong.listing.models import ListingCase, ListingCaseEvent

runner = CliRunner()
STEPS = ["propose", "serve_notice", "approve", "decide", "list"]


@contextmanager
def tampering(table: str) -> Iterator[Connection]:
    """A connection with ``table``'s append-only triggers out of the way (an intruder with DB rights)."""
    engine = get_engine()
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect == "sqlite":
            for sql in drop_append_only_ddl(table, dialect):
                conn.execute(text(sql))
        else:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER ALL"))
        yield conn
        if dialect == "sqlite":
            for sql in append_only_ddl(table, dialect):
                conn.execute(text(sql))
        else:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER ALL"))


def _verify() -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.stdout)


def _chain_seqs(case_id: int) -> list[int]:
    with unit_of_work() as s:
        return [int(h.seq or 0) for h in history_of(s, f"listing_case:{case_id}")]


def _intact(case_id: int) -> bool:
    with unit_of_work() as s:
        return service.verify_history(s, case_id)


def _first_problem(report: dict[str, Any]) -> tuple[int, str]:
    problems = next(c for c in report["chains"] if c["chain"] == "decision_history")["problems"]
    assert problems, report
    return problems[0]["seq"], problems[0]["kind"]


def test_steps_are_entries_of_the_core_chain_and_the_private_chain_is_not_written(db_url) -> None:
    case_id, _ = listed_case(301)
    with unit_of_work() as s:
        entries = history_of(s, f"listing_case:{case_id}")
        steps = service.history(s, case_id)
        assert [e.event for e in entries] == [h["action"] for h in steps] == STEPS
        assert [h["seq"] for h in steps] == [1, 2, 3, 4, 5]
        assert [h["hash"] for h in steps] == [e.entry_hash for e in entries]
        assert steps[0]["reason"] == "拖欠农民工工资" and steps[0]["department"] == officer().department
        assert s.scalar(select(ListingCaseEvent.id)) is None
        assert service.verify_history(s, case_id)
    code, report = _verify()
    assert code == 0 and report["ok"] is True, report


def test_an_altered_step_is_found_by_audit_verify_and_by_the_case(db_url, client, api_key) -> None:
    case_id, _ = listed_case(302)
    decided = _chain_seqs(case_id)[3]
    with tampering("decision_history") as conn:
        conn.execute(text("UPDATE decision_history SET actor_name = '伪造的经办人' WHERE seq = :s"), {"s": decided})
    code, report = _verify()
    assert code == 1
    assert _first_problem(report) == (decided, "altered")
    assert not _intact(case_id)
    case = client.get(f"/api/v1/listing/cases/{case_id}", headers=api_key("admin")).json()
    assert case["history_intact"] is False


def test_a_removed_step_is_found(db_url) -> None:
    case_id, _ = listed_case(303)
    noticed = _chain_seqs(case_id)[1]
    with tampering("decision_history") as conn:
        conn.execute(text("DELETE FROM decision_history WHERE seq = :s"), {"s": noticed})
    code, report = _verify()
    assert code == 1
    assert _first_problem(report) == (noticed, "removed")
    assert not _intact(case_id)


def test_the_removed_last_step_is_found(db_url) -> None:
    case_id, _ = listed_case(304)
    last = _chain_seqs(case_id)[-1]
    with tampering("decision_history") as conn:
        conn.execute(text("DELETE FROM decision_history WHERE seq > :s"), {"s": last - 1})
    code, _report = _verify()
    assert code == 1
    assert not _intact(case_id)


def test_reordered_steps_are_found(db_url) -> None:
    case_id, _ = listed_case(305)
    seqs = _chain_seqs(case_id)
    a, b = seqs[1], seqs[2]
    with tampering("decision_history") as conn:
        conn.execute(text("UPDATE decision_history SET seq = -1 WHERE seq = :a"), {"a": a})
        conn.execute(text("UPDATE decision_history SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
        conn.execute(text("UPDATE decision_history SET seq = :b WHERE seq = -1"), {"b": b})
    code, report = _verify()
    assert code == 1
    assert _first_problem(report) == (a, "reordered")
    assert not _intact(case_id)


def test_the_append_only_triggers_refuse_changing_a_step(db_url) -> None:
    import pytest
    from sqlalchemy.exc import DBAPIError

    case_id, _ = listed_case(306)
    seq = _chain_seqs(case_id)[0]
    with pytest.raises(DBAPIError), get_engine().begin() as conn:
        conn.execute(text("UPDATE decision_history SET event = 'x' WHERE seq = :s"), {"s": seq})
    with pytest.raises(DBAPIError), get_engine().begin() as conn:
        conn.execute(text("DELETE FROM decision_history WHERE seq = :s"), {"s": seq})
    assert _intact(case_id)


# ---------------------------------------------------------------------------- rows before listing_0004
def _legacy_case(seed: int) -> int:
    """A case whose two steps were written by the private chain before listing_0004: the first was
    mirrored into decision_history (as the service then did), the second was not."""
    setup = make_subject(seed)
    actor = officer()
    on = dt.date(2026, 9, 1)
    with unit_of_work() as s:
        now = clock.now()
        case = ListingCase(
            subject_key=setup.subject_key, subject_name="旧案件主体", subject_kind="organisation",
            subject_display_code=setup.code, list_type_id="migrant-wage-arrears", kind="blacklist",
            region_code="320800", department=actor.department or "", record_ids=[setup.record_id],
            reason="拖欠农民工工资", state="notice_served", version=2, leniency_flags=[], proposed_on=on,
            answer_deadline_provisional=False, created_at=now, updated_at=now)
        s.add(case)
        s.flush()
        prev = GENESIS
        for seq, (action, frm, to, reason) in enumerate(
                [("propose", None, "proposed", "旧链立案"), ("serve_notice", "proposed", "notice_served", "旧链告知")],
                start=1):
            row = {"case_id": case.id, "seq": seq, "action": action, "from_state": frm, "to_state": to, "on": on,
                   "at": now, "actor_id": None, "actor_name": actor.name, "actor_department": actor.department,
                   "reason": reason, "document_ids": [], "data": {"old": True}}
            digest = legacy_event_hash(prev, legacy_event_body({**row, "seq": seq}))
            s.execute(insert(ListingCaseEvent).values(**row, prev_hash=prev, hash=digest))
            if seq == 1:
                record_decision(s, capability="listing", ref=f"listing_case:{case.id}", event=action, actor=actor,
                                subject_key=case.subject_key,
                                detail={"seq": seq, "from": frm, "to": to, "on": on.isoformat(), "event_hash": digest,
                                        "document_ids": []})
            prev = digest
        return case.id


def test_old_rows_are_carried_into_the_chain_and_stay_verifiable(db_url) -> None:
    migration = importlib.import_module("xinyong.migrations.versions.listing_0004_history_in_core_chain")
    case_id = _legacy_case(307)
    with get_engine().begin() as conn:
        assert migration.carry_over(conn) == 1  # the unmirrored second step
    with get_engine().begin() as conn:
        assert migration.carry_over(conn) == 0  # idempotent
    with unit_of_work() as s:
        steps = service.history(s, case_id)
        assert [(h["seq"], h["action"], h["reason"]) for h in steps] == [
            (1, "propose", "旧链立案"), (2, "serve_notice", "旧链告知")]
        assert service.verify_history(s, case_id)
    code, report = _verify()
    assert code == 0, report
    # a later step joins the same history
    with unit_of_work() as s:
        service.withdraw(s, officer(), case_id, explanation="撤回", on=dt.date(2026, 9, 2))
    with unit_of_work() as s:
        assert [h["action"] for h in service.history(s, case_id)] == ["propose", "serve_notice", "withdraw"]
        assert service.verify_history(s, case_id)
    # an old row altered behind the platform's back no longer matches the hash its mirror sealed
    engine = get_engine()
    with engine.begin() as conn:  # listing_0001's own triggers (trg_<table>_no_update on SQLite)
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER trg_listing_case_events_no_update"))
        else:
            conn.execute(text("ALTER TABLE listing_case_events DISABLE TRIGGER ALL"))
        conn.execute(text("UPDATE listing_case_events SET reason = '改写' WHERE case_id = :c AND seq = 1"),
                     {"c": case_id})
    assert not _intact(case_id)
