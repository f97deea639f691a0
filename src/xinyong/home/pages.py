"""Public pages of the platform shell: home (with the platform's figures), code check, catalog."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.codes import check_code
from xinyong.core.db import unit_of_work
from xinyong.core.regions import is_division
from xinyong.records.public import count_records
from xinyong.subjects.service import count_subjects
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

KINDS_ZH = {"organisation": "法人和非法人组织", "individual_business": "个体工商户", "individual": "自然人"}


def _stats() -> dict[str, int]:
    with unit_of_work() as s:
        subjects = count_subjects(s)
        records = count_records(s)
    return {"subjects": subjects, "records": records,
            "catalogs": len(catalogs().in_force(clock.today(), None))}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "web/home.html", {"stats": _stats(), "kinds": KINDS_ZH})


@router.get("/check", response_class=HTMLResponse)
def check(request: Request, code: str = Query(default="", max_length=40)) -> HTMLResponse:
    result = check_code(code).as_dict() if code.strip() else None
    return templates.TemplateResponse(
        request, "web/home.html", {"stats": _stats(), "kinds": KINDS_ZH, "check": result, "code": code}
    )


@router.get("/catalog", response_class=HTMLResponse)
def catalog_page(
    request: Request, date: str | None = Query(default=None), region: str | None = Query(default=None)
) -> HTMLResponse:
    try:
        day = dt.date.fromisoformat(date) if date else clock.today()
    except ValueError:
        day = clock.today()
    reg = region if region and is_division(region) else None
    versions = catalogs().in_force(day, reg)
    return templates.TemplateResponse(
        request, "web/catalog.html", {"versions": versions, "day": day.isoformat(), "region": reg}
    )
