"""Locks that keep two processes from doing one thing at once.

- :func:`migration_lock` — around ``alembic upgrade``: a PostgreSQL advisory lock (``pg_advisory_lock``,
  blocking: the second replica waits, then finds the schema at head and does nothing), or an exclusive
  ``flock`` on a file beside the SQLite database (the tables do not exist yet, so no lock row can be used).
- :func:`job_lock` — around one scheduled job: ``pg_try_advisory_lock`` on PostgreSQL (not blocking: the
  loser skips the job), a lease row in ``ops_job_leases`` on SQLite, taken with a conditional ``UPDATE``
  under the database's write lock; a crashed holder's lease runs out after ``lease_seconds``.

PostgreSQL's session-level advisory locks belong to one connection: each lock holds its own connection
(outside the pool's reuse) for as long as it is held, and is released when that connection closes, so a
killed process never leaves a lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from xinyong.core import clock
from xinyong.core.db import database_url, get_engine, unit_of_work

MIGRATION_LOCK = "xinyong.migrate"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@contextmanager
def migration_lock(url: str | None = None) -> Iterator[None]:
    """Hold the platform-wide migration lock (blocking) for the duration of the block."""
    url = url or database_url()
    if _is_postgres(url):
        with get_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": advisory_key(MIGRATION_LOCK)})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(MIGRATION_LOCK)})
        return
    database = make_url(url).database
    if not database or database == ":memory:":
        yield  # a private in-memory database: no other process can see it
        return
    path = Path(database + ".migrate.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def guarded_upgrade(url: str | None = None) -> None:
    """``alembic upgrade heads`` under :func:`migration_lock`: replicas that start together migrate one
    after the other, and the later ones find nothing left to do."""
    from xinyong.core.migrate import upgrade

    with migration_lock(url):
        upgrade(url)


@contextmanager
def job_lock(job: str, holder: str, *, lease_seconds: float = 3600.0, url: str | None = None) -> Iterator[bool]:
    """Try to take the lock of ``job`` for ``holder``; yields whether it was taken (never waits)."""
    url = url or database_url()
    if _is_postgres(url):
        key = advisory_key("xinyong.job." + job)
        with get_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            try:
                yield taken
            finally:
                if taken:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return
    taken = _take_lease(job, holder, lease_seconds, url)
    try:
        yield taken
    finally:
        if taken:
            _release_lease(job, holder, url)


def _take_lease(job: str, holder: str, lease_seconds: float, url: str) -> bool:
    from sqlalchemy import or_, update
    from sqlalchemy.dialects.sqlite import insert

    from xinyong.ops.models import JobLease

    now = clock.now()
    with unit_of_work(url, serialise=True) as s:  # BEGIN IMMEDIATE: the write lock before the first read
        s.execute(insert(JobLease).values(job=job, holder=None, lease_until=None).on_conflict_do_nothing())
        changed = s.execute(
            update(JobLease)
            .where(JobLease.job == job, or_(JobLease.holder.is_(None), JobLease.lease_until.is_(None),
                                            JobLease.lease_until < now))
            .values(holder=holder, lease_until=now + timedelta(seconds=lease_seconds))
        )
        return changed.rowcount == 1  # type: ignore[attr-defined]


def _release_lease(job: str, holder: str, url: str) -> None:
    from sqlalchemy import update

    from xinyong.ops.models import JobLease

    with unit_of_work(url, serialise=True) as s:
        s.execute(update(JobLease).where(JobLease.job == job, JobLease.holder == holder)
                  .values(holder=None, lease_until=None))
