"""Filing a repair: one application naming every record and listing (一次申请), each part pre-checked
against its rule and routed to its determining department with a working-day deadline; reading
applications and their attachments.

淮政办发〔2021〕13号 §五（一）: 一次申请、同步修复、完全修复; 国办发〔2020〕49号 §（十一）（十二）.
Each public function taking an ``actor`` is a use case (:mod:`xinyong.core.usecase`): a subject applies
for and reads only its own applications; a department reads the applications routed to it; a credit
office acts for and reads the subjects of its territory only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.usecase import Door, use_case
from xinyong.repair import rules as R
from xinyong.repair.evidence import supporting
from xinyong.repair.loader import repair_rules
from xinyong.repair.models import RepairApplication, RepairAttachment, RepairPart
from xinyong.repair.shared import (
    KIND_NAMES,
    PLATFORM_CHECK,
    TargetView,
    applications_of,
    assess,
    describe,
    get_application,
    listing_view,
    oversight_denial,
    record_view,
    routed_to,
    subject_key_of,
    subject_region,
    target,
    territory_clause,
    unplaced_denial,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
ALLOWED_CONTENT_TYPES = {
    "application/pdf", "image/jpeg", "image/png", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword", "text/plain",
}


@dataclass(frozen=True)
class PartRequest:
    kind: str  # record / listing
    id: int
    declared: tuple[str, ...] = ()
    corrected_on: dt.date | None = None


@dataclass(frozen=True)
class AttachmentIn:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


# --- use cases ------------------------------------------------------------------------------------------


def _admit_subject(door: Door, subject_code: str | None, what: str, **detail: Any) -> str:
    key = subject_key_of(door.session, door.actor, subject_code)
    door.admit(subject_key=key, detail=detail or None)
    door.require(oversight_denial(door.actor, subject_region(door.session, key), what))
    return key


def apply(actor: Actor, subject_code: str | None, *, applicant_name: str, statement: str,
          parts: Sequence[PartRequest], attachments: Sequence[AttachmentIn] = ()) -> dict[str, Any]:
    """File one application (the subject itself, or the credit office / administrator at the window)."""
    with use_case(actor, "repair.apply", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "代为提交该主体的信用修复申请",
                             parts=[f"{p.kind}:{p.id}" for p in parts])
        app = file_application(door.session, actor, key, applicant_name=applicant_name, statement=statement,
                               parts=parts, attachments=attachments)
        return describe(door.session, app)


def candidates_for(actor: Actor, subject_code: str | None) -> dict[str, list[dict[str, Any]]]:
    """What the subject may name in an application, with the rule's pre-check."""
    with use_case(actor, "repair.apply", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "查看该主体可申请修复的事项")
        found = candidates(door.session, key)
        door.count(len(found["records"]) + len(found["listings"]))
        return found


def apply_form(actor: Actor) -> dict[str, Any]:
    """The subject's application form: its candidates and its supporting evidence."""
    with use_case(actor, "repair.apply", purpose=Purpose.repair) as door:
        key = _admit_subject(door, None, "查看该主体可申请修复的事项")
        found = candidates(door.session, key)
        door.count(len(found["records"]) + len(found["listings"]))
        return {"found": found, "supporting": supporting(door.session, key)}


def list_applications(actor: Actor, subject_code: str | None = None, *, limit: int = 200) -> list[dict[str, Any]]:
    """A subject's own applications; a department's routed ones; the credit office's (its territory) or
    the administrator's most recent ones, or one subject's when named."""
    with use_case(actor, "repair.read", purpose=Purpose.repair) as door:
        s = door.session
        if actor.role is Role.determining_department:
            door.admit(detail={"department": actor.department})
            routed = select(RepairPart.application_id).where(RepairPart.department == actor.department)
            apps = list(s.scalars(select(RepairApplication).where(RepairApplication.id.in_(routed))
                                  .order_by(RepairApplication.id.desc()).limit(limit)))
        elif actor.role is Role.subject or subject_code:
            key = _admit_subject(door, subject_code, "查阅该主体的信用修复申请")
            apps = applications_of(s, key)
        else:
            door.require(unplaced_denial(actor, "查阅信用修复申请"))
            door.admit()
            q = select(RepairApplication)
            limit_to = territory_clause(actor, RepairApplication.subject_key)
            if limit_to is not None:
                q = q.where(limit_to)
            apps = list(s.scalars(q.order_by(RepairApplication.id.desc()).limit(limit)))
        door.count(len(apps))
        return [describe(s, a) for a in apps]


def read_application(actor: Actor, app_id: int, *, purpose: Purpose = Purpose.repair) -> dict[str, Any]:
    """One application with its unified status, its parts and the channels not yet confirmed."""
    with use_case(actor, "repair.read", purpose=purpose) as door:
        app = _readable(door, get_application(door.session, app_id))
        return describe(door.session, app)


