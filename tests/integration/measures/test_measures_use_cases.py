"""The measures CLI reads as the system actor through the same use cases as the API: every read of the
measure list or of a message's deliveries leaves an access-log entry; a refused read is 403 and logged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import make_api_key
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def _entries(action: str) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action)))


def test_cli_measure_list_and_push_status_are_logged_as_the_system(db_url: str) -> None:
    out = CliRunner().invoke(app, ["measures", "list", "--matter", "appointment"])
    assert out.exit_code == 0, out.output
    [entry] = _entries("measures.read")
    assert entry.allowed and entry.principal_name == "系统" and entry.result_count == len(out.stdout.splitlines())
    status = CliRunner().invoke(app, ["push", "status", "12345"])
    assert status.exit_code == 0, status.output
    [read] = _entries("push.read")
    assert read.allowed and read.detail.get("message_id") == 12345 and read.result_count == 0


def test_push_deliveries_refused_to_an_implementing_unit_and_logged(client: Any) -> None:
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    r = client.get("/api/v1/push/messages/1/deliveries", headers=unit)
    assert r.status_code == 403
    [denied] = _entries("push.read")
    assert denied.allowed is False and denied.role == "implementing_unit"
