"""Use cases of agency supervision (淮政办发〔2021〕13号 §五（四）; 发改办财金〔2018〕893号 §十一、§十六).

Agencies are not users of the platform: the credit office registers what an agency answered to a
subject's correction or deletion request (the agency's letter), and supervises it. Every function taking
an ``actor`` opens the one door (:func:`xinyong.core.usecase.use_case`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import public, rules
from xinyong.agencies.loader import time_limits
from xinyong.agencies.models import (
    AgencyFileEntry,
    AgencyQualification,
    AgencyRectification,
    AgencyRequest,
    AgencyStatusChange,
    CreditAgency,
)
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.db import claim
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.regions import division_name, is_division
from xinyong.core.usecase import Door, use_case
from xinyong.core.workdays import add_workdays


def _by(actor: Actor) -> str:
    return (actor.department or actor.name)[:200]


def _territory(door: Door, region: str | None, what: str) -> None:
    """A credit office acts on the agencies of its territory; the administrator on every agency."""
    if door.actor.role is Role.credit_office:
        door.require(territory_denial(door.actor.region_code, region, what))


def _region(region_code: str | None) -> str | None:
    code = (region_code or "").strip() or None
    if code is not None and not is_division(code):
        raise ValidationFailed("invalid_region", f"行政区划代码“{code}”不存在")
    return code


def _text(value: str, what: str, limit: int = 4000) -> str:
    body = (value or "").strip()
    if not body:
        raise ValidationFailed("missing_text", f"请填写{what}")
    return body[:limit]


def _qualification_row(q: AgencyQualification, today: dt.date) -> dict[str, Any]:
    in_force = rules.qualification_in_force(rules.Qualification(q.name, q.valid_from, q.valid_until), today)
    return {"id": q.id, "name": q.name, "certificate_number": q.certificate_number, "issued_by": q.issued_by,
            "valid_from": q.valid_from.isoformat(),
            "valid_until": q.valid_until.isoformat() if q.valid_until else None,
            "in_force": in_force, "state_name": "有效" if in_force else "不在有效期内"}


def _describe(session: Session, a: CreditAgency, today: dt.date) -> dict[str, Any]:
    quals = list(session.scalars(select(AgencyQualification).where(AgencyQualification.agency_id == a.id)
                                 .order_by(AgencyQualification.valid_from)))
    out = public.describe(a)
    out["region_name"] = division_name(a.region_code) if a.region_code else "未登记"
    out["qualifications"] = [_qualification_row(q, today) for q in quals]
    out["qualified_now"] = any(q["in_force"] for q in out["qualifications"])
    return out


# --- the registry ----------------------------------------------------------------------------------------


def list_agencies(actor: Actor, *, purpose: Purpose = Purpose.public_inquiry) -> list[dict[str, Any]]:
    """The registry with its qualifications and status (public: the subject chooses an agency by it)."""
    with use_case(actor, "agency.read", purpose=purpose) as door:
        door.admit()
        today = clock.today()
        rows = [_describe(door.session, a, today)
                for a in door.session.scalars(select(CreditAgency).order_by(CreditAgency.name, CreditAgency.id))]
        door.count(len(rows))
        return rows


def register_agency(actor: Actor, *, name: str, uscc: str, filing_number: str,
                    region_code: str | None) -> dict[str, Any]:
    with use_case(actor, "agency.manage", purpose=Purpose.supervision, detail={"uscc": uscc}) as door:
        region = _region(region_code) or door.actor.region_code
        door.admit()
        _territory(door, region, "登记该信用服务机构")
        a = public.register(door.session, name=name, uscc=uscc, filing_number=filing_number, region_code=region)
        return _describe(door.session, a, clock.today())


def _agency(door: Door, agency_id: int, what: str, *, for_update: bool = False) -> CreditAgency:
    a = public.get(door.session, agency_id, for_update=for_update)
    door.admit(detail={"agency": agency_id})
    _territory(door, a.region_code, what)
    return a


def add_qualification(actor: Actor, agency_id: int, *, name: str, certificate_number: str, issued_by: str,
                      valid_from: dt.date, valid_until: dt.date | None) -> dict[str, Any]:
    """资质 with its validity dates (893 §十一: 具有资质的信用服务机构)."""
    with use_case(actor, "agency.manage", purpose=Purpose.supervision) as door:
        a = _agency(door, agency_id, "登记该信用服务机构的资质")
        denial = rules.check_qualification_dates(valid_from, valid_until)
        if denial:
            raise ValidationFailed("invalid_validity", denial)
        q = AgencyQualification(agency_id=a.id, name=_text(name, "资质名称", 200),
                                certificate_number=_text(certificate_number, "资质证书编号", 100),
                                issued_by=_text(issued_by, "发证机关", 200), valid_from=valid_from,
                                valid_until=valid_until, recorded_by=_by(actor), recorded_at=clock.now())
        door.session.add(q)
        door.session.flush()
        return _qualification_row(q, clock.today())


def change_status(actor: Actor, agency_id: int, *, active: bool, reason: str) -> dict[str, Any]:
    """Suspend (its reports are refused in repair) or reinstate; both go into the suspension history."""
    with use_case(actor, "agency.manage", purpose=Purpose.supervision, serialise=True,
                  detail={"active": active}) as door:
        a = _agency(door, agency_id, "暂停或恢复该信用服务机构")
        a = public.set_status(door.session, a.id, active=active, reason=reason, by=_by(actor))
        return _describe(door.session, a, clock.today())


# --- the agency's credit file (893 §十六) ---------------------------------------------------------------


def record_entry(actor: Actor, agency_id: int, *, kind: str, occurred_on: dt.date, summary: str,
                 source: str | None) -> dict[str, Any]:
    """A complaint received or a finding of a breach, into the agency's credit file."""
    if kind not in rules.FILE_ENTRY_KINDS:
        raise ValidationFailed("invalid_entry_kind", "记录类型须为投诉或查处认定")
    with use_case(actor, "agency.supervise", purpose=Purpose.supervision) as door:
        a = _agency(door, agency_id, "记录该信用服务机构的信用档案")
        if occurred_on > clock.today():
            raise ValidationFailed("future_date", "日期不能晚于今天")
        e = AgencyFileEntry(agency_id=a.id, kind=kind, occurred_on=occurred_on, summary=_text(summary, "事由"),
                            source=(source or "").strip()[:200] or None, recorded_by=_by(actor),
                            recorded_at=clock.now())
        door.session.add(e)
        door.session.flush()
        return _entry_row(e)


