"""Text of a PDF with positions, for layout tests: each text run's page, left edge, right edge and baseline
in PDF points. The right edge is measured with the glyph advances of the embedded font family (read with
fontTools from the same font file), independent of the PDF writer's own measurement."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader

from xinyong.core.official_document import cjk_font


@dataclass(frozen=True)
class Run:
    page: int
    text: str
    x0: float
    x1: float
    y: float
    size: float
    page_width: float
    page_height: float

    def inside(self, tolerance: float = 0.5) -> bool:
        return (self.x0 >= -tolerance and self.x1 <= self.page_width + tolerance
                and 0 <= self.y <= self.page_height)


@lru_cache(maxsize=1)
def _metrics() -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    from fontTools.ttLib import TTCollection, TTFont

    path, index = cjk_font()
    font: TTFont = TTCollection(path).fonts[index] if path.lower().endswith((".ttc", ".otc")) else TTFont(path)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def text_width(text: str, size: float) -> float:
    cmap, hmtx, upem = _metrics()
    total = 0
    for ch in text:
        glyph = cmap.get(ord(ch))
        total += hmtx[glyph][0] if glyph else upem
    return total * size / upem


def runs(pdf: bytes) -> list[Run]:
    reader = PdfReader(io.BytesIO(pdf))
    out: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  number: int = number, width: float = width, height: float = height) -> None:
            text = text.replace("\x00", "")
            if not text.strip():
                return
            scale = tm[0] * cm[0] if tm[0] and cm[0] else 1.0
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            real = size * scale
            out.append(Run(number, text, x, x + text_width(text, real), y, real, width, height))

        page.extract_text(visitor_text=visit)
    return out


def joined(pdf: bytes) -> str:
    """All the text of the PDF, whitespace removed (for 'is this element on the page')."""
    return "".join("".join(r.text.split()) for r in runs(pdf))
