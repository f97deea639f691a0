"""REST API of subjects and credit files."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong.core.access import Actor, Purpose, parse_purpose
from xinyong.core.codes import check_code
from xinyong.subjects import service
from xinyong.subjects.file_models import CreditFileOut, SubjectOut
from xinyong.web.deps import current_actor, requires
from xinyong.web.openapi import purpose_schema

router = APIRouter(prefix="/api/v1/subjects", tags=["subjects 信用主体"])


class CodeCheckOut(BaseModel):
    code: str
    kind: str | None
    valid: bool
    reason: str | None


class SubjectIn(BaseModel):
    code: str = Field(description="统一社会信用代码或公民身份号码")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["organisation", "individual_business", "individual"] | None = None


class LinkIn(BaseModel):
    person_code: str = Field(description="公民身份号码")
    person_name: str = Field(min_length=1, max_length=200)
    role: Literal["legal_representative", "responsible_person"]
    start_date: dt.date
    end_date: dt.date | None = None


@router.get("/check/{code}", response_model=CodeCheckOut, dependencies=[Depends(requires("subject.check"))], summary="校验代码")
def check(code: str, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    # a pure computation on the caller's own input: no credit data is read
    return check_code(code).as_dict()


@router.post("", response_model=SubjectOut, dependencies=[Depends(requires("subject.write"))], status_code=201, summary="登记信用主体")
def register(body: SubjectIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.register_subject(actor, body.code, body.name, body.kind)


@router.post("/{code}/links", dependencies=[Depends(requires("subject.link"))], status_code=201, summary="关联法定代表人、主要负责人")
def link(code: str, body: LinkIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.link_person_as(actor, code, body.person_code, body.person_name, body.role, body.start_date,
                                  body.end_date)


class FormerNameIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="曾用名")
    until: dt.date | None = Field(default=None, description="停用日期（变更名称之日，可不填）")


@router.post("/{code}/former-names", dependencies=[Depends(requires("subject.write"))], status_code=201,
             summary="登记组织的曾用名（按名称筛查时一并匹配）")
def former_name(code: str, body: FormerNameIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.add_former_name_as(actor, code, body.name, body.until)


@router.get("/{code}", response_model=CreditFileOut, dependencies=[Depends(requires("credit_file.read"))], summary="信用档案")
def credit_file(
    code: str,
    purpose: str | None = Query(default=None, description="查询目的（规定清单），默认 administration（行政管理）",
                                json_schema_extra=purpose_schema()),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    return service.read_credit_file(actor, code, parse_purpose(purpose, Purpose.administration))
