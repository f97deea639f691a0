"""REST API of disclosure: the public API, the sharing API, subjects' own access, objections, consent.

Handlers only translate around the use cases of :mod:`xinyong.disclosure.service`, which decide access
(role, purpose, ownership, territory, share scope) and register it; what is shown is decided in
:mod:`xinyong.disclosure.rules`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.core.access import Actor, Purpose, parse_purpose
from xinyong.disclosure import rules, service
from xinyong.web.deps import current_actor, requires
from xinyong.web.downloads import attachment_response
from xinyong.web.openapi import purpose_schema

router = APIRouter(tags=["disclosure 公开与共享"])

MAX_ID = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- public ------------------------------------------------------------------------------------


@router.get("/api/v1/public/search", dependencies=[Depends(requires("disclosure.public_read"))],
            summary="公开检索信用主体（名称或统一社会信用代码）")
def public_search(q: str = Query(min_length=1, max_length=100), actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"query": q, "results": service.public_search(actor, q)}


@router.get("/api/v1/public/subjects/{ref}", dependencies=[Depends(requires("disclosure.public_read"))],
            summary="信用主体的公开信用信息")
def public_subject(ref: str, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.public_subject(actor, ref)


# --- sharing -----------------------------------------------------------------------------------


class ScopesIn(BaseModel):
    scopes: list[str] = Field(description="共享范围：government、national_platform、enterprise_publicity、implementing_units、financial_institutions")


@router.get("/api/v1/share/subjects/{code}", dependencies=[Depends(requires("disclosure.share"))],
            summary="共享接口：按共享范围逐项、逐字段提供信用信息（须说明查询目的）")
def share_subject(
    code: str,
    purpose: str = Query(description="查询目的（规定清单）", json_schema_extra=purpose_schema()),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    return service.share_subject(actor, code, parse_purpose(purpose, Purpose.administration))


@router.put("/api/v1/disclosure/share-scopes/{principal_id}",
            dependencies=[Depends(requires("disclosure.share_scope.manage"))], summary="登记部门或平台的共享范围")
def put_scopes(principal_id: Id, body: ScopesIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"principal_id": principal_id, "scopes": service.set_share_scopes(actor, principal_id, body.scopes)}


@router.get("/api/v1/disclosure/share-scopes/{principal_id}",
            dependencies=[Depends(requires("disclosure.share_scope.manage"))], summary="查看共享范围")
def get_scopes(principal_id: Id, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"principal_id": principal_id, "scopes": service.read_share_scopes(actor, principal_id)}


# --- the subject's own access ------------------------------------------------------------------


@router.get("/api/v1/self/record", dependencies=[Depends(requires("disclosure.self_read"))],
            summary="本人查询：完整的信用信息（含不公开部分）")
def self_record(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.self_record(actor)


@router.post("/api/v1/self/objections", status_code=201, dependencies=[Depends(requires("disclosure.objection.file"))],
             summary="对本人的记录提出异议（可附材料）")
async def file_objection(
    record_id: int = Form(ge=1, le=MAX_ID),
    reason: str = Form(max_length=8000),
    files: list[UploadFile] = File(default_factory=list),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    uploads = [await _read(f) for f in files if f.filename]
    return await run_in_threadpool(service.file_objection, actor, record_id, reason, uploads)


async def _read(f: UploadFile) -> service.Upload:
    data = await f.read(rules.OBJECTION_MAX_BYTES + 1)
    return service.Upload(f.filename or "附件", (f.content_type or "").split(";")[0].strip(), data)


@router.get("/api/v1/self/objections", dependencies=[Depends(requires("disclosure.objection.read"))],
            summary="本人的异议及答复")
def self_objections(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"objections": service.self_objections(actor)}


class ConsentIn(BaseModel):
    purpose: str = Field(description="public_disclosure（向社会公开）、sharing（共享）、collection（归集使用）")
    method: str = Field(description="written、electronic_signature、online_confirmation")
    scope: list[str] = Field(description="逐项列明的目录项代码")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = Field(default=None, description="截止日期（必填，禁止终身授权）")
    recipient: str | None = Field(default=None, max_length=200)

    def given(self) -> service.ConsentInput:
        return service.ConsentInput(purpose=self.purpose, method=self.method, scope=self.scope,
                                    starts_on=self.starts_on, ends_on=self.ends_on, recipient=self.recipient)


@router.get("/api/v1/self/consents", dependencies=[Depends(requires("disclosure.consent.read"))], summary="本人的授权记录")
def self_consents(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"consents": service.own_consents(actor)}


@router.post("/api/v1/self/consents", status_code=201, dependencies=[Depends(requires("disclosure.consent.write"))],
             summary="登记本人授权（目的、方式、范围、截止日期）")
def self_consent(body: ConsentIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.give_own_consent(actor, body.given())


@router.post("/api/v1/self/consents/{consent_id}/revoke", dependencies=[Depends(requires("disclosure.consent.write"))],
             summary="撤回授权（立即停止使用）")
def self_revoke(consent_id: Id, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.revoke_own_consent(actor, consent_id)


class OfficeConsentIn(ConsentIn):
    code: str = Field(description="自然人的公民身份号码")


@router.post("/api/v1/disclosure/consents", status_code=201, dependencies=[Depends(requires("disclosure.consent.write"))],
             summary="登记书面授权（信用办代为登记）")
def office_consent(body: OfficeConsentIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.give_consent_on_behalf(actor, body.code, body.given())


# --- objections for the determining department -------------------------------------------------


class ObjectionAnswerIn(BaseModel):
    outcome: str = Field(description="upheld（异议成立，撤销记录）或 rejected（异议不成立，维持）")
    answer: str = Field(min_length=1, max_length=4000)


@router.get("/api/v1/disclosure/objections", dependencies=[Depends(requires("disclosure.objection.read"))],
            summary="异议列表（认定部门看本部门记录的异议，信用办看本辖区的异议）")
def list_objections(status: str | None = Query(default=None, pattern="^(open|answered)$"),
                    actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"objections": service.list_objections(actor, status=status)}


@router.get("/api/v1/disclosure/objections/{objection_id}",
            dependencies=[Depends(requires("disclosure.objection.read"))],
            summary="查看异议（本人、答复的认定部门、平台管理员、本辖区信用办）")
def read_objection(objection_id: Id, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.read_objection(actor, objection_id)


@router.post("/api/v1/disclosure/objections/{objection_id}/answer",
             dependencies=[Depends(requires("disclosure.objection.answer"))],
             summary="答复异议（谁认定、谁答复；异议成立即撤销该记录）")
def answer(objection_id: Id, body: ObjectionAnswerIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.answer_objection(actor, objection_id, body.outcome, body.answer)


@router.get("/api/v1/disclosure/attachments/{attachment_id}",
            dependencies=[Depends(requires("disclosure.objection.read"))], summary="下载异议附件")
def download(attachment_id: Id, actor: Actor = Depends(current_actor)) -> Response:
    f = service.read_attachment(actor, attachment_id)
    return attachment_response(f.data, f.content_type, f.filename)


# --- disclosure deadlines ----------------------------------------------------------------------


@router.get("/api/v1/disclosure/late", dependencies=[Depends(requires("disclosure.deadline.read"))],
            summary="行政处罚信息逾期公开（7个工作日）的记录，按部门")
def late(
    department: str | None = Query(default=None, max_length=200),
    on: dt.date | None = Query(default=None, description="统计日期，默认今天"),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    return service.late_publications(actor, on=on, department=department).as_dict()


@router.post("/api/v1/disclosure/end-expired", dependencies=[Depends(requires("disclosure.expire"))],
             summary="最长公示期届满的信息停止公示")
def end_expired(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"ended": service.expire_publications(actor)}


# --- reporting upward (国办发〔2020〕49号 §（五）) ------------------------------------------------------


@router.get("/api/v1/export/shuanggongshi", dependencies=[Depends(requires("disclosure.export"))],
            summary="按国家数据标准的列导出某期间的行政许可或行政处罚信息（XLSX 或 CSV）")
def export_shuanggongshi(
    kind: str = Query(description="penalty（行政处罚）或 licensing（行政许可）"),
    start: dt.date = Query(alias="from", description="决定日期起"),
    end: dt.date = Query(alias="to", description="决定日期止（含当日）"),
    fmt: str = Query("xlsx", alias="format", description="xlsx 或 csv"),
    encoding: str = Query("utf-8", description="CSV 编码：utf-8（带BOM）或 gbk"),
    actor: Actor = Depends(current_actor),
) -> Response:
    from xinyong.disclosure.export import export_shuanggongshi as run

    done = run(actor, kind, start, end, fmt=fmt, encoding=encoding)
    return attachment_response(done.data, done.content_type, done.filename)


@router.get("/api/v1/upstream/receipts", dependencies=[Depends(requires("disclosure.upstream.read"))],
            summary="上报上级平台的条目及其回执（待发送、发送失败、已确认）")
def upstream_receipts(state: str | None = Query(None, description="pending、retrying 或 delivered"),
                      actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    from xinyong.disclosure.upstream import list_receipts

    found = list_receipts(actor, state=state)
    return {"connected": found.connected, "counts": found.counts, "receipts": found.rows}
