"""Text normalisation shared by codes and names."""

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
