"""REST API of credit repair (信用修复). Each handler translates around one use case (filing, deciding,
evidence), which decides access, logs it and acts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from xinyong.core.access import Actor
from xinyong.core.errors import ValidationFailed
from xinyong.repair import deciding, evidence, filing
from xinyong.web.deps import current_actor, requires
from xinyong.web.downloads import attachment_response
from xinyong.web.openapi import errors

router = APIRouter(prefix="/api/v1/repair", tags=["repair 信用修复"])


class PartIn(BaseModel):
    kind: Literal["record", "listing"] = Field(description="record（失信行为记录）或 listing（名单列入）")
    id: int = Field(ge=1, description="记录编号或名单列入编号")
    declared: list[Literal["act_corrected", "effects_removed", "obligations_performed"]] = Field(
        default_factory=list, description="申请人声明已满足的条件（须附证明材料）")
    corrected_on: dt.date | None = Field(default=None, description="改正日期（按改正之日起算期限的名单须填写）")


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str = Field(max_length=100)
    content_base64: str = Field(description="文件内容（Base64）")


class ApplicationIn(BaseModel):
    subject_code: str | None = Field(default=None, description="代为提交时填写主体代码；主体本人提交时不填")
    applicant_name: str = Field(min_length=1, max_length=200, description="申请人（经办人）")
    statement: str = Field(default="", max_length=8000, description="纠正失信行为、消除不良影响的情况说明")
    parts: list[PartIn] = Field(min_length=1, max_length=100)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=filing.MAX_ATTACHMENTS)


class RepairDecisionIn(BaseModel):
    grant: bool = Field(description="true 准予修复；false 不予修复")
    reason: str | None = Field(default=None, max_length=4000, description="不予修复的理由")
    remedy: str | None = Field(default=None, max_length=4000, description="救济途径及再次申请的条件")
    decision_number: str | None = Field(default=None, max_length=120, description="决定文书文号")


class CommitmentIn(BaseModel):
    subject_code: str | None = None
    text: str = Field(min_length=1, max_length=8000)
    signer: str = Field(min_length=1, max_length=200)


class TrainingIn(BaseModel):
    subject_code: str
    provider: str = Field(min_length=1, max_length=200, description="培训举办单位")
    course: str = Field(min_length=1, max_length=200)
    hours: float = Field(gt=0, le=100, description="学时")
    attended_on: dt.date
    attendee: str = Field(min_length=1, max_length=100, description="参训人（法定代表人、主要负责人或本人）")
    certificate_number: str | None = Field(default=None, max_length=100)


class ReportIn(BaseModel):
    subject_code: str | None = None
    agency_id: int = Field(ge=1)
    report_number: str = Field(min_length=1, max_length=100)
    issued_on: dt.date
    summary: str = Field(default="", max_length=8000)


class AgencyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(min_length=18, max_length=18)
    filing_number: str = Field(min_length=1, max_length=100, description="备案编号")


class AgencyStatusIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


def _decode(files: list[AttachmentIn]) -> list[filing.AttachmentIn]:
    out = []
    for f in files:
        try:
            data = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("attachment_not_base64", f"附件“{f.filename}”的内容不是有效的Base64") from None
        out.append(filing.AttachmentIn(f.filename, f.content_type, data))
    return out


@router.post("/applications", status_code=201, responses=errors(409), dependencies=[Depends(requires("repair.apply"))],
             summary="提交信用修复申请（一次申请，涵盖全部记录和名单）")
def apply(body: ApplicationIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return filing.apply(
        actor, body.subject_code, applicant_name=body.applicant_name, statement=body.statement,
        parts=[filing.PartRequest(p.kind, p.id, tuple(p.declared), p.corrected_on) for p in body.parts],
        attachments=_decode(body.attachments))


@router.get("/candidates", dependencies=[Depends(requires("repair.apply"))],
            summary="可申请修复的记录和名单（含条件预检）")
def candidates(subject_code: str | None = Query(default=None),
               actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return filing.candidates_for(actor, subject_code)


@router.get("/applications", dependencies=[Depends(requires("repair.read"))], summary="信用修复申请列表")
def list_applications(subject_code: str | None = Query(default=None),
                      actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return filing.list_applications(actor, subject_code)


@router.get("/applications/{app_id}", dependencies=[Depends(requires("repair.read"))],
            summary="信用修复申请（统一状态、各事项进度、未确认的同步渠道）")
def read_application(app_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return filing.read_application(actor, app_id)


@router.get("/applications/{app_id}/attachments/{attachment_id}", dependencies=[Depends(requires("repair.read"))],
            summary="下载申请附件")
def download(app_id: int, attachment_id: int, actor: Actor = Depends(current_actor)) -> Response:
    att = filing.read_attachment(actor, app_id, attachment_id)
    return attachment_response(att.data, att.content_type, att.filename)


@router.get("/applications/{app_id}/parts/{part_id}/decision", dependencies=[Depends(requires("repair.read"))],
            summary="信用修复决定书（format=html 或 pdf，内容相同）")
def decision_document(app_id: int, part_id: int, format: Literal["html", "pdf"] = Query(default="pdf"),
                      actor: Actor = Depends(current_actor)) -> Response:
    doc = filing.read_decision_document(actor, app_id, part_id, pdf=format == "pdf")
    return attachment_response(doc.data, doc.content_type, doc.filename)


@router.get("/parts", dependencies=[Depends(requires("repair.decide"))],
            summary="本部门待办和已办的修复事项（含超期标记）")
def parts(status: Literal["pending", "granted", "refused"] | None = Query(default=None),
          actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return deciding.department_parts(actor, status)


@router.post("/parts/{part_id}/decision", dependencies=[Depends(requires("repair.decide"))],
             summary="认定部门作出修复决定（谁认定、谁修复；准予则同步终止名单、停止惩戒、更新公示并推送）")
def decide(part_id: int, body: RepairDecisionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return deciding.decide_part(actor, part_id, grant=body.grant, reason=body.reason, remedy=body.remedy,
                                decision_number=body.decision_number)


@router.get("/overdue", dependencies=[Depends(requires("repair.oversee"))], summary="超过办理时限的修复事项")
def overdue(actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return deciding.overdue(actor)


@router.get("/commitment-template", dependencies=[Depends(requires("repair.support"))], summary="信用承诺书范本")
def commitment_template() -> dict[str, str]:
    return {"text": evidence.COMMITMENT_TEMPLATE}


@router.post("/commitments", status_code=201, dependencies=[Depends(requires("repair.support"))],
             summary="作出公开信用承诺（向社会公开并记入信用档案）")
def commit(body: CommitmentIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.make_commitment(actor, body.subject_code, text=body.text, signer=body.signer)


@router.get("/commitments", dependencies=[Depends(requires("repair.commitment.public_read"))],
            summary="某主体公开的信用承诺")
def commitments(subject_code: str = Query(min_length=1, max_length=40),
                actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = evidence.commitments_of(actor, subject_code)["rows"]
    return rows


@router.post("/trainings", status_code=201, dependencies=[Depends(requires("repair.training.record"))],
             summary="登记信用修复培训（学时、举办单位）")
def training(body: TrainingIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.record_training(
        actor, body.subject_code, provider=body.provider, course=body.course, hours=body.hours,
        attended_on=body.attended_on, attendee=body.attendee, certificate_number=body.certificate_number)


@router.post("/credit-reports", status_code=201, dependencies=[Depends(requires("repair.support"))],
             summary="提交信用服务机构出具的信用报告")
def report(body: ReportIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.submit_report(actor, body.subject_code, agency_id=body.agency_id,
                                  report_number=body.report_number, issued_on=body.issued_on, summary=body.summary)


@router.get("/supporting", dependencies=[Depends(requires("repair.read"))],
            summary="主体的信用承诺、培训记录和信用报告")
def supporting(subject_code: str | None = Query(default=None),
               actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.read_supporting(actor, subject_code)


@router.get("/agencies", dependencies=[Depends(requires("repair.agency.read"))],
            summary="具有资质的信用服务机构名录")
def list_agencies(actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return evidence.list_agencies(actor)


@router.post("/agencies", status_code=201, responses=errors(409), dependencies=[Depends(requires("repair.agency.manage"))],
             summary="将信用服务机构登记入名录")
def add_agency(body: AgencyIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.register_agency(actor, name=body.name, uscc=body.uscc, filing_number=body.filing_number)


@router.post("/agencies/{agency_id}/suspend", dependencies=[Depends(requires("repair.agency.manage"))],
             summary="暂停信用服务机构（其报告不再采用）")
def suspend_agency(agency_id: int, body: AgencyStatusIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.change_agency_status(actor, agency_id, active=False, reason=body.reason)


@router.post("/agencies/{agency_id}/reinstate", dependencies=[Depends(requires("repair.agency.manage"))],
             summary="恢复信用服务机构")
def reinstate_agency(agency_id: int, body: AgencyStatusIn,
                     actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return evidence.change_agency_status(actor, agency_id, active=True, reason=body.reason)
