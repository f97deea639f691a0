from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from xinyong.core.access import SYSTEM, Purpose, guard
from xinyong.core.audit.chain import GENESIS, chained
from xinyong.core.db import get_engine, unit_of_work
from xinyong.core.models import AccessLogEntry


def _log(n: int) -> None:
    for i in range(n):
        with unit_of_work() as s:
            entry = guard(s, SYSTEM, "record.read", purpose=Purpose.administration, subject_key=f"k{i}")
            entry.result_count = i  # set after guard: must be in the hash
            entry.detail = {"fields": ["name"], "case_id": f"C{i}"}


def test_entries_are_chained_in_order_with_late_mutations(db_url) -> None:
    _log(3)
    with unit_of_work() as s:
        rows = s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.seq)).all()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert [r.result_count for r in rows] == [0, 1, 2]
        prev = GENESIS
        for r in rows:
            assert r.prev_hash == prev
            assert r.entry_hash == chained("access_log", prev, r.chain_fields())
            prev = r.entry_hash


@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET result_count = 99",
    "DELETE FROM access_log",
])
def test_access_log_is_append_only(db_url, statement) -> None:
    _log(1)
    with pytest.raises(DBAPIError) as info, get_engine().begin() as conn:
        conn.execute(text(statement))
    assert "append-only" in str(info.value)
