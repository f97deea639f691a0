"""Prometheus metrics (prometheus_client).

Request counts and latencies are counted in each process. With several server workers set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by all of them (created fresh before the
server starts, as ``scripts/entrypoint.sh`` does): each worker then writes its counters there and a scrape
of any worker adds them up (prometheus_client's multiprocess mode). Without it the counters are the
serving process's own.

The backlog figures (outbox, deadlines due, unsequenced access-log entries, last job runs) are read from
the database at scrape time, once per scrape, so they are the same whichever worker answers.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Date, DateTime, bindparam, text

from xinyong.core import clock

__all__ = ["CONTENT_TYPE_LATEST", "observe_request", "render"]

REQUESTS = Counter("xinyong_http_requests_total", "HTTP requests by method, route template and status",
                   ["method", "route", "status"])
LATENCY = Histogram("xinyong_http_request_duration_seconds", "HTTP request duration by route template",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
SCREENINGS = Counter("xinyong_screenings_total", "Screenings answered (by code, by name, batch files)",
                     ["kind", "channel"])

#: route template (method) → screening kind
SCREENING_ROUTES: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", "/api/v1/screen/code/{code}"): ("code", "api"),
    ("GET", "/api/v1/screen/name"): ("name", "api"),
    ("POST", "/api/v1/screen/batch"): ("batch", "api"),
    ("GET", "/console/screen"): ("code_or_name", "console"),
    ("POST", "/console/screen/batch"): ("batch", "console"),
}


def observe_request(method: str, route: str, status: int, seconds: float, *, has_query: bool = True) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    screening = SCREENING_ROUTES.get((method, route))
    if screening and 200 <= status < 300 and (route != "/console/screen" or has_query):
        SCREENINGS.labels(*screening).inc()


# --- figures read from the database at scrape time -------------------------------------------------

#: kind → (SQL counting what is due on or before :day, Chinese description)
DEADLINE_QUERIES: dict[str, str] = {
    # 列入期限届满 not yet removed (the daily listing_expire job removes them)
    "listing_expiry": "SELECT count(*) FROM listings WHERE ended_on IS NULL AND end_on IS NOT NULL AND end_on <= :day",
    # an objection to a proposed listing not answered by its deadline
    "listing_objection_answer": "SELECT count(*) FROM listing_cases WHERE state = 'objection_received' "
                                "AND answer_deadline IS NOT NULL AND answer_deadline <= :day",
    # an objection to a record (异议) still open at its answer deadline
    "objection_answer": "SELECT count(*) FROM disclosure_objections WHERE status = 'open' AND due_on <= :day",
    # joint punishment: a case waiting for the unit's response past its due date
    "joint_punishment_response": "SELECT count(*) FROM punishment_cases WHERE status = 'initiated' "
                                 "AND due_date <= :day",
    # joint punishment: a feedback past its due date
    "joint_punishment_feedback": "SELECT count(*) FROM punishment_cases WHERE status = 'responded' "
                                 "AND feedback_due IS NOT NULL AND feedback_due <= :day",
}


def _unsequenced(session: Any) -> tuple[int, float] | None:
    """The access log's entries not yet sequenced into the audit chain, when the platform offers the
    figure (``xinyong.core.audit.unsequenced_backlog``)."""
    from xinyong.core import audit

    backlog = getattr(audit, "unsequenced_backlog", None)
    if backlog is None:
        return None
    count, oldest = backlog(session)
    return int(count), float(oldest or 0.0)


class DatabaseCollector(Collector):
    """Backlogs read from the database when scraped."""

    def collect(self) -> Iterator[Metric]:
        from xinyong.core.db import single_read

        up = GaugeMetricFamily("xinyong_database_up", "1 when the database answered this scrape")
        try:
            with single_read() as s:
                families = list(self._families(s))
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, s: Any) -> Iterator[Metric]:
        now = clock.now()
        day = clock.today()
        backlog = GaugeMetricFamily("xinyong_outbox_backlog", "Outbox deliveries not yet confirmed, by state",
                                    labels=["status"])
        counts = dict(s.execute(text("SELECT status, count(*) FROM outbox_deliveries "
                                     "WHERE status <> 'delivered' GROUP BY status")).all())
        for status in ("pending", "retrying"):
            backlog.add_metric([status], float(counts.get(status, 0)))
        yield backlog
        oldest = s.execute(text("SELECT min(next_attempt_at) FROM outbox_deliveries "
                                "WHERE status <> 'delivered' AND next_attempt_at <= :now")
                           .bindparams(bindparam("now", type_=DateTime(timezone=True))), {"now": now}).scalar()
        age = GaugeMetricFamily("xinyong_outbox_oldest_due_seconds",
                                "Age of the oldest outbox delivery due and not yet confirmed")
        age.add_metric([], _age_seconds(oldest, now))
        yield age

        due = GaugeMetricFamily("xinyong_deadlines_due", "Deadlines reached or passed and not yet dealt with",
                                labels=["kind"])
        for kind, sql in DEADLINE_QUERIES.items():
            stmt = text(sql).bindparams(bindparam("day", type_=Date()))
            due.add_metric([kind], float(s.execute(stmt, {"day": day}).scalar() or 0))
        yield due

        unsequenced = _unsequenced(s)
        if unsequenced is not None:
            count = GaugeMetricFamily("xinyong_access_log_unsequenced",
                                      "Access-log entries not yet sequenced into the audit chain")
            count.add_metric([], float(unsequenced[0]))
            yield count
            oldest_age = GaugeMetricFamily("xinyong_access_log_unsequenced_oldest_seconds",
                                           "Age of the oldest unsequenced access-log entry")
            oldest_age.add_metric([], unsequenced[1])
            yield oldest_age

        last = GaugeMetricFamily("xinyong_job_last_success_timestamp_seconds",
                                 "When each scheduled job last finished successfully (Unix time)", labels=["job"])
        for job, finished in s.execute(text("SELECT job, max(finished_at) FROM ops_job_runs "
                                            "WHERE status = 'succeeded' GROUP BY job")).all():
            if finished is not None:
                last.add_metric([job], _as_aware(finished).timestamp())
        yield last


def _as_aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _age_seconds(value: Any, now: dt.datetime) -> float:
    if value is None:
        return 0.0
    return max(0.0, (now - _as_aware(value)).total_seconds())


def render() -> bytes:
    """The exposition text: this process's (or every worker's) counters and the database figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        counters = generate_latest(registry)
    else:
        counters = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return counters + generate_latest(database)
