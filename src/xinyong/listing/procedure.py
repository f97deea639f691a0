"""The serious-dishonest-list procedure: propose (拟列入), prior notice (告知), objection and answer
(异议), decision (认定决定), listing (列入), removal (移出), withdrawal, amendment of the period and
expiry — the use cases around the pure state machine :func:`xinyong.listing.rules.transition`.

Each transition bumps the case's ``version`` (optimistic locking: the loser of a concurrent
transition gets a 409 and nothing of its attempt is written) and appends one entry to the case's
history in the platform's audit chain (:mod:`xinyong.listing.history`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import SYSTEM, Actor, Purpose
from xinyong.core.codes import minor_on
from xinyong.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xinyong.core.events import emit, publish
from xinyong.core.usecase import use_case
from xinyong.listing import documents, loader
from xinyong.listing.deadlines import open_review_task
from xinyong.listing.document_store import (
    decision_elements,
    issue_removal_document,
    notice_elements,
    store_document,
)
from xinyong.listing.events import ListingRowEnded
from xinyong.listing.guardrails import (
    consent_denial,
    consent_giver_denial,
    consent_needed,
    four_eyes_denial,
)
from xinyong.listing.history import append_history
from xinyong.listing.models import (
    Interview,
    Listing,
    ListingAccountability,
    ListingCase,
    RectificationOrder,
)
from xinyong.listing.reads import full_view
from xinyong.listing.rules import (
    REMOVAL_REASONS,
    Action,
    GuardrailRefused,
    RecordFacts,
    State,
    Step,
    check_proposal,
    proposal_denial,
    record_basis_denial,
    transition,
)
from xinyong.listing.shared import (
    accountability_persons,
    flush_or_conflict,
    get_case,
    get_order,
    list_type_of,
    open_case,
    ready_case,
    record_department,
    snapshot,
)
from xinyong.listing.transition_review import nonconforming_denial


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
    append_history(
        session, case, action=step.action.value, from_state=step.from_state.value, to_state=step.to_state.value,
        on=step.on, actor=actor, reason=reason, document_ids=document_ids, data=step.facts,
    )
    flush_or_conflict(session)


def who(actor: Actor) -> str:
    """The identity the four-eyes rule compares: the principal's id, or its name for a system actor."""
    return f"principal:{actor.id}" if actor.id is not None else f"name:{actor.name}"


def _item_name(rec: Any) -> str | None:
    from xinyong.records.public import catalog_item_of

    item = catalog_item_of(rec)
    return item.name if item is not None else None


def _act_day(session: Session, record_id: int) -> dt.date:
    from xinyong.records import service as records

    rec = records.get(session, record_id)
    assert rec is not None
    return rec.decision_date


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
    lt = loader.list_types().get(list_type_id)
    subject = subjects.require(session, subject_code)
    void = nonconforming_denial(session, lt.id, actor.region_code or subject.region_code, on)
    if void is not None:
        raise GuardrailRefused("list_type_nonconforming", void)
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
            catalog_item=rec.catalog_item, catalog_item_name=_item_name(rec), severity=rec.severity,
        ))
    denial = record_basis_denial(facts, actor.department)
    if denial is not None:
        raise Forbidden("listing.record_not_own", denial)
    # 国办发〔2020〕49号 §（十六）: minority at the act, read from the resident ID (never a checkbox)
    minor = any(minor_on(subject_code, _act_day(session, f.id)) for f in facts)
    flags = check_proposal(list_type=lt, records=facts, subject_key=subject.subject_key, on=on, minor=minor)
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
        proposed_by=who(actor), approvals=[],
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError:  # another officer opened the same case at the same moment
        raise Conflict("listing.case_exists", "该主体在此名单下已有未结案件（他人刚刚立案），请刷新后查看") from None
    append_history(session, case, action="propose", from_state=None, to_state=State.proposed.value, on=on,
                   actor=actor, reason=reason,
                   data={"list_type": lt.id, "record_ids": case.record_ids, "leniency_flags": list(flags)})
    session.flush()
    return case


def serve_notice(
    session: Session, actor: Actor, case_id: int, *, objection_window_end: dt.date, version: int | None = None,
    number: str | None = None, on: dt.date | None = None,
) -> ListingCase:
    """Generate, issue and serve the prior notice (告知), opening the objection window."""
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    lt = list_type_of(case)
    # validate the transition before issuing anything (document id filled in below)
    transition(snapshot(case), Action.serve_notice, on, lt,
               {"notice_document_id": 0, "objection_window_end": objection_window_end})
    number = (number or "").strip() or f"信用告知〔{on.year}〕{case.id:04d}号"
    rendered = documents.render(documents.NOTICE, notice_elements(session, case, lt, objection_window_end, number), on)
    doc = store_document(session, case, rendered, actor)
    step = transition(snapshot(case), Action.serve_notice, on, lt,
                      {"notice_document_id": doc.id, "objection_window_end": objection_window_end})
    _apply(session, case, step, actor, "送达事先告知书", [doc.id])
    return case


