from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from xinyong.core.access import SYSTEM, Purpose, guard
from xinyong.core.audit.chain import GENESIS, entry_mac, link_hash
from xinyong.core.audit.sequencer import sequence_pending, unsequenced_backlog
from xinyong.core.db import get_engine, unit_of_work
from xinyong.core.models import AccessLogEntry


def _log(n: int) -> None:
    for i in range(n):
        with unit_of_work() as s:
            entry = guard(s, SYSTEM, "record.read", purpose=Purpose.administration, subject_key=f"k{i}")
            entry.result_count = i  # set after guard: must be in the hash
            entry.detail = {"fields": ["name"], "case_id": f"C{i}"}


def test_entries_are_queued_then_chained_in_order_with_late_mutations(db_url) -> None:
    _log(3)
    with unit_of_work() as s:
        queued = s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
        assert [r.seq for r in queued] == [None, None, None]  # written without a place in the chain
        assert all(r.mac == entry_mac("access_log", r.chain_fields()) for r in queued)
        assert unsequenced_backlog(s)[0] == 3
    assert sequence_pending() == 3
    with unit_of_work() as s:
        rows = s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.seq)).all()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert [r.result_count for r in rows] == [0, 1, 2]
        prev = GENESIS
        for r in rows:
            assert r.prev_hash == prev
            assert r.mac == entry_mac("access_log", r.chain_fields())  # result_count set after guard counts
            assert r.entry_hash == link_hash("access_log", prev, r.mac)
            prev = r.entry_hash
        assert unsequenced_backlog(s)[0] == 0


@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET result_count = 99",
    "UPDATE access_log SET seq = 7",
    "DELETE FROM access_log",
])
def test_access_log_is_append_only(db_url, statement) -> None:
    _log(1)
    sequence_pending()
    with pytest.raises(DBAPIError) as info, get_engine().begin() as conn:
        conn.execute(text(statement))
    assert "append-only" in str(info.value)


def test_a_queued_entry_may_only_receive_its_chain_position(db_url) -> None:
    """Before sequencing, the one UPDATE the triggers allow fills in the chain columns, nothing else."""
    _log(1)
    with pytest.raises(DBAPIError) as info, get_engine().begin() as conn:
        conn.execute(text("UPDATE access_log SET seq = 1, result_count = 5"))
    assert "append-only" in str(info.value)
    with pytest.raises(DBAPIError), get_engine().begin() as conn:
        conn.execute(text("DELETE FROM access_log"))
    assert sequence_pending() == 1
