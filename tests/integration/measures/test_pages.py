"""Console pages: screen, open a case, respond, feedback, flag 典型案例."""

from __future__ import annotations

from typing import Any

from tests.integration.measures.units import register
from tests.integration.security.helpers import form_token, make_account, sign_in

HTML = {"accept": "text/html"}


def test_console_screen_and_case_walk(client: Any, penalised: Any) -> None:
    assert client.get("/console/screen", headers=HTML, follow_redirects=False).status_code == 303
    unit_user, unit_id = make_account("implementing_unit", department="淮安市财政局")
    register(unit_id, region="320800")
    office_user, _ = make_account("credit_office", department="淮安市信用办")
    assert sign_in(client, office_user).status_code == 303
    page = client.get("/console/screen", params={"code": penalised["code"], "matter": "procurement_bidding"},
                      headers=HTML)
    assert page.status_code == 200, page.text
    assert "参加政府采购活动前三年内有重大违法记录的" in page.text and "第二十二条第一款" in page.text
    by_name = client.get("/console/screen", params={"name": "示例商贸"}, headers=HTML)
    assert penalised["code"] in by_name.text
    bad = client.get("/console/screen", params={"code": "123"}, headers=HTML)
    assert "长度错误" in bad.text
    token = form_token(client, "/console/screen")
    refused = client.post("/console/cases", data={
        "csrf_token": token, "code": penalised["code"], "measure": "procurement-ban",
        "matter": "procurement_bidding", "unit": str(unit_id), "days": "5"}, headers=HTML)
    assert refused.status_code == 422 and "不得实施" in refused.text
    opened = client.post("/console/cases", data={
        "csrf_token": token, "code": penalised["code"], "measure": "procurement-major-violation",
        "matter": "procurement_bidding", "unit": str(unit_id), "days": "5"}, headers=HTML, follow_redirects=False)
    assert opened.status_code == 303, opened.text
    url = opened.headers["location"]
    # the credit office cannot answer for the unit (发起—响应—反馈 between units, 893 §六)
    assert client.post(f"{url}/response", data={"csrf_token": token, "applied": "yes"},
                       headers=HTML).status_code == 403
    assert sign_in(client, unit_user).status_code == 303
    token = form_token(client, "/console/screen")
    no_reason = client.post(f"{url}/response", data={"csrf_token": token, "applied": "no"}, headers=HTML)
    assert no_reason.status_code == 422 and "必须说明理由" in no_reason.text
    assert client.post(f"{url}/response", data={"csrf_token": token, "applied": "yes"}, headers=HTML,
                       follow_redirects=False).status_code == 303
    assert client.post(f"{url}/feedback", data={"csrf_token": token, "result": "已拒绝其投标"}, headers=HTML,
                       follow_redirects=False).status_code == 303
    assert sign_in(client, office_user).status_code == 303
    token = form_token(client, "/console/screen")
    assert client.post(f"{url}/typical", data={"csrf_token": token, "typical": "yes", "note": "典型"},
                       headers=HTML, follow_redirects=False).status_code == 303
    detail = client.get(url, headers=HTML).text
    assert "典型案例" in detail and "已拒绝其投标" in detail
    listing = client.get("/console/cases", params={"by": "measure"}, headers=HTML).text
    assert "procurement-major-violation" in listing
    assert "不得担任公司的董事" in client.get("/console/measures", headers=HTML).text
    assert client.post(f"{url}/typical", data={"typical": "no"}, headers=HTML).status_code == 403  # no CSRF token
