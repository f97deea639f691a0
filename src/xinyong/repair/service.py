"""Use cases of credit repair: one application, routed parts, synchronous and complete repair.

淮政办发〔2021〕13号 §五（一）: 一次申请、同步修复、完全修复; 国办发〔2020〕49号 §（十一）（十二）. A granted
part changes, in the decision's own transaction, the record's status (screening and the portal read it),
ends the listing, and writes one outbox message per receiver; a repair is complete only when every
receiver has confirmed delivery. No fee exists anywhere in the flow (49号 §（十二）).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, guard, refuse
from xinyong.core.codes import check_code
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.events import emit
from xinyong.core.policy import Role
from xinyong.repair import rules as R
from xinyong.repair.loader import repair_rules
from xinyong.repair.models import (
    CreditAgency,
    CreditCommitment,
    CreditReport,
    RepairApplication,
    RepairAttachment,
    RepairPart,
    TrainingAttendance,
)
from xinyong.subjects.credit_file import register_section

PLATFORM_CHECK = "平台预审（规则校验）"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
ALLOWED_CONTENT_TYPES = {
    "application/pdf", "image/jpeg", "image/png", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword", "text/plain",
}
PART_STATUS_NAMES = {"pending": "办理中", "granted": "准予修复", "refused": "不予修复"}
KIND_NAMES = {"record": "失信行为记录", "listing": "严重失信主体名单"}
OVERALL_NAMES = {
    "processing": "办理中",
    "syncing": "已准予修复，正在同步至各单位和平台",
    "completed": "修复完成",
    "partially_completed": "部分修复完成",
    "refused": "不予修复",
}

#: commitment template (发改办财金〔2018〕893号 §九; 36号令 as reported: 材料真实有效、愿意承担违反承诺的责任)
COMMITMENT_TEMPLATE = (
    "本主体郑重承诺：一、已纠正失信行为、履行相关义务，所提交的信用修复材料真实、有效；"
    "二、今后依法诚信经营，严格遵守法律法规和行业规范；三、自愿接受社会监督；"
    "四、如违背承诺，自愿接受联合惩戒并承担相应法律责任。"
)


# --- targets: records and listings -----------------------------------------------------------


@dataclass(frozen=True)
class TargetView:
    kind: str  # record / listing
    id: int
    subject_key: str
    code: str  # catalog item / list type
    label: str
    department: str
    severity: str
    document_date: dt.date
    region: str | None
    active: bool


def _record_view(session: Session, record_id: int) -> TargetView | None:
    from xinyong.records import service as records

    rec = records.get(session, record_id)
    if rec is None:
        return None
    return TargetView(
        kind="record", id=rec.id, subject_key=rec.subject_key, code=rec.catalog_item,
        label=f"{rec.document_number}（{rec.issuing_authority}）", department=rec.issuing_authority,
        severity=rec.severity, document_date=rec.decision_date, region=rec.region_code,
        active=rec.status == "active",
    )


def _listing_view(session: Session, subject_key: str, listing_id: int, on: dt.date,
                  region: str | None) -> TargetView | None:
    """A listing in force, as the listing capability shows it (``active_listings``)."""
    from xinyong.listing import service as listing

    for row in listing.active_listings(session, subject_key, on):
        if int(row["listing_id"]) != listing_id:
            continue
        return TargetView(
            kind="listing", id=listing_id, subject_key=subject_key, code=str(row["list_type_id"]),
            label=f"{row['list_type_name']} {row.get('decision_no') or ''}".strip(),
            department=str(row["determining_department"]), severity="serious",
            # periods run from the date of the determining document (令第36号, as reported)
            document_date=dt.date.fromisoformat(str(row["decision_date"])),
            region=str(row.get("region_code") or region or "") or None, active=True,
        )
    return None


def _target(session: Session, kind: str, target_id: int, subject_key: str, region: str | None,
            on: dt.date) -> TargetView:
    view = (_record_view(session, target_id) if kind == "record"
            else _listing_view(session, subject_key, target_id, on, region))
    if view is None or view.subject_key != subject_key:
        what = "失信行为记录" if kind == "record" else "有效的名单列入"
        raise NotFound("repair_target_not_found", f"未找到该主体的{what}（编号{target_id}）")
    return view


# --- evidence --------------------------------------------------------------------------------


def _evidence(session: Session, subject_key: str, since: dt.date, on: dt.date,
              declared: Sequence[str]) -> R.Evidence:
    commitment_on = session.scalar(
        select(func.max(CreditCommitment.signed_on)).where(
            CreditCommitment.subject_key == subject_key, CreditCommitment.signed_on <= on)
    )
    hours = session.scalar(
        select(func.coalesce(func.sum(TrainingAttendance.hours), 0)).where(
            TrainingAttendance.subject_key == subject_key,
            TrainingAttendance.attended_on >= since, TrainingAttendance.attended_on <= on)
    )
    report = session.execute(
        select(CreditReport, CreditAgency).join(CreditAgency, CreditAgency.id == CreditReport.agency_id)
        .where(CreditReport.subject_key == subject_key, CreditReport.issued_on >= since,
               CreditReport.issued_on <= on)
        .order_by(CreditReport.issued_on.desc(), CreditReport.id.desc())
    ).first()
    agency_ok = None if report is None else report[1].status == "active"
    return R.Evidence(
        declared=frozenset(R.Condition(d) for d in declared),
        commitment_on=commitment_on, training_hours=Decimal(str(hours or 0)),
        credit_report_agency_ok=agency_ok,
    )


def _rule_for(view: TargetView) -> R.RepairRule | None:
    kind = R.TargetKind.catalog_item if view.kind == "record" else R.TargetKind.list_type
    return repair_rules().find(kind, view.code, view.region)


def _assess(session: Session, view: TargetView, declared: Sequence[str], corrected_on: dt.date | None,
            on: dt.date) -> tuple[R.RepairRule | None, R.Assessment]:
    rule = _rule_for(view)
    target = R.Target(
        kind=R.TargetKind.catalog_item if view.kind == "record" else R.TargetKind.list_type,
        code=view.code, severity=view.severity, document_date=view.document_date,
        status_active=view.active, corrected_on=corrected_on,
    )
    evidence = _evidence(session, view.subject_key, view.document_date, on, declared)
    return rule, R.assess(rule, target, evidence, repair_rules(), on)


def _deadline(start: dt.date, workdays: int) -> tuple[dt.date, bool]:
    from xinyong.core.workdays import add_workdays

    result = add_workdays(start, workdays)
    return result.date, result.provisional


# --- filing ----------------------------------------------------------------------------------


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


@dataclass
class FiledParts:
    parts: list[RepairPart] = field(default_factory=list)


def subject_key_of(session: Session, actor: Actor, subject_code: str | None) -> str:
    """A subject files for itself; the credit office or an administrator may file at the window."""
    from xinyong.subjects import service as subjects

    if actor.role is Role.subject:
        if not actor.subject_key:
            raise ValidationFailed("subject_account_unbound", "该账户未绑定信用主体，不能申请信用修复")
        return actor.subject_key
    if not subject_code:
        raise ValidationFailed("missing_subject_code", "代为提交申请须写明信用主体的统一社会信用代码或身份号码")
    return subjects.require(session, subject_code).subject_key


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
    """File one application naming every record and listing to repair (一次申请)."""
    from xinyong.subjects.models import Subject

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
    subject = session.scalar(select(Subject).where(Subject.subject_key == subject_key))
    if subject is None:
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
        view = _target(session, p.kind, p.id, subject_key, subject.region_code, on)
        busy = session.scalar(
            select(RepairApplication.number).join(RepairPart, RepairPart.application_id == RepairApplication.id)
            .where(RepairPart.target_kind == p.kind, RepairPart.target_id == p.id,
                   RepairPart.status == "pending")
        )
        if busy:
            raise Conflict("repair_in_progress", f"{view.label}已有办理中的修复申请（申请号{busy}），请勿重复申请")
        rule, assessment = _assess(session, view, declared, p.corrected_on, on)
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


# --- deciding ---------------------------------------------------------------------------------


def check_department(actor: Actor, part: RepairPart, subject_key: str) -> None:
    """Only the determining department decides its part (谁认定、谁修复). Call before writing anything."""
    if actor.role is Role.determining_department and actor.department != part.department:
        refuse(actor, "repair.decide", Purpose.repair, subject_key=subject_key,
               reason=f"该事项由{part.department}办理，{actor.department or actor.name}无权决定")


def load_part(session: Session, part_id: int) -> tuple[RepairPart, RepairApplication]:
    part = session.get(RepairPart, part_id, with_for_update=True)
    if part is None:
        raise NotFound("repair_part_not_found", "未找到该修复事项")
    app = session.get(RepairApplication, part.application_id)
    assert app is not None
    return part, app


def receivers(session: Session) -> list[str]:
    """Every connected platform and subscribed unit: each active outbox channel hears of every repair
    (令第36号 第三条: 各领域信用信息系统 stop disclosing and sharing the repaired information)."""
    from xinyong.core.outbox import OutboxChannel

    return list(session.scalars(select(OutboxChannel.name).where(OutboxChannel.active.is_(True))
                                .order_by(OutboxChannel.name)))


def _last_message_id(session: Session) -> int:
    from xinyong.core.outbox import OutboxMessage

    session.flush()
    return int(session.scalar(select(func.max(OutboxMessage.id))) or 0)


def _caused_messages(session: Session, after_id: int, subject_key: str) -> list[int]:
    """Outbox messages about this subject written in this transaction by the change's event handlers."""
    from xinyong.core.outbox import OutboxMessage

    session.flush()
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.payload).where(
        OutboxMessage.id > after_id, OutboxMessage.topic.like("push.%")).order_by(OutboxMessage.id)).all()
    return [int(mid) for mid, payload in rows if isinstance(payload, dict) and payload.get("subject_key") == subject_key]