def _entry_row(e: AgencyFileEntry) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "kind_name": rules.FILE_ENTRY_KINDS[e.kind],
            "occurred_on": e.occurred_on.isoformat(), "summary": e.summary, "source": e.source,
            "recorded_by": e.recorded_by}


def order_rectification(actor: Actor, agency_id: int, *, requirement: str, deadline: dt.date,
                        finding_id: int | None = None, request_id: int | None = None) -> dict[str, Any]:
    """责令整改 (13号 §五（四）) with the deadline the office sets."""
    with use_case(actor, "agency.supervise", purpose=Purpose.supervision) as door:
        a = _agency(door, agency_id, "责令该信用服务机构整改")
        return _rectification_row(_order(door.session, a, actor, requirement, deadline, finding_id, request_id),
                                  clock.today())


def _order(session: Session, a: CreditAgency, actor: Actor, requirement: str, deadline: dt.date,
           finding_id: int | None, request_id: int | None) -> AgencyRectification:
    today = clock.today()
    if deadline < today:
        raise ValidationFailed("past_deadline", "整改期限不能早于今天")
    if finding_id is not None:
        f = session.get(AgencyFileEntry, finding_id)
        if f is None or f.agency_id != a.id or f.kind != "finding":
            raise ValidationFailed("unknown_finding", "所引用的查处认定不属于该信用服务机构")
    r = AgencyRectification(agency_id=a.id, finding_id=finding_id, request_id=request_id,
                            requirement=_text(requirement, "整改要求"), ordered_on=today, deadline=deadline,
                            ordered_by=_by(actor), recorded_at=clock.now())
    session.add(r)
    session.flush()
    return r


def complete_rectification(actor: Actor, rectification_id: int, *, completed_on: dt.date,
                           note: str) -> dict[str, Any]:
    with use_case(actor, "agency.supervise", purpose=Purpose.supervision, serialise=True) as door:
        r = door.session.get(AgencyRectification, rectification_id)
        if r is None:
            raise NotFound("rectification_not_found", "未找到该整改事项")
        _agency(door, r.agency_id, "确认该信用服务机构整改完成")
        if r.completed_on is not None:
            raise Conflict("rectification_done", "该整改事项已确认完成")
        if completed_on > clock.today() or completed_on < r.ordered_on:
            raise ValidationFailed("invalid_completion_date", "完成日期须在责令整改之日和今天之间")
        r.completed_on = completed_on
        r.completion_note = _text(note, "整改完成情况")
        door.session.flush()
        return _rectification_row(r, clock.today())


