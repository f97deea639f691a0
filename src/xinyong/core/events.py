"""In-transaction domain events.

A capability that changes something others must react to (a listing starts, changes or ends; a
record is repaired) calls :func:`emit` inside its unit of work; subscribers run synchronously in the
same transaction — e.g. the targeted-push outbox writes its messages there, so the change and the
messages commit or roll back together (DESIGN.md principle 4).

Topics: ``listing.started``, ``listing.changed``, ``listing.ended``, ``record.created``,
``record.status_changed``, ``repair.granted``. Payloads are JSON-ready dicts that always carry
``subject_key``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[[Session, str, dict[str, Any]], None]

_handlers: dict[str, list[Handler]] = {}
_loaded = False

#: modules that subscribe handlers when imported (one line each)
SUBSCRIBER_MODULES: list[str] = [
    "xinyong.measures.push",
]


def subscribe(topic: str, handler: Handler) -> None:
    handlers = _handlers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in SUBSCRIBER_MODULES:
            importlib.import_module(module)
        _loaded = True


def emit(session: Session, topic: str, payload: dict[str, Any]) -> None:
    _load()
    for handler in [*_handlers.get(topic, []), *_handlers.get("*", [])]:
        handler(session, topic, payload)
