"""The notice, decision and removal documents print: every line lies inside the page's text box, every
mandatory element (国办发〔2020〕49号 §（八）) is on the page, and the PDF shows the same text as the HTML."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.pdf_text import joined, runs
from xinyong.core import official_document as od
from xinyong.core.remedies import remedy_paragraphs
from xinyong.listing import documents

DAY = dt.date(2026, 9, 24)
LONG_NAME = "淮安市清江浦区示例建筑劳务与装饰装修工程及园林绿化市政公用工程施工总承包有限责任公司第一分公司" * 2
LONG_PARAGRAPH = ("当事人于2025年3月至2025年9月期间，在承建的淮安市某安置房项目中拖欠农民工工资共计人民币"
                  "1,234,567.89元，经人力资源社会保障行政部门责令限期支付后逾期仍未支付，情节严重。") * 6
UNBROKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 5  # a long run with no break opportunity at all
REMEDIES = ["依据《市场监督管理严重违法失信名单管理办法》第二十三条，当事人对列入决定不服的，可以依法申请行政复议或者提起行政诉讼。",
            *remedy_paragraphs("淮安市市场监督管理局", "320800")]

COMMON = {"recipient": LONG_NAME, "recipient_code": "91320812MA1X00000X", "department": "淮安市市场监督管理局",
          "number": "淮市监信〔2026〕0001号", "list_type": "市场监督管理严重违法失信名单"}
ELEMENTS = {
    documents.NOTICE: {
        **COMMON, "reason": ["本机关拟将你（单位）列入市场监督管理严重违法失信名单。", LONG_PARAGRAPH, UNBROKEN],
        "basis": ["认定标准：《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第二条"],
        "measures_hint": "在审查行政许可、资质、政府采购、招标投标等工作中，依法将其作为重要考量因素。",
        "rights": "你（单位）有权在2026年10月9日前向本机关提出异议，并提供相关证据材料。",
        "objection_deadline": "2026年10月9日（含当日）",
        "removal": ["移出条件：列入满三年（第二十一条）", "移出程序：列入满一年可申请提前移出（第十六条）"],
    },
    documents.DECISION: {
        **COMMON, "reason": ["本机关决定将你（单位）列入市场监督管理严重违法失信名单。", LONG_PARAGRAPH],
        "basis": ["认定标准：《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第二条", UNBROKEN],
        "measures_hint": "在审查行政许可、资质、政府采购、招标投标等工作中，依法将其作为重要考量因素。",
        "listing_period": "自2026年9月24日起至2029年9月23日止（36个月）",
        "removal": ["移出条件：列入满三年（第二十一条）", "移出程序：列入满一年可申请提前移出（第十六条）"],
        "remedies": REMEDIES,
        "accountability": [],
    },
    documents.REMOVAL: {
        **COMMON, "reason": ["移出原因：信用修复。" + LONG_PARAGRAPH],
        "original": "本机关于2026年9月24日作出认定决定（淮市监信〔2026〕0001号），将你（单位）列入市场监督管理严重违法失信名单。",
        "basis": ["认定标准：《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第二条"],
        "effect": "本机关决定自2027年10月9日起将你（单位）移出市场监督管理严重违法失信名单，停止公示相关信息。",
        "remedies": REMEDIES,
    },
}

# the text box in PDF points (1 mm = 72/25.4 pt), with half a point of tolerance for rounding
PT = 72 / 25.4
LEFT = od.MARGIN_LEFT_MM * PT - 0.5
RIGHT = (od.PAGE_WIDTH_MM - od.MARGIN_RIGHT_MM) * PT + 0.5
BOTTOM = od.MARGIN_BOTTOM_MM * PT - 14  # a baseline may sit a little into the bottom margin
TOP = (od.PAGE_HEIGHT_MM - od.MARGIN_TOP_MM) * PT


def _assert_inside_text_box(pdf: bytes) -> None:
    found = runs(pdf)
    assert found, "the PDF shows no text"
    for r in found:
        assert r.inside(), f"第{r.page}页“{r.text[:12]}”超出页面：x={r.x0:.1f}–{r.x1:.1f}, y={r.y:.1f}"
        if r.size >= 11:  # the seal label (9 pt) sits inside its box, itself inside the text box
            assert r.x0 >= LEFT and r.x1 <= RIGHT, f"“{r.text[:12]}”超出版心：{r.x0:.1f}–{r.x1:.1f}"
        assert BOTTOM <= r.y <= TOP, f"“{r.text[:12]}”超出版心：y={r.y:.1f}"


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("kind", [documents.NOTICE, documents.DECISION, documents.REMOVAL])
def test_every_line_is_inside_the_page_and_every_mandatory_element_is_present(kind: str) -> None:
    elements = ELEMENTS[kind]
    pdf = documents.render_pdf(kind, elements, DAY)
    _assert_inside_text_box(pdf)
    text = joined(pdf)
    doc = documents.official(kind, elements, DAY)
    for piece in doc.text_lines():  # title, 文号, addressee, every heading and paragraph, signature, seal
        assert _flat(piece) in text, f"PDF缺少：{piece[:30]}"
    for key, name in documents.MANDATORY[kind].items():
        heading = next(h for k, h in documents.SECTIONS[kind] if k == key)
        assert _flat(heading) in text, f"PDF缺少必备要素：{name}"
    assert documents.DOC_TITLES[kind] in text and "淮市监信〔2026〕0001号" in text
    assert "2026年9月24日" in text and _flat(od.SEAL_LABEL) in text


@pytest.mark.parametrize("kind", [documents.NOTICE, documents.DECISION, documents.REMOVAL])
def test_the_pdf_shows_the_same_text_as_the_html(kind: str) -> None:
    elements = ELEMENTS[kind]
    page = html.unescape(documents.render_html(kind, elements, DAY))
    pdf_text = joined(documents.render_pdf(kind, elements, DAY))
    for piece in documents.official(kind, elements, DAY).text_lines():
        assert piece in page and _flat(piece) in pdf_text


def test_remedies_name_the_review_body_and_the_time_limits() -> None:
    text = joined(documents.render_pdf(documents.DECISION, ELEMENTS[documents.DECISION], DAY))
    assert "60日内向江苏省淮安市人民政府申请行政复议" in text
    assert "6个月内向淮安市市场监督管理局所在地有管辖权的人民法院提起行政诉讼" in text
    assert "《中华人民共和国行政复议法》" in text and "《中华人民共和国行政诉讼法》" in text
    court = remedy_paragraphs("淮安市清江浦区人民法院", "320812")
    assert "上一级人民法院申请复议" in court[0] and "行政复议" not in court[0]
    tax = remedy_paragraphs("国家税务总局淮安市税务局", "320800")
    assert "上一级主管部门申请行政复议" in tax[0]


def test_the_seal_area_is_a_drawn_box_not_a_seal() -> None:
    pdf = documents.render_pdf(documents.DECISION, ELEMENTS[documents.DECISION], DAY)
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1].get_contents()
    assert last is not None
    ops = last.get_data().decode("latin-1")
    assert re.search(r"\[[0-9.]+ [0-9.]+\] 0(\.0+)? d\s+[-0-9. ]+ re S", ops), "no dashed box drawn"
    assert not any("/XObject" in str(p.get("/Resources", {})) for p in reader.pages)  # no image of a seal


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
MIXED = st.one_of(CJK, st.sampled_from(list("，。；：（）〔〕0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")))
words = st.text(alphabet=MIXED, min_size=1, max_size=700).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(alphabet=MIXED, min_size=1, max_size=140).filter(lambda s: s.strip()),
       authority=st.text(alphabet=CJK, min_size=2, max_size=70),
       paragraphs=st.lists(words, min_size=1, max_size=5))
def test_any_text_length_stays_inside_the_page(name: str, authority: str, paragraphs: list[str]) -> None:
    elements = {**ELEMENTS[documents.DECISION], "recipient": name, "department": authority,
                "reason": paragraphs, "basis": paragraphs[::-1]}
    pdf = documents.render_pdf(documents.DECISION, elements, DAY)
    _assert_inside_text_box(pdf)
    text = joined(pdf)
    for piece in documents.official(documents.DECISION, elements, DAY).text_lines():
        assert _flat(piece) in text
