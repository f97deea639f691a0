"""Use cases on dishonesty records.

- :func:`record_dishonesty`: a determining department records what its own legally effective document
  decided (国办发〔2020〕49号 §（二）; 谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)) — the record is the
  department's own act, stored under its name and the recording principal.
- :func:`withdraw_record`: the record's own department revokes it (upheld objection, its own correction,
  淮政办发〔2021〕13号 §四(一)) or registers that the document was annulled (行政处罚被撤销、确认违法或者
  无效); :func:`withdraw_in` does the same for another capability's use case that has decided access.
- :func:`ingest` stays the idempotent write shared by these and by the bulk import path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import ShareScope
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import competence_denial, identity_denial
from xinyong.core.codes import minor_on
from xinyong.core.crypto import subject_key as keyed
from xinyong.core.db import claim
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.events import emit, publish
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.records.events import RecordWithdrawn
from xinyong.records.models import Record
from xinyong.records.public import catalog_item_of
from xinyong.records.rules import (
    DOCUMENT_TYPE_NAMES,
    SEVERITY_NAMES,
    Accepted,
    DocumentType,
    ItemFinder,
    RecordInput,
    Severity,
    check_record,
    competence_requirements,
    listing_view_denial,
)
from xinyong.subjects import service as subjects
from xinyong.subjects.rules import identify


@dataclass(frozen=True)
class IngestResult:
    record: Record
    created: bool


def record_values(
    rec: RecordInput, subject_key: str, region: str, *, finder: ItemFinder | None = None,
    today: date | None = None, department: str | None = None, determined_by: int | None = None,
) -> dict[str, Any]:
    """Validated column values of a record (shared by the service and the bulk importer)."""
    return accepted_values(rec, subject_key, region, finder=finder, today=today, department=department,
                           determined_by=determined_by)[1]


def accepted_values(
    rec: RecordInput, subject_key: str, region: str, *, finder: ItemFinder | None = None,
    today: date | None = None, department: str | None = None, determined_by: int | None = None,
) -> tuple[Accepted, dict[str, Any]]:
    """The accepted catalog item and document type, and the record's column values.

    ``department`` is the determining department whose act the record is (default: the issuing
    authority, for data written without an acting department)."""
    accepted = check_record(rec, region, finder or catalogs(), today or clock.today())
    return accepted, {
        "subject_key": subject_key,
        "catalog_item": accepted.item.code,
        "catalog_id": accepted.version.catalog_id,
        "catalog_edition": accepted.version.edition,
        "region_code": region,
        "document_type": accepted.document_type.value,
        "document_number": rec.document_number.strip(),
        "issuing_authority": rec.issuing_authority.strip(),
        "department": (department or rec.issuing_authority).strip(),
        "determined_by": determined_by,
        "decision_date": rec.decision_date,
        "effective_date": rec.effective_date,
        "summary": rec.summary.strip(),
        "other_basis": (rec.other_basis or "").strip() or None,
        "severity": accepted.severity.value,
        # a fact read from the resident ID at the date of the act, never the submitted checkbox
        # (国办发〔2020〕49号 §（十六）: 对未成年人失信行为应宽容审慎)
        "is_minor": minor_on(rec.subject_code, rec.act_date or rec.decision_date),
        "force_majeure": rec.force_majeure,
        "non_intentional": rec.non_intentional,
        "minor_violation": rec.minor_violation,
        "status": "active",
        "created_at": clock.now(),
    }


def ingest(
    session: Session, rec: RecordInput, *, department: str | None = None, determined_by: int | None = None,
) -> IngestResult:
    """Store a record (idempotent on its natural key), without an access decision: the use case
    :func:`record_dishonesty` decides access and passes its department; data paths (tests, seeds)
    default the department to the issuing authority."""
    subject, _ = subjects.register(session, rec.subject_code, rec.subject_name)
    values = record_values(rec, subject.subject_key, subject.region_code, department=department,
                           determined_by=determined_by)
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
        "department": record.department or record.issuing_authority,
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
    "annulled": "文书已被撤销、确认违法或者无效",
}

#: how a record is withdrawn (xinyong.records.events.RecordWithdrawn.kind): the status it takes
WITHDRAWAL_KINDS: dict[str, str] = {
    "revoked": "认定部门撤销（异议成立或自行更正）",
    "annulled": "行政处罚等文书被撤销、确认违法或者无效",
}
WITHDRAWN_STATUSES = frozenset(WITHDRAWAL_KINDS)


def set_status(session: Session, record_id: int, status: str, reason: str, *, by: str | None = None,
               expect: Iterable[str] | None = None) -> Record:
    """Change a record's status (repair outcomes, revocation); emits ``record.status_changed``.

    ``expect``: the statuses the caller decided on; the change is then a conditional update and a
    record another transaction has meanwhile moved elsewhere (a revocation racing a repair) is refused
    with a 409 naming its current status instead of being overwritten."""
    if status not in RECORD_STATUSES:
        raise ValidationFailed("invalid_record_status", f"记录状态“{status}”无效")
    record = session.get(Record, record_id, with_for_update=True)
    if record is None:
        raise NotFound("record_not_found", "未找到该记录")
    previous = record.status
    if expect is None:
        record.status = status
        session.flush()
    elif not claim(session, record, "status", expect, {"status": status}):
        raise Conflict("record_status_changed",
                       f"该记录的状态已变为“{RECORD_STATUSES.get(record.status, record.status)}”，请刷新后重试",
                       details={"status": record.status, "status_name": RECORD_STATUSES.get(record.status)})
    emit(session, "record.status_changed", {
        "subject_key": record.subject_key, "record_id": record.id, "catalog_item": record.catalog_item,
        "previous": previous, "status": status, "reason": reason, **({"by": by} if by else {}),
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


# ============================================================================ use cases
def authority_denial(actor: Actor, what: str) -> str | None:
    """A principal without a department or a registered administrative division cannot be identified as
    the organ that issued a document, so it neither records nor withdraws in its name."""
    return identity_denial(actor.department, actor.region_code, what)


def _competence(actor: Actor, accepted: Accepted) -> str | None:
    for what, needed in competence_requirements(accepted.document_type, accepted.item):
        denial = competence_denial(actor.fields, needed, what)
        if denial is not None:
            return denial
    return None


def record_dishonesty(actor: Actor, rec: RecordInput) -> dict[str, Any]:
    """Record a dishonest act as the acting determining department's own act (201 new / 200 stored).

    - The department records what its own documents decided (国办发〔2020〕49号 §（二）: 以具有法律效力的
      文书为依据; 谁认定、谁负责): ``issuing_authority`` omitted means the actor's department; another
      authority's document is refused (``not_own_document``).
    - Competence: a judgment only by a court, an arbitral award only by an arbitration body, and a
      catalog item's ``competent_fields``.
    - No territory is checked: a department records what its own documents decided about a subject
      from anywhere.
    """
    with use_case(actor, "record.write", purpose=Purpose.determination) as door:
        identity = identify(rec.subject_code, clock.today())
        key = keyed(identity.code)
        door.admit(subject_key=key, detail={"catalog_item": rec.catalog_item})
        door.require(authority_denial(actor, "记录失信行为"))
        department = str(actor.department)
        issuing = (rec.issuing_authority or "").strip()
        if not issuing:
            rec = dataclasses.replace(rec, issuing_authority=department)
        elif issuing != department:
            door.refuse(
                f"只能记录本部门（{department}）作出的文书所认定的失信行为，“{issuing}”作出的文书"
                "应由该机关记录（谁认定、谁负责）", code="not_own_document")
        accepted, _ = accepted_values(rec, key, identity.region_code)
        view_denial = listing_view_denial(accepted.item.code, accepted.item.name)
        if view_denial is not None:
            raise ValidationFailed("record.listing_view_item", view_denial)
        door.require(_competence(actor, accepted), code="not_competent")
        result = ingest(door.session, rec, department=department, determined_by=actor.id)
        door.count(1)
        door.detail["record_id"] = result.record.id
        return {**describe(result.record), "created": result.created}


def share_denial(actor: Actor, record: Record) -> str | None:
    """An implementing unit receives a record only when its catalog item is shared with implementing
    units (共享范围 fixed per catalog item, 国办发〔2020〕49号 §（三）; the same rule disclosure's share
    interface applies to each item)."""
    if actor.role is not Role.implementing_unit:
        return None
    item = catalog_item_of(record)
    if item is not None and ShareScope.implementing_units in item.share_scope:
        return None
    name = item.name if item is not None else record.catalog_item
    return f"目录项“{name}”的共享范围不包括失信惩戒实施单位，不能查阅该记录"


def read_record(actor: Actor, record_id: int) -> dict[str, Any]:
    """One record, for administration (行政管理; 国办发〔2020〕49号 §（十三） 查询使用登记).

    An implementing unit reads it only within the item's share scope (:func:`share_denial`); a subject
    reads its own records through the self-access interface, never here (the role is refused)."""
    with use_case(actor, "record.read", purpose=Purpose.administration, detail={"record_id": record_id}) as door:
        record = get(door.session, record_id)
        door.admit(subject_key=record.subject_key if record else None)
        if record is None:
            door.count(0)
            raise NotFound("record_not_found", "未找到该记录")
        door.require(share_denial(actor, record), code="out_of_share_scope")
        door.count(1)
        return describe(record)


def records_for_proposal(actor: Actor, raw_code: str) -> dict[str, Any]:
    """A subject and its active records, from which a determining department picks the records a
    serious-dishonest-list proposal rests on (purpose 失信认定; 国办发〔2020〕49号 §（十三））."""
    with use_case(actor, "record.read", purpose=Purpose.determination) as door:
        subject = subjects.require(door.session, raw_code)
        door.admit(subject_key=subject.subject_key)
        rows = [describe(r) for r in records_for_subject(door.session, subject.subject_key, only_active=True)]
        door.count(len(rows))
        return {"subject": subjects.describe(subject), "records": rows}


def _already_withdrawn(record: Record) -> Conflict:
    return Conflict("record_already_withdrawn",
                    f"该记录已撤回（{RECORD_STATUSES[record.status]}），不能重复撤回",
                    details={"status": record.status, "status_name": RECORD_STATUSES[record.status]})


def withdraw_in(session: Session, record_id: int, *, kind: str, reason: str, by: str) -> Record:
    """Withdraw a record without an access decision — for a use case that has decided access itself
    (disclosure's upheld objection). Sets the status, emits ``record.status_changed`` and publishes
    :class:`~xinyong.records.events.RecordWithdrawn` (listings, measures, cases and publication resting
    on it end, 国办发〔2020〕49号 §（二）)."""
    if kind not in WITHDRAWAL_KINDS:
        allowed = "、".join(f"{k}（{v}）" for k, v in WITHDRAWAL_KINDS.items())
        raise ValidationFailed("invalid_withdrawal_kind", f"撤回方式“{kind}”无效，可选：{allowed}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("missing_reason", "撤回失信行为记录须写明理由")
    record = session.get(Record, record_id, with_for_update=True)
    if record is None:
        raise NotFound("record_not_found", "未找到该记录")
    if record.status in WITHDRAWN_STATUSES:
        raise _already_withdrawn(record)
    try:
        # conditional: of two withdrawals (or a withdrawal and a repair) at once, exactly one applies
        set_status(session, record_id, kind, reason, by=by, expect=set(RECORD_STATUSES) - WITHDRAWN_STATUSES)
    except Conflict:
        raise _already_withdrawn(record) from None
    publish(session, RecordWithdrawn(
        subject_key=record.subject_key, record_id=record.id, catalog_item=record.catalog_item, kind=kind,
        reason=reason, department=record.department or record.issuing_authority,
    ))
    return record


def withdraw_record(actor: Actor, record_id: int, *, kind: str, reason: str) -> dict[str, Any]:
    """The record's own department withdraws it (谁认定、谁负责; 淮政办发〔2021〕13号 §四(一)): ``revoked``
    when it upholds an objection or corrects its own record, ``annulled`` when the document was revoked,
    confirmed unlawful or void. Any other department is refused and the refusal logged."""
    with use_case(actor, "record.withdraw", purpose=Purpose.determination, serialise=True) as door:
        record = door.session.get(Record, record_id)
        if record is None:
            raise NotFound("record_not_found", "未找到该记录")
        owner = record.department or record.issuing_authority
        door.admit(subject_key=record.subject_key, detail={"record_id": record_id, "kind": kind})
        door.require(authority_denial(actor, "撤回失信行为记录"))
        if actor.department != owner:
            door.refuse(f"只能撤回本部门（{actor.department}）认定的记录，该记录由{owner}认定（谁认定、谁负责）",
                        code="not_owner")
        withdrawn = withdraw_in(door.session, record_id, kind=kind, reason=reason, by=actor.name)
        door.count(1)
        return describe(withdrawn)
