"""REST API of the serious-dishonest-list procedure: one endpoint per step.

Every write carries the ``version`` of the case the officer saw (optimistic locking: a stale
version gets 409 and nothing is written). Dates default to today (China time) and may name an
earlier day on which the step happened (never a future one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose, guard
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role
from xinyong.core.workdays import add_workdays
from xinyong.listing import service
from xinyong.listing.loader import list_types
from xinyong.web.deps import current_actor, requires

router = APIRouter(prefix="/api/v1/listing", tags=["listing 严重失信主体名单"])


class ProposeIn(BaseModel):
    subject_code: str = Field(description="统一社会信用代码或公民身份号码")
    list_type_id: str
    record_ids: list[int] = Field(min_length=1, description="作为认定依据的失信行为记录")
    reason: str = Field(min_length=1, max_length=4000, description="拟列入的事由")
    on: dt.date | None = None


class VersionIn(BaseModel):
    version: int = Field(ge=1, description="办理人看到的案件版本（乐观锁）")
    on: dt.date | None = Field(default=None, description="该步骤发生日期，默认今天")


class NoticeIn(VersionIn):
    objection_window_end: dt.date = Field(description="异议期限截止日（含）")
    number: str | None = Field(default=None, max_length=120, description="告知书文号，默认自动编号")


class LeniencyIn(VersionIn):
    justification: str = Field(min_length=1, max_length=4000)


class ObjectionIn(VersionIn):
    objection: str = Field(min_length=1, max_length=8000)


class AnswerIn(VersionIn):
    outcome: str = Field(description="upheld（异议成立）或 rejected（异议不成立）")
    answer: str = Field(min_length=1, max_length=8000)


class DecisionIn(VersionIn):
    listing_months: int | None = Field(default=None, ge=1, le=600)
    listing_start: dt.date | None = None
    number: str | None = Field(default=None, max_length=120)


class RemovalIn(VersionIn):
    reason: str = Field(description="conditions_met / period_expired / repaired / revoked")
    explanation: str | None = Field(default=None, max_length=4000)
    document: str | None = Field(default=None, max_length=200, description="依据文书（如修复决定、复议决定）")


class WithdrawIn(VersionIn):
    explanation: str = Field(min_length=1, max_length=4000)


class PeriodIn(VersionIn):
    new_end: dt.date
    explanation: str = Field(min_length=1, max_length=4000)


class RectificationIn(BaseModel):
    requirements: str = Field(min_length=1, max_length=4000)
    due_on: dt.date
    public: bool = True
    not_public_reason: str | None = Field(default=None, max_length=2000)
    on: dt.date | None = None


class ConfirmIn(BaseModel):
    completed: bool
    note: str = Field(min_length=1, max_length=4000)
    on: dt.date | None = None


class InterviewIn(BaseModel):
    outcome: str = Field(description="held（已约谈）/ refused（拒绝约谈）/ not_cooperating（不配合）")
    record: str = Field(min_length=1, max_length=8000)
    interviewee: str | None = Field(default=None, max_length=200)
    on: dt.date | None = None


def _full(s: Any, case_id: int) -> dict[str, Any]:
    case = service.get_case(s, case_id)
    return {
        **service.describe_case(s, case),
        "history": service.history(s, case_id),
        "history_intact": service.verify_history(s, case_id),
        "documents": service.case_documents(s, case_id),
        "rectifications": service.rectifications(s, case_id),
        "accountability": service.accountability(s, case_id),
    }


def _guard_case(s: Any, actor: Actor, action: str, case_id: int) -> None:
    case = service.get_case(s, case_id)
    guard(s, actor, action, purpose=Purpose.determination, subject_key=case.subject_key,
          detail={"case_id": case_id})


# ----------------------------------------------------------------------------- list types
@router.get("/types", dependencies=[Depends(requires("listing.types"))], summary="名单类型（含不可用的及原因）")
def get_types(on: dt.date | None = None) -> dict[str, Any]:
    day = on or clock.today()
    ts = list_types()
    return {
        "on": day.isoformat(),
        "types": [{**t.summary(), "usable": True, "in_force": t.in_force(day)} for t in ts.types],
        "incomplete": [t.summary() for t in ts.incomplete],
    }


@router.get("/types/{list_type_id}", dependencies=[Depends(requires("listing.types"))], summary="名单类型详情")
def get_type(list_type_id: str) -> dict[str, Any]:
    return list_types().get(list_type_id).summary()


@router.get("/workdays", dependencies=[Depends(requires("listing.types"))], summary="工作日计算")
def workdays(start: dt.date, n: int = Query(ge=0, le=10_000)) -> dict[str, Any]:
    r = add_workdays(start, n)
    return {"start": start.isoformat(), "n": n, "date": r.date.isoformat(), "provisional": r.provisional,
            "provisional_years": list(r.provisional_years)}


# ----------------------------------------------------------------------------- cases
@router.get("/cases", dependencies=[Depends(requires("listing.read"))], summary="认定案件列表")
def list_cases(state: str | None = None, subject_code: str | None = None,
               actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    from xinyong.subjects import service as subjects

    with unit_of_work() as s:
        key = subjects.require(s, subject_code).subject_key if subject_code else None
        entry = guard(s, actor, "listing.read", purpose=Purpose.determination, subject_key=key)
        dept = actor.department if actor.role is Role.determining_department else None
        rows = service.cases(s, state=state, department=dept, subject_key=key)
        entry.result_count = len(rows)
        return {"cases": [service.describe_case(s, c) for c in rows]}


@router.post("/cases", status_code=201, dependencies=[Depends(requires("listing.propose"))], summary="立案（拟列入）")
def propose(body: ProposeIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        case = service.propose(s, actor, subject_code=body.subject_code, list_type_id=body.list_type_id,
                               record_ids=body.record_ids, reason=body.reason, on=body.on)
        guard(s, actor, "listing.propose", purpose=Purpose.determination, subject_key=case.subject_key,
              detail={"case_id": case.id})
        return _full(s, case.id)


@router.get("/cases/{case_id}", dependencies=[Depends(requires("listing.read"))], summary="案件、历史、文书")
def read_case(case_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.read", case_id)
        return _full(s, case_id)


@router.post("/cases/{case_id}/leniency", dependencies=[Depends(requires("listing.justify"))],
             summary="记录宽容审慎认定理由")
def leniency(case_id: int, body: LeniencyIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.justify", case_id)
        service.justify_leniency(s, actor, case_id, justification=body.justification, version=body.version, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/notice", dependencies=[Depends(requires("listing.notice"))],
             summary="生成并送达事先告知书")
def notice(case_id: int, body: NoticeIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.notice", case_id)
        service.serve_notice(s, actor, case_id, objection_window_end=body.objection_window_end,
                             version=body.version, number=body.number, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/objection", dependencies=[Depends(requires("listing.objection"))], summary="登记异议")
def objection(case_id: int, body: ObjectionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.objection", case_id)
        service.receive_objection(s, actor, case_id, objection=body.objection, version=body.version, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/answer", dependencies=[Depends(requires("listing.answer"))], summary="核实并答复异议")
def answer(case_id: int, body: AnswerIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.answer", case_id)
        service.answer_objection(s, actor, case_id, outcome=body.outcome, answer=body.answer,
                                 version=body.version, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/decision", dependencies=[Depends(requires("listing.decide"))],
             summary="作出认定决定（生成决定书）")
def decision(case_id: int, body: DecisionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.decide", case_id)
        service.decide(s, actor, case_id, version=body.version, listing_months=body.listing_months,
                       listing_start=body.listing_start, number=body.number, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/listing", dependencies=[Depends(requires("listing.list"))], summary="列入名单")
def listing(case_id: int, body: VersionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.list", case_id)
        service.list_subject(s, actor, case_id, version=body.version, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/removal", dependencies=[Depends(requires("listing.remove"))], summary="移出名单")
def removal(case_id: int, body: RemovalIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.remove", case_id)
        service.remove(s, actor, case_id, reason=body.reason, explanation=body.explanation, version=body.version,
                       on=body.on, document=body.document)
        return _full(s, case_id)


@router.post("/cases/{case_id}/withdrawal", dependencies=[Depends(requires("listing.withdraw"))], summary="撤回")
def withdrawal(case_id: int, body: WithdrawIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.withdraw", case_id)
        service.withdraw(s, actor, case_id, explanation=body.explanation, version=body.version, on=body.on)
        return _full(s, case_id)


@router.post("/cases/{case_id}/period", dependencies=[Depends(requires("listing.amend"))], summary="变更列入期限")
def period(case_id: int, body: PeriodIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.amend", case_id)
        service.amend_listing_end(s, actor, case_id, new_end=body.new_end, explanation=body.explanation,
                                  version=body.version, on=body.on)
        return _full(s, case_id)


# ----------------------------------------------------------------------------- rectification
@router.post("/cases/{case_id}/rectifications", status_code=201, dependencies=[Depends(requires("listing.rectify"))],
             summary="下达限期整改")
def rectify(case_id: int, body: RectificationIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        _guard_case(s, actor, "listing.rectify", case_id)
        order = service.order_rectification(s, actor, case_id, requirements=body.requirements, due_on=body.due_on,
                                            public=body.public, not_public_reason=body.not_public_reason, on=body.on)
        return {"rectification_id": order.id, **_full(s, case_id)}


@router.post("/rectifications/{order_id}/confirmation", dependencies=[Depends(requires("listing.rectify"))],
             summary="确认整改到位或不到位")
def confirm(order_id: int, body: ConfirmIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        order = service.confirm_rectification(s, actor, order_id, completed=body.completed, note=body.note, on=body.on)
        guard(s, actor, "listing.rectify", purpose=Purpose.determination, subject_key=order.subject_key)
        return _full(s, order.case_id)


@router.post("/rectifications/{order_id}/interview", status_code=201, dependencies=[Depends(requires("listing.interview"))],
             summary="记录约谈（含拒绝约谈）")
def interview(order_id: int, body: InterviewIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with unit_of_work() as s:
        iv = service.record_interview(s, actor, order_id, outcome=body.outcome, record=body.record,
                                      interviewee=body.interviewee, on=body.on)
        guard(s, actor, "listing.interview", purpose=Purpose.determination, subject_key=iv.subject_key)
        return {**_full(s, iv.case_id), "interview_id": iv.id, "interview_kind": iv.kind}


# ----------------------------------------------------------------------------- documents, deadlines
@router.get("/documents/{document_id}", dependencies=[Depends(requires("listing.document"))], summary="文书（HTML）")
def read_document(document_id: int, actor: Actor = Depends(current_actor)) -> HTMLResponse:
    with unit_of_work() as s:
        doc = service.document(s, document_id)
        _guard_case(s, actor, "listing.document", doc.case_id)
        return HTMLResponse(doc.html, headers={"X-Content-SHA256": doc.sha256, "X-HTML-SHA256": doc.html_sha256})


@router.get("/documents/{document_id}/pdf", dependencies=[Depends(requires("listing.document"))], summary="文书（PDF）")
def read_document_pdf(document_id: int, actor: Actor = Depends(current_actor)) -> Response:
    with unit_of_work() as s:
        doc = service.document(s, document_id)
        _guard_case(s, actor, "listing.document", doc.case_id)
        doc, pdf = service.document_pdf(s, document_id)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="listing-document-{doc.id}.pdf"',
            "X-Content-SHA256": doc.sha256,
        })


@router.get("/deadlines", dependencies=[Depends(requires("listing.deadlines"))], summary="到期与逾期事项")
def get_deadlines(on: dt.date | None = None, within_days: int = Query(30, ge=0, le=3650),
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    day = on or clock.today()
    with unit_of_work() as s:
        entry = guard(s, actor, "listing.deadlines", purpose=Purpose.supervision)
        dept = actor.department if actor.role is Role.determining_department else None
        rows = service.deadlines(s, day, department=dept, within_days=within_days)
        entry.result_count = len(rows)
        return {"on": day.isoformat(), "overdue": [r for r in rows if r["status"] == "overdue"],
                "due": [r for r in rows if r["status"] != "overdue"]}


@router.get("/subjects/{subject_code}/active", dependencies=[Depends(requires("listing.read"))],
            summary="主体当前在列名单")
def subject_active(subject_code: str, on: dt.date | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    from xinyong.subjects import service as subjects

    with unit_of_work() as s:
        subject = subjects.require(s, subject_code)
        entry = guard(s, actor, "listing.read", purpose=Purpose.determination, subject_key=subject.subject_key)
        rows = service.active_listings(s, subject.subject_key, on or clock.today())
        entry.result_count = len(rows)
        return {"listings": [service.jsonable(r) for r in rows]}
