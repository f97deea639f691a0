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
    # the case is opened on the registry-backed form, prefilled from the screening answer
    assert "/console/cases/new?code=" in page.text and 'name="unit" value' not in page.text
    prefilled = client.get("/console/cases/new", params={"code": penalised["code"], "measure": "procurement-ban",
                                                         "matter": "procurement_bidding"}, headers=HTML)
    assert prefilled.status_code == 200 and f'value="{penalised["code"]}"' in prefilled.text
    assert f'<option value="{unit_id}"' in prefilled.text
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


def test_console_registry_pick_overdue_regions_and_push(client: Any, penalised: Any, test_clock: Any) -> None:
    import datetime as dt

    from tests.integration.measures.units import authority_uscc

    _, unit_id = make_account("implementing_unit", department="淮安市公共资源交易中心", region="320812")
    office_user, _ = make_account("credit_office", department="淮安市信用办", region="320800")
    assert sign_in(client, office_user).status_code == 303
    token = form_token(client, "/console/units")
    bad = client.post("/console/units", data={"csrf_token": token, "principal_id": str(unit_id),
                                              "authority_uscc": "ABC"}, headers=HTML)
    assert bad.status_code == 422 and "统一社会信用代码无效" in bad.text
    assert client.post("/console/units", data={"csrf_token": token, "principal_id": str(unit_id),
                                               "authority_uscc": authority_uscc(unit_id)},
                       headers=HTML, follow_redirects=False).status_code == 303
    assert "淮安市公共资源交易中心" in client.get("/console/units", headers=HTML).text

    new = client.get("/console/cases/new", params={"code": penalised["code"], "measure": "procurement-major-violation",
                                                   "matter": "procurement_bidding"}, headers=HTML)
    assert new.status_code == 200 and f'<option value="{unit_id}"' in new.text and "依据待核实" in new.text
    case = {"csrf_token": token, "code": penalised["code"], "measure": "procurement-major-violation",
            "matter": "procurement_bidding", "days": "1"}
    free = client.post("/console/cases", data={**case, "unit": "某某单位"}, headers=HTML)
    assert free.status_code == 422 and "不是实施单位名录中登记的单位" in free.text
    opened = client.post("/console/cases", data={**case, "unit": str(unit_id)}, headers=HTML, follow_redirects=False)
    assert opened.status_code == 303, opened.text

    test_clock.set_today(dt.date(2026, 12, 10))
    assert sign_in(client, office_user).status_code == 303  # the session of two weeks ago has expired
    overdue = client.get("/console/cases/overdue", headers=HTML)
    assert overdue.status_code == 200 and "逾期未响应" in overdue.text
    regions = client.get("/console/cases/regions", headers=HTML)
    assert regions.status_code == 200 and "辖区合计" in regions.text and "清江浦区" in regions.text
    outside = client.get("/console/cases/regions", params={"region": "320000"}, headers=HTML)
    assert "不能查看该地区的联合惩戒统计" in outside.text
    push = client.get("/console/push", headers=HTML)
    assert push.status_code == 200 and "Ed25519" in push.text
