"""Use cases of the serious-dishonest-list procedure. Each public function runs inside the caller's
unit of work (``session``); the API, pages and CLI open one per request.

Every transition goes through :func:`xinyong.listing.rules.transition` (the pure state machine),
bumps the case's ``version`` (optimistic locking: the loser of a concurrent transition gets a 409
and nothing of its attempt is written) and appends one hash-chained row to the history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from xinyong.core import clock
from xinyong.core.access import SYSTEM, Actor, Purpose
from xinyong.core.audit.history import record_decision
from xinyong.core.authority import (
    NATIONAL_REGION,
    AuthorityLevel,
    level_denial,
    region_within,
    territory_denial,
)
from xinyong.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xinyong.core.events import emit, publish
from xinyong.core.policy import Role
from xinyong.core.usecase import Door, use_case
from xinyong.core.workdays import add_workdays
from xinyong.listing import documents
from xinyong.listing.events import ListingRowEnded
from xinyong.listing.loader import list_types
from xinyong.listing.models import (
    Interview,
    Listing,
    ListingAccountability,
    ListingCase,
    ListingCaseEvent,
    ListingDocument,
    ListingDocumentPdf,
    RectificationOrder,
    ReviewTask,
)
from xinyong.listing.rules import (
    ACTION_NAMES,
    INTERVIEW_NAMES,
    INTERVIEW_OUTCOMES,
    KIND_NAMES,
    LENIENCY_FLAGS,
    REMOVAL_REASONS,
    STATE_NAMES,
    Action,
    CaseSnapshot,
    GuardrailRefused,
    Kind,
    ListType,
    RecordFacts,
    State,
    Step,
    allowed_actions,
    check_proposal,
    deadline_status,
    interview_kind,
    proposal_denial,
    record_basis_denial,
    transition,
)

GENESIS = "0" * 64


# ============================================================================ helpers
def _case(session: Session, case_id: int) -> ListingCase:
    case = session.get(ListingCase, case_id)
    if case is None:
        raise NotFound("listing.case_not_found", "未找到该认定案件")
    return case


def _own(actor: Actor, case: ListingCase) -> None:
    """谁认定、谁负责: only the determining department of the case acts on it."""
    if actor.department != case.department:
        raise Forbidden("listing.not_your_case", f"该案件由{case.department}认定，其他部门不能办理")


def record_department(rec: Any) -> str | None:
    """The department that determined a record: its ``department`` once records carry one, else its
    issuing authority."""
    return getattr(rec, "department", None) or rec.issuing_authority


def _check_version(case: ListingCase, expected: int | None) -> None:
    if expected is not None and case.version != expected:
        raise Conflict(
            "listing.version_conflict",
            f"案件已被他人更新（当前版本{case.version}，你提交的是版本{expected}），请刷新后重试",
            details={"current_version": case.version, "your_version": expected},
        )


def snapshot(case: ListingCase) -> CaseSnapshot:
    return CaseSnapshot(
        state=State(case.state),
        list_type_id=case.list_type_id,
        subject_kind=case.subject_kind,
        leniency_flags=tuple(case.leniency_flags or ()),
        leniency_justification=case.leniency_justification,
        notice_served_on=case.notice_served_on,
        objection_window_end=case.objection_window_end,
        objection_received_on=case.objection_received_on,
        answer_deadline=case.answer_deadline,
        answered_on=case.answered_on,
        answer_timely=case.answer_timely,
        answer_outcome=case.answer_outcome,
        decided_on=case.decided_on,
        decision_document_id=case.decision_document_id,
        notice_document_id=case.notice_document_id,
        listing_start=case.listing_start,
        listing_end=case.listing_end,
        removed_on=case.removed_on,
        removal_reason=case.removal_reason,
    )


def _event_hash(prev: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


def _utc_iso(at: dt.datetime) -> str:
    """Naive (SQLite) values are UTC wall time; aware (PostgreSQL) values are converted to UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def _event_body(e: ListingCaseEvent) -> dict[str, Any]:
    return {
        "case_id": e.case_id, "seq": e.seq, "action": e.action, "from": e.from_state, "to": e.to_state,
        "on": e.on.isoformat(), "at": _utc_iso(e.at),
        "actor_id": e.actor_id, "actor_name": e.actor_name, "actor_department": e.actor_department,
        "reason": e.reason, "document_ids": list(e.document_ids or []), "data": e.data or {},
    }


def _append_history(
    session: Session, case: ListingCase, *, action: str, from_state: str | None, to_state: str, on: dt.date,
    actor: Actor, reason: str | None, document_ids: list[int] | None = None, data: dict[str, Any] | None = None,
) -> ListingCaseEvent:
    # the optimistic-locking UPDATE ("... WHERE version = <read>") goes first: a lost race stops here
    _flush(session)
    last = session.scalars(
        select(ListingCaseEvent).where(ListingCaseEvent.case_id == case.id)
        .order_by(ListingCaseEvent.seq.desc()).limit(1)
    ).first()
    if on > clock.today():
        raise ValidationFailed("listing.future_date", f"日期{on.isoformat()}晚于今天，不能登记未来发生的事项")
    if last is not None and on < last.on:
        raise ValidationFailed("listing.date_before_history",
                               f"日期{on.isoformat()}早于案件上一步骤的日期{last.on.isoformat()}")
    event = ListingCaseEvent(
        case_id=case.id, seq=(last.seq + 1) if last else 1, action=action, from_state=from_state,
        to_state=to_state, on=on, at=clock.now(), actor_id=actor.id,
        actor_name=actor.name, actor_department=actor.department, reason=reason,
        document_ids=list(document_ids or []), data=data or {}, prev_hash=last.hash if last else GENESIS, hash="",
    )
    event.hash = _event_hash(event.prev_hash, _event_body(event))
    session.add(event)
    # also into the platform-wide sealed decision history (xinyong.core.audit: chained, checkpointed)
    record_decision(session, capability="listing", ref=f"listing_case:{case.id}", event=action, actor=actor,
                    subject_key=case.subject_key,
                    detail={"seq": event.seq, "from": from_state, "to": to_state, "on": on.isoformat(),
                            "event_hash": event.hash, "document_ids": list(document_ids or [])})
    return event


def verify_history(session: Session, case_id: int) -> bool:
    """Recompute the hash chain of a case's history; False if any row was altered or removed."""
    prev = GENESIS
    expected_seq = 1
    for e in session.scalars(
        select(ListingCaseEvent).where(ListingCaseEvent.case_id == case_id).order_by(ListingCaseEvent.seq)
    ):
        if e.seq != expected_seq or e.prev_hash != prev or _event_hash(prev, _event_body(e)) != e.hash:
            return False
        prev = e.hash
        expected_seq += 1
    return True


