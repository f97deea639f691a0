"""Use cases of the cleanup ledger, each behind the one door (:func:`xinyong.core.usecase.use_case`).

Who may do what (大高信办字〔2021〕1号 一、二（一）and 附件: 各单位……建立本单位失信约束措施台账……
报送至区信用办; 淮政办发〔2021〕13号 六（二）: 各级信用管理部门……对本区域内……加强规范指导):

- a unit (the ``department`` of the acting principal) registers, reads and changes its own documents,
  clause decisions, ledger and submissions — and no other unit's;
- a credit office oversees the units of its region and below: it reads their documents and ledgers,
  sees them in the roll-up and may register a document for one of them, but the decisions stay the
  unit's own; it sets the milestones;
- an administrator reaches every unit.

The unit is never taken from free text: a unit acts for its own department, and an overseer names a
registered unit by its principal id or its exact registered department name (unknown → 422). Every
refusal is logged in its own transaction by the door; the purpose of every access is 审查.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, actor_of
from xinyong.core.authority import territory_denial
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.models import Principal
from xinyong.core.policy import Role
from xinyong.core.usecase import Door, use_case
from xinyong.ledger import milestones as plans_
from xinyong.ledger import rules
from xinyong.ledger.bases import registry
from xinyong.ledger.extract import Extracted
from xinyong.ledger.models import LedgerClause, LedgerMilestone, LedgerSubmission, PolicyDocument
from xinyong.ledger.rules import Disposition
from xinyong.ledger.xlsx import build_workbook

OVERSEERS = frozenset({Role.admin, Role.credit_office})
#: roles that keep a ledger of their own (a principal registered as a unit)
UNIT_ROLES = frozenset({Role.credit_office, Role.determining_department, Role.implementing_unit})
DISPOSITIONS = tuple(d.value for d in Disposition)
OTHER_UNIT = "只能查看和编辑本单位的失信约束措施台账"


# --- the unit and the access decision -----------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A unit that keeps a ledger: its registered department name and region."""

    name: str
    region_code: str | None


def actor_unit(actor: Actor) -> str:
    """The unit whose ledger an officer keeps."""
    return (actor.department or actor.name).strip()


def own_unit(actor: Actor) -> Unit:
    return Unit(actor_unit(actor), actor.region_code)


def _unit_principal(session: Session, ref: str) -> Principal | None:
    """A registered unit by principal id or exact department name (the oldest active principal)."""
    query = select(Principal).where(Principal.active.is_(True),
                                    Principal.role.in_([r.value for r in UNIT_ROLES]))
    if ref.isdigit():
        return session.scalar(query.where(Principal.id == int(ref), Principal.department.is_not(None)))
    return session.scalar(query.where(Principal.department == ref).order_by(Principal.id).limit(1))


def resolve_unit(session: Session, ref: str) -> Unit:
    """The registered unit named by ``ref``; 422 in Chinese when there is none."""
    p = _unit_principal(session, ref.strip())
    if p is None or not p.department:
        raise ValidationFailed(
            "unknown_unit", f"未找到已登记的单位“{ref}”：请填写单位的主体编号或准确的登记部门名称")
    return Unit(p.department, p.region_code)


def unit_actor(ref: str) -> Actor:
    """The actor of a registered unit (the CLI acts for a unit); 422 when there is none."""
    with unit_of_work() as s:
        p = _unit_principal(s, ref.strip())
        if p is None or not p.department:
            raise ValidationFailed(
                "unknown_unit", f"未找到已登记的单位“{ref}”：请填写单位的主体编号或准确的登记部门名称")
        return actor_of(p)


def _oversight_denial(actor: Actor, unit: Unit, *, change: bool) -> str | None:
    """Why ``actor`` may not reach ``unit``'s ledger, or None (see the module's docstring)."""
    if unit.name == actor_unit(actor) or actor.role == Role.admin:
        return None
    if actor.role != Role.credit_office:
        return OTHER_UNIT
    if change:
        return "失信约束措施台账的审核意见和栏目由单位自行填写，信用办只能查看和汇总"
    if unit.region_code is None:
        return f"单位“{unit.name}”未登记行政区划代码，只有平台管理员可以查看其台账"
    return territory_denial(actor.region_code, unit.region_code, f"查看“{unit.name}”的失信约束措施台账")


