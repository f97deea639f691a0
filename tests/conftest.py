"""Test harness: every database test runs on SQLite and on PostgreSQL.

- PostgreSQL is used whenever reachable at XINYONG_TEST_DATABASE_URL (default the local server on
  127.0.0.1:5432). In CI (CI=true or XINYONG_REQUIRE_POSTGRES=1) it must be reachable; elsewhere a
  missing server is reported loudly and the PostgreSQL half is skipped.
- Each backend is migrated once per session with Alembic into a template; each test gets its own
  copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so tests are isolated even
  from append-only tables.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"x" * 32).decode())
# the instant every test starts at (a Wednesday, 10:00 Beijing time): no test depends on the day it
# runs. Subprocesses (CLI, servers) inherit it through XINYONG_CLOCK_AT.
os.environ["XINYONG_CLOCK_AT"] = "2026-11-25T10:00:00+08:00"
# the tests' webhook receivers listen on this machine: allowed explicitly, as an administrator would
os.environ.setdefault("XINYONG_PUSH_ALLOWED_HOSTS", "127.0.0.1,placeholder")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from xinyong.composition import assemble
from xinyong.core import clock as core_clock
from xinyong.core import db as core_db
from xinyong.core.config import reset_settings

# CI draws the property tests' examples from a fixed seed, so a run's verdict does not depend on chance;
# elsewhere they draw fresh examples each run (and keep what failed in .hypothesis/) to find new cases
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI", "").lower() in {"1", "true"} or os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1":
    hypothesis_settings.load_profile("ci")

TEST_NOW = os.environ["XINYONG_CLOCK_AT"]
assemble()  # as every entry point does: tables, event subscriptions, credit-file sections
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("XINYONG_TEST_DATABASE_URL", PG_DEFAULT)
REQUIRE_PG = os.environ.get("CI") == "true" or os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1"


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return str(exc).splitlines()[0]


PG_PROBLEM = _pg_reachable()
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header(config: pytest.Config) -> list[str]:
    if PG_PROBLEM is None:
        return [f"xinyong: database tests run on SQLite and PostgreSQL ({make_url(PG_URL).render_as_string()})"]
    return [
        "!" * 78,
        f"!!! PostgreSQL NOT reachable at {PG_URL}: PostgreSQL tests are SKIPPED ({PG_PROBLEM})",
        "!" * 78,
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    if PG_PROBLEM is not None and REQUIRE_PG:
        raise pytest.UsageError(f"PostgreSQL is required in CI but not reachable at {PG_URL}: {PG_PROBLEM}")


def _admin_engine() -> Any:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(autouse=True)
def test_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[core_clock.SetClock]:
    """The one clock of every test, set to :data:`TEST_NOW`; ``test_clock.set_today(day)`` moves it.
    Subprocesses started by the test read the same time (XINYONG_CLOCK_AT carries its anchor)."""
    fixed = core_clock.SetClock(dt.datetime.fromisoformat(TEST_NOW))
    monkeypatch.setenv(core_clock.CLOCK_ENV, fixed.environment_value())
    previous = core_clock.install(fixed)
    try:
        yield fixed
    finally:
        core_clock.install(previous)


def _migrate_on_test_clock(url: str) -> None:
    """Migrate ``url`` with the tests' clock installed: which access-log partitions exist ahead of time
    must not depend on the day the tests run."""
    from xinyong.core.migrate import upgrade

    previous = core_clock.install(core_clock.SetClock(dt.datetime.fromisoformat(TEST_NOW)))
    try:
        upgrade(url)
    finally:
        core_clock.install(previous)
    core_db.dispose_engines()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    made: dict[str, str] = {}
    sqlite_path = tmp_path_factory.mktemp("db") / "template.db"
    url = f"sqlite:///{sqlite_path}"
    _migrate_on_test_clock(url)
    made["sqlite"] = url
    pg_name = None
    if PG_PROBLEM is None:
        pg_name = f"xy_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        pg_url = make_url(PG_URL).set(database=pg_name).render_as_string(hide_password=False)
        _migrate_on_test_clock(pg_url)
        made["postgresql"] = pg_url
    yield made
    if pg_name is not None:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()


def _clone(backend: str, templates: dict[str, str], tmp_path: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        src = make_url(templates["sqlite"]).database
        assert src is not None
        dst = tmp_path / "test.db"
        shutil.copyfile(src, dst)
        return f"sqlite:///{dst}", lambda: None
    name = f"xy_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    template = make_url(templates["postgresql"]).database
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, _templates: dict[str, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A freshly migrated database of each backend, made current for the app and services."""
    backend = request.param
    if backend == "postgresql" and PG_PROBLEM is not None:
        pytest.skip(f"PostgreSQL not reachable: {PG_PROBLEM}")
    url, drop = _clone(backend, _templates, tmp_path)
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    reset_settings()
    core_db.use_database(url)
    try:
        yield url
    finally:
        core_db.use_database(None)
        core_db.dispose_engines()
        reset_settings()
        drop()


@pytest.fixture
def backend(db_url: str) -> str:
    return make_url(db_url).get_backend_name()


@pytest.fixture
def client(db_url: str) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from xinyong.app import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def api_key(db_url: str) -> Callable[..., dict[str, str]]:
    """Factory: headers carrying a fresh API key of a principal with ``role``."""
    from tests.factories import make_api_key

    def make(role: str = "admin", **kwargs: Any) -> dict[str, str]:
        return {"X-API-Key": make_api_key(role, **kwargs)}

    return make
