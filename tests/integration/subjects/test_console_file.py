from __future__ import annotations

from sqlalchemy import select

from tests.factories import department_headers, record_json
from tests.integration.security.helpers import console_login
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def test_officer_reads_credit_file_in_console_and_the_read_is_registered(client, api_key) -> None:
    body = record_json()
    assert client.post("/api/v1/records", json=body,
                       headers=department_headers(body["issuing_authority"])).status_code == 201
    anonymous = client.get(f"/console/subjects?code={body['subject_code']}", headers={"accept": "text/html"},
                           follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/console/login")
    console_login(client, "determining_department", department="淮安市市场监督管理局")
    page = client.get(f"/console/subjects?code={body['subject_code']}&purpose=supervision&case=淮市监案1号",
                      headers={"accept": "text/html"})
    assert page.status_code == 200, page.text
    assert body["document_number"] in page.text and body["subject_name"] in page.text
    with unit_of_work() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "credit_file.read")
                          .order_by(AccessLogEntry.id.desc())).first()
    assert entry is not None and entry.purpose == "supervision" and entry.result_count == 1
    assert entry.detail["case_id"] == "淮市监案1号"
    missing = client.get("/console/subjects?code=91110000600037341L", headers={"accept": "text/html"})
    assert "未找到该信用主体" in missing.text
    invalid = client.get("/console/subjects?code=123", headers={"accept": "text/html"})
    assert "长度错误" in invalid.text
