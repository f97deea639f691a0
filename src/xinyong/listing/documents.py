"""Prior notices (事先告知书) and decision documents (认定决定书): elements, HTML, PDF, hash.

国办发〔2020〕49号 §（八）: before deciding, tell the party 事由、依据和依法享有的权利; the decision
document states 事由、依据、失信惩戒措施提示、移出条件和程序以及救济措施. 淮政办发〔2021〕13号 §四(一)
repeats both. A document missing any mandatory element is refused (nothing is issued).

PDF glyphs come from Noto Sans CJK SC shipped by the PyPI package ``noto-cjk-sans-otc`` (works on a
machine with nothing but Python); the Debian ``fonts-noto-cjk`` file is only a fallback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from xinyong.listing.rules import GuardrailRefused

NOTICE = "notice"
DECISION = "decision"

DOC_TITLES = {NOTICE: "拟列入严重失信主体名单事先告知书", DECISION: "认定严重失信主体名单决定书"}

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
}

#: section order and headings in the rendered document
SECTIONS: dict[str, list[tuple[str, str]]] = {
    NOTICE: [("reason", "一、拟列入的事由"), ("basis", "二、依据"), ("measures_hint", "三、失信惩戒措施提示"),
             ("rights", "四、你（单位）依法享有的权利"), ("objection_deadline", "五、异议期限"),
             ("removal", "六、移出条件和程序")],
    DECISION: [("reason", "一、事由"), ("basis", "二、依据"), ("listing_period", "三、列入期限"),
               ("measures_hint", "四、失信惩戒措施提示"), ("removal", "五、移出条件和程序"),
               ("remedies", "六、救济措施"), ("accountability", "七、责任追溯")],
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
        value = elements.get(key)
        if value is None or (isinstance(value, str) and not value.strip()) or (
            isinstance(value, list | tuple) and not value
        ):
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
            f"{DOC_TITLES[kind]}缺少必备要素：{'、'.join(missing)}，不能签发（国办发〔2020〕49号§（八））",
            details={"missing": missing},
        )


def _paragraphs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return [p for p in str(value).split("\n") if p.strip()]


def sections_of(kind: str, elements: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(heading, _paragraphs(elements.get(key))) for key, heading in SECTIONS[kind]
            if _paragraphs(elements.get(key))]


def render_html(kind: str, elements: dict[str, Any], issued_on: dt.date) -> str:
    from xinyong.web.templating import templates

    template = templates.env.get_template("listing/document.html")
    return template.render(
        title=DOC_TITLES[kind], e=elements, sections=sections_of(kind, elements), issued_on=issued_on,
        date_zh=date_zh(issued_on),
    )


def date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ------------------------------------------------------------------------------------------- PDF
FALLBACK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int]:
    """(path, face index) of a font with Simplified Chinese glyphs."""
    candidates: list[Path] = []
    try:
        from noto_cjk_sans_otc import FONT_PATH

        candidates.append(Path(str(FONT_PATH)))
    except ImportError:  # pragma: no cover - the dependency is declared; fallback for odd installs
        pass
    candidates += [p for p in FALLBACK_FONTS if p.exists()]
    for path in candidates:
        if path.exists():
            return str(path), _sc_index(path)
    raise RuntimeError("no CJK font: install the noto-cjk-sans-otc package")  # pragma: no cover


def _sc_index(path: Path) -> int:
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, font in enumerate(coll.fonts):
        name = font["name"].getDebugName(4) or ""
        if name.endswith("CJK SC") and "Mono" not in name:
            return i
    return 0


def render_pdf(kind: str, elements: dict[str, Any], issued_on: dt.date) -> bytes:
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=dt.UTC))
    pdf.set_title(DOC_TITLES[kind])
    pdf.set_margins(22, 20, 22)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(width, 11, str(elements.get("department") or ""), align="C")
    pdf.multi_cell(width, 11, DOC_TITLES[kind], align="C")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(width, 8, str(elements.get("number") or ""), align="C")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(width, 7, f"{elements.get('recipient')}（{elements.get('recipient_code')}）：")
    pdf.ln(1)
    for heading, paras in sections_of(kind, elements):
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(width, 8, heading)
        pdf.set_font("cjk", size=11)
        for p in paras:
            pdf.multi_cell(width, 7, "　　" + p)
        pdf.ln(1)
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(width, 8, str(elements.get("department") or ""), align="R")
    pdf.multi_cell(width, 8, date_zh(issued_on), align="R")
    return bytes(pdf.output())


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
