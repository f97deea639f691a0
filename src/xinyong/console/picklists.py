"""Pick-lists of the console's forms: the departments and units that hold accounts on the platform
(determining departments, implementing units — the registered units among them — and credit offices), so
an officer picks a name instead of typing it (a typo would match nothing)."""

from __future__ import annotations

from sqlalchemy import select

from xinyong.core.access import Actor
from xinyong.core.db import single_read
from xinyong.core.models import Principal
from xinyong.core.policy import Role

#: roles whose principals are departments or units
_UNIT_ROLES = (Role.determining_department.value, Role.implementing_unit.value, Role.credit_office.value)


def departments(actor: Actor | None = None) -> list[str]:
    """The active departments' and units' names an officer may pick, sorted: those of the officer's own
    prefecture (its province for a provincial officer) — the list names no department of another territory
    (国办发〔2020〕49号 §（十三） 严格依法依规共享); every department for the platform's administrator."""
    q = select(Principal.department).where(
        Principal.role.in_(_UNIT_ROLES), Principal.active.is_(True), Principal.department.is_not(None))
    if actor is None or (actor.role is not Role.admin and not actor.region_code):
        return []
    if actor.role is not Role.admin and actor.region_code:
        region = actor.region_code
        prefix = region[:2] if region.endswith("0000") else region[:4]
        q = q.where(Principal.region_code.like(f"{prefix}%"))
    with single_read() as s:
        return sorted({d for d in s.scalars(q.distinct()) if d})
