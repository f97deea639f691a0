"""Demo principals for a local `make run`: a console account (with its API key) for each role, the
implementing unit entered in the registry, and — when asked — the half year of lifecycle the demo tells
(:mod:`xinyong.demo.story`).

Passwords and keys are random, made once per database, and written beside that database (mode 600) so
that a new user can sign in at /console/login and try the API at /api/v1/docs. Nothing secret is in the
repository.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from xinyong.core.config import get_settings
from xinyong.core.db import unit_of_work
from xinyong.core.models import Principal
from xinyong.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_REGISTERED_UNITS,
    DemoAccounts,
    credentials_path,
    register_demo_units,
    write_credentials,
)

__all__ = ["DEMO_REGISTERED_UNITS", "DemoResult", "ensure_demo_principals"]

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass
class DemoResult:
    path: Path
    accounts: DemoAccounts
    story: dict[str, int] | None


def ensure_demo_principals(path: Path | None = None, *, today: dt.date | None = None, story: bool = False,
                           url: str = DEFAULT_URL) -> DemoResult | None:
    """Create the demo accounts once per database (and tell the story when ``story``); return what was
    made, or None when the database already has principals."""
    with unit_of_work() as s:
        if (s.scalar(select(func.count()).select_from(Principal)) or 0) > 0:
            return None
        accounts = DemoAccounts()
        for spec in DEMO_ACCOUNTS:
            accounts.add(s, spec)
    register_demo_units(accounts)
    told: dict[str, int] | None = None
    if story:
        from xinyong.core import clock
        from xinyong.demo.story import tell

        told = tell(accounts, today=today or clock.today()).as_dict()
    target = path or credentials_path(get_settings().database_url)
    write_credentials(target, accounts.lines(url))
    return DemoResult(target, accounts, told)