def _push(session: Session, payload: dict[str, Any]) -> list[int]:
    """One outbox message for the repair with one delivery per receiver, in the decision's transaction."""
    to = receivers(session)
    if not to:
        return []
    from xinyong.core import outbox

    return [outbox.enqueue(session, "repair.granted", payload, to).id]


def decide(
    session: Session,
    actor: Actor,
    part_id: int,
    *,
    grant: bool,
    reason: str | None = None,
    remedy: str | None = None,
    decision_number: str | None = None,
    today: dt.date | None = None,
) -> RepairPart:
    """The determining department decides its part; a grant changes everything in this transaction."""
    on = today or clock.today()
    part, app = load_part(session, part_id)
    check_department(actor, part, app.subject_key)
    if part.status != "pending":
        raise Conflict("repair_part_decided", f"该事项已于{part.decided_on}作出决定（{PART_STATUS_NAMES[part.status]}）")
    part.decided_on = on
    part.decided_at = clock.now()
    part.decided_by = actor.department or actor.name
    part.decision_number = (decision_number or "").strip() or None
    if not grant:
        if not (reason or "").strip() or not (remedy or "").strip():
            raise ValidationFailed("refusal_needs_reason", "不予修复须写明理由和救济途径（整改后可再次申请的条件）")
        part.status = "refused"
        part.reason = (reason or "").strip()
        part.remedy = (remedy or "").strip()
        session.flush()
        return part

    subject = _subject_region(session, app.subject_key)
    view = _target(session, part.target_kind, part.target_id, app.subject_key, subject, on)
    rule, assessment = _assess(session, view, part.declared, part.corrected_on, on)
    if rule is None or not assessment.ok:
        raise ValidationFailed(
            "repair_conditions_unmet",
            "不符合修复条件，不能准予修复：" + "；".join(p.reason for p in assessment.problems)
            + "。请作出不予修复决定并写明理由和救济途径。",
            details=[p.as_dict() for p in assessment.problems],
        )
    outcome = rule.outcome
    note = f"信用修复（申请号{app.number}，{part.decided_by}准予）"
    before = _last_message_id(session)
    if part.target_kind == "record":
        from xinyong.records import service as records

        records.set_status(session, part.target_id, R.RECORD_STATUS_OF[outcome], note)
    else:
        from xinyong.listing import service as listing

        listing.end_listing(session, part.target_id, "repaired", actor, on, document=part.decision_number)
    part.status = "granted"
    part.outcome = outcome.value
    part.reason = None
    part.remedy = None
    from xinyong.subjects.models import Subject

    who = session.scalar(select(Subject).where(Subject.subject_key == app.subject_key))
    payload = {
        "subject_key": app.subject_key,
        "subject": {"code": who.display_code, "name": who.name, "kind": who.kind,
                    "region_code": who.region_code} if who else None,
        "application": app.number,
        "part_id": part.id,
        "target_kind": part.target_kind,
        "target_id": part.target_id,
        "target_code": part.target_code,
        "target_label": part.target_label,
        "department": part.department,
        "decision_number": part.decision_number,
        "outcome": outcome.value,
        "outcome_name": R.OUTCOME_NAMES[outcome],
        "decided_on": on.isoformat(),
        "decided_by": part.decided_by,
    }
    session.flush()
    # the targeted push the change itself caused (measures: record.status_changed / listing.ended to the
    # subscribed implementing units) is part of the repair too: completeness waits for it as well
    part.messages = _caused_messages(session, before, app.subject_key) + _push(session, payload)
    emit(session, "repair.granted", payload)
    session.flush()
    return part


