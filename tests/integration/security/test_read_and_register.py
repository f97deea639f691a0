"""read_and_register: the hot read path (exact screening) without transaction round trips — its
access-log entry is written and durable when the block ends, a write inside it is refused, and a failure
writes nothing; on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text

from xinyong.core.access import Actor, Purpose, guard
from xinyong.core.db import get_engine, read_and_register, unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role
from xinyong.subjects.models import Subject

UNIT = Actor(id=7, name="淮安市某实施单位", role=Role.implementing_unit, region_code="320800")


def _entries() -> int:
    with get_engine().connect() as conn:  # another connection: what is committed
        return int(conn.execute(select(func.count()).select_from(AccessLogEntry)).scalar_one())


def test_the_entry_is_committed_when_the_block_ends(db_url) -> None:
    with read_and_register() as s:
        entry = guard(s, UNIT, "measures.screen", purpose=Purpose.procurement, subject_key="k" * 40)
        assert s.scalars(select(Subject)).all() == []
        entry.result_count = 3  # set after the read, as the screening does
        assert _entries() == 0
    assert _entries() == 1
    with unit_of_work() as s:
        stored = s.scalars(select(AccessLogEntry)).one()
    assert (stored.action, stored.purpose, stored.result_count) == ("measures.screen", "procurement", 3)


def test_a_write_inside_is_refused_and_nothing_is_written(db_url) -> None:
    with pytest.raises(RuntimeError, match="reads only"), read_and_register() as s:
        guard(s, UNIT, "measures.screen", purpose=Purpose.procurement)
        s.add(Subject(subject_key="x" * 40, kind="organisation", name="某公司", display_code="91320812MA0000000X",
                      region_code="320812"))
        s.flush()
    assert _entries() == 0
    with unit_of_work() as s:
        assert s.scalars(select(Subject)).all() == []


def test_a_failure_inside_writes_no_entry(db_url) -> None:
    with pytest.raises(ValueError), read_and_register() as s:
        guard(s, UNIT, "measures.screen", purpose=Purpose.procurement)
        raise ValueError("查询失败")
    assert _entries() == 0


def test_a_write_that_bypasses_the_orm_is_refused_too(db_url) -> None:
    """A Core DELETE would commit on its own in autocommit, half a change visible to every reader."""
    with pytest.raises(RuntimeError, match="reads only"), read_and_register() as s:
        s.execute(delete(Subject))
    with pytest.raises(RuntimeError, match="reads only"), read_and_register() as s:
        s.execute(text("WITH gone AS (DELETE FROM subjects RETURNING id) SELECT count(*) FROM gone"))
    assert _entries() == 0
    with unit_of_work() as s:  # the connection went back to the pool writable
        s.execute(delete(Subject))
