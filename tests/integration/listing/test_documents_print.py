"""A real case's decision and removal documents print on both databases: the stored decision's PDF and
the removal decision (移出决定书) keep every line inside the page and carry the remedies with the review
body and the time limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from tests.integration.listing.helpers import DEPT, listed_case, officer
from tests.pdf_text import joined, runs
from xinyong.core.db import unit_of_work
from xinyong.listing import documents, service
from xinyong.listing.models import ListingDocument
from xinyong.listing.shared import get_case


def _pdf(client: Any, doc_id: int) -> bytes:
    r = client.get(f"/api/v1/listing/documents/{doc_id}/pdf", headers=_headers())
    assert r.status_code == 200, r.text
    return r.content


def _headers() -> dict[str, str]:
    from tests.factories import department_headers

    return department_headers(DEPT)


def test_decision_and_removal_documents_print(client: Any, test_clock: Any) -> None:
    case_id, _setup = listed_case(31)
    with unit_of_work() as s:
        decision = s.scalar(select(ListingDocument).where(ListingDocument.case_id == case_id,
                                                          ListingDocument.kind == documents.DECISION))
        assert decision is not None
        decision_id = decision.id
    printed = _pdf(client, decision_id)
    assert all(r.inside() for r in runs(printed))
    text = joined(printed)
    for heading in ("一、事由", "二、依据", "三、列入期限", "四、失信惩戒措施提示", "五、移出条件和程序", "六、救济措施"):
        assert heading in text
    assert "60日内向江苏省淮安市人民政府申请行政复议" in text and "6个月内" in text and "印章位置" in text

    with unit_of_work() as s:
        start = get_case(s, case_id).listing_start
    assert start is not None
    # 令第45号: 6 months after a correction made during the listing
    corrected, on = start + dt.timedelta(days=3), start + dt.timedelta(days=3 + 200)
    test_clock.set_today(on)
    with unit_of_work() as s:
        service.remove(s, officer(), case_id, reason="conditions_met", explanation="已偿还全部拖欠工资并满六个月",
                       on=on, corrected_on=corrected)
        # the removal issued its own 移出决定书
        doc = s.scalar(select(ListingDocument).where(ListingDocument.case_id == case_id,
                                                     ListingDocument.kind == documents.REMOVAL))
        assert doc is not None
        removal_id, number = doc.id, doc.number
    assert number == f"信用移出〔{on.year}〕{case_id:04d}号"
    page = client.get(f"/api/v1/listing/documents/{removal_id}", headers=_headers())
    assert page.status_code == 200 and "移出严重失信主体名单决定书" in page.text
    printed = _pdf(client, removal_id)
    assert all(r.inside() for r in runs(printed))
    text = joined(printed)
    for needle in ("一、移出事由", "符合移出条件", "已偿还全部拖欠工资并满六个月", "二、原列入决定", "三、依据",
                   "四、移出决定及效果", f"{on.year}年{on.month}月{on.day}日起将你（单位）移出", "五、救济措施", "申请行政复议", number):
        assert needle in text, needle
