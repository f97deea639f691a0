"""A new officer walks a case in the console: proposal → notice → decision → listing → removal,
and opens the decision PDF."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

from tests.integration.listing.helpers import DEPT, REGION, make_subject
from tests.integration.security.helpers import console_login, form_token

HTML = {"accept": "text/html"}


def _post(client: Any, url: str, data: dict[str, str]) -> Any:
    token = form_token(client, "/console/listing")
    return client.post(url, data={**data, "csrf_token": token}, headers=HTML, follow_redirects=False)


def _version(client: Any, case_id: int) -> str:
    page = client.get(f"/console/listing/{case_id}", headers=HTML).text
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "no transition form on the case page"
    return match.group(1)


def test_console_walk_from_proposal_to_removal(client) -> None:
    setup = make_subject(61)
    console_login(client, "determining_department", department=DEPT, region=REGION)
    new = client.get(f"/console/listing/new?code={setup.code}", headers=HTML)
    assert new.status_code == 200 and f'value="{setup.record_id}"' in new.text
    r = _post(client, "/console/listing", {"code": setup.code, "list_type_id": "migrant-wage-arrears",
                                            "record_ids": str(setup.record_id), "reason": "拖欠农民工工资逾期未支付",
                                            "on": "2026-09-01"})
    assert r.status_code == 303, r.text
    case_url = r.headers["location"]
    cid = int(case_url.rsplit("/", 1)[1])
    listing = client.get("/console/listing", headers=HTML).text
    assert f"案件{cid}" in listing and "拟列入" in listing
    r = _post(client, f"{case_url}/notice", {"version": _version(client, cid), "objection_window_end": "2026-09-15",
                                             "on": "2026-09-01"})
    assert r.status_code == 303, r.text
    page = client.get(case_url, headers=HTML).text
    assert "异议期限届满：2026-09-15" in page and "拟列入严重失信主体名单事先告知书" in page
    # deciding too early shows the reason on the page, nothing changes
    early = _post(client, f"{case_url}/decision", {"version": _version(client, cid), "on": "2026-09-10"})
    assert early.status_code == 422 and "期满前不得作出认定决定" in early.text
    # the proposer cannot approve its own case (四眼原则)
    own = _post(client, f"{case_url}/approval", {"version": _version(client, cid), "opinion": "同意", "on": "2026-09-16"})
    assert own.status_code == 403 and "四眼原则" in own.text
    console_login(client, "determining_department", department=DEPT, region=REGION)  # a second officer
    r = _post(client, f"{case_url}/approval", {"version": _version(client, cid), "opinion": "事实清楚，同意",
                                               "on": "2026-09-16"})
    assert r.status_code == 303, r.text
    same = _post(client, f"{case_url}/decision", {"version": _version(client, cid), "on": "2026-09-16"})
    assert same.status_code == 403 and "审核同意人与作出决定人不能是同一人" in same.text
    console_login(client, "determining_department", department=DEPT, region=REGION)  # the deciding officer
    r = _post(client, f"{case_url}/decision", {"version": _version(client, cid), "on": "2026-09-16"})
    assert r.status_code == 303, r.text
    r = _post(client, f"{case_url}/listing", {"version": _version(client, cid), "on": "2026-09-17"})
    assert r.status_code == 303, r.text
    page = client.get(case_url, headers=HTML).text
    assert "已列入名单" in page and "哈希链完整" in page
    pdf_link = re.findall(r'href="(/console/listing/documents/\d+/pdf)"', page)[-1]
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
                   .replace("\x00", "").split())
    assert "认定严重失信主体名单决定书" in text and "救济措施" in text
    stale = _post(client, f"{case_url}/removal", {"version": "1", "reason": "revoked", "on": "2026-10-01"})
    assert stale.status_code == 409 and "已被他人更新" in stale.text
    r = _post(client, f"{case_url}/removal", {"version": _version(client, cid), "reason": "revoked",
                                              "explanation": "行政复议决定撤销", "on": "2026-10-01"})
    assert r.status_code == 303, r.text
    page = client.get(case_url, headers=HTML).text
    assert "已移出名单" in page and "经复议或诉讼撤销" in page
    assert client.get("/console/listing/deadlines", headers=HTML).status_code == 200
    types = client.get("/console/listing/types", headers=HTML).text
    assert "拖欠农民工工资失信联合惩戒对象名单" in types and "失信被执行人名单" in types


def test_console_requires_sign_in_and_csrf(client) -> None:
    r = client.get("/console/listing", headers=HTML, follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/console/login" in r.headers["location"]
    console_login(client, "determining_department", department=DEPT, region=REGION)
    r = client.post("/console/listing", data={"code": "x"}, headers=HTML, follow_redirects=False)
    assert r.status_code in (400, 403)
