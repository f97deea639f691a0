"""The credit file (信用档案): everything recorded about a subject, gathered under its code.

Capabilities contribute sections (records, listings, repairs, objections …); the composition root
(:mod:`xinyong.composition`) registers each provider here, so the subjects capability imports none of
them and no module registers itself when imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core.assembly import ensure_assembled

#: provider(session, subject_key) -> list of JSON-ready rows
SectionProvider = Callable[[Session, str], list[dict[str, Any]]]

_SECTIONS: dict[str, SectionProvider] = {}

#: the Chinese heading of each section of the credit file (the ``credit_file_section`` vocabulary)
SECTION_NAMES = {"records": "失信行为记录", "listings": "严重失信主体名单", "listing_interviews": "信用约谈",
                 "repair": "信用修复", "objections": "异议"}


def register_section(name: str, provider: SectionProvider) -> None:
    _SECTIONS[name] = provider


def sections() -> dict[str, SectionProvider]:
    ensure_assembled()
    return dict(_SECTIONS)
