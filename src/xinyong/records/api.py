"""REST API of dishonesty records."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from xinyong.core.access import Actor
from xinyong.records import service
from xinyong.records.rules import RecordInput
from xinyong.web.deps import current_actor, requires

router = APIRouter(prefix="/api/v1/records", tags=["records 失信行为记录"])


class RecordIn(BaseModel):
    subject_code: str = Field(description="统一社会信用代码或公民身份号码")
    subject_name: str = Field(min_length=1, max_length=200)
    catalog_item: str = Field(description="目录项代码")
    document_type: str = Field(description="文书类型")
    document_number: str = Field(min_length=1, max_length=120, description="文号")
    issuing_authority: str | None = Field(
        default=None, max_length=200,
        description="作出文书的机关；省略时为本部门，须与本部门一致（谁认定、谁负责）")
    decision_date: dt.date
    effective_date: dt.date
    summary: str = Field(min_length=1, max_length=4000)
    severity: str = "general"
    is_minor: bool = Field(
        default=False, description="已不使用：是否未成年人由公民身份号码中的出生日期按行为发生日计算")
    act_date: dt.date | None = Field(default=None, description="失信行为发生日期（用于按身份证号计算当时年龄；省略时按文书作出日期）")
    force_majeure: bool = False
    non_intentional: bool = False
    minor_violation: bool = False
    other_basis: str | None = None


@router.post("", status_code=201, dependencies=[Depends(requires("record.write"))], summary="记录失信行为（按自然键幂等）")
def create(body: RecordIn, response: Response, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    values = body.model_dump()
    values["issuing_authority"] = values["issuing_authority"] or ""
    out = service.record_dishonesty(actor, RecordInput(**values))
    if not out["created"]:
        response.status_code = 200
    return out


class WithdrawalIn(BaseModel):
    kind: Literal["revoked", "annulled"] = Field(
        description="revoked（认定部门撤销：异议成立或自行更正）或 annulled（文书被撤销、确认违法或者无效）")
    reason: str = Field(min_length=1, max_length=2000, description="撤回理由")


@router.post("/{record_id}/withdrawal", dependencies=[Depends(requires("record.withdraw"))],
             summary="撤回失信行为记录（仅限认定部门本部门）")
def withdraw(record_id: int, body: WithdrawalIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.withdraw_record(actor, record_id, kind=body.kind, reason=body.reason)


@router.get("/{record_id}", dependencies=[Depends(requires("record.read"))], summary="失信行为记录")
def read(record_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.read_record(actor, record_id)
