"""One official document (公文式决定书、告知书) rendered two ways, HTML and PDF, from one model, so both
carry exactly the same text: the issuing authority, the title, the 文号, the addressee, the numbered
sections, the signature block (authority and date) and a drawn box marking where the seal goes (a
placeholder labelled as such, never an imitation of a seal).

The PDF flows every paragraph inside the page's text box (fpdf2 ``multi_cell`` wrapping character by
character, as Chinese text has no spaces), breaks pages as needed and keeps the signature block
together. Glyphs come from Noto Sans CJK SC shipped by the PyPI package ``noto-cjk-sans-otc`` (works on
a machine with nothing but Python); the Debian ``fonts-noto-cjk`` file is only a fallback. Rendering is
deterministic: the PDF's creation date is the document's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: A4 page and text box, in mm
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_LEFT_MM = 26.0
MARGIN_RIGHT_MM = 26.0
MARGIN_TOP_MM = 25.0
MARGIN_BOTTOM_MM = 25.0
#: the seal placeholder: a square drawn over the signature block
SEAL_BOX_MM = 40.0
SEAL_LABEL = "（印章位置）"

#: font sizes in pt
SIZE_AUTHORITY = 18.0
SIZE_TITLE = 18.0
SIZE_NUMBER = 12.0
SIZE_HEADING = 13.0
SIZE_BODY = 12.0
INDENT = "\u3000\u3000"  # two full-width spaces: the first-line indent of a Chinese paragraph


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OfficialDocument:
    authority: str  # 作出机关
    title: str  # 文书名称
    number: str  # 文号
    addressee: str  # 当事人：……
    sections: tuple[Section, ...]
    issued_on: dt.date

    @property
    def date_text(self) -> str:
        return date_zh(self.issued_on)

    def text_lines(self) -> list[str]:
        """Every piece of text the document shows, in reading order (HTML and PDF show these)."""
        out = [self.authority, self.title, self.number, self.addressee]
        for s in self.sections:
            out.append(s.heading)
            out += list(s.paragraphs)
        return [*out, self.authority, self.date_text, SEAL_LABEL]


def date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def clean_paragraphs(value: object) -> tuple[str, ...]:
    """A value of an element as paragraphs: a list/tuple of strings, or one string split at newlines."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(" ".join(str(v).split()) for v in value if str(v).strip())
    return tuple(" ".join(p.split()) for p in str(value).split("\n") if p.strip())


# ------------------------------------------------------------------------------------------- HTML
_HTML = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ d.title }} {{ d.number }}</title>
<style>
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", SimSun, serif;
       max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.8; color: #111;
       overflow-wrap: anywhere; }
