"""The credit file (信用档案): everything recorded about a subject, gathered under its code.

Capabilities contribute sections (records, listings, measures, repairs...) by registering a provider
here, so the subjects capability does not import their tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

#: provider(session, subject_key) -> list of JSON-ready rows
SectionProvider = Callable[[Session, str], list[dict[str, Any]]]

_SECTIONS: dict[str, SectionProvider] = {}


def register_section(name: str, provider: SectionProvider) -> None:
    _SECTIONS[name] = provider


def sections() -> dict[str, SectionProvider]:
    _load_providers()
    return dict(_SECTIONS)


def _load_providers() -> None:
    # importing each capability's service registers its section
    import importlib

    for module in PROVIDER_MODULES:
        importlib.import_module(module)


#: modules that register credit-file sections when imported (one line each)
PROVIDER_MODULES: list[str] = [
    "xinyong.disclosure.service",
    "xinyong.listing.service",
    "xinyong.records.service",
    "xinyong.repair.service",
]