def _flush(session: Session) -> None:
    """Flush, turning a lost optimistic-locking race into a 409."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict("listing.version_conflict", "案件已被他人同时更新，本次操作未生效，请刷新后重试") from None
    except OperationalError as exc:  # SQLite: a concurrent writer won (stale snapshot / busy)
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise Conflict("listing.version_conflict", "案件已被他人同时更新，本次操作未生效，请刷新后重试") from None
        raise


def _apply(
    session: Session, case: ListingCase, step: Step, actor: Actor, reason: str | None,
    document_ids: list[int] | None = None, extra: dict[str, Any] | None = None,
) -> None:
    new = step.case
    for field in ("state", "leniency_justification", "notice_served_on", "objection_window_end",
                  "objection_received_on", "answer_deadline", "answered_on", "answer_timely", "answer_outcome",
                  "decided_on", "decision_document_id", "notice_document_id", "listing_start", "listing_end",
                  "removed_on", "removal_reason"):
        value = getattr(new, field)
        setattr(case, field, value.value if isinstance(value, State) else value)
    for k, v in (extra or {}).items():
        setattr(case, k, v)
    _append_history(
        session, case, action=step.action.value, from_state=step.from_state.value, to_state=step.to_state.value,
        on=step.on, actor=actor, reason=reason, document_ids=document_ids, data=step.facts,
    )
    _flush(session)


def list_type_of(case: ListingCase) -> ListType:
    return list_types().get(case.list_type_id)


# ============================================================================ proposal
def propose(
    session: Session, actor: Actor, *, subject_code: str, list_type_id: str, record_ids: list[int], reason: str,
    on: dt.date | None = None,
) -> ListingCase:
    """Open a case (拟列入). Who: a department of the list type's level, field and territory
    (:func:`proposal_denial`), on records of its own decisions or effective judgments/awards
    (:func:`record_basis_denial`); what: records citing legally effective documents, list type in force
    (49号 §（二）（七）（八））; 宽容审慎 flags are copied from the records (§（十六））."""
    from xinyong.records import service as records
    from xinyong.subjects import service as subjects

    on = on or clock.today()
    if not actor.department:
        raise Forbidden("listing.no_department", "只有认定部门可以发起认定")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("listing.reason_required", "请填写拟列入的事由")
    lt = list_types().get(list_type_id)
    subject = subjects.require(session, subject_code)
    # 49号 §（七）（八）, 淮政办发〔2021〕13号 §三(一): level, competent field, territory of a local list
    denial: Any = proposal_denial(list_type=lt, actor_region=actor.region_code, actor_fields=actor.fields,
                             subject_region=subject.region_code)
    if denial is not None:
        raise Forbidden(*denial)
    facts: list[RecordFacts] = []
    for rid in dict.fromkeys(record_ids):
        rec = records.get(session, rid)
        if rec is None:
            raise NotFound("listing.record_not_found", f"失信行为记录{rid}不存在")
        facts.append(RecordFacts(
            id=rec.id, subject_key=rec.subject_key, document_type=rec.document_type,
            document_number=rec.document_number, issuing_authority=rec.issuing_authority,
            effective_date=rec.effective_date, status=rec.status, is_minor=rec.is_minor,
            force_majeure=rec.force_majeure, non_intentional=rec.non_intentional,
            minor_violation=rec.minor_violation, department=record_department(rec),
        ))
    denial = record_basis_denial(facts, actor.department)
    if denial is not None:
        raise Forbidden("listing.record_not_own", denial)
    flags = check_proposal(list_type=lt, records=facts, subject_key=subject.subject_key, on=on)
    open_case = session.scalar(
        select(ListingCase.id).where(
            ListingCase.subject_key == subject.subject_key, ListingCase.list_type_id == lt.id,
            ListingCase.state.in_([s.value for s in State if s not in (State.removed, State.withdrawn)]),
        )
    )
    if open_case is not None:
        raise Conflict("listing.case_exists", f"该主体在此名单下已有未结案件（案件{open_case}）")
    now = clock.now()
    case = ListingCase(
        subject_key=subject.subject_key, subject_name=subject.name, subject_kind=subject.kind,
        subject_display_code=subject.display_code, list_type_id=lt.id, kind=lt.kind.value,
        region_code=actor.region_code or subject.region_code, department=actor.department,
        department_principal_id=actor.id, record_ids=[f.id for f in facts], reason=reason,
        state=State.proposed.value, version=1, leniency_flags=list(flags), proposed_on=on,
        answer_deadline_provisional=False, created_at=now, updated_at=now,
    )
    session.add(case)
    session.flush()
    _append_history(session, case, action="propose", from_state=None, to_state=State.proposed.value, on=on,
                    actor=actor, reason=reason,
                    data={"list_type": lt.id, "record_ids": case.record_ids, "leniency_flags": list(flags)})
    session.flush()
    return case


# ============================================================================ documents
def _records_text(session: Session, case: ListingCase) -> list[str]:
    from xinyong.records import service as records
    from xinyong.records.rules import DOCUMENT_TYPE_NAMES, DocumentType

    out = []
    for rid in case.record_ids:
        rec = records.get(session, rid)
        if rec is None:
            continue
        out.append(
            f"{rec.issuing_authority}于{documents.date_zh(rec.decision_date)}作出的"
            f"{DOCUMENT_TYPE_NAMES[DocumentType(rec.document_type)]}（{rec.document_number}），"
            f"{documents.date_zh(rec.effective_date)}生效：{rec.summary}"
        )
    return out


def _basis(lt: ListType, session: Session, case: ListingCase) -> list[str]:
    s = lt.standard
    out = [f"认定标准：{s.citation()}" + (f"，{s.criteria}" if s.criteria else "")]
    if s.basis:
        out.append(f"上位依据：{s.basis}")
    out += [f"具有法律效力的文书：{t}" for t in _records_text(session, case)]
    return out


def _removal_text(lt: ListType) -> list[str]:
    return [f"移出条件：{c.text}" for c in lt.removal_conditions] + [f"移出程序：{lt.removal_procedure}"]


def _store_document(session: Session, case: ListingCase, rendered: documents.RenderedDocument,
                    actor: Actor) -> ListingDocument:
    doc = ListingDocument(
        case_id=case.id, kind=rendered.kind, number=rendered.number, title=rendered.title,
        issued_on=rendered.issued_on, elements=rendered.elements, html=rendered.html, sha256=rendered.sha256,
        html_sha256=rendered.html_sha256, issued_by=actor.department or actor.name, created_at=clock.now(),
    )
    session.add(doc)
    session.flush()
    return doc


def notice_elements(session: Session, case: ListingCase, lt: ListType, window_end: dt.date,
                    number: str) -> dict[str, Any]:
    return {
        "recipient": case.subject_name,
        "recipient_code": case.subject_display_code,
        "department": case.department,
        "number": number,
        "list_type": lt.name,
        "reason": [f"本机关拟将你（单位）列入{lt.name}（{KIND_NAMES[lt.kind]}）。", case.reason,
                   *_records_text(session, case)],
        "basis": _basis(lt, session, case),
        "measures_hint": lt.measures_hint,
        "rights": (
            f"你（单位）有权在{documents.date_zh(window_end)}前向{case.department}提出异议，并提供相关证据材料。"
            f"本机关将对异议予以核实，并自收到异议之日起{lt.objection_answer_workdays}个工作日内反馈结果"
            f"（{lt.objection_answer_basis}；国办发〔2020〕49号§（八））。"
        ),
        "objection_deadline": f"{documents.date_zh(window_end)}（含当日）",
        "removal": _removal_text(lt),
    }


def _check_ready(session: Session, actor: Actor, case_id: int, version: int | None) -> ListingCase:
    case = _case(session, case_id)
    _own(actor, case)
    _check_version(case, version)
    return case


def serve_notice(
    session: Session, actor: Actor, case_id: int, *, objection_window_end: dt.date, version: int | None = None,
    number: str | None = None, on: dt.date | None = None,
) -> ListingCase:
    """Generate, issue and serve the prior notice (告知), opening the objection window."""
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    lt = list_type_of(case)
    # validate the transition before issuing anything (document id filled in below)
    transition(snapshot(case), Action.serve_notice, on, lt,
               {"notice_document_id": 0, "objection_window_end": objection_window_end})
    number = (number or "").strip() or f"信用告知〔{on.year}〕{case.id:04d}号"
    rendered = documents.render(documents.NOTICE, notice_elements(session, case, lt, objection_window_end, number), on)
    doc = _store_document(session, case, rendered, actor)
    step = transition(snapshot(case), Action.serve_notice, on, lt,
                      {"notice_document_id": doc.id, "objection_window_end": objection_window_end})
    _apply(session, case, step, actor, "送达事先告知书", [doc.id])
    return case


def justify_leniency(session: Session, actor: Actor, case_id: int, *, justification: str,
                     version: int | None = None, on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    step = transition(snapshot(case), Action.justify_leniency, on, list_type_of(case),
                      {"justification": justification})
    _apply(session, case, step, actor, step.case.leniency_justification)
    return case


def receive_objection(session: Session, actor: Actor, case_id: int, *, objection: str,
                      version: int | None = None, on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    lt = list_type_of(case)
    step = transition(snapshot(case), Action.receive_objection, on, lt, {"objection": objection})
    _apply(session, case, step, actor, " ".join(objection.split()), extra={
        "objection_text": " ".join(objection.split()),
        "answer_deadline_provisional": bool(step.facts.get("answer_deadline_provisional")),
    })
    return case


def answer_objection(session: Session, actor: Actor, case_id: int, *, outcome: str, answer: str,
                     version: int | None = None, on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    step = transition(snapshot(case), Action.answer_objection, on, list_type_of(case),
                      {"outcome": outcome, "answer": answer})
    _apply(session, case, step, actor, " ".join(answer.split()), extra={"answer_text": " ".join(answer.split())})
    return case


def _objection_summary(case: ListingCase) -> str:
    if case.objection_received_on is None:
        window = case.objection_window_end.isoformat() if case.objection_window_end else ""
        return f"本机关已于{documents.date_zh(case.notice_served_on or case.proposed_on)}送达事先告知书，你（单位）在异议期限（至{window}）内未提出异议。"
    timely = "按期" if case.answer_timely else "逾期"
    return (f"你（单位）于{documents.date_zh(case.objection_received_on)}提出异议，本机关经核实认为异议不成立，"
            f"已于{documents.date_zh(case.answered_on or case.objection_received_on)}{timely}反馈。")


def _accountability_persons(session: Session, case: ListingCase, on: dt.date) -> list[dict[str, Any]]:
    """Legal representative and responsible persons linked on ``on`` (893号 §八)."""
    if case.subject_kind == "individual":
        return []
    from xinyong.subjects.models import Subject
    from xinyong.subjects.service import links_of

    subject = session.scalar(select(Subject).where(Subject.subject_key == case.subject_key))
    if subject is None:
        return []
    out = []
    for link in links_of(session, subject):
        if link["direction"] != "person":
            continue
        start = dt.date.fromisoformat(link["start_date"])
        end = dt.date.fromisoformat(link["end_date"]) if link["end_date"] else None
        if start <= on and (end is None or on <= end):
            out.append({"key": link["other_key"], "name": link["other"]["name"], "role": link["role"],
                        "role_name": link["role_name"]})
    return out


def decision_elements(session: Session, case: ListingCase, lt: ListType, step: Step, number: str) -> dict[str, Any]:
    persons = _accountability_persons(session, case, step.on)
    if persons:
        who = "、".join(f"{p['role_name']}{p['name']}" for p in persons)
        if lt.lists_linked_persons:
            acc = [f"依据{lt.linked_persons_basis}，{who}一并列入{lt.name}。"]
        else:
            acc = [f"依据发改办财金〔2018〕893号§八，本决定作为评价{who}信用状况的依据，记入其信用档案；本决定不将其列入名单。"]
    else:
        acc = []
    return {
        "recipient": case.subject_name,
        "recipient_code": case.subject_display_code,
        "department": case.department,
        "number": number,
        "list_type": lt.name,
        "reason": [f"本机关决定将你（单位）列入{lt.name}（{KIND_NAMES[lt.kind]}）。", case.reason,
                   *_records_text(session, case), _objection_summary(case)],
        "basis": _basis(lt, session, case),
        "measures_hint": lt.measures_hint,
        "listing_period": (f"自{documents.date_zh(dt.date.fromisoformat(step.facts['listing_start']))}起至"
                           f"{documents.date_zh(dt.date.fromisoformat(step.facts['listing_end']))}止"
                           f"（{step.facts['listing_months']}个月）"),
        "removal": _removal_text(lt),
        "remedies": lt.remedies,
        "accountability": acc,
    }


def decide(
    session: Session, actor: Actor, case_id: int, *, version: int | None = None, listing_months: int | None = None,
    listing_start: dt.date | None = None, number: str | None = None, on: dt.date | None = None,
) -> ListingCase:
    """认定决定: validate, generate and issue the decision document, record the decision."""
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    lt = list_type_of(case)
    args: dict[str, Any] = {"decision_document_id": 0}
    if listing_months is not None:
        args["listing_months"] = listing_months
    if listing_start is not None:
        args["listing_start"] = listing_start
    dry = transition(snapshot(case), Action.decide, on, lt, args)
    number = (number or "").strip() or f"信用认定〔{on.year}〕{case.id:04d}号"
    rendered = documents.render(documents.DECISION, decision_elements(session, case, lt, dry, number), on)
    doc = _store_document(session, case, rendered, actor)
    args["decision_document_id"] = doc.id
    step = transition(snapshot(case), Action.decide, on, lt, args)
    _apply(session, case, step, actor, "作出认定决定", [doc.id], extra={"decision_no": number})
    return case


def _payload(case: ListingCase, listing: Listing, reason: str | None) -> dict[str, Any]:
    return {
        "subject_key": listing.subject_key, "listing_id": listing.id, "case_id": case.id,
        "list_type": listing.list_type_id, "kind": listing.kind, "region_code": listing.region_code,
        "department": listing.department, "role": listing.role,
        "start": listing.start_on.isoformat(), "end": listing.end_on.isoformat() if listing.end_on else None,
        "reason": reason,
    }


def _ended(case: ListingCase, listing: Listing, reason: str) -> ListingRowEnded:
    """The typed end of one listing row; its payload keeps every key of :func:`_payload`."""
    return ListingRowEnded(
        subject_key=listing.subject_key, listing_id=listing.id, case_id=case.id, list_type=listing.list_type_id,
        reason=reason, kind=listing.kind, region_code=listing.region_code, department=listing.department,
        role=listing.role, start=listing.start_on.isoformat(), end=listing.end_on.isoformat() if listing.end_on else None,
    )


def list_subject(session: Session, actor: Actor, case_id: int, *, version: int | None = None,
                 on: dt.date | None = None) -> ListingCase:
    """列入: start the listing; link (and, only if the standard says so, list) responsible persons."""
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    lt = list_type_of(case)
    step = transition(snapshot(case), Action.list, on, lt)
    assert case.decided_on is not None and case.listing_start is not None
    now = clock.now()
    persons = _accountability_persons(session, case, on)
    entries = [("subject", case.subject_key)]
    for p in persons:
        session.add(ListingAccountability(case_id=case.id, person_key=p["key"], person_name=p["name"],
                                          role=p["role"], listed=lt.lists_linked_persons, created_at=now))
        if lt.lists_linked_persons:
            entries.append((p["role"], p["key"]))
    listings = []
    for role, key in entries:
        row = Listing(case_id=case.id, subject_key=key, role=role, list_type_id=lt.id, kind=lt.kind.value,
                      region_code=case.region_code, department=case.department,
                      decision_no=case.decision_no or "", decision_date=case.decided_on,
                      start_on=case.listing_start, end_on=case.listing_end, version=1, created_at=now)
        session.add(row)
        listings.append(row)
    step = Step(step.case, step.action, step.from_state, step.to_state, step.on,
                {**step.facts, "linked_persons": [{"key": p["key"], "role": p["role"], "listed": lt.lists_linked_persons}
                                                  for p in persons]})
    _apply(session, case, step, actor, "列入名单", extra={"listed_on": on})
    for row in listings:
        emit(session, "listing.started", _payload(case, row, "decided"))
    return case


def _end_rows(session: Session, case: ListingCase, reason: str, on: dt.date) -> None:
    for row in session.scalars(select(Listing).where(Listing.case_id == case.id, Listing.ended_on.is_(None))):
        row.ended_on = on
        row.end_reason = reason
        row.version += 1
        publish(session, _ended(case, row, reason))


def remove(session: Session, actor: Actor, case_id: int, *, reason: str, explanation: str | None = None,
           version: int | None = None, on: dt.date | None = None, document: str | None = None) -> ListingCase:
    """移出 (conditions met, period expired, repaired, revoked)."""
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    return _remove(session, actor, case, reason=reason, explanation=explanation, on=on, document=document)


def _remove(session: Session, actor: Actor, case: ListingCase, *, reason: str, explanation: str | None,
            on: dt.date, document: str | None) -> ListingCase:
    step = transition(snapshot(case), Action.remove, on, list_type_of(case),
                      {"reason": reason, "explanation": explanation})
    if document:
        step = Step(step.case, step.action, step.from_state, step.to_state, step.on,
                    {**step.facts, "document": document})
    _end_rows(session, case, reason, on)
    _apply(session, case, step, actor, explanation or REMOVAL_REASONS[reason])
    return case


def withdraw(session: Session, actor: Actor, case_id: int, *, explanation: str, version: int | None = None,
             on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    return _withdraw(session, actor, case, explanation=explanation, on=on)


def _withdraw(session: Session, actor: Actor, case: ListingCase, *, explanation: str, on: dt.date,
              data: dict[str, Any] | None = None) -> ListingCase:
    step = transition(snapshot(case), Action.withdraw, on, list_type_of(case), {"explanation": explanation})
    if data:
        step = Step(step.case, step.action, step.from_state, step.to_state, step.on, {**step.facts, **data})
    _end_rows(session, case, "withdrawn", on)  # none before listing; kept so no path leaves a row running
    _apply(session, case, step, actor, " ".join(explanation.split()), extra={"withdrawn_on": on})
    return case


# ============================================================================ public functions for others
def active_listings(session: Session, subject_key: str, on: dt.date) -> list[dict[str, Any]]:
    """Listings of ``subject_key`` in force on ``on`` (for measures, disclosure, repair).

    Dates are ``datetime.date`` objects (``decision_date``, ``start``, ``end``); use
    :func:`jsonable` for a JSON rendering."""
    rows = session.execute(
        select(Listing, ListingCase).join(ListingCase, ListingCase.id == Listing.case_id).where(
            Listing.subject_key == subject_key, Listing.start_on <= on,
            or_(Listing.end_on.is_(None), Listing.end_on >= on),
            or_(Listing.ended_on.is_(None), Listing.ended_on > on),
        ).order_by(Listing.start_on, Listing.id)
    ).all()
    out = []
    types = list_types()
    for listing, case in rows:
        lt = types.get(listing.list_type_id)
        out.append({
            "listing_id": listing.id,
            "case_id": case.id,
            "role": listing.role,
            "list_type_id": lt.id,
            "list_type_name": lt.name,
            "kind": lt.kind.value,
            "kind_name": KIND_NAMES[lt.kind],
            "determining_department": listing.department,
            "region_code": listing.region_code,
            "decision_no": listing.decision_no,
            "decision_date": listing.decision_date,
            "basis": lt.standard.citation(),
            "start": listing.start_on,
            "end": listing.end_on,
            "removal_conditions": [c.text for c in lt.removal_conditions],
            "leniency_flags": list(case.leniency_flags or []),
        })
    return out


def expire_due(session: Session, actor: Actor, on: dt.date) -> list[int]:
    """Remove every listing whose period ended before ``on`` (reason ``period_expired``).

    Run daily (``xinyong listing expire``); each removal is a normal transition with its history row
    and ``listing.ended`` event."""
    done = []
    for case in session.scalars(select(ListingCase).where(
            ListingCase.state == State.listed.value, ListingCase.listing_end < on).order_by(ListingCase.id)):
        _remove(session, actor, case, reason="period_expired", explanation="列入期限届满，自动移出", on=on,
                document=None)
        done.append(case.id)
    return done


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def end_listing(session: Session, listing_id: int, reason: str, actor: Actor, on: dt.date,
                document: str | None = None) -> dict[str, Any]:
    """End one listing (e.g. repair granted, decision revoked). Ending the case subject's own listing
    removes the case (history appended); a linked person's listing ends alone."""
    if reason not in REMOVAL_REASONS:
        raise ValidationFailed("listing.invalid_removal_reason",
                               f"移出原因必须是：{'、'.join(f'{k}（{v}）' for k, v in REMOVAL_REASONS.items())}")
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("listing.not_found", "未找到该名单记录")
    if listing.ended_on is not None:
        raise Conflict("listing.already_ended", f"该名单记录已于{listing.ended_on.isoformat()}移出")
    case = _case(session, listing.case_id)
    if listing.role == "subject":
        _remove(session, actor, case, reason=reason, explanation=document or REMOVAL_REASONS[reason], on=on,
                document=document)
    else:
        listing.ended_on = on
        listing.end_reason = reason
        listing.version += 1
        _append_history(session, case, action="end_linked_listing", from_state=case.state, to_state=case.state,
                        on=on, actor=actor, reason=REMOVAL_REASONS[reason],
                        data={"listing_id": listing.id, "role": listing.role, "document": document})
        _flush(session)
        publish(session, _ended(case, listing, reason))
    return {"listing_id": listing.id, "ended_on": on.isoformat(), "reason": reason}


def amend_listing_end(session: Session, actor: Actor, case_id: int, *, new_end: dt.date, explanation: str,
                      version: int | None = None, on: dt.date | None = None) -> ListingCase:
    """Change the end of a running listing (e.g. after review); emits ``listing.changed``."""
    on = on or clock.today()
    case = _check_ready(session, actor, case_id, version)
    if case.state != State.listed.value:
        raise GuardrailRefused("not_listed", "只有已列入名单的案件可以变更列入期限")
    lt = list_type_of(case)
    from xinyong.listing.rules import add_months

    assert case.listing_start is not None
    latest = add_months(case.listing_start, lt.listing_months_max) - dt.timedelta(days=1)
    if new_end > latest or new_end < on:
        raise GuardrailRefused("invalid_listing_end",
                               f"新的截止日须在{on.isoformat()}至{latest.isoformat()}之间（不得超过认定标准规定的最长期限）")
    text = " ".join(explanation.split())
    if not text:
        raise ValidationFailed("listing.explanation_required", "请填写变更理由")
    rows = list(session.scalars(select(Listing).where(Listing.case_id == case.id, Listing.ended_on.is_(None))))
    old = case.listing_end
    case.listing_end = new_end
    for row in rows:
        row.end_on = new_end
        row.version += 1
    _append_history(session, case, action="amend_listing_end", from_state=case.state, to_state=case.state, on=on,
                    actor=actor, reason=text,
                    data={"old_end": old.isoformat() if old else None, "new_end": new_end.isoformat()})
    _flush(session)
    for row in rows:
        emit(session, "listing.changed", _payload(case, row, "period_amended"))
    return case


# ============================================================================ rectification, interviews
def order_rectification(
    session: Session, actor: Actor, case_id: int, *, requirements: str, due_on: dt.date, public: bool = True,
    not_public_reason: str | None = None, on: dt.date | None = None,
) -> RectificationOrder:
    """限期整改 (发改办财金〔2018〕893号 §二): requirements and period, public in principle."""
    on = on or clock.today()
    case = _case(session, case_id)
    _own(actor, case)
    if case.state not in (State.decided.value, State.listed.value):
        raise GuardrailRefused("rectification_state", "只能对已作出认定决定或已列入名单的失信主体下达限期整改")
    text = " ".join((requirements or "").split())
    if not text:
        raise ValidationFailed("listing.requirements_required", "请填写整改要求")
    if due_on <= on:
        raise GuardrailRefused("rectification_due", "整改期限必须晚于下达日期")
    if not public and not (not_public_reason or "").strip():
        raise GuardrailRefused(
            "not_public_reason_required",
            "整改期限与失信信息原则上应向社会公示；确因特殊原因不能公示的，须说明原因并通过共享平台共享（893号§二）",
        )
    order = RectificationOrder(case_id=case.id, subject_key=case.subject_key, requirements=text, ordered_on=on,
                               due_on=due_on, public=public, not_public_reason=(not_public_reason or None),
                               status="open", version=1, created_at=clock.now())
    session.add(order)
    session.flush()
    _append_history(session, case, action="order_rectification", from_state=case.state, to_state=case.state, on=on,
                    actor=actor, reason=text,
                    data={"rectification_id": order.id, "due_on": due_on.isoformat(), "public": public})
    _flush(session)
    return order


def _order(session: Session, order_id: int) -> RectificationOrder:
    order = session.get(RectificationOrder, order_id)
    if order is None:
        raise NotFound("listing.rectification_not_found", "未找到该整改通知")
    return order


def confirm_rectification(session: Session, actor: Actor, order_id: int, *, completed: bool, note: str,
                          on: dt.date | None = None) -> RectificationOrder:
    """确认整改到位 / 整改不到位 (893号 §二)."""
    on = on or clock.today()
    order = _order(session, order_id)
    case = _case(session, order.case_id)
    _own(actor, case)
    if order.status != "open":
        raise Conflict("listing.rectification_closed", "该整改通知已确认，不能重复确认")
    if not completed and on <= order.due_on:
        raise GuardrailRefused("rectification_not_due", f"整改期限至{order.due_on.isoformat()}，期满前不能认定整改不到位")
    text = " ".join((note or "").split())
    if not text:
        raise ValidationFailed("listing.note_required", "请填写确认说明")
    order.status = "completed" if completed else "not_completed"
    order.confirmed_on = on
    order.confirmation_note = text
    order.version += 1
    _append_history(session, case, action="confirm_rectification", from_state=case.state, to_state=case.state,
                    on=on, actor=actor, reason=text, data={"rectification_id": order.id, "status": order.status})
    _flush(session)
    return order


def record_interview(session: Session, actor: Actor, order_id: int, *, outcome: str, record: str,
                     interviewee: str | None = None, on: dt.date | None = None) -> Interview:
    """提示性/警示性约谈 by the determining department (谁认定、谁约谈, 893号 §三)."""
    on = on or clock.today()
    order = _order(session, order_id)
    case = _case(session, order.case_id)
    if actor.department != case.department:
        raise Forbidden("listing.interview_by_determiner", f"约谈由认定部门（{case.department}）进行（谁认定、谁约谈）")
    if order.status == "completed":
        raise GuardrailRefused("rectified", "已整改到位，无需约谈")
    if order.status == "open":
        if on <= order.due_on:
            raise GuardrailRefused("rectification_not_due", f"整改期限至{order.due_on.isoformat()}，期满后整改不到位的才进行约谈")
        order.status = "not_completed"
        order.confirmed_on = on
        order.confirmation_note = "整改期限届满未确认整改到位"
        order.version += 1
    if outcome not in INTERVIEW_OUTCOMES:
        raise ValidationFailed("listing.invalid_outcome", f"约谈结果必须是：{'、'.join(f'{k}（{v}）' for k, v in INTERVIEW_OUTCOMES.items())}")
    existing = session.scalar(select(Interview.id).where(Interview.rectification_id == order.id))
    if existing is not None:
        raise Conflict("listing.interview_exists", "该整改事项已进行过一次约谈（893号§三：进行一次约谈）")
    text = " ".join((record or "").split())
    if not text:
        raise ValidationFailed("listing.record_required", "请填写约谈记录")
    kind = interview_kind(Kind(case.kind))
    interview = Interview(rectification_id=order.id, case_id=case.id, subject_key=case.subject_key, kind=kind,
                          department=case.department, held_on=on, outcome=outcome,
                          interviewee=(interviewee or None), record=text, created_at=clock.now())
    session.add(interview)
    session.flush()
    _append_history(session, case, action="interview", from_state=case.state, to_state=case.state, on=on,
                    actor=actor, reason=text,
                    data={"interview_id": interview.id, "kind": kind, "outcome": outcome})
    _flush(session)
    return interview


# ============================================================================ deadlines
def deadlines(session: Session, on: dt.date, *, department: str | None = None,
              within_days: int = 30, region: str | None = None) -> list[dict[str, Any]]:
    """Open deadlines (objection windows and answers, rectification periods, listing expiry, review
    tasks) that are overdue or fall within ``within_days`` of ``on``; ``department`` keeps one
    department's cases, ``region`` the cases of a territory (a credit office's)."""
    horizon = on + dt.timedelta(days=within_days)
    out: list[dict[str, Any]] = []

    def add(kind: str, name: str, due: dt.date, case: ListingCase, extra: dict[str, Any] | None = None) -> None:
        if due > horizon or (region is not None and not region_within(region, case.region_code)):
            return
        out.append({"kind": kind, "kind_name": name, "due": due.isoformat(), "status": deadline_status(due, on),
                    "case_id": case.id, "subject_name": case.subject_name, "department": case.department,
                    "state": case.state, **(extra or {})})

    q = select(ListingCase)
    if department:
        q = q.where(ListingCase.department == department)
    for case in session.scalars(q.where(ListingCase.state.in_(
            [State.notice_served.value, State.objection_received.value, State.listed.value]))):
        if case.state == State.notice_served.value and case.objection_window_end:
            add("objection_window", "异议期限届满", case.objection_window_end, case)
        elif case.state == State.objection_received.value and case.answer_deadline:
            add("objection_answer", "异议答复期限", case.answer_deadline, case,
                {"provisional": case.answer_deadline_provisional})
        elif case.state == State.listed.value and case.listing_end:
            add("listing_expiry", "列入期限届满", case.listing_end, case)
    rq = select(RectificationOrder, ListingCase).join(ListingCase, ListingCase.id == RectificationOrder.case_id).where(
        RectificationOrder.status == "open")
    if department:
        rq = rq.where(ListingCase.department == department)
    for order, case in session.execute(rq):
        add("rectification", "整改期限", order.due_on, case, {"rectification_id": order.id})
    tq = select(ReviewTask, ListingCase).join(ListingCase, ListingCase.id == ReviewTask.case_id).where(
        ReviewTask.done_on.is_(None))
    if department:
        tq = tq.where(ListingCase.department == department)
    for task, case in session.execute(tq):
        add("review", "依据记录撤销后的复核", task.due_on, case,
            {"review_task_id": task.id, "record_id": task.record_id, "reason": task.reason,
             "provisional": task.due_provisional})
    out.sort(key=lambda d: (d["due"], d["case_id"]))
    return out


def next_deadline(case: ListingCase, on: dt.date) -> dict[str, Any] | None:
    due: tuple[str, dt.date] | None = None
    if case.state == State.notice_served.value and case.objection_window_end:
        due = ("异议期限届满", case.objection_window_end)
    elif case.state == State.objection_received.value and case.answer_deadline:
        due = ("异议答复期限", case.answer_deadline)
    elif case.state == State.listed.value and case.listing_end:
        due = ("列入期限届满", case.listing_end)
    if due is None:
        return None
    return {"name": due[0], "due": due[1].isoformat(), "status": deadline_status(due[1], on)}


# ============================================================================ reads
def describe_case(session: Session, case: ListingCase, on: dt.date | None = None) -> dict[str, Any]:
    on = on or clock.today()
    lt_summary: dict[str, Any]
    try:
        lt_summary = list_type_of(case).summary()
    except GuardrailRefused:
        lt_summary = {"id": case.list_type_id, "name": case.list_type_id}
    return {
        "id": case.id,
        "version": case.version,
        "state": case.state,
        "state_name": STATE_NAMES[State(case.state)],
        "next_actions": [{"action": a.value, "name": ACTION_NAMES[a]} for a in allowed_actions(State(case.state))],
        "subject_key": case.subject_key,
        "subject_name": case.subject_name,
        "subject_code": case.subject_display_code,
        "subject_kind": case.subject_kind,
        "list_type": lt_summary,
        "kind": case.kind,
        "department": case.department,
        "region_code": case.region_code,
        "record_ids": case.record_ids,
        "reason": case.reason,
        "leniency_flags": [{"flag": f, "name": LENIENCY_FLAGS.get(f, f)} for f in case.leniency_flags or []],
        "leniency_justification": case.leniency_justification,
        "proposed_on": case.proposed_on.isoformat(),
        "notice_served_on": _iso(case.notice_served_on),
        "objection_window_end": _iso(case.objection_window_end),
        "objection_received_on": _iso(case.objection_received_on),
        "objection_text": case.objection_text,
        "answer_deadline": _iso(case.answer_deadline),
        "answer_deadline_provisional": case.answer_deadline_provisional,
        "answered_on": _iso(case.answered_on),
        "answer_timely": case.answer_timely,
        "answer_outcome": case.answer_outcome,
        "answer_text": case.answer_text,
        "decided_on": _iso(case.decided_on),
        "decision_no": case.decision_no,
        "listing_start": _iso(case.listing_start),
        "listing_end": _iso(case.listing_end),
        "listed_on": _iso(case.listed_on),
        "removed_on": _iso(case.removed_on),
        "removal_reason": case.removal_reason,
        "withdrawn_on": _iso(case.withdrawn_on),
        "next_deadline": next_deadline(case, on),
    }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [
        {"seq": e.seq, "action": e.action,
         "action_name": ACTION_NAMES.get(Action(e.action), e.action) if e.action in Action.__members__ else
         {"propose": "立案（拟列入）", "order_rectification": "下达限期整改", "confirm_rectification": "确认整改情况",
          "interview": "约谈", "end_linked_listing": "移出关联人员", "amend_listing_end": "变更列入期限"}.get(e.action, e.action),
         "from_state": e.from_state, "to_state": e.to_state, "on": e.on.isoformat(), "at": e.at.isoformat(),
         "actor": e.actor_name, "department": e.actor_department, "reason": e.reason,
         "document_ids": e.document_ids, "data": e.data, "hash": e.hash}
        for e in session.scalars(select(ListingCaseEvent).where(ListingCaseEvent.case_id == case_id)
                                 .order_by(ListingCaseEvent.seq))
    ]


def case_documents(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [
        {"id": d.id, "kind": d.kind, "title": d.title, "number": d.number, "issued_on": d.issued_on.isoformat(),
         "sha256": d.sha256, "html_sha256": d.html_sha256, "issued_by": d.issued_by}
        for d in session.scalars(select(ListingDocument).where(ListingDocument.case_id == case_id)
                                 .order_by(ListingDocument.id))
    ]


def document(session: Session, document_id: int) -> ListingDocument:
    doc = session.get(ListingDocument, document_id)
    if doc is None:
        raise NotFound("listing.document_not_found", "未找到该文书")
    return doc


def document_pdf(session: Session, document_id: int) -> tuple[ListingDocument, bytes]:
    """The PDF of an issued document: rendered from its stored elements once, then kept."""
    doc = document(session, document_id)
    stored = session.get(ListingDocumentPdf, document_id)
    if stored is not None:
        return doc, stored.pdf
    if documents.content_hash(doc.kind, doc.elements, doc.issued_on) != doc.sha256:
        raise Conflict("listing.document_tampered", "文书内容与其哈希值不符，拒绝生成PDF")
    pdf = documents.render_pdf(doc.kind, doc.elements, doc.issued_on)
    session.add(ListingDocumentPdf(document_id=doc.id, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                                   created_at=clock.now()))
    session.flush()
    return doc, pdf


def cases(session: Session, *, state: str | None = None, department: str | None = None,
          subject_key: str | None = None, limit: int = 200, region: str | None = None) -> list[ListingCase]:
    q = select(ListingCase)
    if region is not None and region != NATIONAL_REGION:
        prefix = region.rstrip("0")
        q = q.where(ListingCase.region_code.like((prefix + "0" if len(prefix) % 2 else prefix) + "%"))
    if state:
        q = q.where(ListingCase.state == state)
    if department:
        q = q.where(ListingCase.department == department)
    if subject_key:
        q = q.where(ListingCase.subject_key == subject_key)
    return list(session.scalars(q.order_by(ListingCase.id.desc()).limit(limit)))


def get_case(session: Session, case_id: int) -> ListingCase:
    return _case(session, case_id)


def rectifications(session: Session, case_id: int) -> list[dict[str, Any]]:
    out = []
    for o in session.scalars(select(RectificationOrder).where(RectificationOrder.case_id == case_id)
                             .order_by(RectificationOrder.id)):
        iv = session.scalar(select(Interview).where(Interview.rectification_id == o.id))
        out.append({
            "id": o.id, "requirements": o.requirements, "ordered_on": o.ordered_on.isoformat(),
            "due_on": o.due_on.isoformat(), "public": o.public, "not_public_reason": o.not_public_reason,
            "status": o.status, "confirmed_on": _iso(o.confirmed_on), "confirmation_note": o.confirmation_note,
            "interview": _interview_row(iv) if iv else None,
        })
    return out


def _interview_row(iv: Interview) -> dict[str, Any]:
    return {"id": iv.id, "kind": iv.kind, "kind_name": INTERVIEW_NAMES[iv.kind], "department": iv.department,
            "held_on": iv.held_on.isoformat(), "outcome": iv.outcome, "outcome_name": INTERVIEW_OUTCOMES[iv.outcome],
            "interviewee": iv.interviewee, "record": iv.record}


def accountability(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [{"person_key": a.person_key, "name": a.person_name, "role": a.role, "listed": a.listed}
            for a in session.scalars(select(ListingAccountability).where(ListingAccountability.case_id == case_id))]


# ============================================================================ credit file
def listings_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    rows = []
    for listing, case in session.execute(
        select(Listing, ListingCase).join(ListingCase, ListingCase.id == Listing.case_id)
        .where(Listing.subject_key == subject_key).order_by(Listing.start_on)
    ):
        rows.append({"listing_id": listing.id, "case_id": case.id, "list_type_id": listing.list_type_id,
                     "kind": listing.kind, "role": listing.role, "department": listing.department,
                     "decision_no": listing.decision_no, "decision_date": listing.decision_date.isoformat(),
                     "start": listing.start_on.isoformat(), "end": _iso(listing.end_on),
                     "ended_on": _iso(listing.ended_on), "end_reason": listing.end_reason})
    for acc, case in session.execute(
        select(ListingAccountability, ListingCase).join(ListingCase, ListingCase.id == ListingAccountability.case_id)
        .where(ListingAccountability.person_key == subject_key, ListingAccountability.listed.is_(False))
    ):
        rows.append({"case_id": case.id, "list_type_id": case.list_type_id, "role": acc.role,
                     "accountability_for": case.subject_name, "decision_no": case.decision_no,
                     "department": case.department, "listed": False})
    return rows


def interviews_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    """893号 §三: interview records, refusals included, go into the subject's credit record."""
    return [_interview_row(iv) for iv in session.scalars(
        select(Interview).where(Interview.subject_key == subject_key).order_by(Interview.held_on))]





# ============================================================================ consequences of withdrawn records
#: platform default, NOT a period from the reference: the owning department reviews a case whose basis
#: lost one of several records within 10 working days (no document in ../shared/reference fixes one)
REVIEW_WORKDAYS = 10
OPEN_STATES = tuple(s.value for s in State if s not in (State.removed, State.withdrawn))


def record_withdrawn(session: Session, *, record_id: int, subject_key: str, reason: str,
                     on: dt.date | None = None) -> dict[str, list[int]]:
    """A record was withdrawn (``RecordWithdrawn``): every open case resting on it is ended when no
    other of its records remains active (a listed case is removed with reason ``basis_withdrawn``, one
    not yet listed is withdrawn — 国办发〔2020〕49号 §（二）: 以具有法律效力的文书为依据), else the owning
    department gets a review task due in :data:`REVIEW_WORKDAYS` working days (platform default)."""
    from xinyong.records import service as records

    on = on or clock.today()
    ended: list[int] = []
    tasks: list[int] = []
    for case in session.scalars(select(ListingCase).where(
            ListingCase.subject_key == subject_key, ListingCase.state.in_(OPEN_STATES)).order_by(ListingCase.id)):
        if record_id not in (case.record_ids or []):
            continue
        others = [rid for rid in case.record_ids if rid != record_id]
        remaining = [rid for rid in others if (rec := records.get(session, rid)) is not None and rec.status == "active"]
        text = f"作为依据的失信行为记录{record_id}已撤销：{reason}"
        if not remaining:
            if case.state == State.listed.value:
                _remove(session, SYSTEM, case, reason="basis_withdrawn", explanation=text, on=on, document=None)
            else:
                _withdraw(session, SYSTEM, case, explanation=text, on=on,
                          data={"reason": "basis_withdrawn", "record_id": record_id})
            ended.append(case.id)
            continue
        if session.scalar(select(ReviewTask.id).where(ReviewTask.case_id == case.id,
                                                      ReviewTask.record_id == record_id)) is not None:
            continue
        due = add_workdays(on, REVIEW_WORKDAYS)
        task = ReviewTask(case_id=case.id, record_id=record_id,
                          reason=f"{text}；案件仍有其他有效记录（{'、'.join(map(str, remaining))}），请复核是否仍符合认定条件",
                          due_on=due.date, due_provisional=due.provisional, created_at=clock.now())
        session.add(task)
        session.flush()
        _append_history(session, case, action="review_task", from_state=case.state, to_state=case.state, on=on,
                        actor=SYSTEM, reason=task.reason,
                        data={"review_task_id": task.id, "record_id": record_id, "due_on": task.due_on.isoformat()})
        _flush(session)
        tasks.append(task.id)
    return {"ended": ended, "review_tasks": tasks}


def review_task_row(t: ReviewTask) -> dict[str, Any]:
    return {"id": t.id, "case_id": t.case_id, "record_id": t.record_id, "reason": t.reason,
            "due_on": t.due_on.isoformat(), "provisional": t.due_provisional, "done_on": _iso(t.done_on),
            "done_note": t.done_note, "done_by": t.done_by}


# ============================================================================ use cases (actor in)
# The API, pages and CLI call these: each opens the door (role, access decision, log entry), checks
# ownership / territory, runs the steps above and returns plain data.

def owner_denial(actor: Actor, case: ListingCase) -> str | None:
    """谁认定、谁负责 (淮政办发〔2021〕13号 §三(一)): only the determining department acts on its case —
    and a principal without a region has no level, so no determining power (49号 §（八））."""
    no_level = level_denial(actor.region_code, AuthorityLevel.county, "办理认定案件")
    if no_level is not None:
        return no_level
    if actor.department != case.department:
        return f"该案件由{case.department}认定，其他部门不能办理（谁认定、谁负责）"
    return None


def read_denial(actor: Actor, case: ListingCase) -> str | None:
    """Who reads a case: its department, the platform admin, a credit office whose territory covers it
    (国办发〔2020〕49号 §（十三）明确信息查询使用权限)."""
    if actor.role is Role.admin:
        return None
    if actor.role is Role.credit_office:
        return territory_denial(actor.region_code, case.region_code, "查阅该认定案件")
    if actor.role is Role.determining_department and actor.department == case.department:
        return level_denial(actor.region_code, AuthorityLevel.county, "查阅认定案件")
    return f"该案件由{case.department}认定，本单位不能查阅"


def _open_case(door: Door, case_id: int, *, own: bool) -> ListingCase:
    case = _case(door.session, case_id)
    door.admit(subject_key=case.subject_key, detail={"case_id": case_id})
    if own:
        door.require(owner_denial(door.actor, case), code="listing.not_your_case")
    else:
        door.require(read_denial(door.actor, case), code="listing.not_your_case")
    return case


def full_view(session: Session, case_id: int) -> dict[str, Any]:
    case = _case(session, case_id)
    return {
        **describe_case(session, case),
        "history": history(session, case_id),
        "history_intact": verify_history(session, case_id),
        "documents": case_documents(session, case_id),
        "rectifications": rectifications(session, case_id),
        "accountability": accountability(session, case_id),
        "review_tasks": [review_task_row(t) for t in session.scalars(
            select(ReviewTask).where(ReviewTask.case_id == case_id).order_by(ReviewTask.id))],
    }


def propose_case(actor: Actor, *, subject_code: str, list_type_id: str, record_ids: list[int], reason: str,
                 on: dt.date | None = None) -> dict[str, Any]:
    """立案（拟列入）: see :func:`propose`; every refusal (level, field, territory, records) is logged."""
    with use_case(actor, "listing.propose", purpose=Purpose.determination,
                  detail={"list_type": list_type_id, "record_ids": list(record_ids)}) as door:
        case = propose(door.session, actor, subject_code=subject_code, list_type_id=list_type_id,
                       record_ids=record_ids, reason=reason, on=on)
        door.admit(subject_key=case.subject_key, detail={"case_id": case.id})
        return full_view(door.session, case.id)


def read_case(actor: Actor, case_id: int) -> dict[str, Any]:
    """The case, its history, documents, objection text, rectification orders and interviews."""
    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        _open_case(door, case_id, own=False)
        return full_view(door.session, case_id)


def read_history(actor: Actor, case_id: int) -> dict[str, Any]:
    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        _open_case(door, case_id, own=False)
        return {"case_id": case_id, "history": history(door.session, case_id),
                "history_intact": verify_history(door.session, case_id)}


def act_on_case(actor: Actor, action: str, case_id: int, step: Any) -> dict[str, Any]:
    """One owner-only step on a case: ``step(session, case_id)`` runs after the door admitted the
    owner; the case's full view is returned."""
    with use_case(actor, action, purpose=Purpose.determination) as door:
        _open_case(door, case_id, own=True)
        result = step(door.session, case_id)
        out = full_view(door.session, case_id)
        if isinstance(result, RectificationOrder):
            out["rectification_id"] = result.id
        return out


def act_on_order(actor: Actor, action: str, order_id: int, step: Any) -> dict[str, Any]:
    """An owner-only step on a rectification order (confirmation, interview)."""
    with use_case(actor, action, purpose=Purpose.determination) as door:
        order = _order(door.session, order_id)
        _open_case(door, order.case_id, own=True)
        result = step(door.session, order_id)
        out = full_view(door.session, order.case_id)
        if isinstance(result, Interview):
            out.update({"interview_id": result.id, "interview_kind": result.kind})
        return out


def read_document(actor: Actor, document_id: int, *, pdf: bool = False) -> tuple[ListingDocument, bytes]:
    """An issued document (HTML, or its PDF) for those who may read its case."""
    with use_case(actor, "listing.document", purpose=Purpose.determination) as door:
        doc = document(door.session, document_id)
        _open_case(door, doc.case_id, own=False)
        door.detail["document_id"] = document_id
        if pdf:
            return document_pdf(door.session, document_id)
        return doc, doc.html.encode("utf-8")


def list_cases(actor: Actor, *, state: str | None = None, subject_code: str | None = None) -> list[dict[str, Any]]:
    """Cases visible to ``actor``: a department its own, a credit office those of its territory, the
    admin all."""
    from xinyong.subjects import service as subjects

    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        key = subjects.require(door.session, subject_code).subject_key if subject_code else None
        department, region = _scope(door, "查阅认定案件")
        door.admit(subject_key=key)
        rows = cases(door.session, state=state or None, department=department, subject_key=key, region=region)
        door.count(len(rows))
        return [describe_case(door.session, c) for c in rows]


def _scope(door: Door, what: str) -> tuple[str | None, str | None]:
    actor = door.actor
    if actor.role is Role.determining_department:
        if not actor.department:
            door.refuse("本账户未登记所属部门，不能" + what)
        return actor.department, None
    if actor.role is Role.credit_office:
        door.require(territory_denial(actor.region_code, actor.region_code or NATIONAL_REGION, what))
        return None, actor.region_code
    return None, None


def deadlines_for(actor: Actor, on: dt.date, *, within_days: int = 30) -> list[dict[str, Any]]:
    """到期与逾期事项 of the cases ``actor`` may see (as :func:`list_cases`)."""
    with use_case(actor, "listing.deadlines", purpose=Purpose.supervision) as door:
        department, region = _scope(door, "查看到期事项")
        door.admit()
        rows = deadlines(door.session, on, department=department, within_days=within_days, region=region)
        door.count(len(rows))
        return rows


def complete_review_task(actor: Actor, task_id: int, *, note: str, on: dt.date | None = None) -> dict[str, Any]:
    """The owning department closes a review task with its conclusion."""
    on = on or clock.today()
    with use_case(actor, "listing.review", purpose=Purpose.determination) as door:
        task = door.session.get(ReviewTask, task_id)
        if task is None:
            raise NotFound("listing.review_task_not_found", "未找到该复核任务")
        case = _open_case(door, task.case_id, own=True)
        if task.done_on is not None:
            raise Conflict("listing.review_task_done", f"该复核任务已于{task.done_on.isoformat()}办结")
        text = " ".join((note or "").split())
        if not text:
            raise ValidationFailed("listing.note_required", "请填写复核结论")
        task.done_on = on
        task.done_note = text
        task.done_by = actor.department
        _append_history(door.session, case, action="review_done", from_state=case.state, to_state=case.state,
                        on=on, actor=actor, reason=text, data={"review_task_id": task.id, "record_id": task.record_id})
        _flush(door.session)
        return review_task_row(task)


def subject_listings(actor: Actor, subject_code: str, on: dt.date) -> list[dict[str, Any]]:
    """主体当前在列名单 (a subject's listings are public-law facts for the departments that act on them)."""
    from xinyong.subjects import service as subjects

    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        subject = subjects.require(door.session, subject_code)
        door.admit(subject_key=subject.subject_key)
        rows = active_listings(door.session, subject.subject_key, on)
        door.count(len(rows))
        return [jsonable(r) for r in rows]


def expire_listings(actor: Actor, on: dt.date) -> list[int]:
    """列入期限届满自动移出 — the platform's daily batch (``xinyong listing expire``): see :func:`expire_due`.
    Only the platform runs it (the removal is a consequence of the period the decision fixed, not a new
    decision of a department); the run and the number of cases it removed are logged."""
    with use_case(actor, "listing.expire", purpose=Purpose.maintenance, detail={"on": on.isoformat()}) as door:
        door.admit()
        done = expire_due(door.session, actor, on)
        door.count(len(done))
        return done
