"""Console pages of the statistics (/console/statistics: the dashboard, the rows behind a figure, the
list-standard evaluation, typical cases) and the public page of published typical cases. Each handler
translates around one use case of :mod:`.service`; charts are SVG drawn here on the server (:mod:`.charts`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from xinyong.core.access import PUBLIC, Actor
from xinyong.core.errors import DomainError
from xinyong.core.policy import is_allowed
from xinyong.statistics import charts, rules, service
from xinyong.statistics.queries import FIGURE_SOURCES
from xinyong.web.forms import optional_date
from xinyong.web.session import console_page, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)
BASE = "/console/statistics"

#: the dashboard's sections: (title, one-line explanation, figure keys)
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("失信行为记录与行政处罚公开", "期间内作出决定的失信行为记录；行政处罚应自决定之日起7个工作日内公开（发改办财金〔2018〕893号 四）。",
     ("records.total", "penalties.total", "penalties.on_time", "penalties.late")),
    ("严重失信主体名单", "期间内立案、告知、认定、移出的名单案件（国办发〔2020〕49号 三）。",
     ("listings.opened", "listings.noticed", "listings.decided", "listings.decided_after_window", "listings.removed",
      "listings.repaired", "listing_objections.received", "listing_objections.answered", "listing_objections.on_time",
      "listing_objections.upheld")),
    ("信用记录异议", "信用主体对失信行为记录提出的异议及其答复（以提出日期计入期间）。",
     ("objections.filed", "objections.answered", "objections.on_time", "objections.overdue", "objections.upheld")),
    ("信用修复", "信用修复申请及各认定部门对修复事项的决定（国办发〔2020〕49号 四）。",
     ("repair.applications", "repair.decided", "repair.granted", "repair.refused", "repair.on_time", "repair.overdue")),
    ("信用承诺、培训与信用报告", "失信主体作出的信用承诺、参加信用修复培训和出具信用报告的情况（发改办财金〔2018〕893号 九至十一）。",
     ("commitments.total", "trainings.total", "reports.total")),
    ("限期整改与约谈", "责令限期整改及其完成情况，提示性、警示性约谈（发改办财金〔2018〕893号 二、三）。",
     ("rectifications.ordered", "rectifications.completed", "rectifications.completed_on_time",
      "rectifications.not_completed", "rectifications.overdue", "interviews.total", "interviews.prompting",
      "interviews.warning", "interviews.refused")),
    ("联合惩戒", "联合惩戒的发起、响应、反馈（发改办财金〔2018〕893号 七）。",
     ("punishment.initiated", "punishment.responded", "punishment.responded_on_time", "punishment.feedback",
      "punishment.feedback_on_time", "punishment.overdue")),
    ("核查查询与典型案例", "实施单位开展失信惩戒措施核查的次数；已公布的典型案例。",
     ("screening.queries", "typical.published")),
)


def _query(start: str, end: str, region: str, department: str) -> service.Query:
    return service.Query(optional_date(start, "开始日期"), optional_date(end, "结束日期"), region.strip() or None,
                         department.strip() or None)


def _params(q: service.Query) -> str:
    return urlencode({k: v for k, v in (("from", q.start), ("to", q.end), ("region", q.region),
                                        ("department", q.department)) if v})


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"statistics/{name}", {"base": BASE, **ctx}, status_code=status)


@router.get(BASE, response_class=HTMLResponse)
def dashboard(request: Request, start: str = Query("", alias="from", max_length=10),
              end: str = Query("", alias="to", max_length=10), region: str = Query("", max_length=6),
              department: str = Query("", max_length=200),
              actor: Actor = Depends(console_page("statistics.read"))) -> HTMLResponse:
    q = _query(start, end, region, department)
    report = service.read(actor, q)
    s = report.scope
    months = s.period.months()
    one_year = s.period.start.year == s.period.end.year

    def label(m: str) -> str:
        return f"{int(m[5:])}月" if one_year else m
    trend = Markup(charts.bars([(label(m), report.monthly["records.total"].get(m, 0)) for m in months],
                               title="每月失信行为记录数", y_label="记录（件）", unit="件"))
    listing_trend = Markup(charts.bars([(label(m), report.monthly["listings.decided"].get(m, 0)) for m in months],
                                       title="每月名单认定决定数", y_label="认定（件）", unit="件"))
    punishment_trend = Markup(charts.bars([(label(m), report.monthly["punishment.initiated"].get(m, 0)) for m in months],
                                          title="每月发起联合惩戒数", y_label="联合惩戒（件）", unit="件"))
    penalty_rate = [(m, rules.rate(report.monthly["penalties.on_time"].get(m, 0),
                                   report.monthly["penalties.total"].get(m, 0))) for m in months]
    penalty_chart = Markup(charts.bars([(label(m), v or 0) for m, v in penalty_rate], title="每月行政处罚按期公开率",
                                       y_label="按期公开率（%）", unit="%", max_value=100))
    rates_chart = Markup(charts.rate_bars([(r["label"], r["rate"]) for r in report.rates], title="各项按期率"))
    params = _params(q)
    sections = [(title, why, [dict(report.figure(k), drill=k in FIGURE_SOURCES) for k in keys])
                for title, why, keys in SECTIONS]
    total = sum(report.figures.values())
    return _render(request, "dashboard.html", {
        "actor": actor, "report": report, "scope": s, "sections": sections, "params": params,
        "region_name": service.region_label(s.region), "trend": trend, "listing_trend": listing_trend,
        "punishment_trend": punishment_trend, "penalty_chart": penalty_chart, "rates_chart": rates_chart,
        "empty": total == 0, "has_penalties": report.figures["penalties.total"] > 0,
        "form": {"from": start, "to": end, "region": region, "department": department},
        "can_typical": is_allowed(actor.role, "statistics.typical.read"),
    })


@router.get(BASE + "/rows/{key}", response_class=HTMLResponse)
def figure_rows(request: Request, key: str, page: int = Query(1, ge=1, le=100000),
                start: str = Query("", alias="from", max_length=10), end: str = Query("", alias="to", max_length=10),
                region: str = Query("", max_length=6), department: str = Query("", max_length=200),
                actor: Actor = Depends(console_page("statistics.rows"))) -> HTMLResponse:
    q = _query(start, end, region, department)
    data = service.figure_rows(actor, key, q, page=page, per_page=100)
    return _render(request, "rows.html", {"actor": actor, "data": data, "params": _params(q),
                                          "scope": q.scope(), "region_name": service.region_label(q.region)})


@router.get(BASE + "/list-standards", response_class=HTMLResponse)
def list_standards(request: Request, start: str = Query("", alias="from", max_length=10),
                   end: str = Query("", alias="to", max_length=10), region: str = Query("", max_length=6),
                   department: str = Query("", max_length=200),
                   actor: Actor = Depends(console_page("statistics.read"))) -> HTMLResponse:
    q = _query(start, end, region, department)
    data = service.list_standards(actor, q)
    bars = {r["list_type"]: Markup(charts.bars([(d["label"], d["count"]) for d in r["distribution"]],
                                               title=f"{r['name']}：在列时间分布", y_label="名单主体（个）", unit="个"))
            for r in data["rows"]}
    return _render(request, "list_standards.html", {"actor": actor, "data": data, "bars": bars, "params": _params(q),
                                                    "form": {"from": start, "to": end, "region": region,
                                                             "department": department}})


@router.get(BASE + "/typical-cases", response_class=HTMLResponse)
def typical_cases(request: Request, error: str = "", actor: Actor = Depends(console_page("statistics.typical.read"))
                  ) -> HTMLResponse:
    rows = service.list_typical(actor, published_only=False)
    return _render(request, "typical.html", {
        "actor": actor, "rows": rows, "kinds": rules.TYPICAL_KINDS, "error": error or None,
        "can_mark": is_allowed(actor.role, "statistics.typical.mark"),
        "can_publish": is_allowed(actor.role, "statistics.typical.publish")})


@router.post(BASE + "/typical-cases", dependencies=[Depends(verify_csrf)])
def mark_typical(request: Request, kind: str = Form(...), source_id: int = Form(...), title: str = Form(...),
                 summary: str = Form(...), actor: Actor = Depends(console_page("statistics.typical.mark"))) -> Response:
    try:
        service.mark_typical(actor, kind=kind, source_id=source_id, title=title, summary=summary)
    except DomainError as exc:
        if exc.status == 403:
            raise
        rows = service.list_typical(actor, published_only=False)
        return _render(request, "typical.html", {
            "actor": actor, "rows": rows, "kinds": rules.TYPICAL_KINDS, "error": exc.message, "can_mark": True,
            "can_publish": is_allowed(actor.role, "statistics.typical.publish")}, status=exc.status)
    return RedirectResponse(BASE + "/typical-cases", status_code=303)


@router.post(BASE + "/typical-cases/{typical_id}/{what}", dependencies=[Depends(verify_csrf)])
def change_typical(typical_id: int, what: str,
                   actor: Actor = Depends(console_page("statistics.typical.publish"))) -> Response:
    if what == "publish":
        service.publish_typical(actor, typical_id)
    elif what == "withdraw":
        service.withdraw_typical(actor, typical_id)
    else:
        return Response(status_code=404)
    return RedirectResponse(BASE + "/typical-cases", status_code=303)


@router.get("/typical-cases", response_class=HTMLResponse)
def public_typical(request: Request) -> HTMLResponse:
    return _render(request, "public_typical.html", {"rows": service.list_typical(PUBLIC, published_only=True)})
