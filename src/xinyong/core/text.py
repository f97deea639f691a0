"""Text normalisation shared by codes and names, and the decoding of uploaded text files."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\-—–_·.]+")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３) to half-width, ideographic space to space (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def normalise_code(raw: str) -> str:
    """Normalise a typed identifier: full-width→half-width, upper case, no spaces or hyphens."""
    return _SPACES.sub("", to_halfwidth(raw)).upper()


def decode_upload(data: bytes) -> str | None:
    """An uploaded text file as text: UTF-8 (with or without a BOM), else GB18030 — which contains GBK,
    what Excel and Notepad on Chinese Windows write. None when it is neither (the caller says why)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