def _target(door: Door, ref: str | None, *, change: bool = False) -> Unit:
    """The unit a use case works on: the actor's own, or one an overseer names."""
    actor = door.actor
    name = (ref or "").strip()
    if len(name) > 200:
        raise ValidationFailed("invalid_unit", "单位名称过长（不超过200字）")
    if not name or name == actor_unit(actor) or (actor.id is not None and name == str(actor.id)):
        unit = own_unit(actor)
    elif actor.role not in OVERSEERS:
        door.detail["unit"] = name
        door.refuse(OTHER_UNIT, code="ledger_other_unit")
    else:
        unit = resolve_unit(door.session, name)
    door.detail["unit"] = unit.name
    door.require(_oversight_denial(actor, unit, change=change), code="ledger_other_unit")
    return unit


def _document(door: Door, document_id: int, *, change: bool = False, lock: bool = False) -> PolicyDocument:
    doc = door.session.get(PolicyDocument, document_id, with_for_update=lock)
    if doc is None:
        raise NotFound("ledger_document_not_found", "未找到该文件")
    door.detail.update({"document_id": document_id, "unit": doc.unit_name})
    door.require(_oversight_denial(door.actor, Unit(doc.unit_name, doc.region_code), change=change),
                 code="ledger_other_unit")
    return doc


def _disposition(value: str | None, field: str = "处置方式") -> str | None:
    if value is None or value == "":
        return None
    if value not in DISPOSITIONS:
        raise ValidationFailed("invalid_disposition", f"{field}“{value}”无效，可选：{'、'.join(DISPOSITIONS)}")
    return value


def _clauses(session: Session, document_id: int) -> list[LedgerClause]:
    return list(session.scalars(
        select(LedgerClause).where(LedgerClause.document_id == document_id).order_by(LedgerClause.seq)
    ))


def clause_view(c: LedgerClause) -> rules.ClauseView:
    return rules.ClauseView(
        text=c.text, credit_information=c.includes_credit_information, blacklist=c.creates_blacklist,
        punishment=c.imposes_punishment, scores_individuals=c.scores_individuals,
        national_basis=c.national_basis, local_basis=c.local_basis, fully_covered=c.fully_covered,
        proposed_disposition=c.proposed_disposition, conflicts=tuple(c.conflicts or ()),
        dismissed=c.dismissed, decided_disposition=c.decided_disposition,
        decided_national_basis=c.decided_national_basis, decided_local_basis=c.decided_local_basis,
        decided_basis_text=c.decided_basis_text,
    )


def document_view(doc: PolicyDocument, clauses: list[LedgerClause]) -> rules.DocumentView:
    return rules.DocumentView(
        title=doc.title, doc_number=doc.doc_number, clauses=tuple(clause_view(c) for c in clauses),
        proposed_disposition=doc.proposed_disposition, decided_disposition=doc.decided_disposition,
        completion_due=doc.completion_due, completed_on=doc.completed_on,
        responsible_unit=doc.responsible_unit, responsible_person=doc.responsible_person, phone=doc.phone,
    )


def describe_clause(c: LedgerClause) -> dict[str, Any]:
    view = clause_view(c)
    return {
        "id": c.id,
        "seq": c.seq,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "proposal": {
            "includes_credit_information": c.includes_credit_information,
            "creates_blacklist": c.creates_blacklist,
            "imposes_punishment": c.imposes_punishment,
            "scores_individuals": c.scores_individuals,
            "national_basis": c.national_basis,
            "local_basis": c.local_basis,
            "fully_covered": c.fully_covered,
            "disposition": c.proposed_disposition,
            "reason": c.proposed_reason,
            "conflicts": list(c.conflicts or ()),
            "evidence": c.evidence,
        },
        "decision": None if c.decided_at is None else {
            "dismissed": c.dismissed,
            "disposition": c.decided_disposition,
            "national_basis": c.decided_national_basis,
            "local_basis": c.decided_local_basis,
            "basis_text": c.decided_basis_text,
            "note": c.decision_note,
            "decided_by": c.decided_by,
            "decided_at": decision_stamp(c.decided_at),
            "confirmed": (not c.dismissed and c.decided_disposition == c.proposed_disposition
                          and c.decided_national_basis is None and c.decided_local_basis is None
                          and not c.decided_basis_text),
        },
        "effective_disposition": None if c.dismissed else view.disposition,
    }


