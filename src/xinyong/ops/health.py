"""Liveness and readiness.

- ``/healthz``: the process answers (no database touched): a failing liveness probe means restart it.
- ``/readyz``: the database answers, its schema is at the head of every migration branch and this worker
  has loaded what it loads ahead of its first requests (``xinyong.app.create_served_app``): a failing
  readiness probe means send no traffic here yet (during a migration, while the database is away, or for
  the seconds a new worker spends loading its index of names).

Neither reads credit data, so neither goes through the access log.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text

from xinyong.core.db import get_engine
from xinyong.core.migrate import alembic_config


@lru_cache(maxsize=1)
def script_heads() -> frozenset[str]:
    """The heads of the migration scripts shipped with this code (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


#: set while this process loads its warm-ups (xinyong.app.create_served_app); a process that loads none is
#: never warming
_warming = threading.Event()


def warming(on: bool) -> None:
    """Tell readiness that this process is (or is no longer) loading what it loads before its first requests."""
    if on:
        _warming.set()
    else:
        _warming.clear()


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, checks) with each check's outcome in Chinese."""
    ready, checks = _database()
    loading = _warming.is_set()  # read once: the answer and its check must agree if loading ends meanwhile
    checks["preload"] = "正在预加载名称索引" if loading else "已完成"
    return ready and not loading, checks


def _database() -> tuple[bool, dict[str, str]]:
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
