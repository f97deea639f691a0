"""Web pages: the public credit portal (信用公示), the subject's own page, and console pages.

Server-rendered in Simplified Chinese; every page is a thin adapter over a use case of
:mod:`xinyong.disclosure.service` and shows only what :mod:`xinyong.disclosure.rules` returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.access import PUBLIC, Actor
from xinyong.core.errors import DomainError, Forbidden
from xinyong.disclosure import rules, service
from xinyong.web.downloads import attachment_response
from xinyong.web.session import console_actor, optional_console_actor, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"disclosure/{name}", context, status_code=status)


def _portal_actor(request: Request) -> Actor:
    return optional_console_actor(request) or PUBLIC


# --- the public portal -------------------------------------------------------------------------


@router.get("/public", response_class=HTMLResponse)
def portal_home(request: Request) -> HTMLResponse:
    return _page(request, "portal_home.html", {"q": "", "results": None})


@router.get("/public/search", response_class=HTMLResponse)
def portal_search(request: Request, q: str = Query(default="", max_length=100)) -> HTMLResponse:
    page = service.portal_search(_portal_actor(request), q)
    return _page(request, "portal_home.html", {"q": q, "results": page.results, "error": page.error})


@router.get("/public/subjects/{ref}", response_class=HTMLResponse)
def portal_subject(request: Request, ref: str) -> HTMLResponse:
    view = service.public_subject(_portal_actor(request), ref)
    return _page(request, "subject.html", {"view": view, "today": clock.today().isoformat()})


# --- the subject's own page --------------------------------------------------------------------


def _own_context(actor: Actor) -> dict[str, Any]:
    data = service.self_record(actor)
    objections, consents = data.pop("objections"), data.pop("consents")
    consent_items = sorted(
        {(i.code, i.name) for _, i in catalogs().all_items() if i.concerns_individuals and i.disclosable}
    ) if data["subject"]["kind"] == "individual" else []
    return {"view": data, "objections": objections, "consents": consents, "actor": actor,
            "today": clock.today().isoformat(), "consent_items": consent_items,
            "record_numbers": {r["record_id"]: r["document_number"] for r in data["records"]},
            "consent_purposes": rules.CONSENT_PURPOSE_NAMES}


@router.get("/my", response_class=HTMLResponse)
def my_record(request: Request, filed: int | None = Query(default=None, ge=1, le=2_147_483_647),
              actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _page(request, "my.html", {**_own_context(actor), "filed": filed})


@router.get("/my/objections/new", response_class=HTMLResponse)
def objection_form(request: Request, record_id: int = Query(ge=1, le=2_147_483_647), actor: Actor = Depends(console_actor)) -> HTMLResponse:
    context = _own_context(actor)
    record = next((r for r in context["view"]["records"] if r.get("record_id") == record_id), None)
    if record is None:
        raise Forbidden("objection_not_own_record", "只能对本人的信用信息提出异议")
    return _page(request, "objection_form.html", {**context, "record": record, "error": None, "reason": ""})


@router.post("/my/objections", dependencies=[Depends(verify_csrf)])
async def objection_submit(
    request: Request,
    record_id: int = Form(ge=1, le=2_147_483_647),
    reason: str = Form(default="", max_length=8000),
    files: list[UploadFile] = File(default_factory=list),
    actor: Actor = Depends(console_actor),
) -> Response:
    uploads = []
    for f in files:
        if f.filename:
            data = await f.read(rules.OBJECTION_MAX_BYTES + 1)
            uploads.append(service.Upload(f.filename, (f.content_type or "").split(";")[0].strip(), data))
    try:
        new_id = (await run_in_threadpool(service.file_objection, actor, record_id, reason, uploads))["id"]
    except DomainError as exc:
        if exc.status != 422:
            raise
        context = _own_context(actor)
        record = next((r for r in context["view"]["records"] if r.get("record_id") == record_id), None)
        if record is None:
            raise
        return _page(request, "objection_form.html",
                     {**context, "record": record, "error": exc.message, "reason": reason}, status=422)
    return RedirectResponse(f"/my?filed={new_id}", status_code=303)


@router.post("/my/consents/{consent_id}/revoke", dependencies=[Depends(verify_csrf)])
def consent_revoke(consent_id: int = Path(ge=1, le=2_147_483_647), actor: Actor = Depends(console_actor)) -> Response:
    service.revoke_own_consent(actor, consent_id)
    return RedirectResponse("/my#consents", status_code=303)


@router.post("/my/consents", dependencies=[Depends(verify_csrf)])
def consent_give(
    request: Request,
    purpose: str = Form(default=""),
    scope: list[str] = Form(default_factory=list),
    ends_on: str = Form(default="", max_length=10),
    recipient: str = Form(default="", max_length=200),
    actor: Actor = Depends(console_actor),
) -> Response:
    """本人在线授权 (49号 §（十四）): purpose, scope item by item and an end date are required."""
    try:
        end = dt.date.fromisoformat(ends_on) if ends_on else None
    except ValueError:
        end = None
    given = service.ConsentInput(purpose=purpose, method="online_confirmation", scope=scope, ends_on=end,
                                 recipient=recipient)
    try:
        service.give_own_consent(actor, given)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _page(request, "my.html", {**_own_context(actor), "filed": None, "consent_error": exc.message},
                     status=422)
    return RedirectResponse("/my#consents", status_code=303)


@router.get("/console/disclosure/attachments/{attachment_id}")
def attachment_download(attachment_id: int = Path(ge=1, le=2_147_483_647),
                        actor: Actor = Depends(console_actor)) -> Response:
    """An objection's file, for those who may read the objection (service.read_attachment)."""
    f = service.read_attachment(actor, attachment_id)
    return attachment_response(f.data, f.content_type, f.filename)


