"""REST API of the serious-dishonest-list procedure: one endpoint per step.

Every write carries the ``version`` of the case the officer saw (optimistic locking: a stale
version gets 409 and nothing is written). Dates default to today (China time) and may name an
earlier day on which the step happened (never a future one).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.workdays import add_workdays
from xinyong.listing import service
from xinyong.listing.loader import list_types
from xinyong.listing.rules import State
from xinyong.web.deps import current_actor, requires
from xinyong.web.openapi import errors

#: a case's states, as the schema's enum of the ``state`` filter
STATE_SCHEMA: dict[str, Any] = {"enum": [st.value for st in State]}

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


class ListingAnswerIn(VersionIn):
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
    corrected_on: dt.date | None = Field(default=None, description="改正日期（名单规定自改正之日起计算提前移出期限的）")


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


class ReviewDoneIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000, description="复核结论")
    on: dt.date | None = None


class InterviewIn(BaseModel):
    outcome: str = Field(description="held（已约谈）/ refused（拒绝约谈）/ not_cooperating（不配合）")
    record: str = Field(min_length=1, max_length=8000)
    interviewee: str | None = Field(default=None, max_length=200)
    on: dt.date | None = None


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
def list_cases(state: str | None = Query(default=None, description="案件状态（见枚举）",
                                         json_schema_extra=STATE_SCHEMA),
               subject_code: str | None = None,
               actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"cases": service.list_cases(actor, state=state, subject_code=subject_code)}


@router.post("/cases", status_code=201, responses=errors(409), dependencies=[Depends(requires("listing.propose"))], summary="立案（拟列入）")
def propose(body: ProposeIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.propose_case(actor, subject_code=body.subject_code, list_type_id=body.list_type_id,
                                record_ids=body.record_ids, reason=body.reason, on=body.on)


@router.get("/cases/{case_id}", dependencies=[Depends(requires("listing.read"))], summary="案件、历史、文书")
def read_case(case_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.read_case(actor, case_id)


@router.get("/cases/{case_id}/history", dependencies=[Depends(requires("listing.read"))], summary="案件历史")
def read_history(case_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.read_history(actor, case_id)


@router.post("/cases/{case_id}/leniency", dependencies=[Depends(requires("listing.justify"))],
             summary="记录宽容审慎认定理由")
def leniency(case_id: int, body: LeniencyIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.justify", case_id, lambda s, c: service.justify_leniency(
        s, actor, c, justification=body.justification, version=body.version, on=body.on))


@router.post("/cases/{case_id}/notice", dependencies=[Depends(requires("listing.notice"))],
             summary="生成并送达事先告知书")
def notice(case_id: int, body: NoticeIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.notice", case_id, lambda s, c: service.serve_notice(
        s, actor, c, objection_window_end=body.objection_window_end, version=body.version, number=body.number,
        on=body.on))


@router.post("/cases/{case_id}/objection", dependencies=[Depends(requires("listing.objection"))], summary="登记异议")
def objection(case_id: int, body: ObjectionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.objection", case_id, lambda s, c: service.receive_objection(
        s, actor, c, objection=body.objection, version=body.version, on=body.on))


@router.post("/cases/{case_id}/answer", dependencies=[Depends(requires("listing.answer"))], summary="核实并答复异议")
def answer(case_id: int, body: ListingAnswerIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.answer", case_id, lambda s, c: service.answer_objection(
        s, actor, c, outcome=body.outcome, answer=body.answer, version=body.version, on=body.on))


@router.post("/cases/{case_id}/decision", dependencies=[Depends(requires("listing.decide"))],
             summary="作出认定决定（生成决定书）")
def decision(case_id: int, body: DecisionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.decide", case_id, lambda s, c: service.decide(
        s, actor, c, version=body.version, listing_months=body.listing_months, listing_start=body.listing_start,
        number=body.number, on=body.on))


class ApproveIn(BaseModel):
    opinion: str = Field(min_length=1, max_length=4000, description="审核意见")
    version: int | None = None
    on: dt.date | None = None


class ListingConsentIn(BaseModel):
    document: str = Field(min_length=1, max_length=200, description="上一级部门同意文书的文号")
    version: int | None = None
    on: dt.date | None = None


class NonconformingIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, description="不符合国办发〔2020〕49号要求的理由")
    effective_on: dt.date = Field(description="停止适用日期")


@router.post("/cases/{case_id}/approval", dependencies=[Depends(requires("listing.approve"))],
             summary="四眼审核：本部门另一名工作人员审核同意作出认定决定")
def approval(case_id: int, body: ApproveIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.approve", case_id, lambda s, c: service.approve(
        s, actor, c, opinion=body.opinion, version=body.version, on=body.on))


@router.post("/cases/{case_id}/consent", dependencies=[Depends(requires("listing.consent"))],
             summary="上一级部门同意列入决定（如市场监管总局令第44号第二十二条）")
def upper_consent(case_id: int, body: ListingConsentIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.consent_to_case(actor, case_id, document=body.document, version=body.version, on=body.on)


@router.post("/types/{list_type_id}/nonconforming", status_code=201,
             dependencies=[Depends(requires("listing.nonconforming"))],
             summary="标记名单不符合国办发〔2020〕49号要求（过渡期清理），到期停止适用")
def nonconforming(list_type_id: str, body: NonconformingIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.mark_nonconforming(actor, list_type_id, reason=body.reason, effective_on=body.effective_on)


@router.get("/voided", dependencies=[Depends(requires("listing.voided"))], summary="过渡期清理：已停止适用的名单和案件")
def voided(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.voided_report(actor)


@router.post("/cases/{case_id}/listing", dependencies=[Depends(requires("listing.list"))], summary="列入名单")
def listing(case_id: int, body: VersionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.list", case_id, lambda s, c: service.list_subject(
        s, actor, c, version=body.version, on=body.on))


@router.post("/cases/{case_id}/removal", dependencies=[Depends(requires("listing.remove"))], summary="移出名单")
def removal(case_id: int, body: RemovalIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.remove", case_id, lambda s, c: service.remove(
        s, actor, c, reason=body.reason, explanation=body.explanation, version=body.version, on=body.on,
        document=body.document, corrected_on=body.corrected_on))


@router.post("/cases/{case_id}/withdrawal", dependencies=[Depends(requires("listing.withdraw"))], summary="撤回")
def withdrawal(case_id: int, body: WithdrawIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.withdraw", case_id, lambda s, c: service.withdraw(
        s, actor, c, explanation=body.explanation, version=body.version, on=body.on))


@router.post("/cases/{case_id}/period", dependencies=[Depends(requires("listing.amend"))], summary="变更列入期限")
def period(case_id: int, body: PeriodIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.amend", case_id, lambda s, c: service.amend_listing_end(
        s, actor, c, new_end=body.new_end, explanation=body.explanation, version=body.version, on=body.on))


# ----------------------------------------------------------------------------- rectification
@router.post("/cases/{case_id}/rectifications", status_code=201, dependencies=[Depends(requires("listing.rectify"))],
             summary="下达限期整改")
def rectify(case_id: int, body: RectificationIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_case(actor, "listing.rectify", case_id, lambda s, c: service.order_rectification(
        s, actor, c, requirements=body.requirements, due_on=body.due_on, public=body.public,
        not_public_reason=body.not_public_reason, on=body.on))


@router.post("/rectifications/{order_id}/confirmation", dependencies=[Depends(requires("listing.rectify"))],
             summary="确认整改到位或不到位")
def confirm(order_id: int, body: ConfirmIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_order(actor, "listing.rectify", order_id, lambda s, o: service.confirm_rectification(
        s, actor, o, completed=body.completed, note=body.note, on=body.on))


@router.post("/rectifications/{order_id}/interview", status_code=201, dependencies=[Depends(requires("listing.interview"))],
             summary="记录约谈（含拒绝约谈）")
def interview(order_id: int, body: InterviewIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.act_on_order(actor, "listing.interview", order_id, lambda s, o: service.record_interview(
        s, actor, o, outcome=body.outcome, record=body.record, interviewee=body.interviewee, on=body.on))


@router.post("/review-tasks/{task_id}/done", dependencies=[Depends(requires("listing.review"))],
             summary="办结复核任务（依据记录撤销后）")
def review_done(task_id: int, body: ReviewDoneIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.complete_review_task(actor, task_id, note=body.note, on=body.on)


# ----------------------------------------------------------------------------- documents, deadlines
@router.get("/documents/{document_id}", dependencies=[Depends(requires("listing.document"))], summary="文书（HTML）")
def read_document(document_id: int, actor: Actor = Depends(current_actor)) -> HTMLResponse:
    doc, _ = service.read_document(actor, document_id)
    return HTMLResponse(doc.html, headers={"X-Content-SHA256": doc.sha256, "X-HTML-SHA256": doc.html_sha256})


@router.get("/documents/{document_id}/pdf", dependencies=[Depends(requires("listing.document"))], summary="文书（PDF）")
def read_document_pdf(document_id: int, actor: Actor = Depends(current_actor)) -> Response:
    doc, pdf = service.read_document(actor, document_id, pdf=True)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="listing-document-{doc.id}.pdf"', "X-Content-SHA256": doc.sha256})


@router.get("/deadlines", dependencies=[Depends(requires("listing.deadlines"))], summary="到期与逾期事项")
def get_deadlines(on: Annotated[dt.date, Ge(dt.date(2000, 1, 1)), Le(dt.date(2099, 12, 31))] | None = None,
                  within_days: int = Query(30, ge=0, le=1096),
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    day = on or clock.today()
    rows = service.deadlines_for(actor, day, within_days=within_days)
    return {"on": day.isoformat(), "overdue": [r for r in rows if r["status"] == "overdue"],
            "due": [r for r in rows if r["status"] != "overdue"]}


@router.get("/subjects/{subject_code}/active", dependencies=[Depends(requires("listing.read"))],
            summary="主体当前在列名单")
def subject_active(subject_code: str, on: dt.date | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"listings": service.subject_listings(actor, subject_code, on or clock.today())}