def _rows(seq: int, view: rules.DocumentView, clauses: list[LedgerClause]) -> list[dict[str, Any]]:
    """The document's ledger rows (one per measure), each with the clause it comes from."""
    live = [c.id for c in clauses if not c.dismissed]
    return [{"clause_id": live[i] if i < len(live) else None,
             "values": dict(zip(rules.LEDGER_COLUMNS, row, strict=True))}
            for i, row in enumerate(rules.ledger_rows(seq, view))]


def describe_document(doc: PolicyDocument, clauses: list[LedgerClause], *, with_text: bool = False,
                      seq: int = 1) -> dict[str, Any]:
    view = document_view(doc, clauses)
    out: dict[str, Any] = {
        "id": doc.id,
        "unit_name": doc.unit_name,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issuing_unit": doc.issuing_unit,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "source_format": doc.source_format,
        "filename": doc.filename,
        "content_hash": doc.content_hash,
        "analysed_on": doc.analysed_on.isoformat(),
        "proposed_disposition": doc.proposed_disposition,
        "proposed_reason": doc.proposed_reason,
        "decided_disposition": doc.decided_disposition,
        "decision_note": doc.decision_note,
        "disposition": view.disposition,
        "completion_due": doc.completion_due.isoformat() if doc.completion_due else None,
        "completed_on": doc.completed_on.isoformat() if doc.completed_on else None,
        "responsible_unit": doc.responsible_unit,
        "responsible_person": doc.responsible_person,
        "phone": doc.phone,
        "clause_count": len(clauses),
        "undecided_count": sum(1 for c in clauses if c.decided_at is None),
        "name_with_number": view.name_with_number(),
        "rows": _rows(seq, view, clauses),
        "clauses": [describe_clause(c) for c in clauses],
    }
    if with_text:
        out["text"] = doc.text
    return out


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInput:
    unit_name: str | None
    title: str | None
    doc_number: str | None
    issuing_unit: str | None
    issued_on: dt.date | None


def _clean(value: str | None, limit: int, field: str) -> str | None:
    v = (value or "").strip()
    if len(v) > limit:
        raise ValidationFailed("field_too_long", f"{field}过长（不超过{limit}字）")
    return v or None


