"""Public pages of the platform shell: home (with the platform's figures and the search of subjects by
name or code), catalog.

The search is the portal's public search (:func:`xinyong.disclosure.service.portal_search`: organisations
by name, any subject by its exact code, natural persons never by name): an exact code goes straight to the
subject's public page, a name lists the matching subjects."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.access import PUBLIC
from xinyong.core.codes import check_code
from xinyong.core.db import unit_of_work
from xinyong.core.regions import is_division
from xinyong.disclosure import service as disclosure
from xinyong.records.public import count_records
from xinyong.subjects.service import count_subjects
from xinyong.web.session import optional_console_actor
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

KINDS_ZH = {"organisation": "法人和非法人组织", "individual_business": "个体工商户", "individual": "自然人"}


def _stats() -> dict[str, int]:
    with unit_of_work() as s:
        subjects = count_subjects(s)
        records = count_records(s)
    return {"subjects": subjects, "records": records,
            "catalogs": len(catalogs().in_force(clock.today(), None))}


def _home(request: Request, **ctx: object) -> HTMLResponse:
    return templates.TemplateResponse(request, "home/index.html", {"stats": _stats(), "kinds": KINDS_ZH,
                                                                   "q": "", "results": None, **ctx})


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return _home(request)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query(default="", max_length=100)) -> Response:
    """By name or code: an exact code of a subject → its public page; a name → the matching subjects."""
    query = " ".join(q.split())
    if not query:
        return _home(request)
    page = disclosure.portal_search(optional_console_actor(request) or PUBLIC, query)
    code = check_code(query)
    if code.valid and page.error is None:
        exact = [r for r in page.results if r.get("ref")]
        if len(exact) == 1:
            return RedirectResponse(f"/public/subjects/{exact[0]['ref']}", status_code=303)
        if not exact:
            return _home(request, q=query, results=[], error=None,
                         notice=f"代码有效（{KINDS_ZH.get(code.kind.value if code.kind else '', '信用主体')}），"
                                "但本平台尚无该信用主体的信息")
    if not code.valid and query.isascii() and len(query) in (15, 18) and query.isalnum():
        # looks like a code: say why it is not one, rather than searching names
        return _home(request, q=query, results=None, error=f"代码无效：{code.reason}")
    return _home(request, q=query, results=page.results, error=page.error)


@router.get("/check")
def check(code: str = Query(default="", max_length=40)) -> Response:
    """The former code check: the search answers it now."""
    from urllib.parse import quote

    return RedirectResponse(f"/search?q={quote(code.strip())}" if code.strip() else "/", status_code=303)


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
