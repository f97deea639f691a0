"""Probes, metrics and the request log: /healthz, /readyz (database + migrations at head), /metrics
(protected; request counts by route template, backlogs from the database), one JSON line per request."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.factories import resident_id, uscc
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def _access_entries() -> int:
    with unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(AccessLogEntry)) or 0)


def test_probes_answer_without_a_key_and_leave_no_access_log_entry(client: Any) -> None:
    before = _access_entries()
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"
    assert _access_entries() == before


def test_not_ready_when_a_migration_branch_is_behind(client: Any) -> None:
    with unit_of_work() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0001_foundation' WHERE version_num = 'ops_0001'"))
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "not_ready" and "迁移分支" in r.json()["checks"]["migrations"]
    assert client.get("/healthz").status_code == 200  # alive all the same


def _metric(body: str, name: str, **labels: str) -> float | None:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def test_metrics_are_protected(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_METRICS_TOKEN", "s3cret-token")
    assert client.get("/metrics").status_code == 403  # the test client is not an allowed address
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    monkeypatch.delenv("XINYONG_METRICS_TOKEN")
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 403


def test_metrics_allowed_address() -> None:
    from xinyong.ops.api import metrics_denial

    assert metrics_denial("127.0.0.1", None) is None
    assert metrics_denial("10.1.2.3", None) is not None
    import os

    os.environ["XINYONG_METRICS_ALLOW_IPS"] = "10.0.0.0/8"
    try:
        assert metrics_denial("10.1.2.3", None) is None
        assert metrics_denial("127.0.0.1", None) is not None
    finally:
        del os.environ["XINYONG_METRICS_ALLOW_IPS"]


def test_metrics_count_requests_by_route_template_and_read_backlogs(
        client: Any, api_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinyong.core.outbox import create_channel, enqueue

    monkeypatch.setenv("XINYONG_METRICS_TOKEN", "t")
    auth = {"Authorization": "Bearer t"}
    base = client.get("/metrics", headers=auth).text
    route = "/api/v1/subjects/{code}"
    before = _metric(base, "xinyong_http_requests_total", method="GET", route=route, status="404") or 0.0
    screened = _metric(base, "xinyong_screenings_total", kind="code", channel="api") or 0.0
    admin = api_key("admin")
    codes = [uscc(), uscc()]
    for code in codes:
        assert client.get(f"/api/v1/subjects/{code}", headers=admin).status_code == 404
    assert client.get(f"/api/v1/screen/code/{codes[0]}", headers=admin).status_code == 200
    with unit_of_work() as s:
        create_channel(s, "metrics-probe", unit="测试单位", url="http://127.0.0.1:9/hook")
        enqueue(s, "listing.started", {"subject_key": "k"}, ["metrics-probe"])
    body = client.get("/metrics", headers=auth).text
    after = _metric(body, "xinyong_http_requests_total", method="GET", route=route, status="404")
    assert after is not None and after - before == 2  # two paths, one route template
    assert codes[0] not in body
    assert (_metric(body, "xinyong_screenings_total", kind="code", channel="api") or 0) - screened == 1
    assert _metric(body, "xinyong_outbox_backlog", status="pending") == 1
    assert _metric(body, "xinyong_deadlines_due", kind="objection_answer") == 0
    assert _metric(body, "xinyong_database_up") == 1
    assert _metric(body, "xinyong_http_request_duration_seconds_count", method="GET", route=route) is not None


def test_unsequenced_backlog_is_exported_when_the_platform_offers_it(
        client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinyong.core import audit

    monkeypatch.setenv("XINYONG_METRICS_TOKEN", "t")
    monkeypatch.setattr(audit, "unsequenced_backlog", lambda session: (7, 12.5), raising=False)
    body = client.get("/metrics", headers={"Authorization": "Bearer t"}).text
    assert _metric(body, "xinyong_access_log_unsequenced") == 7
    assert _metric(body, "xinyong_access_log_unsequenced_oldest_seconds") == 12.5


def test_one_json_line_per_request_with_request_id_role_and_no_identifiers(
        client: Any, api_key: Any, caplog: pytest.LogCaptureFixture) -> None:
    from xinyong.ops.logs import JsonFormatter

    admin = api_key("admin")
    rid, code = resident_id(), uscc()
    with caplog.at_level(logging.INFO, logger="xinyong.request"):
        r = client.get(f"/api/v1/subjects/{rid}", headers={**admin, "X-Request-ID": "req-42"})
        r2 = client.get(f"/api/v1/screen/code/{code}", headers=admin)
    assert r.headers["x-request-id"] == "req-42"
    assert len(r2.headers["x-request-id"]) == 32  # none given: a new one
    records = [rec for rec in caplog.records if rec.name == "xinyong.request"]
    assert len(records) == 2
    fmt = JsonFormatter("%(levelname)s %(name)s %(message)s")
    line = json.loads(fmt.format(records[0]))
    assert line["request_id"] == "req-42" and line["route"] == "/api/v1/subjects/{code}"
    assert line["role"] == "admin" and line["method"] == "GET" and isinstance(line["duration_ms"], float)
    assert line["status"] == 404
    rendered = "\n".join(fmt.format(rec) for rec in records)
    assert rid not in rendered and code not in rendered
    # a hostile request id is replaced
    r3 = client.get("/healthz", headers={"X-Request-ID": "bad id\n{}"})
    assert r3.headers["x-request-id"] != "bad id\n{}"


def test_not_ready_before_the_first_migration(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinyong.core import db as core_db
    from xinyong.ops.health import readiness

    core_db.use_database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        ready, checks = readiness()
        assert not ready and "尚未迁移" in checks["migrations"]
        core_db.use_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
        ready, checks = readiness()
        assert not ready and checks["database"] == "数据库无法连接"
    finally:
        core_db.use_database(None)
        core_db.dispose_engines()