def register_document(actor: Actor, meta: DocumentInput, extracted: Extracted,
                      filename: str | None = None) -> dict[str, Any]:
    """Register a policy document, analyse it and store the proposals (one transaction)."""
    today = clock.today()
    title = _clean(meta.title, 300, "文件名称") or rules.guess_title(extracted.text)
    if not title:
        raise ValidationFailed("missing_title", "请填写文件名称")
    # the 文号 given, else the one printed in the document's first lines (淮交发〔2020〕8号); editable later
    doc_number = _clean(meta.doc_number, 120, "文号") or rules.find_doc_number(extracted.text)
    if meta.issued_on is not None and meta.issued_on > today:
        raise ValidationFailed("issued_in_future", "印发日期不能晚于今天")
    analysis = rules.analyze(extracted.text, registry(today), title=title)
    try:
        with use_case(actor, "ledger.write", purpose=Purpose.audit,
                      detail={"title": title, "content_hash": extracted.content_hash}) as door:
            s = door.session
            target = _target(door, meta.unit_name)
            unit = target.name
            door.admit()
            existing = s.scalar(select(PolicyDocument).where(
                PolicyDocument.unit_name == unit, PolicyDocument.content_hash == extracted.content_hash))
            if existing is not None:
                raise Conflict("ledger_document_exists", f"该文件已登记（《{existing.title}》）",
                               details={"document_id": existing.id})
            now = clock.now()
            doc = PolicyDocument(
                unit_name=unit, region_code=target.region_code, title=title, doc_number=doc_number,
                issuing_unit=_clean(meta.issuing_unit, 200, "制发单位") or unit,
                issued_on=meta.issued_on, source_format=extracted.format,
                filename=_clean(filename, 300, "文件名"), content_hash=extracted.content_hash,
                text=extracted.text, analysed_on=today,
                proposed_disposition=analysis.disposition.value, proposed_reason=analysis.reason,
                responsible_unit=unit, created_by=actor.name, created_at=now, updated_at=now,
            )
            s.add(doc)
            s.flush()
            for i, r in enumerate(analysis.clauses, start=1):
                s.add(LedgerClause(
                    document_id=doc.id, seq=i, start=r.start, end=r.end, text=r.text,
                    includes_credit_information=r.flags.credit_information,
                    creates_blacklist=r.flags.blacklist, imposes_punishment=r.flags.punishment,
                    scores_individuals=r.flags.scores_individuals, national_basis=r.national_basis,
                    local_basis=r.local_basis, fully_covered=all(r.covered.values()),
                    proposed_disposition=r.disposition.value, proposed_reason=r.reason,
                    conflicts=list(r.conflicts), evidence=r.flags.evidence, dismissed=False,
                ))
            s.flush()
            return describe_document(doc, _clauses(s, doc.id))
    except IntegrityError:
        raise Conflict("ledger_document_exists", "该文件已登记") from None


def list_documents(actor: Actor, unit_name: str | None = None) -> dict[str, Any]:
    with use_case(actor, "ledger.read", purpose=Purpose.audit) as door:
        s = door.session
        unit = _target(door, unit_name).name
        entry = door.admit()
        docs = list(s.scalars(select(PolicyDocument).where(PolicyDocument.unit_name == unit)
                              .order_by(PolicyDocument.issued_on.is_(None), PolicyDocument.issued_on,
                                        PolicyDocument.id)))
        out = [describe_document(d, _clauses(s, d.id), seq=i) for i, d in enumerate(docs, start=1)]
        entry.result_count = len(out)
        return {"unit_name": unit, "documents": out}


def get_document(actor: Actor, document_id: int) -> dict[str, Any]:
    with use_case(actor, "ledger.read", purpose=Purpose.audit) as door:
        doc = _document(door, document_id)
        door.admit(result_count=1)
        return describe_document(doc, _clauses(door.session, doc.id), with_text=True)


def decision_stamp(at: dt.datetime | None) -> str | None:
    """When a clause's review was last saved, as one UTC text on both engines (SQLite hands timestamps
    back without their zone): the version an officer's page was built on."""
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


@dataclass(frozen=True)
class ClauseDecision:
    """An officer's review of one clause. ``based_on`` is the ``decided_at`` of the review the officer
    saw ("" when it had none): if another officer saved in between, the save is refused (409) instead of
    silently replacing the other's review. None skips the check (an API client that does not send it)."""

    confirm: bool = False
    dismissed: bool = False
    disposition: str | None = None
    national_basis: bool | None = None
    local_basis: bool | None = None
    basis_text: str | None = None
    note: str | None = None
    based_on: str | None = None