# --- console: objections to answer, late disclosures --------------------------------------------


@router.get("/console/disclosure/objections", response_class=HTMLResponse)
def console_objections(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    rows = service.list_objections(actor)
    return _page(request, "objections.html", {"objections": rows, "actor": actor, "outcomes": rules.OUTCOME_NAMES})


@router.post("/console/disclosure/objections/{objection_id}/answer", dependencies=[Depends(verify_csrf)])
def console_answer(
    objection_id: int = Path(ge=1, le=2_147_483_647),
    outcome: str = Form(default=""),
    answer: str = Form(default="", max_length=4000),
    actor: Actor = Depends(console_actor),
) -> Response:
    service.answer_objection(actor, objection_id, outcome, answer)
    return RedirectResponse("/console/disclosure/objections", status_code=303)


@router.get("/console/disclosure/late", response_class=HTMLResponse)
def console_late(request: Request, department: str | None = Query(default=None, max_length=200),
                 actor: Actor = Depends(console_actor)) -> HTMLResponse:
    late = service.late_publications(actor, department=department or None)
    return _page(request, "late.html", {"groups": late.departments, "actor": actor,
                                        "today": late.as_of.isoformat(), "department": late.department or ""})


# --- console: reporting upward (国办发〔2020〕49号 §（五）) ---------------------------------------------


@router.get("/console/disclosure/export", response_class=HTMLResponse)
def console_export(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """The download form: kind, period, format (the file itself comes from /console/disclosure/export/file)."""
    today = clock.today()
    return _page(request, "export.html", {"actor": actor, "start": today.replace(day=1).isoformat(),
                                          "end": today.isoformat(), "error": None})


@router.get("/console/disclosure/export/file")
def console_export_file(
    request: Request,
    kind: str = Query(default="penalty", max_length=16),
    start: str = Query(default="", alias="from", max_length=10),
    end: str = Query(default="", alias="to", max_length=10),
    fmt: str = Query(default="xlsx", alias="format", max_length=8),
    encoding: str = Query(default="utf-8", max_length=8),
    actor: Actor = Depends(console_actor),
) -> Response:
    from xinyong.disclosure.export import export_shuanggongshi

    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return _page(request, "export.html", {"actor": actor, "start": start, "end": end,
                                              "error": "请填写有效的起止日期（YYYY-MM-DD）"}, status=422)
    try:
        done = export_shuanggongshi(actor, kind, first, last, fmt=fmt, encoding=encoding)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _page(request, "export.html", {"actor": actor, "start": start, "end": end, "error": exc.message},
                     status=422)
    return attachment_response(done.data, done.content_type, done.filename)


@router.get("/console/disclosure/upstream", response_class=HTMLResponse)
def console_upstream(request: Request, state: str | None = Query(default=None, max_length=16),
                     actor: Actor = Depends(console_actor)) -> HTMLResponse:
    from xinyong.disclosure.upstream import STATE_NAMES, list_receipts

    found = list_receipts(actor, state=state or None)
    return _page(request, "upstream.html", {"actor": actor, "found": found, "state": state or "",
                                            "state_names": STATE_NAMES})
