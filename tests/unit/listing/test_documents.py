"""Notices and decisions carry every mandatory element (国办发〔2020〕49号 §（八）); missing ones block issuing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from xinyong.core.errors import DomainError
from xinyong.listing import documents

DECISION = {
    "recipient": "淮安示例建筑劳务有限公司", "recipient_code": "91320812MA1X00000X", "department": "淮安市人力资源和社会保障局",
    "number": "信用认定〔2026〕0001号", "reason": ["事由一"], "basis": ["认定标准：《办法》"],
    "measures_hint": "在政府采购等方面依法依规予以限制", "listing_period": "自2026年9月24日起至2029年9月23日止",
    "removal": ["移出条件：期限届满", "移出程序：申请"], "remedies": "可以依法申请行政复议或者提起行政诉讼",
}


@pytest.mark.parametrize("key", ["reason", "basis", "measures_hint", "removal", "remedies", "listing_period",
                                 "number", "department", "recipient"])
def test_a_missing_element_blocks_issuing(key: str) -> None:
    elements = {**DECISION, key: "" if key != "basis" else []}
    with pytest.raises(DomainError, match="缺少必备要素") as exc:
        documents.render(documents.DECISION, elements, dt.date(2026, 9, 24))
    assert exc.value.details["missing"]


def test_content_hash_is_stable_and_sensitive() -> None:
    a = documents.render(documents.DECISION, DECISION, dt.date(2026, 9, 24))
    b = documents.render(documents.DECISION, dict(DECISION), dt.date(2026, 9, 24))
    c = documents.render(documents.DECISION, {**DECISION, "remedies": "另一种救济"}, dt.date(2026, 9, 24))
    assert a.sha256 == b.sha256 != c.sha256
    assert "救济措施" in a.html and "2026年9月24日" in a.html


def test_pdf_has_chinese_text_with_an_embedded_cjk_font() -> None:
    pdf = documents.render_pdf(documents.DECISION, DECISION, dt.date(2026, 9, 24))
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join("".join(p.extract_text() for p in reader.pages).replace("\x00", "").split())
    for needle in ("认定严重失信主体名单决定书", "淮安市人力资源和社会保障局", "失信惩戒措施提示", "救济措施"):
        assert needle in text
    fonts = [f for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert any("CJK" in str(f.get_object()["/BaseFont"]) for f in fonts)