def decide_clause(actor: Actor, clause_id: int, decision: ClauseDecision) -> dict[str, Any]:
    """Confirm the proposal or override it; the proposal itself is never changed."""
    with use_case(actor, "ledger.decide", purpose=Purpose.audit, detail={"clause_id": clause_id},
                  serialise=True) as door:
        s = door.session
        clause = s.get(LedgerClause, clause_id, with_for_update=True)
        if clause is None:
            raise NotFound("ledger_clause_not_found", "未找到该条款")
        doc = _document(door, clause.document_id, change=True)
        door.admit()
        if decision.based_on is not None and (decision.based_on or None) != decision_stamp(clause.decided_at):
            raise Conflict("clause_review_changed",
                           f"该条款的审核意见已由{clause.decided_by or '他人'}更新，请刷新页面查看后再保存",
                           details={"status": "decided", "current": describe_clause(clause)["decision"]})
        note = _clean(decision.note, 2000, "说明")
        if decision.confirm:
            clause.dismissed = False
            clause.decided_disposition = clause.proposed_disposition
            clause.decided_national_basis = None
            clause.decided_local_basis = None
            clause.decided_basis_text = None
        elif decision.dismissed:
            if not note:
                raise ValidationFailed("note_required", "认定该条款不涉及失信约束措施时，请说明理由")
            clause.dismissed = True
            clause.decided_disposition = None
            clause.decided_national_basis = None
            clause.decided_local_basis = None
            clause.decided_basis_text = None
        else:
            disposition = _disposition(decision.disposition)
            if disposition is None:
                raise ValidationFailed("missing_disposition", "请选择处置方式，或确认建议")
            overrides = (disposition != clause.proposed_disposition or decision.national_basis is not None
                         or decision.local_basis is not None or bool(decision.basis_text))
            if overrides and not note:
                raise ValidationFailed("note_required", "改变分析建议时，请填写理由")
            clause.dismissed = False
            clause.decided_disposition = disposition
            clause.decided_national_basis = decision.national_basis
            clause.decided_local_basis = decision.local_basis
            clause.decided_basis_text = _clean(decision.basis_text, 4000, "依据的具体内容")
        problem = rules.decision_denial(clause_view(clause))
        if problem is not None:
            raise ValidationFailed("conflicting_keep" if clause.conflicts else "inconsistent_decision", problem)
        clause.decision_note = note
        clause.decided_by = actor.name
        clause.decided_at = clock.now()
        doc.updated_at = clock.now()
        s.flush()
        return describe_clause(clause)


_DOC_FIELDS = {
    "completion_due", "completed_on", "responsible_unit", "responsible_person", "phone",
    "decided_disposition", "decision_note", "doc_number", "title", "issuing_unit", "issued_on",
}


