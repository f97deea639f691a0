"""REST API of the cleanup ledger (失信约束措施台账). Handlers only translate; see service.py."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.core.access import Actor
from xinyong.core.errors import ValidationFailed
from xinyong.ledger import service
from xinyong.ledger.extract import MAX_BYTES, extract_bytes, extract_text
from xinyong.web.deps import current_actor, requires
from xinyong.web.openapi import errors

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger 失信约束措施台账"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PastedDocument(BaseModel):
    unit_name: str | None = Field(default=None, max_length=200, description="台账所属单位（默认本单位）")
    title: str | None = Field(default=None, max_length=300, description="文件名称（默认从正文识别）")
    doc_number: str | None = Field(default=None, max_length=120, description="文号")
    issuing_unit: str | None = Field(default=None, max_length=200, description="制发单位")
    issued_on: dt.date | None = Field(default=None, description="印发日期")
    text: str = Field(min_length=1, max_length=2_000_000, description="文件全文")


class ClauseDecisionIn(BaseModel):
    confirm: bool = Field(default=False, description="确认分析建议")
    dismissed: bool = Field(default=False, description="该条款不涉及失信约束措施（须说明理由）")
    disposition: str | None = Field(default=None, description="改定的处置方式：保留、修订、立法、废止、相关内容删除")
    national_basis: bool | None = Field(default=None, description="改定：是否有国家层面依据")
    local_basis: bool | None = Field(default=None, description="改定：是否有地方性法规依据")
    basis_text: str | None = Field(default=None, max_length=4000, description="改定：依据的具体内容")
    note: str | None = Field(default=None, max_length=2000, description="理由")
    based_on: str | None = Field(default=None, max_length=40,
                                 description="所依据的审核意见的保存时间（decision.decided_at；尚无审核意见时为空字符串）；"
                                             "与当前不一致时拒绝保存（409），以免覆盖他人的审核意见")


class DocumentPatch(BaseModel):
    title: str | None = Field(default=None, max_length=300)
    doc_number: str | None = Field(default=None, max_length=120)
    issuing_unit: str | None = Field(default=None, max_length=200)
    issued_on: dt.date | None = None
    completion_due: dt.date | None = Field(default=None, description="完成时间")
    completed_on: dt.date | None = Field(default=None, description="整改完成日期")
    responsible_unit: str | None = Field(default=None, max_length=200, description="责任单位")
    responsible_person: str | None = Field(default=None, max_length=200, description="责任人姓名及职务")
    phone: str | None = Field(default=None, max_length=40, description="电话")
    decided_disposition: str | None = Field(default=None, description="文件的处置方式（改定）")
    decision_note: str | None = Field(default=None, max_length=2000)


class SubmissionIn(BaseModel):
    unit_name: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class MilestoneIn(BaseModel):
    due_date: dt.date


@router.post("/documents", status_code=201, responses=errors(409), dependencies=[Depends(requires("ledger.write"))],
             summary="登记政策文件（粘贴全文）并分析")
def register_pasted(body: PastedDocument, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    meta = service.DocumentInput(body.unit_name, body.title, body.doc_number, body.issuing_unit, body.issued_on)
    return service.register_document(actor, meta, extract_text(body.text))


@router.post("/documents/upload", status_code=201, responses=errors(409), dependencies=[Depends(requires("ledger.write"))],
             summary="上传政策文件（.txt、.docx、.pdf）并分析")
def register_upload(
    file: UploadFile = File(..., description=".txt、.docx 或 .pdf"),
    unit_name: str | None = Form(default=None, max_length=200),
    title: str | None = Form(default=None, max_length=300),
    doc_number: str | None = Form(default=None, max_length=120),
    issuing_unit: str | None = Form(default=None, max_length=200),
    issued_on: str | None = Form(default=None),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    extracted = extract_bytes(file.file.read(MAX_BYTES + 1), file.filename or "")  # a worker parses it
    return service.register_document(
        actor, service.DocumentInput(unit_name, title, doc_number, issuing_unit, parse_date(issued_on, "印发日期")),
        extracted, filename=file.filename,
    )


def parse_date(value: str | None, name: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed("invalid_date", f"{name}格式错误“{value}”，应为YYYY-MM-DD") from None


@router.get("/documents", dependencies=[Depends(requires("ledger.read"))], summary="单位登记的文件")
def documents(unit: str | None = Query(default=None, max_length=200),
              actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.list_documents(actor, unit)


@router.get("/documents/{document_id}", dependencies=[Depends(requires("ledger.read"))],
            summary="文件、全文与逐条分析建议")
def document(document_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.get_document(actor, document_id)


@router.patch("/documents/{document_id}", dependencies=[Depends(requires("ledger.write"))],
              summary="填写台账栏目（完成时间、责任单位、责任人、电话、处置方式）")
def patch_document(document_id: int, body: DocumentPatch, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.update_document(actor, document_id, body.model_dump(exclude_unset=True))


@router.put("/clauses/{clause_id}/decision", dependencies=[Depends(requires("ledger.decide"))],
            summary="确认或改定条款的处置建议（建议本身保留）")
def decide(clause_id: int, body: ClauseDecisionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.decide_clause(actor, clause_id, service.ClauseDecision(**body.model_dump()))


@router.get("/ledger", dependencies=[Depends(requires("ledger.read"))], summary="单位的失信约束措施台账与进度")
def ledger(unit: str | None = Query(default=None, max_length=200),
           actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.unit_ledger(actor, unit)


@router.get("/ledger.xlsx", dependencies=[Depends(requires("ledger.read"))], summary="导出台账（.xlsx）",
            response_class=Response)
def ledger_xlsx(unit: str | None = Query(default=None, max_length=200),
                actor: Actor = Depends(current_actor)) -> Response:
    filename, data = service.export_xlsx(actor, unit)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=ledger.xlsx; filename*=UTF-8''{quote(filename)}"})


@router.post("/milestones/{code}/submissions", status_code=201, dependencies=[Depends(requires("ledger.submit"))],
             summary="报送工作节点（梳理自查、整改方案、全面完成）")
def submit(code: str, body: SubmissionIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.submit_milestone(actor, code, body.unit_name, body.note)


@router.get("/milestones", dependencies=[Depends(requires("ledger.read"))], summary="本地区的工作节点及时间")
def milestones(region: str | None = Query(default=None, max_length=6, description="行政区划代码（默认本地区）"),
               actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return service.list_milestones(actor, region)


@router.put("/milestones/{code}", dependencies=[Depends(requires("ledger.manage"))], summary="调整本地区工作节点时间")
def set_milestone(code: str, body: MilestoneIn,
                  region: str | None = Query(default=None, max_length=6, description="行政区划代码（默认本地区）"),
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.set_milestone(actor, code, body.due_date, region)


@router.get("/rollup", dependencies=[Depends(requires("ledger.rollup"))], summary="信用办汇总：各单位台账与进度")
def rollup(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.rollup(actor)
