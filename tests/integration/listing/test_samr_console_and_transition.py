"""Tried as a new user would: the demo's 市场监督管理局 lists a company under 市场监管总局令第44号 from the
console (list-type page first, four-eyes approval, the province's consent under 第二十二条), and the public
page shows the listing once. Then the transition clean-up (国办发〔2020〕49号 把握时间节点): a credit office
marks a list type non-conforming, its listings stop on the set date, measures and units are told, and the
report shows what was voided."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.listing.helpers import make_subject
from tests.integration.security.helpers import console_login, form_token
from xinyong.core.db import unit_of_work
from xinyong.listing.models import ListingCase

HTML = {"accept": "text/html"}
SAMR = "淮安市市场监督管理局"
REGION = "320800"


def _post(client: Any, url: str, data: dict[str, str]) -> Any:
    token = form_token(client, "/console/listing")
    return client.post(url, data={**data, "csrf_token": token}, headers=HTML, follow_redirects=False)


def _version(client: Any, case_id: int) -> str:
    match = re.search(r'name="version" value="(\d+)"', client.get(f"/console/listing/{case_id}", headers=HTML).text)
    assert match
    return match.group(1)


def _list_under_44(client: Any, seed: int) -> tuple[int, str]:
    setup = make_subject(seed, issuing_authority=SAMR, link_person=False, severity="serious")
    console_login(client, "determining_department", department=SAMR, region=REGION)
    page = client.get("/console/listing/types/samr-serious-illegal", headers=HTML).text
    assert "办理前请注意：以下要素尚未核实" in page and "公开征求意见期限" in page and "第二十二条" in page
    new = client.get(f"/console/listing/new?code={setup.code}", headers=HTML).text
    assert "市场监督管理严重违法失信名单" in new and "/console/listing/types/samr-serious-illegal" in new
    r = _post(client, "/console/listing", {"code": setup.code, "list_type_id": "samr-serious-illegal",
                                           "record_ids": str(setup.record_id), "on": "2026-09-01",
                                           "reason": "生产销售不符合食品安全标准的食品，受到从重罚款"})
    assert r.status_code == 303, r.text
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    url = f"/console/listing/{cid}"
    assert _post(client, f"{url}/notice", {"version": _version(client, cid), "on": "2026-09-01",
                                           "objection_window_end": "2026-09-15"}).status_code == 303
    console_login(client, "determining_department", department=SAMR, region=REGION)  # the reviewing officer
    assert _post(client, f"{url}/approval", {"version": _version(client, cid), "opinion": "事实清楚，同意",
                                             "on": "2026-09-16"}).status_code == 303
    console_login(client, "determining_department", department=SAMR, region=REGION)  # the deciding officer
    missing = _post(client, f"{url}/decision", {"version": _version(client, cid), "on": "2026-09-16"})
    assert missing.status_code == 422 and "第二十二条" in missing.text
    assert "须报经上一级部门同意，尚未取得" in client.get(url, headers=HTML).text
    console_login(client, "determining_department", department="江苏省市场监督管理局", region="320000")
    r = _post(client, "/console/listing/consent", {"case_id": str(cid), "document": "苏市监信〔2026〕12号",
                                                   "on": "2026-09-16"})
    assert r.status_code == 200 and f"已登记对案件{cid}的同意" in r.text
    console_login(client, "determining_department", department=SAMR, region=REGION)
    assert _post(client, f"{url}/decision", {"version": _version(client, cid), "on": "2026-09-16"}).status_code == 303
    assert _post(client, f"{url}/listing", {"version": _version(client, cid), "on": "2026-09-17"}).status_code == 303
    page = client.get(url, headers=HTML).text
    assert "已列入名单" in page and "苏市监信〔2026〕12号" in page
    pdf = re.findall(r'href="(/console/listing/documents/\d+/pdf)"', page)[-1]
    assert client.get(pdf).headers["content-type"] == "application/pdf"
    return cid, setup.code


def test_demo_market_regulation_lists_under_order_44_and_the_public_page_shows_it_once(client: Any,
                                                                                       test_clock: Any) -> None:
    import datetime as dt

    test_clock.set_today(dt.date(2026, 9, 20))
    _, code = _list_under_44(client, 501)
    client.cookies.clear()
    found = client.get(f"/public/search?q={code}", headers=HTML).text
    link = re.search(r'href="(/public/subjects/[^"]+)"', found)
    assert link, found
    text = client.get(link.group(1), headers=HTML).text
    assert text.count('<article class="card listing">') == 1 and "<h3>市场监督管理严重违法失信名单" in text
    assert "未列入严重失信主体名单" not in text


def test_transition_clean_up_voids_listings_of_a_non_conforming_list_type(client: Any, test_clock: Any) -> None:
    import datetime as dt

    test_clock.set_today(dt.date(2026, 9, 20))
    cid, _ = _list_under_44(client, 502)
    console_login(client, "credit_office", department="淮安市发展和改革委员会", region=REGION)
    early = _post(client, "/console/listing/voided", {"list_type_id": "samr-serious-illegal", "reason": "x",
                                                      "effective_on": "2021-06-30"})
    assert early.status_code == 422 and "过渡期" in early.text
    r = _post(client, "/console/listing/voided", {"list_type_id": "samr-serious-illegal",
                                                  "reason": "认定标准经评估与国办发〔2020〕49号要求不符",
                                                  "effective_on": "2026-10-01"})
    assert r.status_code == 303, r.text
    with unit_of_work() as s:
        assert s.get(ListingCase, cid).state == "listed"  # not before the set date
    test_clock.set_today(dt.date(2026, 10, 1))
    from xinyong.core import events
    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    ended: list[dict[str, Any]] = []
    events.subscribe("listing.ended", lambda s, t, p: ended.append(p))

    done = service.apply_nonconforming(SYSTEM, dt.date(2026, 10, 1))
    assert [v["case_id"] for d in done for v in d["voided"]] == [cid]
    with unit_of_work() as s:
        case = s.get(ListingCase, cid)
        assert case.state == "removed" and case.removal_reason == "nonconforming"
    # measures stop and units are told through the ListingEnded consequence (outbox to subscribed units)
    assert [(p["case_id"], p["reason"]) for p in ended] == [(cid, "nonconforming")]
    console_login(client, "credit_office", department="淮安市发展和改革委员会", region=REGION)  # a new day
    report = client.get("/console/listing/voided", headers=HTML).text
    assert f"案件{cid}" in report and "认定标准经评估与国办发〔2020〕49号要求不符" in report
    # the list type can no longer be used in the region
    setup = make_subject(503, issuing_authority=SAMR, link_person=False, severity="serious")
    console_login(client, "determining_department", department=SAMR, region=REGION)
    refused = _post(client, "/console/listing", {"code": setup.code, "list_type_id": "samr-serious-illegal",
                                                 "record_ids": str(setup.record_id), "reason": "x"})
    assert refused.status_code == 422 and "停止适用" in refused.text


def test_voided_report_from_the_cli(db_url: str) -> None:
    from typer.testing import CliRunner

    from xinyong.cli import app

    out = CliRunner().invoke(app, ["listing", "voided"])
    assert out.exit_code == 0 and "尚无被标记为不符合要求的名单" in out.output
    applied = CliRunner().invoke(app, ["listing", "nonconforming-apply", "--on", "2026-11-25"])
    assert applied.exit_code == 0 and "停止案件 0 件" in applied.output
