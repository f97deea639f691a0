"""Disclosure reads subjects and records only through xinyong.subjects.public and xinyong.records.public:
the portal's name search (literal, shortest name first, never natural persons — 国办发〔2020〕49号 §（四）),
the legal representatives on a subject's page, and requests whose statement count does not grow with
the number of records (bulk lookups, no query per row) — on both databases."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.factories import resident_id
from tests.integration.disclosure.seed import add_record, company, person
from tests.statements import statements
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.subjects import service as subjects


def _names(client: Any, q: str) -> list[str]:
    found = client.get("/api/v1/public/search", params={"q": q})
    assert found.status_code == 200, found.text
    return [r["name"] for r in found.json()["results"]]


def test_name_search_is_literal_shortest_first_and_never_natural_persons(client) -> None:
    company(seed=51, name="淮安市百分百商贸有限公司")
    company(seed=52, name="淮安市百分商贸公司")
    company(seed=53, name="淮安市百分%建材有限责任公司")
    person(seed=54, name="百分欧阳")
    # shortest name first; the natural person with the same words is not found by name
    assert _names(client, "百分") == ["淮安市百分商贸公司", "淮安市百分百商贸有限公司", "淮安市百分%建材有限责任公司"]
    # % and _ are matched as themselves, not as wildcards
    assert _names(client, "百分%") == ["淮安市百分%建材有限责任公司"]
    assert _names(client, "百分_") == []
    assert _names(client, "百分欧阳") == []
    short = client.get("/api/v1/public/search", params={"q": "百"})
    assert short.status_code == 422 and "至少输入两个字" in short.text


def test_public_page_shows_current_representatives_masked_and_the_subject_all(client, api_key) -> None:
    org = company(seed=55, name="淮安市代表示例有限公司")
    rng = random.Random(55)
    current, former = resident_id(rng, "320812"), resident_id(rng, "320812")
    with unit_of_work() as s:
        subjects.link_person(s, org.code, former, "张伟民", "legal_representative", dt.date(2018, 1, 1),
                             dt.date(2022, 6, 30))
        subjects.link_person(s, org.code, current, "李春华", "responsible_person", dt.date(2022, 7, 1))
    page = client.get(f"/api/v1/public/subjects/{org.key}")
    assert page.status_code == 200, page.text
    # the public sees the current one only, name masked to the surname
    assert page.json()["persons"] == [
        {"role_name": "主要负责人", "name": "李**", "start_date": "2022-07-01", "end_date": None}]
    assert "李春华" not in page.text and "张伟民" not in page.text


def _count(client: Any, path: str, headers: dict[str, str] | None = None) -> int:
    client.get(path, headers=headers or {})  # warm up: caches, tracking of new records
    with statements() as sent:
        got = client.get(path, headers=headers or {})
    assert got.status_code == 200, got.text
    return len(sent)


def test_statements_per_request_do_not_grow_with_records(client, api_key) -> None:
    few = company(seed=56, name="淮安市少量记录有限公司")
    many = company(seed=57, name="淮安市大量记录有限公司")
    rng = random.Random(57)
    with unit_of_work() as s:
        for i in range(3):
            subjects.link_person(s, many.code, resident_id(rng, "320812"), f"王{i}明", "responsible_person",
                                 dt.date(2020 + i, 1, 1))
    decided = clock.today() - dt.timedelta(days=30)
    for i in range(6):
        add_record(many.code, many.name, "admin-penalty", f"淮市监罚〔2026〕57{i}9号", decided=decided)
    public_few = _count(client, f"/api/v1/public/subjects/{few.key}")
    public_many = _count(client, f"/api/v1/public/subjects/{many.key}")
    assert public_many == public_few
    office = api_key("credit_office")
    late_before = _count(client, "/api/v1/disclosure/late", office)
    late_rows = len(client.get("/api/v1/disclosure/late", headers=office).json()["departments"][0]["items"])
    for i in range(5):
        add_record(few.code, few.name, "admin-penalty", f"淮市监罚〔2026〕56{i}9号", decided=decided)
    late_after = _count(client, "/api/v1/disclosure/late", office)
    grown = client.get("/api/v1/disclosure/late", headers=office).json()["departments"][0]["items"]
    assert len(grown) == late_rows + 5
    assert late_after == late_before
