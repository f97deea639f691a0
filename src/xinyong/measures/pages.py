"""Console pages: screening, the measure list, joint punishment cases (respond, feedback, 典型案例).

Pages only translate: the measure list calls :func:`xinyong.measures.service.measure_list`, screening the
use cases of :mod:`xinyong.measures.screening`, joint punishment cases those of
:mod:`xinyong.measures.cases` (access decided and logged there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.core import clock
from xinyong.core.access import PURPOSE_NAMES_ZH, Actor
from xinyong.core.errors import DomainError
from xinyong.measures import batch_jobs, cases, deliveries, screening, service, units
from xinyong.measures.rules import CATEGORY_NAMES, MATTERS, REACHES
from xinyong.web.downloads import attachment_response
from xinyong.web.session import console_actor, console_page, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"measures/{name}",
        {"matters": MATTERS, "purposes": PURPOSE_NAMES_ZH, "reaches": REACHES,
         "categories": {int(k): v for k, v in CATEGORY_NAMES.items()}, **context},
        status_code=status,
    )


@router.get("/console/measures", response_class=HTMLResponse)
def measure_list(request: Request, matter: str = Query(default=""), actor: Actor = Depends(console_actor)) -> HTMLResponse:
    items = service.measure_list(actor, region=actor.region_code, matter=matter or None)["measures"]
    return _page(request, "list.html", {"actor": actor, "items": items, "matter": matter})


@router.get("/console/screen", response_class=HTMLResponse)
def screen_page(request: Request, code: str = Query(default="", max_length=40),
                name: str = Query(default="", max_length=200), matter: str = Query(default=""),
                purpose: str = Query(default=""),
                actor: Actor = Depends(console_page("measures.screen"))) -> HTMLResponse:
    result: dict[str, Any] | None = None
    error = None
    if code.strip() or name.strip():
        try:
            if code.strip():
                result = screening.screen_by_code(actor, code, matter=matter or None, purpose=purpose or None)
            else:
                result = screening.screen_by_name(actor, name, matter=matter or None, purpose=purpose or None)
        except DomainError as exc:
            error = exc.message
    return _page(request, "screen.html", {"actor": actor, "code": code, "name": name, "matter": matter,
                                          "purpose": purpose, "result": result, "error": error})


def _new_case(request: Request, actor: Actor, form: dict[str, Any], error: str | None, status: int = 200) -> HTMLResponse:
    return _page(request, "new_case.html", {"actor": actor, "form": form, "error": error,
                                            "units": units.list_units(actor),
                                            "response": cases.deadlines()["response"]}, status=status)


@router.get("/console/cases/new", response_class=HTMLResponse)
def new_case(request: Request, code: str = Query(default="", max_length=40),
             measure: str = Query(default="", max_length=64), matter: str = Query(default="", max_length=40),
             actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """发起联合惩戒: the recipient is picked from the registry of implementing units."""
    return _new_case(request, actor, {"code": code, "measure": measure, "matter": matter, "unit": "", "days": ""}, None)


# --- batch screening files (upload, progress, download) -------------------------------------------


@router.get("/console/screen/batch", response_class=HTMLResponse)
def batch_page(request: Request, actor: Actor = Depends(console_page("measures.screen"))) -> HTMLResponse:
    return _page(request, "batch.html", {"actor": actor, "batches": batch_jobs.unit_batches(actor), "error": None,
                                         "batch": None, "matter": "", "purpose": ""})


@router.post("/console/screen/batch", dependencies=[Depends(verify_csrf)])
async def batch_upload(request: Request, file: UploadFile, matter: str = Form(default=""),
                       purpose: str = Form(default=""), actor: Actor = Depends(console_actor)) -> Response:
    data = await file.read(batch_jobs.MAX_UPLOAD_BYTES + 1)
    try:
        if len(data) > batch_jobs.MAX_UPLOAD_BYTES:
            from xinyong.core.errors import ValidationFailed

            raise ValidationFailed("file_too_large", "文件超过20MB，请分批上传")
        found = await run_in_threadpool(batch_jobs.start_batch, actor, data, file.filename or "筛查.csv",
                                        matter=matter or None, purpose=purpose or None)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(request, "batch.html", {"actor": actor, "batches": batch_jobs.unit_batches(actor),
                                             "error": exc.message, "batch": None, "matter": matter,
                                             "purpose": purpose}, status=exc.status)
    return RedirectResponse(f"/console/screen/batch/{found['id']}", status_code=303)


@router.get("/console/screen/batch/{batch_id}", response_class=HTMLResponse)
def batch_detail(request: Request, batch_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _page(request, "batch.html", {"actor": actor, "batches": [], "error": None,
                                         "batch": batch_jobs.batch_status(actor, batch_id), "matter": "",
                                         "purpose": ""})


@router.get("/console/screen/batch/{batch_id}/status")
def batch_status(batch_id: int, actor: Actor = Depends(console_actor)) -> dict[str, Any]:
    return batch_jobs.batch_status(actor, batch_id)


@router.get("/console/screen/batch/{batch_id}/download")
def batch_download(batch_id: int, actor: Actor = Depends(console_actor)) -> Response:
    data, filename, content_type = batch_jobs.batch_result(actor, batch_id)
    return attachment_response(data, content_type, filename)


@router.post("/console/cases", dependencies=[Depends(verify_csrf)])
def open_case(request: Request, code: str = Form(), measure: str = Form(), matter: str = Form(),
              unit: str = Form(default=""), days: str = Form(default=""),
              actor: Actor = Depends(console_actor)) -> Response:
    form = {"code": code, "measure": measure, "matter": matter, "unit": unit, "days": days}
    try:
        if days.strip() and not days.strip().isdigit():
            from xinyong.core.errors import ValidationFailed

            raise ValidationFailed("invalid_deadline", "响应时限须为整数个工作日")
        unit_id = int(unit) if unit.strip().isdigit() else None
        case_id = cases.open_case(actor, code=code, measure=measure, matter=matter, unit_id=unit_id,
                                  unit=None if unit_id is not None else unit or None,
                                  respond_within_workdays=int(days) if days.strip() and int(days) else None)["id"]
    except DomainError as exc:
        if exc.status not in (404, 409, 422):
            raise
        return _new_case(request, actor, form, exc.message, status=422)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.get("/console/cases", response_class=HTMLResponse)
def case_list(request: Request, status: str = Query(default=""), overdue: int = Query(default=0),
              by: str = Query(default="unit"), actor: Actor = Depends(console_actor)) -> HTMLResponse:
    error = None
    rows: list[dict[str, Any]] = []
    stats: list[dict[str, Any]] = []
    try:
        rows = cases.list_cases(actor, status=status or None, overdue_only=bool(overdue))
        stats = cases.statistics(actor, by)
    except DomainError as exc:
        if exc.status == 403:
            raise
        error = exc.message
    return _page(request, "cases.html", {"actor": actor, "rows": rows, "stats": stats, "by": by,
                                         "status": status, "overdue": overdue, "error": error,
                                         "statuses": cases.STATUS_NAMES})


@router.get("/console/cases/overdue", response_class=HTMLResponse)
def overdue_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """逾期未响应、未反馈的案例 (the credit office's territory)."""
    return _page(request, "overdue.html", {"actor": actor, "rows": cases.overdue_cases(actor)})


@router.get("/console/cases/regions", response_class=HTMLResponse)
def regions_page(request: Request, region: str = Query(default="", max_length=6),
                 actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """联合惩戒统计按地区逐级汇总."""
    error = None
    figures: dict[str, Any] = {"rows": [], "region_name": ""}
    try:
        figures = cases.regional_figures(actor, region=region or None)
    except DomainError as exc:
        if exc.status not in (403, 422):
            raise
        error = exc.message
    return _page(request, "regions.html", {"actor": actor, "figures": figures, "error": error})


def _case_context(actor: Actor, case_id: int) -> dict[str, Any]:
    found = cases.read_case(actor, case_id)
    return {"case": found, "history": found["history"], "actor": actor, "today": clock.today().isoformat(),
            "event_names": cases.EVENT_NAMES}


@router.get("/console/cases/{case_id}", response_class=HTMLResponse)
def case_detail(request: Request, case_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _page(request, "case.html", {**_case_context(actor, case_id), "error": None})


def _act(request: Request, actor: Actor, case_id: int, fn: Any) -> Response:
    try:
        fn()
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _page(request, "case.html", {**_case_context(actor, case_id), "error": exc.message}, status=exc.status)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.post("/console/cases/{case_id}/response", dependencies=[Depends(verify_csrf)])
def case_respond(request: Request, case_id: int, applied: str = Form(), reason: str = Form(default=""),
                 applied_until: str = Form(default=""), actor: Actor = Depends(console_actor)) -> Response:
    def go() -> None:
        until = None
        if applied_until.strip():
            try:
                until = dt.date.fromisoformat(applied_until.strip())
            except ValueError:
                from xinyong.core.errors import ValidationFailed

                raise ValidationFailed("invalid_date", "实施截止日期格式应为 YYYY-MM-DD") from None
        cases.respond(actor, case_id, applied=applied == "yes", reason=reason, applied_until=until)

    return _act(request, actor, case_id, go)


@router.post("/console/cases/{case_id}/feedback", dependencies=[Depends(verify_csrf)])
def case_feedback(request: Request, case_id: int, result: str = Form(default="", max_length=4000),
                  actor: Actor = Depends(console_actor)) -> Response:
    return _act(request, actor, case_id, lambda: cases.feedback(actor, case_id, result=result))


@router.post("/console/cases/{case_id}/typical", dependencies=[Depends(verify_csrf)])
def case_typical(request: Request, case_id: int, typical: str = Form(default="yes"), note: str = Form(default=""),
                 actor: Actor = Depends(console_actor)) -> Response:
    return _act(request, actor, case_id, lambda: cases.flag_typical(actor, case_id, typical=typical == "yes", note=note))


@router.get("/console/units", response_class=HTMLResponse)
def units_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """实施单位名录."""
    return _page(request, "units.html", {"actor": actor, "units": units.list_units(actor), "error": None, "form": {}})


@router.post("/console/units", dependencies=[Depends(verify_csrf)])
def units_register(request: Request, principal_id: str = Form(default=""), authority_uscc: str = Form(default=""),
                   region_code: str = Form(default=""), channel: str = Form(default=""),
                   public_key: str = Form(default=""), actor: Actor = Depends(console_actor)) -> Response:
    form = {"principal_id": principal_id, "authority_uscc": authority_uscc, "region_code": region_code,
            "channel": channel, "public_key": public_key}
    try:
        if not principal_id.strip().isdigit():
            from xinyong.core.errors import ValidationFailed

            raise ValidationFailed("invalid_principal", "请填写实施单位账户的编号（数字）")
        units.register_unit(actor, int(principal_id), authority_uscc=authority_uscc,
                            region_code=region_code.strip() or None, channel=channel.strip() or None,
                            public_key=public_key.strip() or None)
    except DomainError as exc:
        if exc.status not in (403, 404, 409, 422):
            raise
        return _page(request, "units.html", {"actor": actor, "units": units.list_units(actor), "error": exc.message,
                                             "form": form}, status=exc.status)
    return RedirectResponse("/console/units", status_code=303)


@router.get("/console/push", response_class=HTMLResponse)
def push_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """定向推送：各接收方的送达情况."""
    return _page(request, "push.html", {"actor": actor, "rows": deliveries.receivers(actor),
                                        "signing": deliveries.signing_key()})


@router.get("/console/push/{channel}", response_class=HTMLResponse)
def push_channel_page(request: Request, channel: str, status: str = Query(default=""),
                      actor: Actor = Depends(console_actor)) -> HTMLResponse:
    found = deliveries.receiver_deliveries(actor, channel, status=status or None)
    return _page(request, "push_channel.html", {"actor": actor, "found": found, "status": status,
                                                "states": deliveries.STATES})
