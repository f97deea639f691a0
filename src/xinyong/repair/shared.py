"""What filing, deciding and evidence share: the targets of a repair (records and listings), the
evidence a rule is assessed against, the description of applications and parts, and the access checks of
repair (who owns a part, which territory a credit office oversees, who reads an application).

Pure access checks return the Chinese reason of a refusal or None and are passed to ``door.require``
(:mod:`xinyong.core.usecase`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from xinyong.agencies import public as registry
from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.authority import NATIONAL_REGION, identity_denial, territory_denial
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.repair import rules as R
from xinyong.repair.loader import repair_rules
from xinyong.repair.models import (
    CreditCommitment,
    CreditReport,
    RepairApplication,
    RepairAttachment,
    RepairPart,
    TrainingAttendance,
)

PLATFORM_CHECK = "平台预审（规则校验）"
PART_STATUS_NAMES = {"pending": "办理中", "granted": "准予修复", "refused": "不予修复"}
KIND_NAMES = {"record": "失信行为记录", "listing": "严重失信主体名单"}
OVERALL_NAMES = {
    "processing": "办理中",
    "syncing": "已准予修复，正在同步至各单位和平台",
    "completed": "修复完成",
    "partially_completed": "部分修复完成",
    "refused": "不予修复",
}


# --- access: ownership, territory, own applications ------------------------------------------------


def owner_denial(actor: Actor, department: str) -> str | None:
    """谁认定、谁修复: a part is decided only by the department that determined the record or listing
    it concerns — not another department, not the credit office, not the platform's administrator.

    Principle as reported for 国家发展改革委令第36号（信用修复管理办法）; the article text is not in
    ../shared/reference (basis_verified: false)."""
    if actor.role is Role.determining_department and actor.department == department:
        return identity_denial(actor.department, actor.region_code, "作出修复决定")
    who = actor.department or actor.name
    return f"该修复事项由认定部门{department}决定（谁认定、谁修复），{who}无权作出修复决定"


def oversight_denial(actor: Actor, subject_region: str | None, what: str) -> str | None:
    """A credit office oversees only the subjects of its territory (its region and those below)."""
    if actor.role is not Role.credit_office:
        return None
    return territory_denial(actor.region_code, subject_region, what)


def unplaced_denial(actor: Actor, what: str) -> str | None:
    """A credit office without a region administers no territory, so it oversees nothing."""
    if actor.role is Role.credit_office and not actor.region_code:
        return f"本单位未登记行政区划代码，不能{what}"
    return None


def territory_prefix(actor: Actor) -> str | None:
    """The GB/T 2260 prefix a credit office's lists are limited to; None for no limit (other roles, a
    national office). A credit office without a region oversees nothing (refused by the caller)."""
    if actor.role is not Role.credit_office or actor.region_code in (None, NATIONAL_REGION):
        return None
    prefix = (actor.region_code or "").rstrip("0")
    return prefix + "0" if len(prefix) % 2 else prefix


def territory_clause(actor: Actor, subject_key_column: Any) -> ColumnElement[bool] | None:
    """The condition limiting applications or parts to the subjects of a credit office's territory
    (None: no limit)."""
    from xinyong.subjects.public import keys_in_region

    prefix = territory_prefix(actor)
    if prefix is None:
        return None
    return subject_key_column.in_(keys_in_region(prefix))


def subject_region(session: Session, subject_key: str) -> str | None:
    from xinyong.subjects import public

    return public.subject_region(session, subject_key)


def subject_card(session: Session, subject_key: str) -> dict[str, Any] | None:
    """What a repair message says of its subject (code as displayed, name, kind, region)."""
    from xinyong.subjects.public import subject_view

    who = subject_view(session, subject_key)
    if who is None:
        return None
    return {"code": who.display_code, "name": who.name, "kind": who.kind, "region_code": who.region_code}


def subject_by_ref(session: Session, ref: str) -> tuple[str, dict[str, Any]]:
    """A subject by code or by subject key (individuals' codes are never shown in clear): its key and its
    public description."""
    from xinyong.subjects import public

    by_key = public.subject_view(session, ref) if len(ref) == 40 else None
    subject = by_key or public.require_subject(session, ref)
    return subject.subject_key, public.describe(subject)


def subject_key_of(session: Session, actor: Actor, subject_code: str | None) -> str:
    """A subject acts for itself; the credit office or an administrator names the subject (window)."""
    from xinyong.subjects.public import require_subject

    if actor.role is Role.subject:
        if not actor.subject_key:
            raise ValidationFailed("subject_account_unbound", "该账户未绑定信用主体，不能办理信用修复事项")
        return actor.subject_key
    if not subject_code:
        raise ValidationFailed("missing_subject_code", "代为办理须写明信用主体的统一社会信用代码或身份号码")
    return require_subject(session, subject_code).subject_key


# --- targets: records and listings -------------------------------------------------------------------


@dataclass(frozen=True)
class TargetView:
    kind: str  # record / listing
    id: int
    subject_key: str
    code: str  # catalog item / list type
    label: str
    department: str  # the determining department (谁认定)
    severity: str
    document_date: dt.date
    region: str | None
    active: bool


def record_view(session: Session, record_id: int) -> TargetView | None:
    """A record; its determining department is the record's ``department`` where the records capability
    carries it, else the issuing authority of its document."""
    from xinyong.records import service as records

    rec = records.get(session, record_id)
    if rec is None:
        return None
    department = getattr(rec, "department", None) or rec.issuing_authority
    return TargetView(
        kind="record", id=rec.id, subject_key=rec.subject_key, code=rec.catalog_item,
        label=f"{rec.document_number}（{rec.issuing_authority}）", department=department,
        severity=rec.severity, document_date=rec.decision_date, region=rec.region_code,
        active=rec.status == "active",
    )


def listing_view(session: Session, subject_key: str, listing_id: int, on: dt.date,
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


def target(session: Session, kind: str, target_id: int, subject_key: str, region: str | None,
           on: dt.date) -> TargetView:
    view = (record_view(session, target_id) if kind == "record"
            else listing_view(session, subject_key, target_id, on, region))
    if view is None or view.subject_key != subject_key:
        what = "失信行为记录" if kind == "record" else "有效的名单列入"
        raise NotFound("repair_target_not_found", f"未找到该主体的{what}（编号{target_id}）")
    return view


# --- evidence and assessment ---------------------------------------------------------------------------


def evidence(session: Session, subject_key: str, since: dt.date, on: dt.date,
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
        select(CreditReport)
        .where(CreditReport.subject_key == subject_key, CreditReport.issued_on >= since,
               CreditReport.issued_on <= on)
        .order_by(CreditReport.issued_on.desc(), CreditReport.id.desc())
    ).first()
    agency_ok = None if report is None else registry.report_refusal(
        session, report[0].agency_id, report[0].issued_on) is None
    return R.Evidence(
        declared=frozenset(R.Condition(d) for d in declared),
        commitment_on=commitment_on, training_hours=Decimal(str(hours or 0)),
        credit_report_agency_ok=agency_ok,
    )


def rule_for(view: TargetView) -> R.RepairRule | None:
    kind = R.TargetKind.catalog_item if view.kind == "record" else R.TargetKind.list_type
    return repair_rules().find(kind, view.code, view.region)


def assess(session: Session, view: TargetView, declared: Sequence[str], corrected_on: dt.date | None,
           on: dt.date) -> tuple[R.RepairRule | None, R.Assessment]:
    rule = rule_for(view)
    facts = R.Target(
        kind=R.TargetKind.catalog_item if view.kind == "record" else R.TargetKind.list_type,
        code=view.code, severity=view.severity, document_date=view.document_date,
        status_active=view.active, corrected_on=corrected_on,
    )
    found = evidence(session, view.subject_key, view.document_date, on, declared)
    return rule, R.assess(rule, facts, found, repair_rules(), on)


# --- reading applications and parts ----------------------------------------------------------------


def get_application(session: Session, app_id: int) -> RepairApplication:
    app = session.get(RepairApplication, app_id)
    if app is None:
        raise NotFound("repair_application_not_found", "未找到该信用修复申请")
    return app


def routed_to(session: Session, app: RepairApplication, department: str | None) -> bool:
    return bool(session.scalar(select(func.count()).select_from(RepairPart).where(
        RepairPart.application_id == app.id, RepairPart.department == department)))


def applications_of(session: Session, subject_key: str) -> list[RepairApplication]:
    return list(session.scalars(select(RepairApplication).where(
        RepairApplication.subject_key == subject_key).order_by(RepairApplication.id.desc())))


def parts_for(session: Session, actor: Actor, *, department: str | None, status: str | None = None,
              overdue_on: dt.date | None = None, limit: int = 200) -> list[tuple[RepairPart, RepairApplication]]:
    """Parts (with their application) of one department, or all, limited to a credit office's territory."""
    q = select(RepairPart, RepairApplication).join(
        RepairApplication, RepairApplication.id == RepairPart.application_id)
    if department is not None:
        q = q.where(RepairPart.department == department)
    if status is not None:
        q = q.where(RepairPart.status == status)
    if overdue_on is not None:
        q = q.where(RepairPart.status == "pending", RepairPart.deadline < overdue_on)
    limit_to = territory_clause(actor, RepairApplication.subject_key)
    if limit_to is not None:
        q = q.where(limit_to)
    rows = session.execute(q.order_by(RepairPart.deadline, RepairPart.id).limit(limit)).all()
    return [(p, a) for p, a in rows]


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


def describe_rows(session: Session, rows: Sequence[tuple[RepairPart, RepairApplication]],
                  on: dt.date) -> list[dict[str, Any]]:
    return [{**describe_part(session, p, on), "application_id": a.id, "application": a.number}
            for p, a in rows]


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