.org { text-align: center; font-size: 1.5em; margin: 0; }
h1 { text-align: center; font-size: 1.5em; margin: 0; font-weight: normal; }
.no { text-align: center; border-bottom: 1px solid #111; padding-bottom: .4em; margin-bottom: 1em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .3em; }
p { text-indent: 2em; margin: .2em 0; }
.to { text-indent: 0; }
.sign { position: relative; text-align: right; margin-top: 2.5em; min-height: 10em; }
.seal { position: absolute; right: 1em; top: -1em; width: 9em; height: 9em; border: 1px dashed #555;
        display: flex; align-items: center; justify-content: center; color: #555; }
</style>
</head>
<body>
<div class="org">{{ d.authority }}</div>
<h1>{{ d.title }}</h1>
<p class="no">{{ d.number }}</p>
<p class="to">{{ d.addressee }}</p>
{% for s in d.sections %}
<h2>{{ s.heading }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}{% endfor %}
<div class="sign"><div>{{ d.authority }}</div><div>{{ d.date_text }}</div>
<div class="seal" aria-label="印章位置">{{ seal_label }}</div></div>
</body>
</html>
"""

@lru_cache(maxsize=1)
def _template() -> Any:
    """The compiled template (jinja2 imported on first use: a command that renders no document starts faster)."""
    from jinja2 import Environment, select_autoescape

    return Environment(autoescape=select_autoescape(default=True, default_for_string=True)).from_string(_HTML)


def render_html(doc: OfficialDocument) -> str:
    return str(_template().render(d=doc, seal_label=SEAL_LABEL))


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


def _line_height(size_pt: float) -> float:
    """Line height in mm for a font size in pt: 1.6 × the size (1 pt = 25.4/72 mm)."""
    return size_pt * 25.4 / 72 * 1.6


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as an A4 PDF; every line wraps inside the text box."""
    from fpdf import FPDF
    from fpdf.enums import Align, WrapMode, XPos, YPos

    path, index = cjk_font()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime(doc.issued_on.year, doc.issued_on.month, doc.issued_on.day, tzinfo=dt.UTC))
    pdf.set_title(f"{doc.title} {doc.number}")
    pdf.set_author(doc.authority)
    pdf.set_margins(MARGIN_LEFT_MM, MARGIN_TOP_MM, MARGIN_RIGHT_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM_MM)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def block(text: str, size: float, align: Align = Align.L, *, gap_after: float = 0.0) -> None:
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(width, _line_height(size), text, align=align, wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap_after:
            pdf.ln(gap_after)

    block(doc.authority, SIZE_AUTHORITY, Align.C)
    block(doc.title, SIZE_TITLE, Align.C, gap_after=2)
    block(doc.number, SIZE_NUMBER, Align.C, gap_after=1)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    block(doc.addressee, SIZE_BODY, gap_after=1)
    for section in doc.sections:
        # keep a heading with the first line of its text
        if pdf.get_y() + _line_height(SIZE_HEADING) + _line_height(SIZE_BODY) > pdf.page_break_trigger:
            pdf.add_page()
        block(section.heading, SIZE_HEADING)
        for paragraph in section.paragraphs:
            block(INDENT + paragraph, SIZE_BODY)
        pdf.ln(1.5)

    # signature block: authority, date and the seal placeholder, kept on one page
    sign_lines = [doc.authority, doc.date_text]
    pdf.set_font("cjk", size=SIZE_BODY)
    sign_width = min(width, max(pdf.get_string_width(s) for s in sign_lines) + 2)
    lines = pdf.multi_cell(sign_width, _line_height(SIZE_BODY), doc.authority, wrapmode=WrapMode.CHAR,
                           dry_run=True, output="LINES")
    sign_height = (len(lines) if isinstance(lines, list) else 1) * _line_height(SIZE_BODY)
    block_height = 10 + max(SEAL_BOX_MM + 4, sign_height + _line_height(SIZE_BODY) + 4)
    if pdf.get_y() + block_height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(10)
    top = pdf.get_y()
    x_sign = pdf.w - pdf.r_margin - sign_width
    for line in sign_lines:
        pdf.set_x(x_sign)
        pdf.multi_cell(sign_width, _line_height(SIZE_BODY), line, align=Align.C, wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # the seal placeholder: a dashed square centred on the signature, labelled, with no seal drawn
    seal_x = min(pdf.w - pdf.r_margin - SEAL_BOX_MM, x_sign + sign_width / 2 - SEAL_BOX_MM / 2)
    seal_y = top + (sign_height + _line_height(SIZE_BODY)) / 2 - SEAL_BOX_MM / 2
    seal_x = max(pdf.l_margin, seal_x)
    seal_y = max(top - 4, seal_y)
    pdf.set_draw_color(110, 110, 110)
    pdf.set_line_width(0.3)
    with pdf.local_context(dash_pattern={"dash": 1.5, "gap": 1.0}):
        pdf.rect(seal_x, seal_y, SEAL_BOX_MM, SEAL_BOX_MM)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(seal_x, seal_y + SEAL_BOX_MM - 7)
    pdf.cell(SEAL_BOX_MM, 5, SEAL_LABEL, align=Align.C)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    return bytes(pdf.output())
