"""Monthly partitions of the access log on PostgreSQL (declarative partitioning by ``at``, UTC months).

The log grows by one row per request, to billions of rows; a month is one partition, so the newest
month's indexes stay small, an old month can be verified on its own (``xinyong audit verify --month``)
and archived as one table. A DEFAULT partition catches a row whose month has no partition yet; the
sequencer creates the current and the next month's partitions ahead of time
(:func:`ensure_partitions`). SQLite keeps one table.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

TABLE = "access_log"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    first = month_start(day)
    return (first.replace(year=first.year + 1, month=1) if first.month == 12
            else first.replace(month=first.month + 1))


def parse_month(value: str) -> dt.date:
    """``2026-11`` → 2026-11-01; a clear message otherwise."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"月份“{value}”格式应为 YYYY-MM，例如 2026-11") from None


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants [start, end) of the month beginning on ``first``."""
    start = dt.datetime(first.year, first.month, 1, tzinfo=dt.UTC)
    after = next_month(first)
    return start, dt.datetime(after.year, after.month, 1, tzinfo=dt.UTC)


def partition_name(first: dt.date) -> str:
    return f"{TABLE}_y{first.year:04d}m{first.month:02d}"


def is_partitioned(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = :t AND pg_table_is_visible(c.oid)"), {"t": TABLE}).first())


def create_partition_sql(first: dt.date) -> list[str]:
    start, end = month_bounds(first)
    name = partition_name(first)
    return [
        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')",
        f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {name}",
        f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
        "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_append_only()",
    ]


def ensure_partitions(conn: Connection, today: dt.date, months_ahead: int = 1) -> list[str]:
    """Create the partitions of this month and the next ``months_ahead`` ones if missing. A month whose
    rows already went to the DEFAULT partition is left there (moving rows is an operator's job).

    Checking the DEFAULT partition and creating the new one happen under one lock of the log, taken
    only when a partition is missing (once a month): otherwise a request could write a row of that
    month into DEFAULT between the check and the creation, and the creation would fail. The lock waits
    at most ``lock_timeout``; a month left uncreated is tried again on the next round."""
    if not is_partitioned(conn):
        return []
    made = []
    first = month_start(today)
    for _ in range(months_ahead + 1):
        name = partition_name(first)
        if _exists(conn, name):
            first = next_month(first)
            continue
        try:
            with conn.begin_nested():
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
                # CREATE TABLE … PARTITION OF takes this lock anyway; taking it before the check closes
                # the window in which a row of the month could reach DEFAULT.
                conn.execute(text(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE"))
                if not _exists(conn, name):
                    start, end = month_bounds(first)
                    stray = conn.execute(text(f"SELECT 1 FROM {TABLE}_default WHERE at >= :a AND at < :b LIMIT 1"),
                                         {"a": start, "b": end}).first()
                    if stray is None:
                        for sql in create_partition_sql(first):
                            conn.execute(text(sql))
                        made.append(name)
                    else:
                        log.info("access_log: rows of %s are in the default partition; %s not created",
                                 first.strftime("%Y-%m"), name)
        except DBAPIError as exc:
            log.warning("access_log: partition %s not created this round (%s); tried again next round",
                        name, exc.orig.__class__.__name__ if exc.orig is not None else exc)
        first = next_month(first)
    return made


def _exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is not None
