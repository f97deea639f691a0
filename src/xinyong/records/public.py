"""What other capabilities may read of dishonesty records (no access decision here: the caller's use
case has made it). Plain frozen views, so no other capability imports :class:`Record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import CatalogItem
from xinyong.records.models import Record


@dataclass(frozen=True, slots=True)
class RecordView:
    id: int
    subject_key: str
    catalog_item: str
    document_type: str
    document_number: str
    issuing_authority: str
    #: the determining department whose act the record is (谁认定、谁负责)
    department: str
    #: the principal that recorded it (None for records older than the department column)
    determined_by: int | None
    decision_date: dt.date
    effective_date: dt.date
    status: str
    severity: str
    is_minor: bool
    force_majeure: bool
    non_intentional: bool
    minor_violation: bool
    #: the catalog version the record was accepted under
    catalog_id: str
    catalog_edition: str
    summary: str
    created_at: dt.datetime

    @property
    def active(self) -> bool:
        return self.status == "active"


def view_of(r: Record) -> RecordView:
    return RecordView(
        id=r.id, subject_key=r.subject_key, catalog_item=r.catalog_item, document_type=r.document_type,
        document_number=r.document_number, issuing_authority=r.issuing_authority,
        department=r.department or r.issuing_authority, determined_by=r.determined_by,
        decision_date=r.decision_date, effective_date=r.effective_date, status=r.status, severity=r.severity,
        is_minor=r.is_minor, force_majeure=r.force_majeure, non_intentional=r.non_intentional,
        minor_violation=r.minor_violation, catalog_id=r.catalog_id, catalog_edition=r.catalog_edition,
        summary=r.summary, created_at=r.created_at,
    )


def record_view(session: Session, record_id: int) -> RecordView | None:
    r = session.get(Record, record_id)
    return view_of(r) if r is not None else None


def record_views(session: Session, ids: Iterable[int]) -> dict[int, RecordView]:
    wanted = sorted(set(ids))
    out: dict[int, RecordView] = {}
    for start in range(0, len(wanted), 500):
        for r in session.scalars(select(Record).where(Record.id.in_(wanted[start:start + 500]))):
            out[r.id] = view_of(r)
    return out


def records_of_subject(session: Session, subject_key: str, only_active: bool = False) -> list[RecordView]:
    q = select(Record).where(Record.subject_key == subject_key)
    if only_active:
        q = q.where(Record.status == "active")
    return [view_of(r) for r in session.scalars(q.order_by(Record.decision_date, Record.id))]


def records_of_item(session: Session, catalog_item: str, *, not_in: Select[Any] | None = None) -> list[RecordView]:
    """The records of one catalog item, in id order; ``not_in``: a Core ``SELECT`` of record ids to leave
    out (the caller's own tracking table), sent in the same statement."""
    q = select(Record).where(Record.catalog_item == catalog_item)
    if not_in is not None:
        q = q.where(Record.id.not_in(not_in))
    return [view_of(r) for r in session.scalars(q.order_by(Record.id))]


def records_in_statuses(session: Session, statuses: Iterable[str]) -> list[RecordView]:
    """The records whose status is one of ``statuses``, in id order."""
    return [view_of(r) for r in session.scalars(
        select(Record).where(Record.status.in_(sorted(set(statuses)))).order_by(Record.id))]


def owner_department(view: RecordView) -> str:
    """The department that alone may change, answer for or repair the record (谁认定、谁负责)."""
    return view.department or view.issuing_authority


def count_records(session: Session) -> int:
    """How many records the platform holds (the home page's figure)."""
    return int(session.scalar(select(func.count()).select_from(Record)) or 0)


def catalog_item_of(record: RecordView | Record) -> CatalogItem | None:
    """The catalog item a record was accepted under (its catalog version), else the newest definition."""
    cat = catalogs()
    for version in cat.versions:
        if version.catalog_id == record.catalog_id and version.edition == record.catalog_edition:
            found = version.item(record.catalog_item)
            if found is not None:
                return found
    return cat.latest_item(record.catalog_item)
