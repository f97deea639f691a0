"""Display masks for identifiers stored with subjects.

One mask per field everywhere (../shared/reference/masking.md: different masks on different pages
can be combined to recover the number). The disclosure capability owns the full masking policy;
subjects only need the resident-ID display code, which hides the birth date: first 4, last 4.
"""

from __future__ import annotations


def mask_resident_id(code: str) -> str:
    return code[:4] + "*" * (len(code) - 8) + code[-4:]


def mask_name(name: str) -> str:
    """Surname plus one * per remaining character: 张* / 欧阳** (two-character surnames kept)."""
    from xinyong.subjects.surnames import COMPOUND_SURNAMES

    if len(name) <= 1:
        return name
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)
