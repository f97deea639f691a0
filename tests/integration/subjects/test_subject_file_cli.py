"""`xinyong subject file CODE` reads the credit file through the use case, as the system actor: one
credit_file.read access-log entry with its purpose (国办发〔2020〕49号 §（十三））."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import department_headers, record_json
from xinyong.cli import app
from xinyong.core.crypto import subject_key
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def test_subject_file_cli_is_logged_as_credit_file_read(client: Any) -> None:
    body = record_json()
    r = client.post("/api/v1/records", json=body, headers=department_headers("淮安市市场监督管理局"))
    assert r.status_code == 201, r.text
    out = CliRunner().invoke(app, ["subject", "file", body["subject_code"], "--purpose", "supervision"])
    assert out.exit_code == 0, out.output
    file = json.loads(out.stdout)
    assert [x["document_number"] for x in file["sections"]["records"]] == [body["document_number"]]
    with unit_of_work() as s:
        [entry] = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "credit_file.read")).all()
    assert entry.allowed is True and entry.purpose == "supervision" and entry.principal_name == "系统"
    assert entry.subject_key == subject_key(body["subject_code"]) and entry.result_count == 1


def test_subject_file_cli_unknown_subject_and_bad_purpose(db_url: str) -> None:
    code = record_json()["subject_code"]  # well formed, never registered here
    missing = CliRunner().invoke(app, ["subject", "file", code])
    assert missing.exit_code == 1 and "未找到该信用主体" in missing.output
    bad = CliRunner().invoke(app, ["subject", "file", code, "--purpose", "curiosity"])
    assert bad.exit_code == 1 and "查询目的" in bad.output
