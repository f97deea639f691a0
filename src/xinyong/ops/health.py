"""Liveness and readiness.

- ``/healthz``: the process answers (no database touched): a failing liveness probe means restart it.
- ``/readyz``: the database answers and its schema is at the head of every migration branch: a failing
  readiness probe means send no traffic here yet (during a migration, or while the database is away).

Neither reads credit data, so neither goes through the access log.
"""

from __future__ import annotations

from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text

from xinyong.core.db import get_engine
from xinyong.core.migrate import alembic_config


@lru_cache(maxsize=1)
def script_heads() -> frozenset[str]:
    """The heads of the migration scripts shipped with this code (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, checks) with each check's outcome in Chinese."""
    try:
        conn = get_engine().connect()
    except Exception:
        return False, {"database": "数据库无法连接", "migrations": "未检查"}
    try:
        with conn:
            current = frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        return False, {"database": "正常", "migrations": "数据库尚未迁移（运行 xinyong migrate）"}
    expected = script_heads()
    if current != expected:
        missing = len(expected - current)
        return False, {"database": "正常", "migrations": f"数据库结构不是最新版本（{missing} 个迁移分支未升级到最新）"}
    return True, {"database": "正常", "migrations": "已是最新版本"}
