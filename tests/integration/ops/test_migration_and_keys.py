"""Start-up migration under a lock (two replicas at once), and rotation of the secret key."""

from __future__ import annotations

import base64
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_PROBLEM, PG_URL
from tests.factories import resident_id, uscc
from tests.races import simultaneously
from xinyong.core import crypto
from xinyong.core import db as core_db
from xinyong.core.config import reset_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (what a first deployment starts from)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if PG_PROBLEM is not None:
        pytest.skip(f"PostgreSQL not reachable: {PG_PROBLEM}")
    name = f"xy_mig_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        core_db.dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_replicas_starting_together_migrate_one_after_the_other(empty_url: str) -> None:
    from xinyong.ops.health import script_heads
    from xinyong.ops.locks import guarded_upgrade

    simultaneously(lambda: guarded_upgrade(empty_url), lambda: guarded_upgrade(empty_url))
    with core_db.get_engine(empty_url).connect() as conn:
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert heads == set(script_heads())
    core_db.dispose_engines()


def test_the_migration_lock_excludes_a_second_holder(empty_url: str) -> None:
    from xinyong.ops.locks import migration_lock

    held = threading.Event()
    spans: dict[str, tuple[float, float]] = {}

    def first() -> None:
        with migration_lock(empty_url):
            start = time.monotonic()
            held.set()
            time.sleep(0.5)
            spans["first"] = (start, time.monotonic())

    def second() -> None:
        held.wait(10)
        with migration_lock(empty_url):
            spans["second"] = (time.monotonic(), time.monotonic())

    simultaneously(first, second)
    assert spans["second"][0] >= spans["first"][1]  # waited for the first to let go
    core_db.dispose_engines()


def _key(byte: bytes) -> str:
    return base64.b64encode(byte * 32).decode()


def _use_keys(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name in ("XINYONG_SECRET_KEY", "XINYONG_PREVIOUS_SECRET_KEYS", "XINYONG_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    crypto.reset_keys()


@pytest.fixture
def restore_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put the test suite's keys back (and forget the derived ones) whatever the test did."""
    saved = {n: os.environ.get(n) for n in ("XINYONG_SECRET_KEY", "XINYONG_PREVIOUS_SECRET_KEYS", "XINYONG_HASH_KEY")}
    yield
    for name, value in saved.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    reset_settings()
    crypto.reset_keys()


def test_key_rotation_reencrypts_everything_and_keeps_subject_references(
        db_url: str, monkeypatch: pytest.MonkeyPatch, restore_keys: None) -> None:
    from xinyong.core.db import unit_of_work
    from xinyong.core.outbox import OutboxChannel, create_channel
    from xinyong.ops.keys import hash_key_mismatch, rotate, stale_values
    from xinyong.subjects import service as subjects
    from xinyong.subjects.models import Subject

    old, new = _key(b"o"), _key(b"n")
    _use_keys(monkeypatch, XINYONG_SECRET_KEY=old)
    person, company = resident_id(), uscc()
    with unit_of_work() as s:
        subjects.register(s, person, "张三")
        subjects.register(s, company, "淮安市某某有限公司")
        _channel, secret = create_channel(s, "rotation-probe", unit="测试单位", url="http://127.0.0.1:9/hook")
    # the new key without pinning the hash key: references would no longer match; refused
    _use_keys(monkeypatch, XINYONG_SECRET_KEY=new, XINYONG_PREVIOUS_SECRET_KEYS=old)
    assert hash_key_mismatch() is not None
    # pinned: old values still readable through the previous key, subjects still found by code
    _use_keys(monkeypatch, XINYONG_SECRET_KEY=new, XINYONG_PREVIOUS_SECRET_KEYS=old, XINYONG_HASH_KEY=old)
    assert hash_key_mismatch() is None
    assert stale_values() >= 2
    with unit_of_work() as s:
        assert subjects.get_by_code(s, person) is not None
    report = rotate(batch=1)
    assert report.rewritten["subjects.resident_id_enc"] == 1
    assert report.rewritten["outbox_channels.secret_enc"] == 1
    assert stale_values() == 0
    assert rotate().total == 0  # idempotent
    # the old key removed: everything reads under the new key alone
    _use_keys(monkeypatch, XINYONG_SECRET_KEY=new, XINYONG_HASH_KEY=old)
    with unit_of_work() as s:
        found = subjects.get_by_code(s, person)
        assert found is not None and crypto.decrypt(found.resident_id_enc or "") == person
        assert crypto.decrypt(s.get(OutboxChannel, "rotation-probe").secret_enc) == secret  # type: ignore[union-attr]
        assert s.scalar(select(Subject.subject_key).where(Subject.uscc == company)) == crypto.subject_key(company)
    # and the old key no longer opens the new ciphertexts
    _use_keys(monkeypatch, XINYONG_SECRET_KEY=old)
    with unit_of_work() as s:
        token = s.get(OutboxChannel, "rotation-probe").secret_enc  # type: ignore[union-attr]
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        crypto.decrypt(token)


def test_keys_cli_generates_a_valid_key() -> None:
    from typer.testing import CliRunner

    from xinyong.cli import app

    out: Any = CliRunner().invoke(app, ["keys", "generate"])
    assert out.exit_code == 0
    assert len(base64.b64decode(out.stdout.strip())) == 32