def _subject_region(session: Session, subject_key: str) -> str | None:
    from xinyong.subjects.models import Subject

    return session.scalar(select(Subject.region_code).where(Subject.subject_key == subject_key))


# --- reading ----------------------------------------------------------------------------------


def deliveries(session: Session, message_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Delivery state of each outbox message written with a grant (measures' outbox)."""
    if not message_ids:
        return []
    from xinyong.core import outbox

    rows = session.execute(select(outbox.OutboxMessage.id, outbox.OutboxMessage.topic)
                           .where(outbox.OutboxMessage.id.in_(list(message_ids)))).all()
    topics: dict[int, str] = {int(mid): str(topic) for mid, topic in rows}
    out: list[dict[str, Any]] = []
    for mid in message_ids:
        topic = topics.get(mid, "")
        for d in outbox.deliveries_of(session, mid):
            out.append({**d, "message_id": mid, "topic": topic, "topic_name": _topic_name(topic),
                        "delivered": d["status"] == "delivered"})
    return out


def _topic_name(topic: str) -> str:
    if topic == "repair.granted":
        return "信用修复结果"
    if topic.startswith("push."):
        return "定向推送：" + {"record.status_changed": "记录状态变更", "listing.ended": "移出名单"}.get(
            topic.removeprefix("push."), topic.removeprefix("push."))
    return topic


def is_overdue(part: RepairPart, on: dt.date) -> bool:
    """Decided after its deadline, or still pending past it (国办发〔2025〕22号 time limit)."""
    decided = part.decided_on if part.status != "pending" else None
    if decided is not None:
        return decided > part.deadline and part.decided_by != PLATFORM_CHECK
    return on > part.deadline


def describe_part(session: Session, part: RepairPart, on: dt.date) -> dict[str, Any]:
    sent = deliveries(session, part.messages) if part.status == "granted" else []
    outcome = R.Outcome(part.outcome) if part.outcome else None
    return {
        "id": part.id,
        "target_kind": part.target_kind,
        "target_kind_name": KIND_NAMES[part.target_kind],
        "target_id": part.target_id,
        "target_code": part.target_code,
        "target_label": part.target_label,
        "department": part.department,
        "severity": part.severity,
        "document_date": part.document_date.isoformat(),
        "declared": list(part.declared),
        "declared_names": [R.CONDITION_NAMES[R.Condition(d)] for d in part.declared],
        "corrected_on": part.corrected_on.isoformat() if part.corrected_on else None,
        "status": part.status,
        "status_name": PART_STATUS_NAMES[part.status],
        "deadline": part.deadline.isoformat(),
        "deadline_provisional": part.deadline_provisional,
        "overdue": is_overdue(part, on),
        "decided_on": part.decided_on.isoformat() if part.decided_on else None,
        "decided_by": part.decided_by,
        "decision_number": part.decision_number,
        "reason": part.reason,
        "remedy": part.remedy,
        "problems": list(part.problems or []),
        "outcome": part.outcome,
        "outcome_name": R.OUTCOME_NAMES[outcome] if outcome else None,
        "deliveries": sent,
        "undelivered": [d for d in sent if not d.get("delivered")],
    }


def overall_status(parts: Sequence[dict[str, Any]]) -> str:
    if any(p["status"] == "pending" for p in parts):
        return "processing"
    granted = [p for p in parts if p["status"] == "granted"]
    if not granted:
        return "refused"
    if any(p["undelivered"] for p in granted):
        return "syncing"
    return "completed" if len(granted) == len(parts) else "partially_completed"


def describe(session: Session, app: RepairApplication, on: dt.date | None = None) -> dict[str, Any]:
    day = on or clock.today()
    parts = [describe_part(session, p, day) for p in session.scalars(
        select(RepairPart).where(RepairPart.application_id == app.id).order_by(RepairPart.id))]
    status = overall_status(parts)
    attachments = session.execute(
        select(RepairAttachment.id, RepairAttachment.filename, RepairAttachment.content_type,
               RepairAttachment.size, RepairAttachment.sha256)
        .where(RepairAttachment.application_id == app.id).order_by(RepairAttachment.id)
    ).all()
    return {
        "id": app.id,
        "number": app.number,
        "applicant_name": app.applicant_name,
        "statement": app.statement,
        "filed_on": app.filed_on.isoformat(),
        "filed_by": app.filed_by,
        "reply_deadline": app.reply_deadline.isoformat(),
        "reply_deadline_provisional": app.reply_deadline_provisional,
        "status": status,
        "status_name": OVERALL_NAMES[status],
        "complete": status in ("completed", "partially_completed", "refused"),
        "overdue_parts": [p["id"] for p in parts if p["overdue"]],
        "pending_channels": [
            {"part_id": p["id"], **d} for p in parts for d in p["undelivered"]
        ],
        "parts": parts,
        "attachments": [
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
             "sha256": a.sha256} for a in attachments
        ],
    }


def get_application(session: Session, app_id: int) -> RepairApplication:
    app = session.get(RepairApplication, app_id)
    if app is None:
        raise NotFound("repair_application_not_found", "未找到该信用修复申请")
    return app


def check_can_read(actor: Actor, session: Session, app: RepairApplication) -> None:
    """A subject reads its own; a department the applications with a part routed to it."""
    if actor.role is Role.subject and actor.subject_key != app.subject_key:
        raise NotFound("repair_application_not_found", "未找到该信用修复申请")
    if actor.role is Role.determining_department:
        routed = session.scalar(select(func.count()).select_from(RepairPart).where(
            RepairPart.application_id == app.id, RepairPart.department == actor.department))
        if not routed:
            raise NotFound("repair_application_not_found", "未找到该信用修复申请")


def applications_of(session: Session, subject_key: str) -> list[RepairApplication]:
    return list(session.scalars(select(RepairApplication).where(
        RepairApplication.subject_key == subject_key).order_by(RepairApplication.id.desc())))


def recent_applications(session: Session, *, limit: int = 200) -> list[RepairApplication]:
    return list(session.scalars(select(RepairApplication).order_by(RepairApplication.id.desc()).limit(limit)))


def parts_for(session: Session, *, department: str | None, status: str | None = None,
              overdue_on: dt.date | None = None, limit: int = 200) -> list[tuple[RepairPart, RepairApplication]]:
    q = select(RepairPart, RepairApplication).join(
        RepairApplication, RepairApplication.id == RepairPart.application_id)
    if department is not None:
        q = q.where(RepairPart.department == department)
    if status is not None:
        q = q.where(RepairPart.status == status)
    if overdue_on is not None:
        q = q.where(RepairPart.status == "pending", RepairPart.deadline < overdue_on)
    rows = session.execute(q.order_by(RepairPart.deadline, RepairPart.id).limit(limit)).all()
    return [(p, a) for p, a in rows]


def attachment(session: Session, app: RepairApplication, attachment_id: int) -> RepairAttachment:
    att = session.get(RepairAttachment, attachment_id)
    if att is None or att.application_id != app.id:
        raise NotFound("attachment_not_found", "未找到该附件")
    return att


def read_attachment(session: Session, actor: Actor, app_id: int, attachment_id: int) -> RepairAttachment:
    """A proof attached to an application, for those who may read the application (registered first)."""
    app = get_application(session, app_id)
    guard(session, actor, "repair.read", purpose=Purpose.repair, subject_key=app.subject_key,
          detail={"attachment": attachment_id})
    check_can_read(actor, session, app)
    return attachment(session, app, attachment_id)


def candidates(session: Session, subject_key: str, on: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """What a subject may name in an application: its active records and listings, with a rule preview."""
    from xinyong.records import service as records

    day = on or clock.today()
    region = _subject_region(session, subject_key)
    out: dict[str, list[dict[str, Any]]] = {"records": [], "listings": []}
    for rec in records.records_for_subject(session, subject_key, only_active=True):
        view = _record_view(session, rec.id)
        assert view is not None
        out["records"].append(_candidate(session, view, day))
    from xinyong.listing import service as listing

    for row in listing.active_listings(session, subject_key, day):
        view = _listing_view(session, subject_key, int(row["listing_id"]), day, region)
        if view is not None:
            out["listings"].append(_candidate(session, view, day))
    return out


def _candidate(session: Session, view: TargetView, on: dt.date) -> dict[str, Any]:
    rule, assessment = _assess(session, view, [c.value for c in R.DECLARED], None, on)
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


# --- supporting records ------------------------------------------------------------------------


def add_commitment(session: Session, subject_key: str, *, text: str, signer: str,
                   today: dt.date | None = None) -> CreditCommitment:
    """A public credit commitment (893 §九: 通过信用网站向社会公开，记入信用记录)."""
    body = text.strip()
    if len(body) < 20:
        raise ValidationFailed("commitment_too_short", "信用承诺内容过短，请写明守法诚信、接受监督、违诺担责等承诺事项")
    if not signer.strip():
        raise ValidationFailed("missing_signer", "请填写承诺人（法定代表人或本人）姓名")
    c = CreditCommitment(subject_key=subject_key, text=body, signer=signer.strip()[:200],
                         signed_on=today or clock.today(), created_at=clock.now())
    session.add(c)
    session.flush()
    return c


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("invalid_hours", "培训学时须为数字") from None
    if not hours.is_finite() or hours <= 0 or hours > 100 or hours != hours.quantize(Decimal("0.1")):
        raise ValidationFailed("invalid_hours", "培训学时须大于0、不超过100，最多一位小数")
    return hours


def add_training(session: Session, subject_key: str, *, provider: str, course: str, hours: Any,
                 attended_on: dt.date, attendee: str, certificate_number: str | None, recorded_by: str,
                 today: dt.date | None = None) -> TrainingAttendance:
    """Repair training attendance (893 §十: 不少于3个学时，记入失信主体信用记录)."""
    if attended_on > (today or clock.today()):
        raise ValidationFailed("future_training", "培训日期不能晚于今天")
    if not provider.strip() or not course.strip() or not attendee.strip():
        raise ValidationFailed("training_incomplete", "请填写培训举办单位、课程名称和参训人")
    t = TrainingAttendance(
        subject_key=subject_key, provider=provider.strip()[:200], course=course.strip()[:200],
        hours=_hours(hours), attended_on=attended_on, attendee=attendee.strip()[:100],
        certificate_number=(certificate_number or "").strip() or None, recorded_by=recorded_by,
        created_at=clock.now(),
    )
    session.add(t)
    session.flush()
    return t


def add_report(session: Session, subject_key: str, *, agency_id: int, report_number: str,
               issued_on: dt.date, summary: str, today: dt.date | None = None) -> CreditReport:
    """A credit report issued by a registered, active credit service agency (893 §十一)."""
    agency = session.get(CreditAgency, agency_id)
    if agency is None:
        raise ValidationFailed("unknown_agency", "该信用服务机构不在具有资质的信用服务机构名录内")
    if agency.status != "active":
        raise ValidationFailed("agency_suspended", f"信用服务机构“{agency.name}”已被暂停，其出具的信用报告不予采用")
    if issued_on > (today or clock.today()):
        raise ValidationFailed("future_report", "报告出具日期不能晚于今天")
    if not report_number.strip():
        raise ValidationFailed("missing_report_number", "请填写信用报告编号")
    r = CreditReport(subject_key=subject_key, agency_id=agency.id, report_number=report_number.strip()[:100],
                     issued_on=issued_on, summary=summary.strip(), created_at=clock.now())
    session.add(r)
    session.flush()
    return r


def add_agency(session: Session, *, name: str, uscc: str, filing_number: str) -> CreditAgency:
    checked = check_code(uscc)
    if not checked.valid or checked.kind is None or checked.kind.value == "individual":
        raise ValidationFailed("invalid_agency_uscc", f"统一社会信用代码无效：{checked.reason or '不是组织机构代码'}")
    if not name.strip() or not filing_number.strip():
        raise ValidationFailed("agency_incomplete", "请填写机构名称和备案编号")
    if session.scalar(select(CreditAgency).where(CreditAgency.uscc == checked.code)):
        raise Conflict("agency_exists", "该信用服务机构已在名录内")
    now = clock.now()
    a = CreditAgency(name=name.strip()[:200], uscc=checked.code, filing_number=filing_number.strip()[:100],
                     status="active", status_reason=None, created_at=now, updated_at=now)
    session.add(a)
    session.flush()
    return a


def set_agency_status(session: Session, agency_id: int, *, active: bool, reason: str) -> CreditAgency:
    a = session.get(CreditAgency, agency_id, with_for_update=True)
    if a is None:
        raise NotFound("agency_not_found", "未找到该信用服务机构")
    if not active and not reason.strip():
        raise ValidationFailed("suspension_needs_reason", "暂停信用服务机构须写明理由")
    a.status = "active" if active else "suspended"
    a.status_reason = reason.strip() or None
    a.updated_at = clock.now()
    session.flush()
    return a


def agencies(session: Session) -> list[CreditAgency]:
    return list(session.scalars(select(CreditAgency).order_by(CreditAgency.name)))


def describe_agency(a: CreditAgency) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "uscc": a.uscc, "filing_number": a.filing_number,
            "status": a.status, "status_name": "正常" if a.status == "active" else "已暂停",
            "status_reason": a.status_reason}


def public_commitments(session: Session, subject_key: str, *, masked: bool = False) -> list[dict[str, Any]]:
    """Commitments are public (893 §九: 通过“信用中国”网站向社会公开); on public pages the signer's
    name is masked like every personal name (disclosure.masking)."""
    from xinyong.disclosure.masking import mask_name

    rows = session.scalars(select(CreditCommitment).where(CreditCommitment.subject_key == subject_key)
                           .order_by(CreditCommitment.signed_on.desc(), CreditCommitment.id.desc()))
    return [{"id": c.id, "text": c.text, "signer": mask_name(c.signer) if masked else c.signer,
             "signed_on": c.signed_on.isoformat()} for c in rows]


def supporting(session: Session, subject_key: str) -> dict[str, list[dict[str, Any]]]:
    trainings = session.scalars(select(TrainingAttendance).where(TrainingAttendance.subject_key == subject_key)
                                .order_by(TrainingAttendance.attended_on.desc()))
    reports = session.execute(
        select(CreditReport, CreditAgency).join(CreditAgency, CreditAgency.id == CreditReport.agency_id)
        .where(CreditReport.subject_key == subject_key).order_by(CreditReport.issued_on.desc()))
    return {
        "commitments": public_commitments(session, subject_key),
        "trainings": [{"id": t.id, "provider": t.provider, "course": t.course,
                       "hours": format(Decimal(t.hours).normalize(), "f"),
                       "attended_on": t.attended_on.isoformat(), "attendee": t.attendee,
                       "certificate_number": t.certificate_number} for t in trainings],
        "credit_reports": [{"id": r.id, "agency": a.name, "agency_status": a.status,
                            "report_number": r.report_number, "issued_on": r.issued_on.isoformat(),
                            "summary": r.summary} for r, a in reports],
    }


def credit_file_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    """The repair section of the credit file: applications, commitments, training, reports."""
    rows: list[dict[str, Any]] = []
    for app in applications_of(session, subject_key):
        d = describe(session, app)
        rows.append({"type": "application", "number": d["number"], "filed_on": d["filed_on"],
                     "status": d["status"], "status_name": d["status_name"],
                     "parts": [{k: p[k] for k in ("target_kind", "target_label", "department", "status",
                                                  "outcome", "reason", "remedy")} for p in d["parts"]]})
    extra = supporting(session, subject_key)
    rows += [{"type": "commitment", **c} for c in extra["commitments"]]
    rows += [{"type": "training", **t} for t in extra["trainings"]]
    rows += [{"type": "credit_report", **r} for r in extra["credit_reports"]]
    return rows


register_section("repair", credit_file_section)
