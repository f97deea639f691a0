"""The PostgreSQL pool tests a connection before lending it only when it sat idle (xinyong.core.db):
a connection the server dropped while idle is replaced unseen, and a busy one costs no round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from xinyong.core import db as core_db
from xinyong.core.config import reset_settings


def _backend_pid(engine: object) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    killer = create_engine(url, poolclass=NullPool)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    killer.dispose()


@pytest.fixture
def pg_pool(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("the pool of PostgreSQL connections")
    monkeypatch.setenv("XINYONG_DB_POOL_SIZE", "1")
    monkeypatch.setenv("XINYONG_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("XINYONG_DB_PING_AFTER_IDLE_SECONDS", "0.2")
    reset_settings()
    core_db.dispose_engines()
    return db_url


def test_a_connection_dropped_while_idle_is_replaced_before_it_is_lent(
        pg_pool: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = core_db.get_engine(pg_pool)
    pid = _backend_pid(engine)
    _terminate(pg_pool, pid)
    clock = core_db.time.monotonic() + 5
    monkeypatch.setattr(core_db.time, "monotonic", lambda: clock)  # the connection sat idle 5 s
    assert _backend_pid(engine) != pid  # the request got a fresh connection, and no error
    clock += 5
    with core_db.single_read(pg_pool) as session:  # pinged again, and lent outside any transaction
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_a_connection_lent_again_at_once_is_not_pinged(pg_pool: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = core_db.get_engine(pg_pool)
    now = core_db.time.monotonic()
    monkeypatch.setattr(core_db.time, "monotonic", lambda: now)  # no time passes, however slow the machine
    pid = _backend_pid(engine)
    _terminate(pg_pool, pid)
    # returned moments ago: lent without a round trip, so the dropped connection meets the statement
    with pytest.raises(Exception, match=r"terminat|closed|connection"):
        _backend_pid(engine)
    assert _backend_pid(engine) != pid  # the pool was refreshed after the failure
