"""``among``: ``column IN values`` whose statement text does not depend on the number of values on
PostgreSQL (one array parameter, so the driver prepares it once), the same rows as IN on both engines."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.statements import statements
from xinyong.core.db import among, unit_of_work
from xinyong.subjects.models import Subject

KEYS = [f"{i:040x}" for i in range(12)]


def _seed() -> None:
    with unit_of_work() as s:
        if s.scalar(select(Subject.id).limit(1)) is None:
            s.add_all(Subject(subject_key=k, kind="organisation", name=f"淮安市某{i}商贸有限公司",
                              display_code=f"9132081200000000{i:02d}", region_code="320812",
                              created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
                      for i, k in enumerate(KEYS))


def test_the_statement_text_is_the_same_for_any_number_of_values(db_url: str, backend: str) -> None:
    _seed()
    with statements() as sent, unit_of_work() as s:
        found = [set(s.scalars(select(Subject.subject_key).where(among(s, Subject.subject_key, KEYS[:n]))))
                 for n in (1, 3, 7)]
    assert found == [set(KEYS[:1]), set(KEYS[:3]), set(KEYS[:7])]
    assert len(set(sent)) == (1 if backend == "postgresql" else 3), sent


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*KEYS, "0" * 39 + "z", "不存在"]), max_size=15))
def test_the_rows_are_those_of_in(db_url: str, wanted: list[str]) -> None:
    _seed()
    with unit_of_work() as s:
        expected = set(s.scalars(select(Subject.subject_key).where(Subject.subject_key.in_(wanted))))
        assert set(s.scalars(select(Subject.subject_key).where(among(s, Subject.subject_key, wanted)))) == expected
