"""API of agency supervision: /api/v1/agencies (the registry, the credit file, requests, supervision)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from xinyong.agencies import service
from xinyong.core.access import Actor
from xinyong.web.deps import current_actor, requires

router = APIRouter(prefix="/api/v1/agencies", tags=["agencies 信用服务机构监管"])

def _id() -> Any:
    return Path(ge=1, le=2_147_483_647)


class AgencyRegisterIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(min_length=18, max_length=18)
    filing_number: str = Field(min_length=1, max_length=100, description="备案编号")
    region_code: str | None = Field(default=None, max_length=12, description="监管地行政区划代码")


class QualificationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="资质名称")
    certificate_number: str = Field(min_length=1, max_length=100)
    issued_by: str = Field(min_length=1, max_length=200, description="发证机关")
    valid_from: dt.date
    valid_until: dt.date | None = None


class StatusIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class EntryIn(BaseModel):
    kind: Literal["complaint", "finding"]
    occurred_on: dt.date
    summary: str = Field(min_length=1, max_length=4000)
    source: str | None = Field(default=None, max_length=200, description="投诉人或查处单位")


class AgencyRectificationIn(BaseModel):
    requirement: str = Field(min_length=1, max_length=4000)
    deadline: dt.date
    finding_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class CompletionIn(BaseModel):
    completed_on: dt.date
    note: str = Field(min_length=1, max_length=4000)


class RequestIn(BaseModel):
    subject_code: str | None = Field(default=None, max_length=40, description="信用办代为提出时填写")
    agency_id: int = Field(ge=1, le=2_147_483_647)
    kind: Literal["correction", "deletion"]
    ground: Literal["error", "trade_secret", "privacy", "other_rights"]
    information: str = Field(min_length=1, max_length=4000)
    requested_change: str = Field(min_length=1, max_length=4000)


class AgencyRequestAnswerIn(BaseModel):
    answer: Literal["corrected", "deleted", "refused"]
    text: str = Field(min_length=1, max_length=4000)
    answered_on: dt.date


class SuperviseIn(BaseModel):
    outcome: Literal["confirmed", "ordered"]
    note: str = Field(min_length=1, max_length=4000)
    rectification_deadline: dt.date | None = None


@router.get("", dependencies=[Depends(requires("agency.read"))], summary="信用服务机构名录（含资质与状态）")
def registry(actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return service.list_agencies(actor)


@router.post("", status_code=201, dependencies=[Depends(requires("agency.manage"))], summary="登记信用服务机构")
def register(body: AgencyRegisterIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.register_agency(actor, name=body.name, uscc=body.uscc, filing_number=body.filing_number,
                                   region_code=body.region_code)


@router.post("/{agency_id}/qualifications", status_code=201, dependencies=[Depends(requires("agency.manage"))],
             summary="登记资质及有效期")
def qualification(body: QualificationIn, agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.add_qualification(actor, agency_id, name=body.name, certificate_number=body.certificate_number,
                                     issued_by=body.issued_by, valid_from=body.valid_from, valid_until=body.valid_until)


@router.post("/{agency_id}/suspend", dependencies=[Depends(requires("agency.manage"))], summary="暂停（其信用报告不予采用）")
def suspend(body: StatusIn, agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.change_status(actor, agency_id, active=False, reason=body.reason)


@router.post("/{agency_id}/reinstate", dependencies=[Depends(requires("agency.manage"))], summary="恢复")
def reinstate(body: StatusIn, agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.change_status(actor, agency_id, active=True, reason=body.reason)


@router.get("/{agency_id}/file", dependencies=[Depends(requires("agency.file.read"))], summary="机构信用档案")
def credit_file(agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.agency_file(actor, agency_id)


@router.post("/{agency_id}/entries", status_code=201, dependencies=[Depends(requires("agency.supervise"))],
             summary="记录投诉或查处认定")
def entry(body: EntryIn, agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.record_entry(actor, agency_id, kind=body.kind, occurred_on=body.occurred_on,
                                summary=body.summary, source=body.source)


@router.post("/{agency_id}/rectifications", status_code=201, dependencies=[Depends(requires("agency.supervise"))],
             summary="责令整改")
def rectify(body: AgencyRectificationIn, agency_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.order_rectification(actor, agency_id, requirement=body.requirement, deadline=body.deadline,
                                       finding_id=body.finding_id)


@router.post("/rectifications/{rectification_id}/complete", dependencies=[Depends(requires("agency.supervise"))],
             summary="确认整改完成")
def complete(body: CompletionIn, rectification_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.complete_rectification(actor, rectification_id, completed_on=body.completed_on, note=body.note)


@router.post("/requests", status_code=201, dependencies=[Depends(requires("agency.request.file"))],
             summary="提出更正、删除申请")
def file_request(body: RequestIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.file_request(actor, body.subject_code, agency_id=body.agency_id, kind=body.kind,
                                ground=body.ground, information=body.information,
                                requested_change=body.requested_change)


@router.get("/requests/mine", dependencies=[Depends(requires("agency.request.read"))], summary="本人的更正、删除申请")
def mine(actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return service.own_requests(actor)


@router.post("/requests/{request_id}/answer", dependencies=[Depends(requires("agency.request.answer"))],
             summary="登记机构答复")
def answer(body: AgencyRequestAnswerIn, request_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.record_agency_answer(actor, request_id, answer=body.answer, text=body.text,
                                        answered_on=body.answered_on)


@router.post("/requests/{request_id}/supervise", dependencies=[Depends(requires("agency.supervise"))],
             summary="督办并办结")
def supervise(body: SuperviseIn, request_id: int = _id(), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.supervise_request(actor, request_id, outcome=body.outcome, note=body.note,
                                     rectification_deadline=body.rectification_deadline)


@router.get("/supervision", dependencies=[Depends(requires("agency.supervise"))],
            summary="督办事项（逾期的单列）")
def supervision(actor: Actor = Depends(current_actor)) -> dict[str, list[dict[str, Any]]]:
    return service.supervision_queue(actor)
