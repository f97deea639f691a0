"""Text of a PDF with positions, for layout tests: each text run's page, left edge, right edge and baseline
in PDF points, read from the content stream and the font's ToUnicode map. The right edge is measured with the glyph advances of the embedded font family (read with
fontTools from the same font file), independent of the PDF writer's own measurement."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

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


_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font: Any) -> dict[int, str]:
    """The font's ToUnicode map (the writer's ``bfchar`` pairs), read directly: pypdf's own decoding
    garbles two-byte codes above 0xFF of these subset fonts."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in _BFCHAR.findall(block):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    return out


def _raw(obj: Any) -> bytes:
    return bytes(obj.original_bytes) if hasattr(obj, "original_bytes") else bytes(obj)


def runs(pdf: bytes) -> list[Run]:
    """Every text-showing operation (``Tj``/``TJ``) with its position, from the page content streams
    (the documents set an absolute position with ``Td`` right after each ``BT``)."""
    reader = PdfReader(io.BytesIO(pdf))
    out: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        resources: Any = page["/Resources"]
        fonts = {name: _to_unicode(ref.get_object()) for name, ref in resources["/Font"].items()}
        content = page.get_contents()
        if content is None:
            continue
        cmap: dict[int, str] = {}
        size = 0.0
        x = y = 0.0
        for operands, op in ContentStream(content, reader).operations:
            if op == b"Tf":
                cmap, size = fonts[str(operands[0])], float(operands[1])
            elif op == b"BT":
                x = y = 0.0
            elif op == b"Td":
                x, y = x + float(operands[0]), y + float(operands[1])
            elif op in (b"Tj", b"TJ"):
                parts = operands[0] if op == b"TJ" else [operands[0]]
                raw = b"".join(_raw(p) for p in parts if not isinstance(p, int | float))
                text = "".join(cmap.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                               for i in range(0, len(raw) - 1, 2))
                if text.strip():
                    out.append(Run(number, text, x, x + text_width(text, size), y, size, width, height))
    return out


def joined(pdf: bytes) -> str:
    """All the text of the PDF, whitespace removed (for 'is this element on the page')."""
    return "".join("".join(r.text.split()) for r in runs(pdf))