def _rectification_row(r: AgencyRectification, today: dt.date) -> dict[str, Any]:
    overdue = rules.rectification_overdue(r.deadline, r.completed_on, today)
    return {"id": r.id, "agency_id": r.agency_id, "requirement": r.requirement,
            "ordered_on": r.ordered_on.isoformat(), "deadline": r.deadline.isoformat(),
            "completed_on": r.completed_on.isoformat() if r.completed_on else None,
            "completion_note": r.completion_note, "finding_id": r.finding_id, "request_id": r.request_id,
            "overdue": overdue,
            "state_name": "已完成" if r.completed_on else ("逾期未完成" if overdue else "整改中")}


def agency_file(actor: Actor, agency_id: int) -> dict[str, Any]:
    """The agency's credit file: registry data and qualifications, suspension history, complaints and
    findings, rectification orders, correction/deletion requests, and the credit reports used in repair."""
    from xinyong.repair.public import reports_of_agency
    from xinyong.subjects.public import subject_views

    with use_case(actor, "agency.file.read", purpose=Purpose.supervision) as door:
        a = _agency(door, agency_id, "查阅该信用服务机构的信用档案")
        s, today = door.session, clock.today()
        history = s.scalars(select(AgencyStatusChange).where(AgencyStatusChange.agency_id == a.id)
                            .order_by(AgencyStatusChange.decided_at.desc(), AgencyStatusChange.id.desc()))
        entries = s.scalars(select(AgencyFileEntry).where(AgencyFileEntry.agency_id == a.id)
                            .order_by(AgencyFileEntry.occurred_on.desc(), AgencyFileEntry.id.desc()))
        rects = s.scalars(select(AgencyRectification).where(AgencyRectification.agency_id == a.id)
                          .order_by(AgencyRectification.ordered_on.desc(), AgencyRectification.id.desc()))
        requests = list(s.scalars(select(AgencyRequest).where(AgencyRequest.agency_id == a.id)
                                  .order_by(AgencyRequest.filed_on.desc(), AgencyRequest.id.desc())))
        reports = reports_of_agency(s, a.id)
        names = subject_views(s, {r["subject_key"] for r in reports} | {q.subject_key for q in requests})
        for r in reports:
            v = names.get(r.pop("subject_key"))
            r["subject_name"] = v.name if v else "（主体已不存在）"
        entry_rows = [_entry_row(e) for e in entries]
        out = {
            "agency": _describe(s, a, today),
            "status_history": [{"action_name": "暂停" if h.action == "suspend" else "恢复", "action": h.action,
                                "reason": h.reason, "decided_on": h.decided_on.isoformat(),
                                "decided_by": h.decided_by} for h in history],
            "complaints": [e for e in entry_rows if e["kind"] == "complaint"],
            "findings": [e for e in entry_rows if e["kind"] == "finding"],
            "rectifications": [_rectification_row(r, today) for r in rects],
            "requests": [_request_row(q, today, names[q.subject_key].name if q.subject_key in names else "")
                         for q in requests],
            "credit_reports": reports,
        }
        door.count(len(requests) + len(reports))
        return out


# --- correction and deletion requests (13号 §五（四）) ----------------------------------------------------


def _request_row(q: AgencyRequest, today: dt.date, subject_name: str = "",
                 agency_name: str = "") -> dict[str, Any]:
    overdue = rules.overdue_kind(rules.RequestFacts(q.status, q.answer_deadline, q.supervision_deadline), today)
    return {
        "id": q.id, "agency_id": q.agency_id, "agency_name": agency_name, "subject_name": subject_name,
        "kind": q.kind, "kind_name": rules.REQUEST_KIND_NAMES[rules.RequestKind(q.kind)],
        "ground": q.ground, "ground_name": rules.GROUNDS.get(q.ground, ""),
        "information": q.information, "requested_change": q.requested_change,
        "filed_on": q.filed_on.isoformat(), "status": q.status,
        "status_name": rules.REQUEST_STATUS_NAMES[rules.RequestStatus(q.status)],
        "answer_deadline": q.answer_deadline.isoformat(), "supervision_deadline": q.supervision_deadline.isoformat(),
        "deadlines_provisional": q.deadlines_provisional,
        "agency_answer": q.agency_answer, "agency_answer_name": rules.AGENCY_ANSWERS.get(q.agency_answer or "", ""),
        "agency_answer_text": q.agency_answer_text,
        "answered_on": q.answered_on.isoformat() if q.answered_on else None,
        "supervision_outcome_name": rules.SUPERVISION_OUTCOMES.get(q.supervision_outcome or "", ""),
        "supervision_note": q.supervision_note,
        "supervised_on": q.supervised_on.isoformat() if q.supervised_on else None,
        "overdue": overdue, "overdue_name": rules.OVERDUE_NAMES.get(overdue or "", ""),
    }