def justify_leniency(session: Session, actor: Actor, case_id: int, *, justification: str,
                     version: int | None = None, on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    step = transition(snapshot(case), Action.justify_leniency, on, list_type_of(case),
                      {"justification": justification})
    _apply(session, case, step, actor, step.case.leniency_justification)
    return case


def receive_objection(session: Session, actor: Actor, case_id: int, *, objection: str,
                      version: int | None = None, on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
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
    case = ready_case(session, actor, case_id, version)
    step = transition(snapshot(case), Action.answer_objection, on, list_type_of(case),
                      {"outcome": outcome, "answer": answer})
    _apply(session, case, step, actor, " ".join(answer.split()), extra={"answer_text": " ".join(answer.split())})
    return case


def decide(
    session: Session, actor: Actor, case_id: int, *, version: int | None = None, listing_months: int | None = None,
    listing_start: dt.date | None = None, number: str | None = None, on: dt.date | None = None,
) -> ListingCase:
    """认定决定: validate, generate and issue the decision document, record the decision."""
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    lt = list_type_of(case)
    args: dict[str, Any] = {"decision_document_id": 0}
    if listing_months is not None:
        args["listing_months"] = listing_months
    if listing_start is not None:
        args["listing_start"] = listing_start
    dry = transition(snapshot(case), Action.decide, on, lt, args)
    approvals = list(case.approvals or [])
    approval = next((a for a in approvals if a.get("kind") == "four_eyes"), None)
    refused = four_eyes_denial(approver=approval["by"] if approval else None, proposer=case.proposed_by,
                               decider=who(actor))
    if refused is not None:
        if approval is None:
            raise GuardrailRefused("approval_required", refused)
        raise Forbidden("listing.four_eyes", refused)
    missing_consent = consent_denial(lt.guard.upper_consent, case.region_code,
                                     any(a.get("kind") == "upper_consent" for a in approvals))
    if missing_consent is not None:
        raise GuardrailRefused("upper_consent_required", missing_consent)
    number = (number or "").strip() or f"信用认定〔{on.year}〕{case.id:04d}号"
    rendered = documents.render(documents.DECISION, decision_elements(session, case, lt, dry, number), on)
    doc = store_document(session, case, rendered, actor)
    args["decision_document_id"] = doc.id
    step = transition(snapshot(case), Action.decide, on, lt, args)
    _apply(session, case, step, actor, "作出认定决定", [doc.id], extra={"decision_no": number})
    return case


#: the states in which a decision can be prepared (approved, consented to)
BEFORE_DECISION = (State.notice_served.value, State.objection_received.value, State.objection_answered.value)


def approve(session: Session, actor: Actor, case_id: int, *, opinion: str, version: int | None = None,
            on: dt.date | None = None) -> ListingCase:
    """四眼审核: a second officer of the determining department approves the decision to be made; the
    approver is neither the officer who proposed the case nor (checked at :func:`decide`) the one who
    decides. 国办发〔2020〕49号 §（八） asks the determination procedure to be followed strictly; the
    separation of approving and deciding is this platform's rule."""
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    if case.state not in BEFORE_DECISION:
        raise GuardrailRefused("approval_state", "只有已告知、尚未作出认定决定的案件可以审核")
    text = " ".join((opinion or "").split())
    if not text:
        raise ValidationFailed("listing.opinion_required", "请填写审核意见")
    if case.proposed_by == who(actor):
        raise Forbidden("listing.four_eyes", "审核同意人不能是立案人（四眼原则）")
    entry = {"kind": "four_eyes", "by": who(actor), "by_name": actor.name, "department": actor.department,
             "region": actor.region_code, "on": on.isoformat(), "opinion": text}
    case.approvals = [a for a in (case.approvals or []) if a.get("kind") != "four_eyes"] + [entry]
    append_history(session, case, action="approve", from_state=case.state, to_state=case.state, on=on,
                   actor=actor, reason=text, data={"approver": actor.name})
    flush_or_conflict(session)
    return case


def consent(session: Session, actor: Actor, case_id: int, *, document: str, version: int | None = None,
            on: dt.date | None = None) -> ListingCase:
    """上一级同意 (市场监管总局令第44号 第二十二条 and any list type whose data asks for it): the department of
    the same field one level up consents to a county or prefecture decision."""
    from xinyong.core.authority import infer_fields

    on = on or clock.today()
    case = get_case(session, case_id)
    if version is not None and case.version != version:
        from xinyong.listing.shared import check_version

        check_version(case, version)
    lt = list_type_of(case)
    refused = consent_giver_denial(case_region=case.region_code, case_fields=tuple(infer_fields(case.department)),
                                   giver_region=actor.region_code, giver_fields=actor.fields,
                                   consent=lt.guard.upper_consent)
    if refused is not None:
        raise Forbidden("listing.not_upper_level", refused)
    if case.state not in BEFORE_DECISION:
        raise GuardrailRefused("consent_state", "只有已告知、尚未作出认定决定的案件可以报请同意")
    text = " ".join((document or "").split())
    if not text:
        raise ValidationFailed("listing.consent_document_required", "请填写同意文书文号")
    entry = {"kind": "upper_consent", "by": who(actor), "by_name": actor.name, "department": actor.department,
             "region": actor.region_code, "on": on.isoformat(), "document": text, "basis": lt.guard.upper_consent.basis}
    case.approvals = [a for a in (case.approvals or []) if a.get("kind") != "upper_consent"] + [entry]
    append_history(session, case, action="upper_consent", from_state=case.state, to_state=case.state, on=on,
                   actor=actor, reason=text, data={"department": actor.department, "document": text})
    flush_or_conflict(session)
    return case


def consent_to_case(actor: Actor, case_id: int, *, document: str, version: int | None = None,
                    on: dt.date | None = None) -> dict[str, Any]:
    """The upper-level department's use case: it is not the case's owner, so its own door decides."""
    with use_case(actor, "listing.consent", purpose=Purpose.determination) as door:
        case = get_case(door.session, case_id)
        door.admit(subject_key=case.subject_key, detail={"case_id": case_id})
        consent(door.session, actor, case_id, document=document, version=version, on=on)
        return full_view(door.session, case_id)


def needs_consent(case: ListingCase) -> bool:
    return consent_needed(list_type_of(case).guard.upper_consent, case.region_code)


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
    case = ready_case(session, actor, case_id, version)
    lt = list_type_of(case)
    step = transition(snapshot(case), Action.list, on, lt)
    assert case.decided_on is not None and case.listing_start is not None
    now = clock.now()
    persons = accountability_persons(session, case, on)
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
           version: int | None = None, on: dt.date | None = None, document: str | None = None,
           corrected_on: dt.date | None = None) -> ListingCase:
    """移出 (conditions met, period expired, repaired, revoked), per the list's own removal rule
    (e.g. 令第44号 第十六条 列入满一年; 令第45号 改正之日起满6个月; the stop-publication limit)."""
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    return _remove(session, actor, case, reason=reason, explanation=explanation, on=on, document=document,
                   corrected_on=corrected_on)


def _remove(session: Session, actor: Actor, case: ListingCase, *, reason: str, explanation: str | None,
            on: dt.date, document: str | None, corrected_on: dt.date | None = None,
            decided_elsewhere: bool = False) -> ListingCase:
    args: dict[str, Any] = {"reason": reason, "explanation": explanation, "decided_elsewhere": decided_elsewhere}
    if corrected_on is not None:
        args["corrected_on"] = corrected_on
    step = transition(snapshot(case), Action.remove, on, list_type_of(case), args)
    if document:
        step = Step(step.case, step.action, step.from_state, step.to_state, step.on,
                    {**step.facts, "document": document})
    _end_rows(session, case, reason, on)
    # the 移出决定书 states why, on what basis, with what effect and the remedies (49号 §（八）)
    removal = issue_removal_document(session, actor, case, list_type_of(case), reason=reason,
                                     explanation=explanation, on=on, number=document)
    _apply(session, case, step, actor, explanation or REMOVAL_REASONS[reason], [removal.id])
    return case


def withdraw(session: Session, actor: Actor, case_id: int, *, explanation: str, version: int | None = None,
             on: dt.date | None = None) -> ListingCase:
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
    return _withdraw(session, actor, case, explanation=explanation, on=on)


def _withdraw(session: Session, actor: Actor, case: ListingCase, *, explanation: str, on: dt.date,
              data: dict[str, Any] | None = None) -> ListingCase:
    step = transition(snapshot(case), Action.withdraw, on, list_type_of(case), {"explanation": explanation})
    if data:
        step = Step(step.case, step.action, step.from_state, step.to_state, step.on, {**step.facts, **data})
    _end_rows(session, case, "withdrawn", on)  # none before listing; kept so no path leaves a row running
    _apply(session, case, step, actor, " ".join(explanation.split()), extra={"withdrawn_on": on})
    return case


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
    case = get_case(session, listing.case_id)
    if listing.role == "subject":
        _remove(session, actor, case, reason=reason, explanation=document or REMOVAL_REASONS[reason], on=on,
                document=document, decided_elsewhere=True)
    else:
        listing.ended_on = on
        listing.end_reason = reason
        listing.version += 1
        append_history(session, case, action="end_linked_listing", from_state=case.state, to_state=case.state,
                       on=on, actor=actor, reason=REMOVAL_REASONS[reason],
                       data={"listing_id": listing.id, "role": listing.role, "document": document})
        flush_or_conflict(session)
        publish(session, _ended(case, listing, reason))
    return {"listing_id": listing.id, "ended_on": on.isoformat(), "reason": reason}


def amend_listing_end(session: Session, actor: Actor, case_id: int, *, new_end: dt.date, explanation: str,
                      version: int | None = None, on: dt.date | None = None) -> ListingCase:
    """Change the end of a running listing (e.g. after review); emits ``listing.changed``."""
    on = on or clock.today()
    case = ready_case(session, actor, case_id, version)
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
    append_history(session, case, action="amend_listing_end", from_state=case.state, to_state=case.state, on=on,
                   actor=actor, reason=text,
                   data={"old_end": old.isoformat() if old else None, "new_end": new_end.isoformat()})
    flush_or_conflict(session)
    for row in rows:
        emit(session, "listing.changed", _payload(case, row, "period_amended"))
    return case


#: the states of a case still running (not removed, not withdrawn)
OPEN_STATES = tuple(s.value for s in State if s not in (State.removed, State.withdrawn))


def record_withdrawn(session: Session, *, record_id: int, subject_key: str, reason: str,
                     on: dt.date | None = None) -> dict[str, list[int]]:
    """A record was withdrawn (``RecordWithdrawn``): every open case resting on it is ended when no
    other of its records remains active (a listed case is removed with reason ``basis_withdrawn``, one
    not yet listed is withdrawn — 国办发〔2020〕49号 §（二）: 以具有法律效力的文书为依据), else the owning
    department gets a review task (:func:`xinyong.listing.deadlines.open_review_task`)."""
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
        task_id = open_review_task(session, case, record_id=record_id, text=text, remaining=remaining, on=on)
        if task_id is not None:
            tasks.append(task_id)
    return {"ended": ended, "review_tasks": tasks}


def propose_case(actor: Actor, *, subject_code: str, list_type_id: str, record_ids: list[int], reason: str,
                 on: dt.date | None = None) -> dict[str, Any]:
    """立案（拟列入）: see :func:`propose`; every refusal (level, field, territory, records) is logged."""
    with use_case(actor, "listing.propose", purpose=Purpose.determination,
                  detail={"list_type": list_type_id, "record_ids": list(record_ids)}, serialise=True) as door:
        case = propose(door.session, actor, subject_code=subject_code, list_type_id=list_type_id,
                       record_ids=record_ids, reason=reason, on=on)
        door.admit(subject_key=case.subject_key, detail={"case_id": case.id})
        return full_view(door.session, case.id)


def act_on_case(actor: Actor, action: str, case_id: int, step: Any) -> dict[str, Any]:
    """One owner-only step on a case: ``step(session, case_id)`` runs after the door admitted the
    owner; the case's full view is returned."""
    with use_case(actor, action, purpose=Purpose.determination) as door:
        open_case(door, case_id, own=True)
        result = step(door.session, case_id)
        out = full_view(door.session, case_id)
        if isinstance(result, RectificationOrder):
            out["rectification_id"] = result.id
        return out


def act_on_order(actor: Actor, action: str, order_id: int, step: Any) -> dict[str, Any]:
    """An owner-only step on a rectification order (confirmation, interview)."""
    with use_case(actor, action, purpose=Purpose.determination) as door:
        order = get_order(door.session, order_id)
        open_case(door, order.case_id, own=True)
        result = step(door.session, order_id)
        out = full_view(door.session, order.case_id)
        if isinstance(result, Interview):
            out.update({"interview_id": result.id, "interview_kind": result.kind})
        return out


def expire_listings(actor: Actor, on: dt.date) -> list[int]:
    """列入期限届满自动移出 — the platform's daily batch (``xinyong listing expire``): see :func:`expire_due`.
    Only the platform runs it (the removal is a consequence of the period the decision fixed, not a new
    decision of a department); the run and the number of cases it removed are logged."""
    with use_case(actor, "listing.expire", purpose=Purpose.maintenance, detail={"on": on.isoformat()}) as door:
        door.admit()
        done = expire_due(door.session, actor, on)
        door.count(len(done))
        return done
