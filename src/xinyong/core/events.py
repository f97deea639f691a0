"""In-transaction domain events.

A capability that changes something others must react to (a listing starts, changes or ends; a
record is repaired) calls :func:`emit` inside its unit of work; subscribers run synchronously in the
same transaction — e.g. the targeted-push outbox writes its messages there, so the change and the
messages commit or roll back together (DESIGN.md principle 4).

Typed events: a capability declares what happened as a frozen dataclass subclassing
:class:`DomainEvent` in its ``events.py`` (``RecordRevoked``, ``ListingEnded`` …) and calls
:func:`publish`; other capabilities react with :func:`on` (``on(RecordRevoked, handler)``) in the same
transaction. ``publish`` also emits the event's topic and JSON payload to the topic subscribers (the
targeted-push outbox listens by topic), so a consequence and its messages commit together.

Topics: ``listing.started``, ``listing.changed``, ``listing.ended``, ``record.created``,
``record.status_changed``, ``repair.granted``. Payloads are JSON-ready dicts that always carry
``subject_key``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from sqlalchemy.orm import Session

from xinyong.core.assembly import ensure_assembled

Handler = Callable[[Session, str, dict[str, Any]], None]

_handlers: dict[str, list[Handler]] = {}
_typed: dict[type[DomainEvent], list[Callable[[Session, Any], None]]] = {}


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Something that happened, which other capabilities may have to act on (their consequences run
    in the publisher's transaction). Subclasses set ``topic`` and add their fields."""

    topic: ClassVar[str]
    subject_key: str

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


E = TypeVar("E", bound=DomainEvent)


def on(event_type: type[E], handler: Callable[[Session, E], None]) -> None:
    """React to ``event_type`` (and its subclasses) in the publisher's transaction."""
    handlers = _typed.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(session: Session, event: DomainEvent) -> None:
    """Run the typed handlers of ``event``, then the topic subscribers of its topic and payload."""
    ensure_assembled()
    for event_type, handlers in list(_typed.items()):
        if isinstance(event, event_type):
            for handler in list(handlers):
                handler(session, event)
    emit(session, event.topic, event.payload())

def subscribe(topic: str, handler: Handler) -> None:
    handlers = _handlers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def emit(session: Session, topic: str, payload: dict[str, Any]) -> None:
    ensure_assembled()
    for handler in [*_handlers.get(topic, []), *_handlers.get("*", [])]:
        handler(session, topic, payload)
