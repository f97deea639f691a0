"""Demo principals for a local `make run`: departments and units with API keys.

Keys are random, issued once, and written to var/demo-credentials.txt (mode 600) so that a new user
can try the API at /api/v1/docs. Nothing secret is in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from xinyong.core.access import SYSTEM, create_principal, issue_api_key
from xinyong.core.config import PROJECT_VAR
from xinyong.core.db import unit_of_work
from xinyong.core.models import Principal
from xinyong.core.policy import Role
from xinyong.measures.units import register_unit

DEMO_PRINCIPALS: list[tuple[str, Role, str, str]] = [
    ("平台管理员", Role.admin, "淮安市信用办", "320800"),
    ("淮安市发展和改革委员会（市信用办）", Role.credit_office, "淮安市发展和改革委员会", "320800"),
    ("淮安市市场监督管理局", Role.determining_department, "淮安市市场监督管理局", "320800"),
    # a second officer of the same department approves a listing decision (四眼原则), and the province's
    # 市场监督管理局 consents to it (市场监管总局令第44号 第二十二条)
    ("淮安市市场监督管理局（审核）", Role.determining_department, "淮安市市场监督管理局", "320800"),
    ("江苏省市场监督管理局", Role.determining_department, "江苏省市场监督管理局", "320000"),
    ("淮安市公共资源交易中心", Role.implementing_unit, "淮安市公共资源交易中心", "320800"),
]

#: implementing units entered in the registry a joint-punishment case picks its recipient from, with the
#: authority's code. These are codes made up for the demo (valid check digit), not the units' real ones.
DEMO_REGISTERED_UNITS: dict[str, tuple[str, list[str]]] = {
    "淮安市公共资源交易中心": ("12320800MB0000001N", ["finance"]),
}


def ensure_demo_principals(path: Path | None = None) -> Path | None:
    """Create the demo principals once; return the credentials file when they were created now."""
    path = path or PROJECT_VAR / "demo-credentials.txt"
    with unit_of_work() as s:
        if (s.scalar(select(func.count()).select_from(Principal)) or 0) > 0:
            return None
        lines = ["# Demo API keys (shown once). Send as header X-API-Key at /api/v1/docs.", ""]
        units: list[tuple[int, str, str, list[str]]] = []
        for name, role, department, region in DEMO_PRINCIPALS:
            p = create_principal(s, name=name, role=role, department=department, region_code=region)
            key = issue_api_key(s, p)
            lines.append(f"{role.value:24s} {name}: {key.token}")
            if name in DEMO_REGISTERED_UNITS:
                units.append((p.id, region, *DEMO_REGISTERED_UNITS[name]))
    for principal_id, region, uscc, fields in units:
        register_unit(SYSTEM, principal_id, authority_uscc=uscc, region_code=region, fields=fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path
