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


@dataclass(frozen=True)
class ListingRowEnded(ListingEnded):
    """One listing row of a case ended (the subject's, or a linked person's): a :class:`ListingEnded`
    that also carries what the targeted push of ``listing.ended`` has always sent (kind, region,
    department, role, period), so subscribers of the topic see the same payload as before."""

    kind: str = ""
    region_code: str = ""
    department: str = ""
    role: str = "subject"
    start: str | None = None
    end: str | None = None
