"""Registering implementing units in the registry (实施单位名录) for the case and push tests."""

from __future__ import annotations

import random
from typing import Any

from tests.factories import uscc
from xinyong.core.access import SYSTEM
from xinyong.measures import units


def authority_uscc(seed: int, region: str = "320800") -> str:
    """A valid USCC of a government organ (登记管理部门 1 机关, 类别 1) in ``region``."""
    return uscc(random.Random(seed), region=region, prefix="11")


def register(principal_id: int, *, region: str | None = None, channel: str | None = None,
             public_key: str | None = None, fields: list[str] | None = None) -> dict[str, Any]:
    return units.register_unit(SYSTEM, principal_id, authority_uscc=authority_uscc(principal_id),
                               region_code=region, channel=channel, public_key=public_key, fields=fields)


def register_last(**kw: Any) -> int:
    """Enter the most recently created principal (an implementing unit) in the registry; its id."""
    from sqlalchemy import select

    from xinyong.core.db import unit_of_work
    from xinyong.core.models import Principal

    with unit_of_work() as s:
        pid = s.scalars(select(Principal.id).order_by(Principal.id.desc())).first()
    assert pid is not None
    register(int(pid), **kw)
    return int(pid)