def find_application(actor: Actor, ref: str, *, purpose: Purpose = Purpose.supervision) -> dict[str, Any]:
    """An application by its number (XF…) or id."""
    with use_case(actor, "repair.read", purpose=purpose) as door:
        s = door.session
        ref = ref.strip()
        found = (s.get(RepairApplication, int(ref)) if ref.isdigit()
                 else s.scalar(select(RepairApplication).where(RepairApplication.number == ref)))
        if found is None:
            raise NotFound("repair_application_not_found", "未找到该信用修复申请")
        return describe(s, _readable(door, found))


def application_page(actor: Actor, app_id: int) -> dict[str, Any]:
    """The application with the subject's supporting evidence, and which parts the actor may decide."""
    with use_case(actor, "repair.read", purpose=Purpose.repair) as door:
        app = _readable(door, get_application(door.session, app_id))
        view = describe(door.session, app)
        for p in view["parts"]:
            # 谁认定、谁修复: only the part's determining department sees the decision form
            p["decidable"] = (p["status"] == "pending" and actor.role is Role.determining_department
                              and actor.department == p["department"])
        return {"app": view, "evidence": supporting(door.session, app.subject_key)}


def read_attachment(actor: Actor, app_id: int, attachment_id: int) -> Download:
    """A proof attached to an application, for those who may read the application (registered first)."""
    with use_case(actor, "repair.read", purpose=Purpose.repair, detail={"attachment": attachment_id}) as door:
        app = _readable(door, get_application(door.session, app_id))
        att = door.session.get(RepairAttachment, attachment_id)
        if att is None or att.application_id != app.id:
            raise NotFound("attachment_not_found", "未找到该附件")
        return Download(att.filename, att.content_type, att.data)


def read_decision_document(actor: Actor, app_id: int, part_id: int, *, pdf: bool = False) -> Download:
    """The 信用修复决定书 of a decided part (HTML or PDF, the same text), for those who may read the
    application."""
    from xinyong.core import official_document as od
    from xinyong.repair.decision_document import build

    with use_case(actor, "repair.read", purpose=Purpose.repair, detail={"decision_document": part_id}) as door:
        app = _readable(door, get_application(door.session, app_id))
        part = door.session.get(RepairPart, part_id)
        if part is None or part.application_id != app.id:
            raise NotFound("repair_part_not_found", "未找到该修复事项")
        doc = build(door.session, part, app)
        name = f"{doc.title}-{app.number}-{part.id}"
        if pdf:
            return Download(f"{name}.pdf", "application/pdf", od.render_pdf(doc))
        return Download(f"{name}.html", "text/html; charset=utf-8", od.render_html(doc).encode("utf-8"))


def _readable(door: Door, app: RepairApplication) -> RepairApplication:
    """Admit the reading of ``app``: a subject its own (403 otherwise, by the door); a department an
    application with a part routed to it (others do not learn it exists); a credit office its territory."""
    door.admit(subject_key=app.subject_key, detail={"application": app.number})
    actor = door.actor
    if actor.role is Role.determining_department and not routed_to(door.session, app, actor.department):
        raise NotFound("repair_application_not_found", "未找到该信用修复申请")
    door.require(oversight_denial(actor, subject_region(door.session, app.subject_key), "查阅该信用修复申请"))
    door.count(1)
    return app



# --- filing and candidates -----------------------------------------------------------------------------


def _deadline(start: dt.date, workdays: int) -> tuple[dt.date, bool]:
    from xinyong.core.workdays import add_workdays

    result = add_workdays(start, workdays)
    return result.date, result.provisional


def _validate_declared(values: Sequence[str]) -> tuple[str, ...]:
    allowed = {c.value for c in R.DECLARED}
    for v in values:
        if v not in allowed:
            names = "、".join(f"{c.value}（{R.CONDITION_NAMES[c]}）" for c in R.DECLARED)
            raise ValidationFailed("invalid_declaration", f"声明事项“{v}”无效，可选：{names}")
    return tuple(dict.fromkeys(values))


