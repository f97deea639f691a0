"""Pick-lists of the console's forms: the departments and units that hold accounts on the platform
(determining departments, implementing units — the registered units among them — and credit offices), so
an officer picks a name instead of typing it (a typo would match nothing)."""

from __future__ import annotations

from sqlalchemy import select

from xinyong.core.db import single_read
from xinyong.core.models import Principal
from xinyong.core.policy import Role

#: roles whose principals are departments or units
_UNIT_ROLES = (Role.determining_department.value, Role.implementing_unit.value, Role.credit_office.value)


def departments() -> list[str]:
    """Every active department's or unit's name, sorted."""
    with single_read() as s:
        rows = s.scalars(select(Principal.department).where(
            Principal.role.in_(_UNIT_ROLES), Principal.active.is_(True), Principal.department.is_not(None),
        ).distinct())
        return sorted({d for d in rows if d})
