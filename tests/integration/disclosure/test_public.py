from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, resident_id
from tests.integration.disclosure.seed import add_record, company, person
from xinyong.core.crypto import subject_key as key_of
from xinyong.core.db import unit_of_work
from xinyong.core.masking import MOBILE_RE, RESIDENT_ID_RE
from xinyong.core.models import AccessLogEntry
from xinyong.records import service as records
from xinyong.subjects.rules import identify

HTML = {"accept": "text/html"}


def test_public_api_shows_only_disclosable_items_in_period(client) -> None:
    org = company()
    found = client.get("/api/v1/public/search", params={"q": "示例商贸"})
    assert found.status_code == 200, found.text
    [hit] = found.json()["results"]
    assert hit["name"] == org.name and hit["code"] == org.code
    page = client.get(f"/api/v1/public/subjects/{hit['ref']}")
    assert page.status_code == 200, page.text
    body = page.json()
    numbers = [r["document_number"] for r in body["records"]]
    # the recent penalty is public; the inspection item is not disclosable; the 2024 penalty's period ended
    assert numbers == ["淮市监罚〔2026〕701号"]
    [rec] = body["records"]
    assert rec["issuing_authority"] == "淮安市市场监督管理局"
    assert "record_id" not in rec and "severity" not in rec and "status" not in rec
    assert "监督检查" not in page.text
    # by code as well
    assert client.get(f"/api/v1/public/subjects/{org.code}").json()["records"] == body["records"]
    with unit_of_work() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "disclosure.public_read",
                                                       AccessLogEntry.subject_key == org.key)).first()
        assert entry is not None and entry.allowed and entry.role == "public"
        assert entry.detail["catalog_items"] == ["admin-penalty"]
        assert entry.detail["hidden"] == {"not_disclosable": 1, "period_ended": 1}


def test_individuals_are_masked_and_need_basis_or_consent(client) -> None:
    p = person()
    # never found by name
    assert client.get("/api/v1/public/search", params={"q": p.name}).json()["results"] == []
    hit = client.get("/api/v1/public/search", params={"q": p.code}).json()["results"]
    assert [h["name"] for h in hit] == ["欧阳**"]
    body = client.get(f"/api/v1/public/subjects/{hit[0]['ref']}")
    text = body.text
    assert p.code not in text and p.name not in text and "13912345678" not in text
    assert not RESIDENT_ID_RE.search(text) and not MOBILE_RE.search(text)
    data = body.json()
    assert data["subject"]["code"].count("*") == 10
    # the dishonest-debtor item rests on a law (民事诉讼法); the penalty item only on a policy document
    assert [r["catalog_item"] for r in data["records"]] == ["judicial-dishonest-debtor"]
    assert "欧阳**" in data["records"][0]["summary"]


def test_portal_pages_search_and_subject(client) -> None:
    org = company(seed=8, name="淮安市恒通建材有限公司")
    home = client.get("/public", headers=HTML)
    assert home.status_code == 200 and "信用信息公示" in home.text
    results = client.get("/public/search", params={"q": "恒通建材"}, headers=HTML)
    assert results.status_code == 200
    assert "淮安市恒通建材有限公司" in results.text and f"/public/subjects/{org.key}" in results.text
    page = client.get(f"/public/subjects/{org.key}", headers=HTML)
    assert page.status_code == 200
    assert "淮市监罚〔2026〕801号" in page.text and "淮安市市场监督管理局" in page.text
    assert "淮市监检〔2026〕802号" not in page.text and "淮市监罚〔2024〕803号" not in page.text
    assert "未列入严重失信主体名单" in page.text
    short = client.get("/public/search", params={"q": "恒"}, headers=HTML)
    assert short.status_code == 200 and "至少输入两个字" in short.text
    missing = client.get("/public/subjects/nothing-here", headers=HTML)
    assert missing.status_code == 404 and "未找到该信用主体" in missing.text


def test_repair_outcomes_reach_the_portal(client) -> None:
    org = company(seed=9, name="淮安市修复示范有限公司")
    rid = org.record_ids["penalty"]
    url = f"/api/v1/public/subjects/{org.key}"
    assert client.get(url).json()["records"][0]["marks"] == []
    with unit_of_work() as s:
        records.set_status(s, rid, "repaired_marked", "信用修复：标注")
    assert client.get(url).json()["records"][0]["marks"] == ["已信用修复"]
    with unit_of_work() as s:
        records.set_status(s, rid, "repaired_shielded", "信用修复：屏蔽")
    assert client.get(url).json()["records"] == []


def test_minor_severity_and_minor_persons_not_public(client) -> None:
    org = company(seed=10, name="淮安市轻微示例有限公司")
    add_record(org.code, org.name, "admin-penalty", "淮市监罚〔2026〕1099号", severity="minor")
    # a checkbox no longer makes anyone a minor: an organisation's record stays public
    add_record(org.code, org.name, "admin-penalty", "淮市监罚〔2026〕1098号", is_minor=True)
    body = client.get(f"/api/v1/public/subjects/{org.key}").json()
    numbers = [r["document_number"] for r in body["records"]]
    assert "淮市监罚〔2026〕1099号" not in numbers
    assert sorted(numbers) == ["淮市监罚〔2026〕1001号", "淮市监罚〔2026〕1098号"]
    # a person who was 14 at the act (read from the resident ID) is not shown publicly
    child = resident_id(random.Random(10), "320812", dt.date(2012, 3, 1))
    add_record(child, "李某某", "admin-penalty", "淮市监罚〔2026〕1097号")
    kid = client.get(f"/api/v1/public/subjects/{key_of(identify(child).code)}")
    assert "淮市监罚〔2026〕1097号" not in kid.text


def test_bad_input_gets_a_chinese_error_never_a_500(client, api_key) -> None:
    org = company(seed=12, name="淮安市输入示例有限公司")
    for q in ["\x00", "示例\x00商贸", "x" * 101]:
        r = client.get("/api/v1/public/search", params={"q": q})
        assert r.status_code == 422, (q, r.text)
    assert client.get("/api/v1/public/subjects/abc%00def").status_code == 422
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    for record_id, reason in [("99999999999999999999", "理由足够长的异议"), ("0", "理由足够长的异议"),
                              (str(org.record_ids["penalty"]), "含有\x00字符的异议理由")]:
        r = client.post("/api/v1/self/objections", headers=me, data={"record_id": record_id, "reason": reason})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["message"]
    admin = api_key("admin")
    assert client.get("/api/v1/disclosure/share-scopes/99999999999", headers=admin).status_code == 422
    assert client.post("/api/v1/disclosure/objections/99999/answer", headers=department_headers("淮安市市场监督管理局"),
                       json={"outcome": "rejected", "answer": "经核实无误"}).status_code == 404
    r = client.get("/api/v1/disclosure/late", params={"department": "\x01"}, headers=admin)
    assert r.status_code == 422 and "控制字符" in r.json()["error"]["message"]
