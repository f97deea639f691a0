"""Use cases on dishonesty records: ingest one (idempotent), list a subject's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.events import emit
from xinyong.records.models import Record
from xinyong.records.rules import (
    DOCUMENT_TYPE_NAMES,
    SEVERITY_NAMES,
    DocumentType,
    ItemFinder,
    RecordInput,
    Severity,
    check_record,
)
from xinyong.subjects import service as subjects
from xinyong.subjects.credit_file import register_section


@dataclass(frozen=True)
class IngestResult:
    record: Record
    created: bool


def record_values(
    rec: RecordInput, subject_key: str, region: str, *, finder: ItemFinder | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Validated column values of a record (shared by the service and the bulk importer)."""
    accepted = check_record(rec, region, finder or catalogs(), today or clock.today())
    return {
        "subject_key": subject_key,
        "catalog_item": accepted.item.code,
        "catalog_id": accepted.version.catalog_id,
        "catalog_edition": accepted.version.edition,
        "region_code": region,
        "document_type": accepted.document_type.value,
        "document_number": rec.document_number.strip(),
        "issuing_authority": rec.issuing_authority.strip(),
        "decision_date": rec.decision_date,
        "effective_date": rec.effective_date,
        "summary": rec.summary.strip(),
        "other_basis": (rec.other_basis or "").strip() or None,
        "severity": accepted.severity.value,
        "is_minor": rec.is_minor,
        "force_majeure": rec.force_majeure,
        "non_intentional": rec.non_intentional,
        "minor_violation": rec.minor_violation,
        "status": "active",
        "created_at": clock.now(),
    }


def ingest(session: Session, rec: RecordInput) -> IngestResult:
    subject, _ = subjects.register(session, rec.subject_code, rec.subject_name)
    values = record_values(rec, subject.subject_key, subject.region_code)
    existing = session.scalar(
        select(Record).where(
            Record.issuing_authority == values["issuing_authority"],
            Record.document_number == values["document_number"],
            Record.subject_key == subject.subject_key,
            Record.catalog_item == values["catalog_item"],
        )
    )
    if existing is not None:
        return IngestResult(existing, False)
    record = Record(**values)
    session.add(record)
    session.flush()
    emit(session, "record.created", {
        "subject_key": record.subject_key, "record_id": record.id, "catalog_item": record.catalog_item,
        "region_code": record.region_code, "severity": record.severity,
    })
    return IngestResult(record, True)


def describe(record: Record) -> dict[str, Any]:
    item = catalogs().latest_item(record.catalog_item)
    return {
        "id": record.id,
        "catalog_item": record.catalog_item,
        "catalog_item_name": item.name if item else record.catalog_item,
        "catalog": f"{record.catalog_id}:{record.catalog_edition}",
        "document_type": record.document_type,
        "document_type_name": DOCUMENT_TYPE_NAMES[DocumentType(record.document_type)],
        "document_number": record.document_number,
        "issuing_authority": record.issuing_authority,
        "decision_date": record.decision_date.isoformat(),
        "effective_date": record.effective_date.isoformat(),
        "summary": record.summary,
        "severity": record.severity,
        "severity_name": SEVERITY_NAMES[Severity(record.severity)],
        "is_minor": record.is_minor,
        "force_majeure": record.force_majeure,
        "non_intentional": record.non_intentional,
        "minor_violation": record.minor_violation,
        "status": record.status,
    }


def records_of(session: Session, subject_key: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Record).where(Record.subject_key == subject_key).order_by(Record.decision_date.desc(), Record.id)
    )
    return [describe(r) for r in rows]


RECORD_STATUSES = {
    "active": "有效",
    "repaired_marked": "已修复（标注）",
    "repaired_shielded": "已修复（屏蔽）",
    "repaired_deleted": "已修复（删除）",
    "disclosure_ended": "已终止公示",
    "revoked": "已撤销",
}


def set_status(session: Session, record_id: int, status: str, reason: str) -> Record:
    """Change a record's status (repair outcomes, revocation); emits ``record.status_changed``."""
    from xinyong.core.errors import NotFound, ValidationFailed

    if status not in RECORD_STATUSES:
        raise ValidationFailed("invalid_record_status", f"记录状态“{status}”无效")
    record = session.get(Record, record_id, with_for_update=True)
    if record is None:
        raise NotFound("record_not_found", "未找到该记录")
    previous = record.status
    record.status = status
    session.flush()
    emit(session, "record.status_changed", {
        "subject_key": record.subject_key, "record_id": record.id, "catalog_item": record.catalog_item,
        "previous": previous, "status": status, "reason": reason,
    })
    return record


def records_for_subject(session: Session, subject_key: str, *, only_active: bool = False) -> list[Record]:
    """A subject's records as rows (for other capabilities' rules: measures, disclosure, repair)."""
    q = select(Record).where(Record.subject_key == subject_key)
    if only_active:
        q = q.where(Record.status == "active")
    return list(session.scalars(q.order_by(Record.decision_date, Record.id)))


def get(session: Session, record_id: int) -> Record | None:
    return session.get(Record, record_id)


register_section("records", records_of)
