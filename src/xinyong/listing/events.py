"""What happens to listings that other capabilities must act on (xinyong.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.core.events import DomainEvent


@dataclass(frozen=True)
class ListingEnded(DomainEvent):
    """A listing stopped: removed, withdrawn, expired, repaired, or revoked because the records it rested
    on were withdrawn (``reason``). Measures that rested on it stop applying; joint-punishment cases
    opened on it are closed and their units told."""

    topic = "listing.ended"
    listing_id: int
    case_id: int
    list_type: str
    reason: str
