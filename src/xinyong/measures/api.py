"""REST API of the measures capability: the measure list, the engine, screening, joint punishment
cases and push subscriptions. Handlers only translate; decisions are in rules/service/cases/push."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong.core.access import Actor
from xinyong.measures import cases, deliveries, screening, service, units
from xinyong.measures.rules import CATEGORY_NAMES, MATTERS, REACHES, check_matter
from xinyong.web.deps import current_actor, requires
from xinyong.web.openapi import purpose_schema

router = APIRouter(tags=["measures 失信惩戒措施与联合惩戒"])


#: the closed vocabularies of the measures API, as the schema's enums
MATTER_SCHEMA: dict[str, Any] = {"enum": list(MATTERS)}
MATTER_QUERY: Any = Query(default=None, description="行政事项（见枚举）", json_schema_extra=MATTER_SCHEMA)
PURPOSE_QUERY: Any = Query(default=None, description="查询目的（见枚举）", json_schema_extra=purpose_schema())


# --- the measure list ---------------------------------------------------------------------------


@router.get("/api/v1/measures", dependencies=[Depends(requires("measures.read"))], summary="失信惩戒措施清单")
def list_measures(on: dt.date | None = None, region: str | None = None,
                  matter: str | None = MATTER_QUERY, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    found = service.measure_list(actor, on=on, region=region, matter=matter)
    return {"on": found["on"], "region": region, "measures": found["measures"], "matters": MATTERS,
            "reaches": REACHES, "categories": {int(k): v for k, v in CATEGORY_NAMES.items()}}


@router.get("/api/v1/measures/{code}", dependencies=[Depends(requires("measures.read"))], summary="一项措施")
def read_measure(code: str, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.read_measure(actor, code)


class ProposalIn(BaseModel):
    code: str = Field(description="主体的统一社会信用代码或公民身份号码")
    measure: str = Field(description="拟实施的措施代码")
    matter: str = Field(description="行政事项", json_schema_extra=MATTER_SCHEMA)
    until: dt.date | None = Field(default=None, description="拟实施至（不含）")
    on: dt.date | None = None
    purpose: str | None = Field(default=None, description="查询目的", json_schema_extra=purpose_schema())


@router.post("/api/v1/measures/check", dependencies=[Depends(requires("measures.check"))],
             summary="校验拟实施的措施（清单内、已触发、不加重）")
def check(body: ProposalIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.check_measure(actor, code=body.code, measure=body.measure, matter=body.matter,
                                 until=body.until, on=body.on, purpose=body.purpose)


# --- screening ---------------------------------------------------------------------------------


@router.get("/api/v1/screen/code/{code}", dependencies=[Depends(requires("measures.screen"))],
            summary="按代码精确筛查（适用的措施及依据）")
def screen_by_code(code: str, matter: str | None = MATTER_QUERY, on: dt.date | None = None,
                   region: str | None = None, purpose: str | None = PURPOSE_QUERY,
                   actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return screening.screen_by_code(actor, code, on=on, matter=matter, region=region, purpose=purpose)


@router.get("/api/v1/screen/name", dependencies=[Depends(requires("measures.screen"))],
            summary="按名称模糊筛查（组织名称规范化）")
def screen_by_name(q: str = Query(min_length=1, max_length=200, description="组织名称"),
                   matter: str | None = MATTER_QUERY, on: dt.date | None = None, region: str | None = None,
                   purpose: str | None = PURPOSE_QUERY, limit: int = Query(10, ge=1, le=50),
                   min_score: float = Query(0.6, ge=0.0, le=1.0),
                   actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return screening.screen_by_name(actor, q, on=on, matter=matter, region=region, purpose=purpose,
                                    limit=limit, cutoff=min_score)


class BatchItem(BaseModel):
    code: str | None = None
    name: str | None = None


class BatchIn(BaseModel):
    items: list[BatchItem] = Field(max_length=screening.MAX_API_BATCH)
    matter: str | None = Field(default=None, description="行政事项", json_schema_extra=MATTER_SCHEMA)
    on: dt.date | None = None
    region: str | None = None
    purpose: str | None = Field(default=None, description="查询目的", json_schema_extra=purpose_schema())


@router.post("/api/v1/screen/batch", dependencies=[Depends(requires("measures.screen"))],
             summary="批量筛查（每批最多10000行）")
def screen_batch(body: BatchIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    matter = check_matter(body.matter)
    rows = [(i.code or "", i.name or "") for i in body.items]
    results = screening.screen_list(actor, rows, on=body.on, matter=matter, region=body.region,
                                    purpose=body.purpose)
    return {"matter": matter, "results": [r.as_dict() for r in results]}


# --- joint punishment cases ----------------------------------------------------------------------


class CaseIn(BaseModel):
    code: str
    measure: str
    matter: str = Field(description="行政事项", json_schema_extra=MATTER_SCHEMA)
    unit_id: int | None = Field(default=None, description="响应的实施单位（已登记实施单位的主体编号）")
    unit: str | None = Field(default=None, description="实施单位的登记名称（兼容旧接口）；实施单位自己发起时可省略")
    respond_within_workdays: int | None = Field(
        default=None, description="响应时限（工作日）；不写为平台默认期限（见 /api/v1/punishment-cases/deadlines）")


class RespondIn(BaseModel):
    applied: bool
    reason: str | None = Field(default=None, max_length=4000)
    applied_until: dt.date | None = None


class FeedbackIn(BaseModel):
    result: str = Field(min_length=1, max_length=4000)


class TypicalIn(BaseModel):
    typical: bool = True
    note: str | None = Field(default=None, max_length=4000)


@router.post("/api/v1/punishment-cases", status_code=201, dependencies=[Depends(requires("measures.case_open"))],
             summary="发起联合惩戒（推送已登记的实施单位）")
def open_case(body: CaseIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.open_case(actor, code=body.code, measure=body.measure, matter=body.matter, unit_id=body.unit_id,
                           unit=body.unit, respond_within_workdays=body.respond_within_workdays)


@router.get("/api/v1/punishment-cases", dependencies=[Depends(requires("measures.case_read"))],
            summary="联合惩戒案例列表")
def list_cases(status: str | None = None, unit: str | None = None, overdue: bool = False,
               typical: bool | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"cases": cases.list_cases(actor, status=status, unit=unit, overdue_only=overdue, typical=typical)}


@router.get("/api/v1/punishment-cases/statistics", dependencies=[Depends(requires("measures.case_read"))],
            summary="联合惩戒统计（按实施单位、措施、地区）")
def case_statistics(by: str = "unit", actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"by": by, "rows": cases.statistics(actor, by)}


@router.get("/api/v1/punishment-cases/overdue", dependencies=[Depends(requires("measures.case_read"))],
            summary="逾期未响应、未反馈的联合惩戒案例（信用办按辖区查看）")
def overdue_cases(region: str | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"cases": cases.overdue_cases(actor, region=region)}


@router.get("/api/v1/punishment-cases/by-region", dependencies=[Depends(requires("measures.case_read"))],
            summary="联合惩戒统计按地区汇总（下级地区逐级汇总到本级）")
def figures_by_region(region: str | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.regional_figures(actor, region=region)


@router.get("/api/v1/punishment-cases/deadlines", dependencies=[Depends(requires("measures.case_read"))],
            summary="响应、反馈期限（工作日）及其依据")
def case_deadlines() -> dict[str, Any]:
    return {"stages": [{"stage": p.stage, "default_workdays": p.default_workdays, "min_workdays": p.min_workdays,
                        "max_workdays": p.max_workdays, "basis": p.cite(), "basis_verified": p.basis_verified}
                       for p in cases.deadlines().values()]}


@router.get("/api/v1/punishment-cases/{case_id}", dependencies=[Depends(requires("measures.case_read"))],
            summary="联合惩戒案例")
def read_case(case_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.read_case(actor, case_id)


@router.post("/api/v1/punishment-cases/{case_id}/response", dependencies=[Depends(requires("measures.case_respond"))],
             summary="响应：是否实施，未实施须说明理由")
def respond_case(case_id: int, body: RespondIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.respond(actor, case_id, applied=body.applied, reason=body.reason, applied_until=body.applied_until)


@router.post("/api/v1/punishment-cases/{case_id}/feedback", dependencies=[Depends(requires("measures.case_respond"))],
             summary="反馈实施结果")
def feedback_case(case_id: int, body: FeedbackIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.feedback(actor, case_id, result=body.result)


@router.post("/api/v1/punishment-cases/{case_id}/typical", dependencies=[Depends(requires("measures.case_typical"))],
             summary="标记典型案例")
def typical_case(case_id: int, body: TypicalIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return cases.flag_typical(actor, case_id, typical=body.typical, note=body.note)


# --- targeted push --------------------------------------------------------------------------------


class ReceiverIn(BaseModel):
    name: str = Field(description="通道名称（字母、数字、点、下划线、连字符）")
    unit: str = Field(min_length=1, max_length=200, description="实施单位名称")
    url: str = Field(min_length=8, max_length=2000, description="Webhook 地址")
    measures: list[str] = Field(default_factory=list, description="订阅的措施；空为全部")
    regions: list[str] = Field(default_factory=list, description="订阅的地区（行政区划代码）；空为全部")
    topics: list[str] = Field(default_factory=list, description="订阅的事件；空为全部")


@router.post("/api/v1/push/receivers", status_code=201, dependencies=[Depends(requires("push.manage"))],
             summary="登记定向推送接收方（返回签名密钥，仅显示一次）")
def create_receiver(body: ReceiverIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return service.add_receiver(actor, name=body.name, unit=body.unit, url=body.url, measures=body.measures,
                                regions=body.regions, topics=body.topics)


@router.get("/api/v1/push/messages/{message_id}/deliveries", dependencies=[Depends(requires("push.read"))],
            summary="一条推送消息各接收方的送达状态")
def message_deliveries(message_id: int, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"message_id": message_id, "deliveries": service.message_deliveries(actor, message_id)}


@router.get("/api/v1/push/signing-key", dependencies=[Depends(requires("measures.read"))],
            summary="平台推送签名公钥（Ed25519），接收方据此验证推送")
def signing_key() -> dict[str, Any]:
    return deliveries.signing_key()


@router.get("/api/v1/push/receivers", dependencies=[Depends(requires("push.read"))],
            summary="各接收方的送达情况（待发送、已确认、发送失败）")
def receivers(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"receivers": deliveries.receivers(actor)}


@router.get("/api/v1/push/receivers/{channel}/deliveries", dependencies=[Depends(requires("push.read"))],
            summary="一个接收方的推送：状态、尝试次数、下次重试时间")
def receiver_deliveries(channel: str, status: str | None = None, limit: int = Query(200, ge=1, le=1000),
                        actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return deliveries.receiver_deliveries(actor, channel, status=status, limit=limit)


@router.get("/api/v1/push/my-deliveries", dependencies=[Depends(requires("push.own_read"))],
            summary="本单位推送通道的送达情况（实施单位）")
def my_deliveries(status: str | None = None, limit: int = Query(200, ge=1, le=1000),
                  actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return deliveries.own_deliveries(actor, status=status, limit=limit)


# --- the registry of implementing units --------------------------------------------------------------


class UnitIn(BaseModel):
    authority_uscc: str = Field(min_length=1, max_length=40, description="实施单位（机关）的统一社会信用代码")
    region_code: str | None = Field(default=None, description="实施单位所在行政区划；不写为账户的行政区划")
    fields: list[str] | None = Field(default=None, description="职能领域；不写为账户的职能领域")
    channel: str | None = Field(default=None, description="推送通道（接收方）名称")
    public_key: str | None = Field(default=None, max_length=200,
                                   description="接收完整公民身份号码所用的 X25519 公钥（Base64）")


@router.put("/api/v1/units/{principal_id}", dependencies=[Depends(requires("measures.unit_manage"))],
            summary="登记实施单位（实施单位名录）")
def register_unit(principal_id: int, body: UnitIn, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return units.register_unit(actor, principal_id, authority_uscc=body.authority_uscc, region_code=body.region_code,
                               fields=body.fields, channel=body.channel, public_key=body.public_key)


@router.get("/api/v1/units", dependencies=[Depends(requires("measures.unit_read"))],
            summary="实施单位名录（发起联合惩戒时从中选择）")
def list_units(region: str | None = None, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"units": units.list_units(actor, region=region)}