def _check_attachments(files: Sequence[AttachmentIn]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed("too_many_attachments", f"附件不能超过{MAX_ATTACHMENTS}个")
    for f in files:
        if not f.filename.strip():
            raise ValidationFailed("attachment_without_name", "附件缺少文件名")
        if not f.data:
            raise ValidationFailed("empty_attachment", f"附件“{f.filename}”是空文件")
        if len(f.data) > MAX_ATTACHMENT_BYTES:
            raise ValidationFailed("attachment_too_large", f"附件“{f.filename}”超过10MB")
        if f.content_type not in ALLOWED_CONTENT_TYPES:
            raise ValidationFailed(
                "attachment_type", f"附件“{f.filename}”的类型{f.content_type}不受支持，请上传PDF、图片、Word、ZIP或文本文件")


def file_application(
    session: Session,
    actor: Actor,
    subject_key: str,
    *,
    applicant_name: str,
    statement: str,
    parts: Sequence[PartRequest],
    attachments: Sequence[AttachmentIn] = (),
    today: dt.date | None = None,
) -> RepairApplication:
    """File one application naming every record and listing to repair (一次申请). Access is decided by
    the calling use case."""
    on = today or clock.today()
    if not parts:
        raise ValidationFailed("no_parts", "请至少选择一条需要修复的失信行为记录或名单")
    if not applicant_name.strip():
        raise ValidationFailed("missing_applicant", "请填写申请人（经办人）姓名")
    seen: set[tuple[str, int]] = set()
    for p in parts:
        if p.kind not in KIND_NAMES:
            raise ValidationFailed("invalid_part_kind", "修复对象类型须为 record（失信行为记录）或 listing（名单）")
        if (p.kind, p.id) in seen:
            raise ValidationFailed("duplicate_part", f"同一{KIND_NAMES[p.kind]}（编号{p.id}）在申请中重复")
        seen.add((p.kind, p.id))
        if p.corrected_on is not None and p.corrected_on > on:
            raise ValidationFailed("future_correction", "改正日期不能晚于今天")
    _check_attachments(attachments)
    region = subject_region(session, subject_key)
    if region is None:
        raise NotFound("subject_not_found", "未找到该信用主体")

    limits = repair_rules().time_limits
    reply, reply_prov = _deadline(on, limits.platform_reply_workdays)
    app = RepairApplication(
        number="pending", subject_key=subject_key, applicant_name=applicant_name.strip()[:200],
        statement=statement.strip(), filed_on=on, filed_at=clock.now(), filed_by=actor.name,
        reply_deadline=reply, reply_deadline_provisional=reply_prov,
    )
    session.add(app)
    session.flush()
    app.number = f"XF{on:%Y%m%d}{app.id:06d}"
    for p in parts:
        declared = _validate_declared(p.declared)
        view = target(session, p.kind, p.id, subject_key, region, on)
        busy = session.scalar(
            select(RepairApplication.number).join(RepairPart, RepairPart.application_id == RepairApplication.id)
            .where(RepairPart.target_kind == p.kind, RepairPart.target_id == p.id,
                   RepairPart.status == "pending")
        )
        if busy:
            raise Conflict("repair_in_progress", f"{view.label}已有办理中的修复申请（申请号{busy}），请勿重复申请")
        rule, assessment = assess(session, view, declared, p.corrected_on, on)
        workdays = (rule.time_limit_workdays if rule and rule.time_limit_workdays
                    else limits.department_decision_workdays)
        deadline, provisional = _deadline(on, workdays)
        part = RepairPart(
            application_id=app.id, target_kind=p.kind, target_id=p.id, target_code=view.code,
            target_label=view.label[:300], department=view.department, severity=view.severity,
            document_date=view.document_date, corrected_on=p.corrected_on, declared=list(declared),
            rule_region=rule.region if rule else None, outcome=rule.outcome.value if rule else None,
            deadline=deadline, deadline_provisional=provisional, status="pending",
            problems=[pr.as_dict() for pr in assessment.problems], messages=[],
        )
        if not assessment.ok:
            # refused at once, with every reason and its remedy (a new application is welcome once gone)
            part.status = "refused"
            part.decided_on = on
            part.decided_at = clock.now()
            part.decided_by = PLATFORM_CHECK
            part.reason = "；".join(pr.reason for pr in assessment.problems)
            part.remedy = "；".join(pr.remedy for pr in assessment.problems)
        session.add(part)
    try:
        session.flush()
    except IntegrityError:  # a concurrent application named the same record or listing
        raise Conflict("repair_in_progress", "所选记录或名单已有办理中的修复申请，请勿重复申请") from None
    for f in attachments:
        session.add(RepairAttachment(
            application_id=app.id, filename=f.filename.strip()[:200], content_type=f.content_type,
            size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest(), data=f.data,
            uploaded_at=clock.now(),
        ))
    session.flush()
    return app


def candidates(session: Session, subject_key: str, on: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """What a subject may name in an application: its active records and listings, with a rule preview."""
    from xinyong.listing import service as listing
    from xinyong.records import service as records

    day = on or clock.today()
    region = subject_region(session, subject_key)
    out: dict[str, list[dict[str, Any]]] = {"records": [], "listings": []}
    for rec in records.records_for_subject(session, subject_key, only_active=True):
        view = record_view(session, rec.id)
        assert view is not None
        out["records"].append(_candidate(session, view, day))
    for row in listing.active_listings(session, subject_key, day):
        lview = listing_view(session, subject_key, int(row["listing_id"]), day, region)
        if lview is not None:
            out["listings"].append(_candidate(session, lview, day))
    return out


def _candidate(session: Session, view: TargetView, on: dt.date) -> dict[str, Any]:
    rule, assessment = assess(session, view, [c.value for c in R.DECLARED], None, on)
    return {
        "kind": view.kind, "id": view.id, "code": view.code, "label": view.label,
        "code_name": rule.name if rule else view.code,
        "department": view.department, "severity": view.severity,
        "document_date": view.document_date.isoformat(),
        "repairable": bool(rule and rule.repairable),
        "conditions": [{"code": c.value, "name": R.CONDITION_NAMES[c]} for c in assessment.conditions],
        "earliest": assessment.earliest.isoformat() if assessment.earliest else None,
        "outcome": rule.outcome.value if rule else None,
        "outcome_name": R.OUTCOME_NAMES[rule.outcome] if rule else None,
        "problems": [p.as_dict() for p in assessment.problems],
    }
