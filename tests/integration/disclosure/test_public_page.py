"""The public page of a company like 信用中国's: 行政许可, 行政处罚 (with the national detail), 严重失信主体名单
and 信用承诺, each row with its data source and its publication end; empty sections say so in Chinese."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.factories import resident_id, uscc
from tests.integration.disclosure.shuanggongshi_seed import licence, penalty
from tests.integration.listing.helpers import listed_case
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.repair.evidence import add_commitment

HTML = {"accept": "text/html"}


def test_company_page_in_sections(client: Any) -> None:
    _case, setup = listed_case(71, start=clock.today() - dt.timedelta(days=40))
    name = f"淮安示例建筑劳务有限公司{71}"
    pid = penalty(setup.code, name, "淮市监罚〔2026〕711号")
    licence(setup.code, name, "清审批许〔2026〕712号")
    with unit_of_work() as s:
        add_commitment(s, setup.subject_key, text="本单位承诺依法诚信经营，主动接受社会监督，违背承诺自愿接受惩戒。"
                       "联系人手机13912345678", signer="王建国")
    body = client.get(f"/api/v1/public/subjects/{setup.subject_key}")
    assert body.status_code == 200, body.text
    data = body.json()
    [lic] = data["licences"]
    assert lic["document_number"] == "清审批许〔2026〕712号" and lic["category_name"] == "核准"
    assert lic["state"] == "有效" and lic["data_source"] == "淮安市清江浦区行政审批局"
    assert lic["disclosure_ends"] is None  # the catalog's period of a century: shown as 长期公示
    assert "legal_representative" not in lic and "licence_id" not in lic
    by_number = {p["document_number"]: p for p in data["penalties"]}
    pen = by_number["淮市监罚〔2026〕711号"]
    assert pen["violation_facts"] == "当事人销售超过保质期的食品，货值金额三千元"
    assert pen["penalty_basis"].startswith("《中华人民共和国食品安全法》") and pen["penalty_category"] == "警告；罚款"
    assert pen["fine_amount"] == "5" and pen["issuing_authority"] == "淮安市市场监督管理局"
    assert pen["data_source"] == "淮安市市场监督管理局" and pen["disclosure_ends"] > pen["decision_date"]
    assert "legal_representative" not in pen and "record_id" not in pen and pid
    assert data["listings"] and data["listings"][0]["determining_department"]
    [commitment] = data["commitments"]
    assert commitment["signer"] == "王**" and "13912345678" not in commitment["text"]
    assert "王建国" not in body.text and setup.person_code not in body.text

    page = client.get(f"/public/subjects/{setup.subject_key}", headers=HTML)
    text = page.text
    for heading in ("行政许可", "行政处罚", "严重失信主体名单", "信用承诺"):
        assert f">{heading}</h2>" in text
    for shown in ("违法事实", "处罚依据", "处罚类别", "罚款金额", "5 万元", "处罚机关", "决定日期", "公示截止期",
                  "数据来源", "食品经营许可证", "长期公示", "本单位承诺依法诚信经营"):
        assert shown in text
    assert "暂无公示期内的行政处罚信息" not in text and "未列入严重失信主体名单" not in text


def test_empty_sections_say_so(client: Any) -> None:
    code = uscc(random.Random(72))
    licence(code, "淮安市清江浦区无处罚示例有限公司", "清审批许〔2026〕721号",
            decided=clock.today() - dt.timedelta(days=5))
    page = client.get(f"/public/subjects/{code}", headers=HTML)
    assert page.status_code == 200
    for empty in ("暂无公示期内的行政处罚信息。", "未列入严重失信主体名单。", "暂无公开的信用承诺。"):
        assert empty in page.text
    assert "暂无公示期内的行政许可信息" not in page.text
    bare = uscc(random.Random(73))
    licence(bare, "淮安市清江浦区早年许可示例有限公司", "清审批许〔2022〕731号", decided=dt.date(2022, 3, 2))
    page = client.get(f"/public/subjects/{bare}", headers=HTML)
    assert "清审批许〔2022〕731号" in page.text  # a licence stays public for the catalog item's period


def test_a_persons_licence_needs_a_statutory_basis_or_consent(client: Any) -> None:
    code = resident_id(random.Random(74), "320812", dt.date(1990, 5, 6))
    licence(code, "欧阳娜娜", "清审批许〔2026〕741号")
    data = client.get(f"/api/v1/public/subjects/{code}").json()
    # 行政许可信息 rests on a policy document only (not a law): a person's licence is not public
    assert data["licences"] == []
    assert data["subject"]["name"] == "欧阳**"
