"""Objections (异议, 淮政办发〔2021〕13号 §四(一)): a subject contests one of its records, the department that
determined it answers within 10 working days (谁认定、谁答复), an upheld objection revokes the record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.db import among, claim
from xinyong.core.errors import Conflict, NotFound
from xinyong.core.usecase import use_case
from xinyong.disclosure import rules
from xinyong.disclosure.common import check_text, note, owner_department, region_clause
from xinyong.disclosure.models import Objection, ObjectionAttachment
from xinyong.records import service as records
from xinyong.subjects.public import subject_columns, subject_region


def open_objections(session: Session, record_ids: Sequence[int]) -> set[int]:
    if not record_ids:
        return set()
    rows = session.scalars(  # the record's page and the share interface ask on every request: one prepared statement
        select(Objection.record_id).where(among(session, Objection.record_id, record_ids), Objection.status == "open")
    )
    return set(rows)


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def _objection_due(filed_on: dt.date) -> tuple[dt.date, bool]:
    from xinyong.core.workdays import add_workdays

    result = add_workdays(filed_on, rules.OBJECTION_WORKDAYS)
    return result.date, bool(result.provisional)


def _file_objection(
    session: Session, subject_key: str, record_id: int, reason: str, files: Sequence[Upload], *,
    by: str, principal_id: int | None,
) -> Objection:
    check_text(reason, "异议理由")
    for f in files:
        check_text(f.filename, "附件名称")
    record = records.get(session, record_id)
    owns = record is not None and record.subject_key == subject_key
    if record is None:
        raise NotFound("record_not_found", "未找到该记录")
    has_open = bool(open_objections(session, [record_id]))
    text = rules.check_objection(
        reason, record.status, owns, has_open,
        [(f.filename, f.content_type, len(f.data)) for f in files],
    )
    today = clock.today()
    due, provisional = _objection_due(today)
    # routed to the record's determining department, not its free-text issuing authority (谁认定、谁答复)
    objection = Objection(
        record_id=record_id, subject_key=subject_key, department=owner_department(record), filed_by=by,
        filed_by_principal=principal_id, reason=text, filed_at=clock.now(), filed_on=today, due_on=due,
        due_provisional=provisional, status="open",
    )
    session.add(objection)
    session.flush()
    for f in files:
        name = Path(f.filename or "附件").name[:200] or "附件"
        session.add(ObjectionAttachment(
            objection_id=objection.id, filename=name, content_type=f.content_type, size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(), data=f.data, created_at=clock.now(),
        ))
    session.flush()
    return objection


def file_objection(actor: Actor, record_id: int, reason: str, files: Sequence[Upload]) -> dict[str, Any]:
    """A subject contests one of its own records (淮政办发〔2021〕13号 §四(一)); the objection goes to the
    department that determined the record, which answers within 10 working days."""
    with use_case(actor, "disclosure.objection.file", purpose=Purpose.self_access) as door:
        key = door.own_subject("提出异议")
        door.admit(subject_key=key, detail={"record_id": record_id, "attachments": len(files)})
        objection = _file_objection(door.session, key, record_id, reason, files,
                                    by=actor.name, principal_id=actor.id)
        note(door, {"objection_id": objection.id})
        door.count(1)
        return objection_row(door.session, objection, clock.today())


def objection_row(session: Session, o: Objection, on: dt.date, *, with_reason: bool = True) -> dict[str, Any]:
    files = session.scalars(
        select(ObjectionAttachment).where(ObjectionAttachment.objection_id == o.id).order_by(ObjectionAttachment.id)
    )
    answered_late = o.answered_on is not None and o.answered_on > o.due_on
    row: dict[str, Any] = {
        "id": o.id, "record_id": o.record_id, "department": o.department, "status": o.status,
        "status_name": rules.OBJECTION_STATUS_NAMES.get(o.status, o.status),
        "filed_on": o.filed_on.isoformat(), "due_on": o.due_on.isoformat(), "due_provisional": o.due_provisional,
        "overdue": o.status == "open" and on > o.due_on, "answered_late": answered_late,
        "outcome": o.outcome,
        "outcome_name": rules.OUTCOME_NAMES[rules.ObjectionOutcome(o.outcome)] if o.outcome else None,
        "answer": o.answer, "answered_by": o.answered_by,
        "answered_on": o.answered_on.isoformat() if o.answered_on else None,
        "attachments": [
            {"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
            for f in files
        ],
    }
    if with_reason:
        row["reason"] = o.reason
    return row


def objections_of_subject(session: Session, key: str, on: dt.date) -> list[dict[str, Any]]:
    rows = session.scalars(select(Objection).where(Objection.subject_key == key).order_by(Objection.id.desc()))
    return [objection_row(session, o, on) for o in rows]


def _record_summary(session: Session, record_id: int) -> dict[str, Any] | None:
    record = records.get(session, record_id)
    if record is None:
        return None
    return {"document_number": record.document_number, "catalog_item": record.catalog_item,
            "decision_date": record.decision_date.isoformat(), "summary": record.summary,
            "status": record.status}


def objections_for(session: Session, department: str | None, on: dt.date, *, status: str | None = None,
                   region: str | None = None, actor: Actor | None = None) -> list[dict[str, Any]]:
    """Objections: ``department`` — those against its records; ``region`` — those of subjects within it
    (a credit office's territory); neither — all. ``actor`` marks the rows it may answer."""
    q = select(Objection).order_by(Objection.due_on, Objection.id)
    if department is not None:
        q = q.where(Objection.department == department)
    if region is not None:
        subjects = subject_columns()
        q = q.join(subjects, subjects.c.subject_key == Objection.subject_key).where(
            region_clause(subjects.c.region_code, region))
    if status:
        q = q.where(Objection.status == status)
    out = []
    for o in session.scalars(q):
        row = objection_row(session, o, on)
        summary = _record_summary(session, o.record_id)
        if summary is not None:
            row["record"] = summary
        if actor is not None:
            row["can_answer"] = o.status == "open" and rules.answer_denial(
                _objection_actor(actor), objection_facts(session, o)) is None
        out.append(row)
    return out


def get_objection(session: Session, objection_id: int, *, for_update: bool = False) -> Objection:
    o = session.get(Objection, objection_id, with_for_update=for_update)
    if o is None:
        raise NotFound("objection_not_found", "未找到该异议")
    return o


def objection_facts(session: Session, o: Objection) -> rules.ObjectionFacts:
    return rules.ObjectionFacts(subject_key=o.subject_key, department=o.department,
                                subject_region=subject_region(session, o.subject_key))


def _objection_actor(actor: Actor) -> rules.ObjectionActor:
    return rules.ObjectionActor(role=actor.role.value, department=actor.department,
                                region_code=actor.region_code, subject_key=actor.subject_key)


def may_answer(actor: Actor, facts: rules.ObjectionFacts) -> bool:
    """谁认定、谁答复: the one ownership rule of objections (:func:`rules.answer_denial`)."""
    return rules.answer_denial(_objection_actor(actor), facts) is None


def _read_purpose(actor: Actor) -> Purpose:
    if actor.role.value == "subject":
        return Purpose.self_access
    if actor.role.value == "determining_department":
        return Purpose.determination
    return Purpose.supervision  # the credit office's and the administrator's oversight


def _withdraw_record(session: Session, objection: Objection) -> None:
    """An upheld objection revokes the record in the answer's transaction; records publishes
    RecordWithdrawn, on which listings, measures, joint cases and publication end (国办发〔2020〕49号 §（二）)."""
    record = records.get(session, objection.record_id)
    if record is None or record.status in rules.WITHDRAWN_STATUSES:
        return
    reason = f"异议成立（异议编号{objection.id}）：{objection.answer}"
    by = objection.answered_by or objection.department
    records.withdraw_in(session, objection.record_id, kind="revoked", reason=reason, by=by)


def _answered(o: Objection) -> Conflict:
    """What the loser of two answers to one objection is told (409 with the current state)."""
    outcome = rules.OUTCOME_NAMES[rules.ObjectionOutcome(o.outcome)] if o.outcome else None
    said = f"，答复结果：{outcome}" if outcome else ""
    return Conflict(
        "objection_already_answered",
        f"该异议已于{o.answered_on}由{o.answered_by or o.department}答复{said}，不能再次答复",
        details={"status": o.status, "status_name": rules.OBJECTION_STATUS_NAMES.get(o.status, o.status),
                 "outcome": o.outcome, "outcome_name": outcome,
                 "answered_on": o.answered_on.isoformat() if o.answered_on else None},
    )


def answer_objection(actor: Actor, objection_id: int, outcome: str, answer: str) -> dict[str, Any]:
    """谁认定、谁答复 (淮政办发〔2021〕13号 §四(一)): the record's determining department answers; an upheld
    objection revokes the record in the same transaction. Any other actor is refused and the refusal
    registered (国办发〔2020〕49号 §（十三）)."""
    with use_case(actor, "disclosure.objection.answer", purpose=Purpose.determination, serialise=True) as door:
        objection = get_objection(door.session, objection_id, for_update=True)
        door.admit(subject_key=objection.subject_key, detail={"objection_id": objection.id})
        door.require(rules.answer_denial(_objection_actor(actor), objection_facts(door.session, objection)),
                     code="objection_other_department")
        check_text(answer, "答复内容")
        if objection.status != "open":
            raise _answered(objection)
        result = rules.check_answer(objection.status, outcome, answer)
        # compare-and-set: of two answers given at once exactly one finds the objection open (409 for the
        # other, with the answer already given), so an objection is never rejected while its record is revoked
        if not claim(door.session, objection, "status", ["open"], {
                "status": "answered", "outcome": result.value, "answer": " ".join(answer.split()),
                "answered_by": actor.name, "answered_at": clock.now(), "answered_on": clock.today()}):
            raise _answered(objection)
        door.session.flush()
        if result is rules.ObjectionOutcome.upheld:
            _withdraw_record(door.session, objection)
        note(door, {"outcome": result.value})
        door.count(1)
        return objection_row(door.session, objection, clock.today())


def read_objection(actor: Actor, objection_id: int) -> dict[str, Any]:
    """An objection's text and files: the subject that filed it, the answering department, the
    administrator, and a credit office whose territory covers the subject (read-only oversight)."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        objection = get_objection(door.session, objection_id)
        door.admit(subject_key=objection.subject_key, detail={"objection_id": objection.id})
        facts = objection_facts(door.session, objection)
        door.require(rules.read_denial(_objection_actor(actor), facts), code="objection_forbidden")
        row = objection_row(door.session, objection, clock.today())
        summary = _record_summary(door.session, objection.record_id)
        if summary is not None:
            row["record"] = summary
        row["can_answer"] = objection.status == "open" and may_answer(actor, facts)
        door.count(1)
        return row


def list_objections(actor: Actor, *, status: str | None = None, department: str | None = None,
                    overdue: bool = False) -> list[dict[str, Any]]:
    """Objections an actor oversees or answers: a determining department those against its own records;
    a credit office those of subjects in its territory; the administrator all (``department`` narrows).
    A subject reads its own through :func:`self_objections`."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        if actor.role.value == "subject":
            door.refuse("信用主体请通过本人异议接口查询", code="use_self_objections")
        check_text(department, "部门名称")
        door.admit(detail={"list": True, **({"status": status} if status else {})})
        region: str | None = None
        if actor.role.value in ("determining_department", "credit_office") and not actor.region_code:
            door.refuse("本单位未登记行政区划代码，不能查看异议", code="out_of_scope")
        if actor.role.value == "determining_department":
            department = actor.department or ""
        elif actor.role.value == "credit_office":
            region = actor.region_code
        rows = objections_for(door.session, department or None, clock.today(), status=status, region=region,
                              actor=actor)
        if overdue:
            rows = [r for r in rows if r["overdue"]]
        door.count(len(rows))
        return rows


def self_objections(actor: Actor) -> list[dict[str, Any]]:
    """本人的异议及答复."""
    with use_case(actor, "disclosure.objection.read", purpose=Purpose.self_access) as door:
        key = door.own_subject("查询本人信息")
        door.admit(subject_key=key)
        rows = objections_of_subject(door.session, key, clock.today())
        door.count(len(rows))
        return rows


@dataclasses.dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def read_attachment(actor: Actor, attachment_id: int) -> Download:
    """An objection's file, for those who may read the objection (:func:`rules.read_denial`)."""
    with use_case(actor, "disclosure.objection.read", purpose=_read_purpose(actor)) as door:
        f = door.session.get(ObjectionAttachment, attachment_id)
        if f is None:
            raise NotFound("attachment_not_found", "未找到该附件")
        objection = get_objection(door.session, f.objection_id)
        door.admit(subject_key=objection.subject_key,
                   detail={"objection_id": objection.id, "attachment_id": f.id, "sha256": f.sha256})
        door.require(rules.read_denial(_objection_actor(actor), objection_facts(door.session, objection)),
                     code="attachment_forbidden")
        door.count(1)
        return Download(f.filename, f.content_type, bytes(f.data))


def objections_section(session: Session, key: str) -> list[dict[str, Any]]:
    """Credit-file section: the subject's objections (a disputed record is marked while one is open)."""
    return objections_of_subject(session, key, clock.today())

