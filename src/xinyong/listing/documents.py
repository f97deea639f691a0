"""Prior notices (事先告知书), decision documents (认定决定书) and removal decisions (移出决定书): their
elements, HTML, PDF and hash.

国办发〔2020〕49号 §（八）: before deciding, tell the party 事由、依据和依法享有的权利; the decision
document states 事由、依据、失信惩戒措施提示、移出条件和程序以及救济措施. 淮政办发〔2021〕13号 §四(一)
repeats both, and so does 市场监督管理总局令第44号 第十三条 for its list. A document missing any mandatory
element is refused (nothing is issued). A removal is itself a decision the party may contest
(令第44号 第二十三条: 对被列入、移出严重违法失信名单的决定不服的，可以依法申请行政复议或者提起行政诉讼), so
its document states 事由、依据、原列入决定、移出决定及效果 and 救济措施.

HTML and PDF are two renditions of one :class:`xinyong.core.official_document.OfficialDocument`, so they
show the same text, the 文号 and the signature block with the seal placeholder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from xinyong.core import official_document as od
from xinyong.listing.rules import GuardrailRefused

NOTICE = "notice"
DECISION = "decision"
REMOVAL = "removal"

DOC_TITLES = {NOTICE: "拟列入严重失信主体名单事先告知书", DECISION: "认定严重失信主体名单决定书",
              REMOVAL: "移出严重失信主体名单决定书"}

#: element key → Chinese name; all mandatory (49号 §（八）)
MANDATORY: dict[str, dict[str, str]] = {
    NOTICE: {
        "reason": "事由",
        "basis": "依据",
        "rights": "当事人依法享有的权利",
        "measures_hint": "失信惩戒措施提示",
        "objection_deadline": "异议期限",
    },
    DECISION: {
        "reason": "事由",
        "basis": "依据",
        "measures_hint": "失信惩戒措施提示",
        "listing_period": "列入期限",
        "removal": "移出条件和程序",
        "remedies": "救济措施",
    },
    REMOVAL: {
        "reason": "移出事由",
        "original": "原列入决定",
        "basis": "依据",
        "effect": "移出决定及效果",
        "remedies": "救济措施",
    },
}

MANDATORY_BASIS = {NOTICE: "国办发〔2020〕49号§（八）", DECISION: "国办发〔2020〕49号§（八）",
                   REMOVAL: "国办发〔2020〕49号§（八）、§（十一）"}

#: section order and headings in the rendered document
SECTIONS: dict[str, list[tuple[str, str]]] = {
    NOTICE: [("reason", "一、拟列入的事由"), ("basis", "二、依据"), ("measures_hint", "三、失信惩戒措施提示"),
             ("rights", "四、你（单位）依法享有的权利"), ("objection_deadline", "五、异议期限"),
             ("removal", "六、移出条件和程序")],
    DECISION: [("reason", "一、事由"), ("basis", "二、依据"), ("listing_period", "三、列入期限"),
               ("measures_hint", "四、失信惩戒措施提示"), ("removal", "五、移出条件和程序"),
               ("remedies", "六、救济措施"), ("accountability", "七、责任追溯")],
    REMOVAL: [("reason", "一、移出事由"), ("original", "二、原列入决定"), ("basis", "三、依据"),
              ("effect", "四、移出决定及效果"), ("remedies", "五、救济措施")],
}


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    title: str
    number: str
    issued_on: dt.date
    elements: dict[str, Any]
    html: str
    sha256: str  # of the canonical elements JSON (the content)
    html_sha256: str


def content_hash(kind: str, elements: dict[str, Any], issued_on: dt.date) -> str:
    canonical = json.dumps({"kind": kind, "issued_on": issued_on.isoformat(), "elements": elements},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def missing_elements(kind: str, elements: dict[str, Any]) -> list[str]:
    """Names (Chinese) of the mandatory elements that are absent or empty."""
    out = []
    for key, name in MANDATORY[kind].items():
        if not od.clean_paragraphs(elements.get(key)):
            out.append(name)
    for key, name in (("recipient", "当事人"), ("department", "作出机关"), ("number", "文号")):
        if not str(elements.get(key) or "").strip():
            out.append(name)
    return out


def check_elements(kind: str, elements: dict[str, Any]) -> None:
    missing = missing_elements(kind, elements)
    if missing:
        raise GuardrailRefused(
            "document_incomplete",
            f"{DOC_TITLES[kind]}缺少必备要素：{'、'.join(missing)}，不能签发（{MANDATORY_BASIS[kind]}）",
            details={"missing": missing},
        )


def sections_of(kind: str, elements: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(heading, list(od.clean_paragraphs(elements.get(key)))) for key, heading in SECTIONS[kind]
            if od.clean_paragraphs(elements.get(key))]


def official(kind: str, elements: dict[str, Any], issued_on: dt.date) -> od.OfficialDocument:
    """The document both renditions show."""
    code = str(elements.get("recipient_code") or "").strip()
    addressee = f"{elements.get('recipient')}" + (f"（{code}）" if code else "") + "："
    return od.OfficialDocument(
        authority=str(elements.get("department") or ""), title=DOC_TITLES[kind],
        number=str(elements.get("number") or ""), addressee=addressee,
        sections=tuple(od.Section(h, tuple(p)) for h, p in sections_of(kind, elements)), issued_on=issued_on,
    )


def render_html(kind: str, elements: dict[str, Any], issued_on: dt.date) -> str:
    return od.render_html(official(kind, elements, issued_on))


def render_pdf(kind: str, elements: dict[str, Any], issued_on: dt.date) -> bytes:
    return od.render_pdf(official(kind, elements, issued_on))


date_zh = od.date_zh
cjk_font = od.cjk_font


def render(kind: str, elements: dict[str, Any], issued_on: dt.date) -> RenderedDocument:
    """Check every mandatory element, then render the HTML and hash content and HTML.

    The PDF is rendered from the same stored elements by :func:`render_pdf` (deterministic: the
    creation date is the issue date) and kept once rendered.
    """
    check_elements(kind, elements)
    html = render_html(kind, elements, issued_on)
    return RenderedDocument(
        kind=kind, title=DOC_TITLES[kind], number=str(elements["number"]), issued_on=issued_on,
        elements=elements, html=html, sha256=content_hash(kind, elements, issued_on),
        html_sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
    )