def file_request(actor: Actor, subject_code: str | None, *, agency_id: int, kind: str, ground: str,
                 information: str, requested_change: str) -> dict[str, Any]:
    """A subject asks an agency to correct or delete information it holds (the subject itself, or the credit
    office at its window for a subject of its territory). The agency's answer and the office's supervision
    each get a deadline in working days (data, ``rules/national/agencies/time_limits.yaml``)."""
    from xinyong.subjects.public import require_subject, subject_region, subject_view

    if kind not in {k.value for k in rules.RequestKind}:
        raise ValidationFailed("invalid_request_kind", "申请类型须为更正或删除")
    if ground not in rules.GROUNDS:
        raise ValidationFailed("invalid_ground", "请选择申请理由：信息错误、侵犯商业秘密、侵犯个人隐私或其他合法权益")
    with use_case(actor, "agency.request.file", purpose=Purpose.self_access if actor.role is Role.subject
                  else Purpose.supervision) as door:
        if actor.role is Role.subject:
            key = door.own_subject("提出更正、删除申请")
        else:
            if not subject_code:
                raise ValidationFailed("subject_code_required", "请填写申请主体的统一社会信用代码或公民身份号码")
            key = require_subject(door.session, subject_code).subject_key
        door.admit(subject_key=key, detail={"agency": agency_id, "kind": kind})
        if actor.role is Role.credit_office:
            door.require(territory_denial(actor.region_code, subject_region(door.session, key), "代为提出该主体的申请"))
        a = public.get(door.session, agency_id)
        today, limits = clock.today(), time_limits()
        answer = add_workdays(today, limits.agency_answer_workdays)
        supervise = add_workdays(answer.date, limits.office_supervision_workdays)
        view = subject_view(door.session, key)
        q = AgencyRequest(agency_id=a.id, subject_key=key, kind=kind, ground=ground,
                          information=_text(information, "机构所掌握的相关信息"),
                          requested_change=_text(requested_change, "请求更正或删除的内容"),
                          filed_on=today, filed_at=clock.now(), filed_by=_by(actor),
                          status=rules.RequestStatus.awaiting_agency.value, answer_deadline=answer.date,
                          supervision_deadline=supervise.date,
                          deadlines_provisional=answer.provisional or supervise.provisional)
        door.session.add(q)
        door.session.flush()
        return _request_row(q, today, view.name if view else "", a.name)


def _request(door: Door, request_id: int) -> AgencyRequest:
    q = door.session.get(AgencyRequest, request_id)
    if q is None:
        raise NotFound("request_not_found", "未找到该更正、删除申请")
    return q


def record_agency_answer(actor: Actor, request_id: int, *, answer: str, text: str,
                         answered_on: dt.date) -> dict[str, Any]:
    """The office registers the agency's answer (the agency is not a platform user)."""
    if answer not in rules.AGENCY_ANSWERS:
        raise ValidationFailed("invalid_answer", "机构答复须为已更正、已删除或不予更正或删除")
    with use_case(actor, "agency.request.answer", purpose=Purpose.supervision, serialise=True) as door:
        q = _request(door, request_id)
        a = _agency(door, q.agency_id, "登记该信用服务机构的答复")
        door.admit(subject_key=q.subject_key)
        if answered_on > clock.today() or answered_on < q.filed_on:
            raise ValidationFailed("invalid_answer_date", "答复日期须在申请之日和今天之间")
        body = _text(text, "机构答复内容（不予更正或删除的须写明理由）")
        if not claim(door.session, q, "status", [rules.RequestStatus.awaiting_agency.value], {
                "status": rules.RequestStatus.awaiting_office.value, "agency_answer": answer,
                "agency_answer_text": body, "answered_on": answered_on}):
            raise Conflict("request_already_answered",
                           f"该申请已是“{rules.REQUEST_STATUS_NAMES[rules.RequestStatus(q.status)]}”状态")
        return _request_row(q, clock.today(), agency_name=a.name)