def update_document(actor: Actor, document_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - _DOC_FIELDS
    if unknown:
        raise ValidationFailed("unknown_fields", f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with use_case(actor, "ledger.write", purpose=Purpose.audit, detail={"fields": sorted(changes)}) as door:
        s = door.session
        doc = _document(door, document_id, change=True, lock=True)
        door.admit()
        limits = {"responsible_unit": (200, "责任单位"), "responsible_person": (200, "责任人姓名及职务"),
                  "phone": (40, "电话"), "decision_note": (2000, "说明"), "doc_number": (120, "文号"),
                  "title": (300, "文件名称"), "issuing_unit": (200, "制发单位")}
        for key, value in changes.items():
            if key in limits:
                limit, name = limits[key]
                value = _clean(value, limit, name)
                if key in ("title", "issuing_unit") and not value:
                    raise ValidationFailed("missing_field", f"{name}不能为空")
            elif key == "decided_disposition":
                value = _disposition(value)
                if value == Disposition.keep.value:
                    for c in _clauses(s, doc.id):
                        kept = dataclasses.replace(clause_view(c), decided_disposition=value)
                        problem = rules.decision_denial(kept)
                        if problem is not None:
                            raise ValidationFailed(
                                "conflicting_keep" if c.conflicts else "inconsistent_decision",
                                f"第{c.seq}处条款：{problem}")
            elif key == "completed_on" and value is not None and value > clock.today():
                raise ValidationFailed("completed_in_future", "整改完成日期不能晚于今天")
            setattr(doc, key, value)
        if doc.decided_disposition and doc.decided_disposition != doc.proposed_disposition \
                and not doc.decision_note:
            raise ValidationFailed("note_required", "改变文件的处置方式时，请填写理由")
        doc.updated_at = clock.now()
        s.flush()
        return describe_document(doc, _clauses(s, doc.id))


# --- the ledger, milestones, roll-up -----------------------------------------------------------


def _unit_views(session: Session, unit: str) -> tuple[list[PolicyDocument], list[rules.DocumentView]]:
    docs = list(session.scalars(select(PolicyDocument).where(PolicyDocument.unit_name == unit)
                                .order_by(PolicyDocument.issued_on.is_(None), PolicyDocument.issued_on,
                                          PolicyDocument.id)))
    return docs, [document_view(d, _clauses(session, d.id)) for d in docs]


def _plan(region_code: str | None) -> plans_.MilestonePlan | None:
    return plans_.plan_for(plans_.plans(), region_code)


def _milestones(session: Session, region_code: str | None) -> list[rules.MilestoneSpec]:
    """The steps of the plan of ``region_code``'s region, with the dates its credit office has moved."""
    plan = _plan(region_code)
    if plan is None:
        return []
    rows = session.scalars(select(LedgerMilestone).where(
        LedgerMilestone.code.in_([m.code for m in plan.milestones]),
        (LedgerMilestone.region_code == plan.region) | LedgerMilestone.region_code.is_(None)))
    moved: dict[str, dt.date] = {}
    for row in sorted(rows, key=lambda r: r.region_code is not None):  # the region's own adjustment wins
        moved[row.code] = row.due_date
    return [dataclasses.replace(m, due_date=moved.get(m.code, m.due_date)) for m in plan.milestones]


def _submissions(session: Session, unit: str) -> dict[str, LedgerSubmission]:
    rows = session.scalars(select(LedgerSubmission).where(LedgerSubmission.unit_name == unit))
    return {r.milestone_code: r for r in rows}


def _progress(milestones: list[rules.MilestoneSpec], subs: dict[str, LedgerSubmission],
              on: dt.date) -> list[dict[str, Any]]:
    out = []
    for m in milestones:
        sub = subs.get(m.code)
        status = rules.milestone_status(m.due_date, sub.submitted_on if sub else None, on)
        out.append({
            "code": m.code, "name": m.name, "due_date": m.due_date.isoformat(),
            "status": status.value, "submitted_on": sub.submitted_on.isoformat() if sub else None,
            "submitted_by": sub.submitted_by if sub else None,
        })
    return out


def _table(docs: list[PolicyDocument], views: list[rules.DocumentView]) -> list[dict[str, Any]]:
    """The ledger's rows: one per measure, grouped under its document (its seq and id on every row)."""
    out: list[dict[str, Any]] = []
    for i, (d, v) in enumerate(zip(docs, views, strict=True), start=1):
        measures = bool(v.live_clauses)
        out.extend({"document_id": d.id, "document_seq": i, "values": row, "measure": measures}
                   for row in rules.ledger_rows(i, v))
    return out


def unit_ledger(actor: Actor, unit_name: str | None = None) -> dict[str, Any]:
    """The unit's ledger: the form's rows (one per measure), its region's milestones and progress."""
    today = clock.today()
    with use_case(actor, "ledger.read", purpose=Purpose.audit) as door:
        s = door.session
        target = _target(door, unit_name)
        entry = door.admit()
        docs, views = _unit_views(s, target.name)
        rows = _table(docs, views)
        entry.result_count = len(rows)
        plan = _plan(target.region_code)
        return {
            "unit_name": target.name,
            "title": f"{target.name}失信约束措施台账",
            "columns": list(rules.LEDGER_COLUMNS),
            "rows": rows,
            "notes": list(rules.LEDGER_NOTES),
            "plan": None if plan is None else {"region_code": plan.region, "title": plan.title,
                                               "source": plan.source},
            "milestones": _progress(_milestones(s, target.region_code), _submissions(s, target.name), today),
        }


def export_xlsx(actor: Actor, unit_name: str | None = None) -> tuple[str, bytes]:
    with use_case(actor, "ledger.read", purpose=Purpose.audit, detail={"export": "xlsx"}) as door:
        s = door.session
        unit = _target(door, unit_name).name
        entry = door.admit()
        _, views = _unit_views(s, unit)
        groups = [rules.ledger_rows(i, v) for i, v in enumerate(views, start=1)]
        entry.result_count = sum(len(g) for g in groups)
    return f"{unit}失信约束措施台账.xlsx", build_workbook(unit, groups)


def submit_milestone(actor: Actor, code: str, unit_name: str | None = None,
                     note: str | None = None) -> dict[str, Any]:
    """Report a milestone of the unit's regional plan to the credit office once the ledger is ready for it."""
    today = clock.today()
    with use_case(actor, "ledger.submit", purpose=Purpose.audit, detail={"milestone": code},
                  serialise=True) as door:
        s = door.session
        target = _target(door, unit_name, change=True)
        unit = target.name
        door.admit()
        plan = _milestones(s, target.region_code)
        if not plan:
            raise ValidationFailed("no_milestones", "本单位所在地区未设定失信约束措施清理规范工作节点")
        milestones = {m.code: m for m in plan}
        if code not in milestones:
            names = "、".join(f"{m.code}（{m.name}）" for m in plan)
            raise ValidationFailed("unknown_milestone", f"未知的工作节点“{code}”，可选：{names}")
        subs = _submissions(s, unit)
        if code in subs:
            raise Conflict("already_submitted", f"“{milestones[code].name}”已于{subs[code].submitted_on}报送")
        _, views = _unit_views(s, unit)
        problems = rules.submission_problems(code, views, set(subs), tuple(plan))
        if problems:
            raise ValidationFailed("not_ready", f"暂不能报送“{milestones[code].name}”：" + "；".join(problems),
                                   details={"problems": problems})
        s.add(LedgerSubmission(unit_name=unit, region_code=target.region_code, milestone_code=code,
                               submitted_at=clock.now(), submitted_on=today, submitted_by=actor.name,
                               note=_clean(note, 2000, "说明")))
        try:
            s.flush()
        except IntegrityError:  # the same milestone reported at the same moment by another officer
            raise Conflict("already_submitted", f"“{milestones[code].name}”已由他人同时报送，请刷新后查看") from None
        return {"unit_name": unit, "milestones": _progress(plan, _submissions(s, unit), today)}


def _region_of(actor: Actor, region: str | None) -> str | None:
    value = (region or "").strip() or actor.region_code
    if value is not None and not (len(value) == 6 and value.isdigit()):
        raise ValidationFailed("invalid_region", f"行政区划代码“{value}”无效，应为6位数字")
    return value


def list_milestones(actor: Actor, region: str | None = None) -> list[dict[str, Any]]:
    """The steps of a region's plan (default: the actor's region; without one, every region's)."""
    with use_case(actor, "ledger.read", purpose=Purpose.audit, detail={"milestones": True}) as door:
        door.admit()
        where = _region_of(actor, region)
        chosen = [p for p in [_plan(where)] if p is not None] if where else list(plans_.plans().values())
        return [{"region_code": p.region, "plan": p.title, "code": m.code, "name": m.name,
                 "due_date": m.due_date.isoformat(), "description": m.description, "source": m.source}
                for p in chosen for m in _milestones(door.session, p.region)]


def set_milestone(actor: Actor, code: str, due_date: dt.date, region: str | None = None) -> dict[str, Any]:
    """Move a step of a region's plan (the credit office of that region or above, or an administrator)."""
    with use_case(actor, "ledger.manage", purpose=Purpose.audit,
                  detail={"milestone": code, "due_date": due_date.isoformat()}) as door:
        where = _region_of(actor, region)
        plan = _plan(where)
        if plan is None:
            raise NotFound("milestone_plan_not_found", "该地区未设定失信约束措施清理规范工作节点")
        door.detail["region"] = plan.region
        if actor.role != Role.admin:
            door.require(territory_denial(actor.region_code, plan.region, "调整该地区的工作节点"),
                         code="ledger_other_region")
        door.admit()
        s = door.session
        current = _milestones(s, plan.region)
        target = next((m for m in current if m.code == code), None)
        if target is None:
            names = "、".join(f"{m.code}（{m.name}）" for m in current)
            raise NotFound("milestone_not_found", f"未知的工作节点“{code}”，可选：{names}")
        ordered = [due_date if m.code == code else m.due_date for m in current]
        if ordered != sorted(ordered):
            raise ValidationFailed("milestone_order", "工作节点的日期须依次为" + "、".join(m.name for m in current))
        row = s.scalar(select(LedgerMilestone).where(LedgerMilestone.region_code == plan.region,
                                                     LedgerMilestone.code == code).with_for_update())
        if row is None:
            row = LedgerMilestone(region_code=plan.region, code=code, name=target.name, due_date=due_date,
                                  description=target.description, source=target.source,
                                  position=rules.MILESTONE_ORDER.index(code) + 1)
            s.add(row)
        row.due_date = due_date
        s.flush()
        return {"region_code": plan.region, "code": code, "name": target.name, "due_date": due_date.isoformat()}


def rollup(actor: Actor) -> dict[str, Any]:
    """The credit office's view: every unit's measures, dispositions, conflicts and progress."""
    today = clock.today()
    with use_case(actor, "ledger.rollup", purpose=Purpose.audit, detail={"rollup": True}) as door:
        s = door.session
        entry = door.admit()
        regions: dict[str, str | None] = {}
        for table in (PolicyDocument, LedgerSubmission):
            for name, region in s.execute(select(table.unit_name, table.region_code)):
                regions[name] = regions.get(name) or region
        units = sorted(u for u, region in regions.items()
                       if _oversight_denial(actor, Unit(u, region), change=False) is None)
        out = []
        totals: dict[str, int] = {d: 0 for d in DISPOSITIONS}
        measure_totals: dict[str, int] = {d: 0 for d in DISPOSITIONS}
        for unit in units:
            _, views = _unit_views(s, unit)
            counts = {d: 0 for d in DISPOSITIONS}
            measures = {d: 0 for d in DISPOSITIONS}
            for v in views:
                counts[v.disposition] = counts.get(v.disposition, 0) + 1
                totals[v.disposition] = totals.get(v.disposition, 0) + 1
                for row in rules.ledger_rows(1, v) if v.live_clauses else []:
                    measures[row[9]] = measures.get(row[9], 0) + 1
                    measure_totals[row[9]] = measure_totals.get(row[9], 0) + 1
            clauses = [c for v in views for c in v.clauses]
            out.append({
                "unit_name": unit,
                "documents": len(views),
                "documents_with_measures": sum(1 for v in views if v.live_clauses),
                "clauses": len(clauses),
                "measures": sum(measures.values()),
                "undecided_clauses": sum(1 for c in clauses if not c.dismissed and c.decided_disposition is None),
                # 大高信办字〔2021〕1号 一（三）: 不得以低信用分为由，对个人实施惩戒
                "conflicts": sum(1 for c in clauses if c.conflicts and not c.dismissed),
                "dispositions": counts,
                "measure_dispositions": measures,
                "rectified": sum(1 for v in views if v.disposition != Disposition.keep.value and v.completed_on),
                "to_rectify": sum(1 for v in views if v.disposition != Disposition.keep.value),
                "milestones": _progress(_milestones(s, regions[unit]), _submissions(s, unit), today),
            })
        entry.result_count = len(out)
        own = _milestones(s, actor.region_code)
        return {
            "on": today.isoformat(),
            "milestones": [{"code": m.code, "name": m.name, "due_date": m.due_date.isoformat()} for m in own],
            "units": out,
            "totals": {"units": len(out), "documents": sum(u["documents"] for u in out),
                       "measures": sum(u["measures"] for u in out),
                       "conflicts": sum(u["conflicts"] for u in out),
                       "low_score_rule": f"{rules.LOW_SCORE_RULE}（{rules.LOW_SCORE_SOURCE}）",
                       "dispositions": totals, "measure_dispositions": measure_totals},
        }
