"""Reading cases: one case's full view (state, history, documents, rectification, accountability,
review tasks), case lists within the reader's scope, a subject's listings in force and the credit-file
sections (国办发〔2020〕49号 §（十三）: who reads what is decided by the door and logged).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import (
    NATIONAL_REGION,
)
from xinyong.core.usecase import use_case
from xinyong.listing import loader
from xinyong.listing.deadlines import next_deadline, review_task_row
from xinyong.listing.document_store import case_documents
from xinyong.listing.history import history, verify_history
from xinyong.listing.models import (
    Listing,
    ListingAccountability,
    ListingCase,
    ReviewTask,
)
from xinyong.listing.rectification import rectifications
from xinyong.listing.rules import (
    ACTION_NAMES,
    KIND_NAMES,
    LENIENCY_FLAGS,
    STATE_NAMES,
    GuardrailRefused,
    State,
    allowed_actions,
)
from xinyong.listing.shared import get_case, iso, jsonable, list_type_of, open_case, visible_scope


def _needs_consent(case: ListingCase) -> bool:
    from xinyong.listing.guardrails import consent_needed

    try:
        lt = loader.list_types().get(case.list_type_id)
    except Exception:
        return False
    return consent_needed(lt.guard.upper_consent, case.region_code)


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
        "approvals": [{**a, "kind_name": {"four_eyes": "本部门审核同意（四眼原则）",
                                          "upper_consent": "上一级部门同意"}.get(a.get("kind", ""), "审核")}
                      for a in (case.approvals or [])],
        "needs_upper_consent": _needs_consent(case),
        "proposed_on": case.proposed_on.isoformat(),
        "notice_served_on": iso(case.notice_served_on),
        "objection_window_end": iso(case.objection_window_end),
        "objection_received_on": iso(case.objection_received_on),
        "objection_text": case.objection_text,
        "answer_deadline": iso(case.answer_deadline),
        "answer_deadline_provisional": case.answer_deadline_provisional,
        "answered_on": iso(case.answered_on),
        "answer_timely": case.answer_timely,
        "answer_outcome": case.answer_outcome,
        "answer_text": case.answer_text,
        "decided_on": iso(case.decided_on),
        "decision_no": case.decision_no,
        "listing_start": iso(case.listing_start),
        "listing_end": iso(case.listing_end),
        "listed_on": iso(case.listed_on),
        "removed_on": iso(case.removed_on),
        "removal_reason": case.removal_reason,
        "withdrawn_on": iso(case.withdrawn_on),
        "next_deadline": next_deadline(case, on),
    }


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


def accountability(session: Session, case_id: int) -> list[dict[str, Any]]:
    return [{"person_key": a.person_key, "name": a.person_name, "role": a.role, "listed": a.listed}
            for a in session.scalars(select(ListingAccountability).where(ListingAccountability.case_id == case_id))]


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
    types = loader.list_types()
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


def listings_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    rows = []
    for listing, case in session.execute(
        select(Listing, ListingCase).join(ListingCase, ListingCase.id == Listing.case_id)
        .where(Listing.subject_key == subject_key).order_by(Listing.start_on)
    ):
        rows.append({"listing_id": listing.id, "case_id": case.id, "list_type_id": listing.list_type_id,
                     "kind": listing.kind, "role": listing.role, "department": listing.department,
                     "decision_no": listing.decision_no, "decision_date": listing.decision_date.isoformat(),
                     "start": listing.start_on.isoformat(), "end": iso(listing.end_on),
                     "ended_on": iso(listing.ended_on), "end_reason": listing.end_reason})
    for acc, case in session.execute(
        select(ListingAccountability, ListingCase).join(ListingCase, ListingCase.id == ListingAccountability.case_id)
        .where(ListingAccountability.person_key == subject_key, ListingAccountability.listed.is_(False))
    ):
        rows.append({"case_id": case.id, "list_type_id": case.list_type_id, "role": acc.role,
                     "accountability_for": case.subject_name, "decision_no": case.decision_no,
                     "department": case.department, "listed": False})
    return rows


def full_view(session: Session, case_id: int) -> dict[str, Any]:
    case = get_case(session, case_id)
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


def read_case(actor: Actor, case_id: int) -> dict[str, Any]:
    """The case, its history, documents, objection text, rectification orders and interviews."""
    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        open_case(door, case_id, own=False)
        return full_view(door.session, case_id)


def read_history(actor: Actor, case_id: int) -> dict[str, Any]:
    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        open_case(door, case_id, own=False)
        return {"case_id": case_id, "history": history(door.session, case_id),
                "history_intact": verify_history(door.session, case_id)}


def list_cases(actor: Actor, *, state: str | None = None, subject_code: str | None = None) -> list[dict[str, Any]]:
    """Cases visible to ``actor``: a department its own, a credit office those of its territory, the
    admin all."""
    from xinyong.subjects import service as subjects

    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        key = subjects.require(door.session, subject_code).subject_key if subject_code else None
        department, region = visible_scope(door, "查阅认定案件")
        door.admit(subject_key=key)
        rows = cases(door.session, state=state or None, department=department, subject_key=key, region=region)
        door.count(len(rows))
        return [describe_case(door.session, c) for c in rows]


def subject_listings(actor: Actor, subject_code: str, on: dt.date) -> list[dict[str, Any]]:
    """主体当前在列名单 (a subject's listings are public-law facts for the departments that act on them)."""
    from xinyong.subjects import service as subjects

    with use_case(actor, "listing.read", purpose=Purpose.determination) as door:
        subject = subjects.require(door.session, subject_code)
        door.admit(subject_key=subject.subject_key)
        rows = active_listings(door.session, subject.subject_key, on)
        door.count(len(rows))
        return [jsonable(r) for r in rows]


def list_type_names() -> dict[str, str]:
    """Every list type's name by id, in force or not (pages name a case's list type, never its id)."""
    types = loader.list_types()
    return {**{i.id: i.name for i in types.incomplete}, **{t.id: t.name for t in types.types}}
