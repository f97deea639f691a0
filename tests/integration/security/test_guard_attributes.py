from __future__ import annotations

import pytest
from sqlalchemy import select

from xinyong.core.access import Actor, Purpose, guard
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role


def test_attribute_denial_is_registered_and_raised_as_out_of_scope(db_url) -> None:
    unit = Actor(id=7, name="淮安市某实施单位", role=Role.implementing_unit, department="某单位", region_code="320800")
    with pytest.raises(Forbidden) as info, unit_of_work() as s:
        guard(s, unit, "subject.read", purpose=Purpose.joint_punishment, subject_key="k" * 40,
              region_code="440305")
    assert info.value.code == "out_of_scope"
    with unit_of_work() as s:
        entry = s.scalars(select(AccessLogEntry)).one()
    assert (entry.allowed, entry.principal_id, entry.subject_key) == (False, 7, "k" * 40)
    assert "行政区划" in (entry.reason or "")


def test_guard_passes_within_scope(db_url) -> None:
    unit = Actor(id=7, name="淮安市某实施单位", role=Role.implementing_unit, region_code="320800")
    with unit_of_work() as s:
        guard(s, unit, "subject.read", purpose=Purpose.joint_punishment, region_code="320812",
              share_scope=["implementing_units"])
    with unit_of_work() as s:
        assert s.scalars(select(AccessLogEntry)).one().allowed is True