def supervise_request(actor: Actor, request_id: int, *, outcome: str, note: str,
                      rectification_deadline: dt.date | None = None) -> dict[str, Any]:
    """The office's supervision closes the request: the agency's handling is confirmed, or rectification is
    ordered (13号 §五（四） 责令整改). An agency that never answered can be supervised too."""
    if outcome not in rules.SUPERVISION_OUTCOMES:
        raise ValidationFailed("invalid_outcome", "督办结论须为予以确认或责令整改")
    with use_case(actor, "agency.supervise", purpose=Purpose.supervision, serialise=True) as door:
        q = _request(door, request_id)
        a = _agency(door, q.agency_id, "督办该更正、删除申请")
        door.admit(subject_key=q.subject_key)
        if outcome == "confirmed" and q.status != rules.RequestStatus.awaiting_office:
            raise ValidationFailed("nothing_to_confirm", "机构尚未答复，不能确认其处理结果；可责令整改")
        if outcome == "ordered" and rectification_deadline is None:
            raise ValidationFailed("missing_deadline", "责令整改须写明整改期限")
        body = _text(note, "督办意见")
        today = clock.today()
        if not claim(door.session, q, "status", [rules.RequestStatus.awaiting_agency.value,
                                                 rules.RequestStatus.awaiting_office.value], {
                "status": rules.RequestStatus.closed.value, "supervision_outcome": outcome,
                "supervision_note": body, "supervised_on": today, "supervised_by": _by(actor)}):
            raise Conflict("request_closed", "该申请已办结")
        if outcome == "ordered" and rectification_deadline is not None:
            _order(door.session, a, actor, body, rectification_deadline, None, q.id)
        return _request_row(q, today, agency_name=a.name)


def own_requests(actor: Actor) -> list[dict[str, Any]]:
    """The subject's own requests (it sees only its own)."""
    with use_case(actor, "agency.request.read", purpose=Purpose.self_access) as door:
        key = door.own_subject("查阅本人的更正、删除申请")
        door.admit(subject_key=key)
        rows = list(door.session.scalars(select(AgencyRequest).where(AgencyRequest.subject_key == key)
                                         .order_by(AgencyRequest.id.desc())))
        names = public.agency_views(door.session, {q.agency_id for q in rows})
        today = clock.today()
        door.count(len(rows))
        return [_request_row(q, today, agency_name=names[q.agency_id].name) for q in rows]


def supervision_queue(actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """What the office must follow: open requests (overdue ones flagged) and open rectification orders,
    limited to the agencies of its territory."""
    from xinyong.subjects.public import subject_views

    with use_case(actor, "agency.supervise", purpose=Purpose.supervision) as door:
        door.admit()
        s, today = door.session, clock.today()
        agencies = {a.id: a for a in public.all_agencies(s)}
        if actor.role is Role.credit_office:
            agencies = {i: a for i, a in agencies.items()
                        if territory_denial(actor.region_code, a.region_code, "督办") is None}
        requests = [q for q in s.scalars(select(AgencyRequest).where(
            AgencyRequest.status != rules.RequestStatus.closed.value).order_by(AgencyRequest.filed_on))
            if q.agency_id in agencies]
        rects = [r for r in s.scalars(select(AgencyRectification).where(
            AgencyRectification.completed_on.is_(None)).order_by(AgencyRectification.deadline))
            if r.agency_id in agencies]
        names = subject_views(s, {q.subject_key for q in requests})
        req_rows = [_request_row(q, today, names[q.subject_key].name if q.subject_key in names else "",
                                 agencies[q.agency_id].name) for q in requests]
        rect_rows = [{**_rectification_row(r, today), "agency_name": agencies[r.agency_id].name} for r in rects]
        door.count(len(req_rows) + len(rect_rows))
        return {"requests": req_rows, "rectifications": rect_rows,
                "overdue_requests": [r for r in req_rows if r["overdue"]],
                "overdue_rectifications": [r for r in rect_rows if r["overdue"]]}


def limits_note() -> dict[str, Any]:
    limits = time_limits()
    return {"agency_answer_workdays": limits.agency_answer_workdays,
            "office_supervision_workdays": limits.office_supervision_workdays,
            "basis_verified": limits.basis_verified, "note": limits.note}
