"""GET /api/v1/statistics…: the figures, the rows behind one figure, the list-standard evaluation, typical
cases, and the same figures as CSV/XLSX. Each route translates around one use case of :mod:`.service`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.core.access import Actor
from xinyong.statistics import export, service
from xinyong.web.deps import current_actor, requires
from xinyong.web.downloads import attachment_response

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScopeOut(BaseModel):
    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    region: str | None
    region_name: str
    department: str | None
    not_filtered: dict[str, list[str]]


class FigureOut(BaseModel):
    key: str
    label: str
    unit: str
    value: int
    rows_url: str | None


class RateOut(BaseModel):
    key: str
    label: str
    numerator: int
    denominator: int
    rate: float | None
    explanation: str


class ItemRow(BaseModel):
    item: str
    item_name: str
    severity: str
    severity_name: str
    count: int


class ListTypeRow(BaseModel):
    list_type: str
    name: str
    opened: int
    decided: int
    removed: int
    repaired: int


class OutcomeRow(BaseModel):
    outcome: str
    name: str
    count: int


class ScreeningRow(BaseModel):
    unit: str
    purpose: str
    purpose_name: str
    count: int
    results: int


class RegionRow(BaseModel):
    region: str
    name: str
    records_total: int
    penalties_total: int
    penalties_on_time: int
    penalty_rate: float | None
    listings_decided: int
    punishment_responded: int
    punishment_responded_on_time: int
    response_rate: float | None


class StatisticsOut(BaseModel):
    scope: ScopeOut
    figures: list[FigureOut]
    rates: list[RateOut]
    average_days: dict[str, float | None]
    records_by_item: list[ItemRow]
    listings_by_type: list[ListTypeRow]
    repair_outcomes: list[OutcomeRow]
    screening: list[ScreeningRow]
    monthly: dict[str, dict[str, int]]
    regions: list[RegionRow]


class RowsOut(BaseModel):
    key: str
    figure: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    page: int
    per_page: int


class DistributionOut(BaseModel):
    label: str
    count: int


class StandardRow(BaseModel):
    list_type: str
    name: str
    decided: int
    overturned_objection: int
    overturned_review: int
    repaired: int
    removed_early: int
    removed: int
    overturned_rate: float | None
    median_days: float | None
    distribution: list[DistributionOut]


class StandardsOut(BaseModel):
    period: dict[str, str]
    region: str | None
    region_name: str
    department: str | None
    rows: list[StandardRow]


class TypicalOut(BaseModel):
    id: int
    title: str
    summary: str
    category: str
    region: str
    region_name: str
    department: str
    published_on: str | None
    kind: str | None = None
    kind_name: str | None = None
    source_id: int | None = None
    status: str | None = None
    status_name: str | None = None
    marked_by: str | None = None


class TypicalCaseMarkIn(BaseModel):
    kind: Literal["record", "punishment_case", "listing_case"]
    source_id: int
    title: str = Field(min_length=2, max_length=100)
    summary: str = Field(min_length=10, max_length=2000)


def query(start: dt.date | None = Query(None, alias="from", description="统计期间开始日期"),
          end: dt.date | None = Query(None, alias="to", description="统计期间结束日期"),
          region: str | None = Query(None, description="行政区划代码（含下级）"),
          department: str | None = Query(None, description="部门名称")) -> service.Query:
    return service.Query(start, end, region, department)


def rows_url(key: str, q: service.Query) -> str:
    from urllib.parse import urlencode

    params = {k: v for k, v in (("from", q.start), ("to", q.end), ("region", q.region),
                                ("department", q.department)) if v}
    return f"/api/v1/statistics/rows/{key}" + (f"?{urlencode(params)}" if params else "")


def as_out(report: service.Report, q: service.Query) -> StatisticsOut:
    from xinyong.statistics.queries import FIGURE_SOURCES

    s = report.scope
    return StatisticsOut(
        scope=ScopeOut(start=s.period.start, end=s.period.end, region=s.region,
                       region_name=service.region_label(s.region), department=s.department,
                       not_filtered=report.not_filtered),
        figures=[FigureOut(**report.figure(k), rows_url=rows_url(k, q) if k in FIGURE_SOURCES else None)
                 for k in report.figures],
        rates=[RateOut(**{k: r[k] for k in RateOut.model_fields}) for r in report.rates],
        average_days=report.averages,
        records_by_item=[ItemRow(**r) for r in report.records_by_item],
        listings_by_type=[ListTypeRow(**r) for r in report.listings_by_type],
        repair_outcomes=[OutcomeRow(**r) for r in report.repair_outcomes],
        screening=[ScreeningRow(**r) for r in report.screening],
        monthly=report.monthly,
        regions=[RegionRow(**r) for r in report.regions],
    )


@router.get("", dependencies=[Depends(requires("statistics.read"))], response_model=StatisticsOut,
            response_model_by_alias=True, summary="信用监管统计")
def statistics(q: service.Query = Depends(query), actor: Actor = Depends(current_actor)) -> StatisticsOut:
    return as_out(service.read(actor, q), q)


@router.get("/export", dependencies=[Depends(requires("statistics.read"))], summary="统计导出（CSV/XLSX）")
def export_statistics(fmt: Literal["csv", "xlsx"] = "xlsx", q: service.Query = Depends(query),
                      actor: Actor = Depends(current_actor)) -> Response:
    report = service.read(actor, q)
    tabs = export.tables(report)
    return _tables_file(tabs, f"信用监管统计_{report.scope.period.start}_{report.scope.period.end}", fmt)


@router.get("/rows/{key}", dependencies=[Depends(requires("statistics.rows"))], response_model=RowsOut,
            summary="统计指标对应的明细")
def figure_rows(key: str, page: int = 1, per_page: int = 100, q: service.Query = Depends(query),
                actor: Actor = Depends(current_actor)) -> RowsOut:
    return RowsOut(**service.figure_rows(actor, key, q, page=page, per_page=per_page))


@router.get("/list-standards", dependencies=[Depends(requires("statistics.read"))], response_model=StandardsOut,
            summary="名单认定标准执行情况评估")
def list_standards(q: service.Query = Depends(query), actor: Actor = Depends(current_actor)) -> StandardsOut:
    return StandardsOut(**service.list_standards(actor, q))


@router.get("/list-standards/export", dependencies=[Depends(requires("statistics.read"))],
            summary="名单认定标准评估导出")
def export_standards(fmt: Literal["csv", "xlsx"] = "xlsx", q: service.Query = Depends(query),
                     actor: Actor = Depends(current_actor)) -> Response:
    data = service.list_standards(actor, q)
    tabs = export.standards_tables(data)
    return _tables_file(tabs, f"名单认定标准评估_{data['period']['from']}_{data['period']['to']}", fmt)


def _tables_file(tabs: list[export.Table], name: str, fmt: str) -> Response:
    if fmt == "csv":
        return attachment_response(export.to_csv(tabs), "text/csv; charset=utf-8", name + ".csv")
    return attachment_response(export.to_xlsx(tabs), XLSX, name + ".xlsx")


@router.get("/typical-cases", dependencies=[Depends(requires("statistics.typical.read"))],
            response_model=list[TypicalOut], summary="典型案例（全部状态）")
def typical_cases(actor: Actor = Depends(current_actor)) -> list[TypicalOut]:
    return [TypicalOut(**r) for r in service.list_typical(actor, published_only=False)]


@router.get("/typical-cases/published", dependencies=[Depends(requires("statistics.typical.public_read"))],
            response_model=list[TypicalOut], response_model_exclude_none=True, summary="已公布的典型案例")
def published_typical_cases(actor: Actor = Depends(current_actor)) -> list[TypicalOut]:
    return [TypicalOut(**r) for r in service.list_typical(actor, published_only=True)]


@router.post("/typical-cases", dependencies=[Depends(requires("statistics.typical.mark"))],
             response_model=TypicalOut, status_code=201, summary="标记典型案例")
def mark_typical(body: TypicalCaseMarkIn, actor: Actor = Depends(current_actor)) -> TypicalOut:
    return TypicalOut(**service.mark_typical(actor, kind=body.kind, source_id=body.source_id, title=body.title,
                                             summary=body.summary))


@router.post("/typical-cases/{typical_id}/publish", dependencies=[Depends(requires("statistics.typical.publish"))],
             response_model=TypicalOut, summary="公布典型案例")
def publish_typical(typical_id: int, actor: Actor = Depends(current_actor)) -> TypicalOut:
    return TypicalOut(**service.publish_typical(actor, typical_id))


@router.post("/typical-cases/{typical_id}/withdraw", dependencies=[Depends(requires("statistics.typical.publish"))],
             response_model=TypicalOut, summary="撤下典型案例")
def withdraw_typical(typical_id: int, actor: Actor = Depends(current_actor)) -> TypicalOut:
    return TypicalOut(**service.withdraw_typical(actor, typical_id))
