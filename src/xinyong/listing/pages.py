"""Console pages of the serious-dishonest-list procedure: case list with state and next deadline,
a case page with its history and documents, a form per transition, deadlines, list types.

Pages only translate: each handler calls one use case of :mod:`xinyong.listing.service` (the door,
ownership and territory are decided there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import DomainError, ValidationFailed
from xinyong.core.policy import Role
from xinyong.listing import reference, service
from xinyong.listing.loader import list_types
from xinyong.listing.rules import (
    INTERVIEW_OUTCOMES,
    KIND_NAMES,
    LENIENCY_FLAGS,
    REMOVAL_REASONS,
    STATE_NAMES,
)
from xinyong.web.session import console_actor, console_page, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"listing/{name}",
        {"state_names": {s.value: n for s, n in STATE_NAMES.items()}, "removal_reasons": REMOVAL_REASONS,
         "interview_outcomes": INTERVIEW_OUTCOMES, "kind_names": {k.value: v for k, v in KIND_NAMES.items()},
         "leniency_names": LENIENCY_FLAGS, "today": clock.today().isoformat(), **context},
        status_code=status,
    )


def _date(value: str, label: str, *, default_today: bool = False) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if default_today:
            return clock.today()
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("invalid_date", f"{label}格式错误，应为 YYYY-MM-DD") from None


def _required_date(value: str, label: str) -> dt.date:
    d = _date(value, label)
    if d is None:
        raise ValidationFailed("missing_date", f"请填写{label}")
    return d


def _int(value: str, label: str) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed("invalid_number", f"{label}必须是正整数")
    return int(text)


def _case_context(actor: Actor, case_id: int) -> dict[str, Any]:
    view = service.read_case(actor, case_id)
    return {
        "case": view, "history": view["history"], "history_intact": view["history_intact"],
        "documents": view["documents"], "rectifications": view["rectifications"],
        "accountability": view["accountability"], "review_tasks": view["review_tasks"],
        "can_act": actor.role is Role.determining_department and actor.department == view["department"],
    }


# ------------------------------------------------------------------------------------------ lists
@router.get("/console/listing", response_class=HTMLResponse)
def case_list(request: Request, state: str = Query(default=""), actor: Actor = Depends(console_actor)) -> HTMLResponse:
    rows = service.list_cases(actor, state=state or None)
    return _page(request, "cases.html", {"actor": actor, "cases": rows, "state": state})


@router.get("/console/listing/deadlines", response_class=HTMLResponse)
def deadlines_page(request: Request, within: int = Query(default=30, ge=0, le=3650),
                   actor: Actor = Depends(console_actor)) -> HTMLResponse:
    rows = service.deadlines_for(actor, clock.today(), within_days=within)
    return _page(request, "deadlines.html", {"actor": actor, "rows": rows, "within": within})


@router.get("/console/listing/types", response_class=HTMLResponse)
def types_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    found = reference.read_list_types(actor)
    return _page(request, "types.html", {"actor": actor, **found})


@router.get("/console/listing/types/{list_type_id}", response_class=HTMLResponse)
def type_page(request: Request, list_type_id: str, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """One list type with every element still unverified, shown before the officer acts under it."""
    found = reference.read_list_type(actor, list_type_id)
    return _page(request, "type.html", {"actor": actor, "t": found})


@router.get("/console/listing/voided", response_class=HTMLResponse)
def voided_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _page(request, "voided.html", {"actor": actor, **service.voided_report(actor)})


@router.post("/console/listing/voided", dependencies=[Depends(verify_csrf)])
async def mark_voided(request: Request, actor: Actor = Depends(console_actor)) -> Response:
    form = await request.form()
    try:
        service.mark_nonconforming(actor, str(form.get("list_type_id") or ""), reason=str(form.get("reason") or ""),
                                   effective_on=_required_date(str(form.get("effective_on") or ""), "停止适用日期"))
    except DomainError as exc:
        return _page(request, "voided.html", {"actor": actor, "error": exc.message, **service.voided_report(actor)},
                     status=exc.status)
    return RedirectResponse("/console/listing/voided", status_code=303)


@router.get("/console/listing/consent", response_class=HTMLResponse)
def consent_form(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _page(request, "consent.html", {"actor": actor})


@router.post("/console/listing/consent", dependencies=[Depends(verify_csrf)])
async def give_consent(request: Request, actor: Actor = Depends(console_actor)) -> Response:
    form = await request.form()
    try:
        case_id = _int(str(form.get("case_id") or ""), "案件编号") or 0
        service.consent_to_case(actor, case_id, document=str(form.get("document") or ""), on=_on(
            {k: str(v) for k, v in form.items()}))
    except DomainError as exc:
        return _page(request, "consent.html", {"actor": actor, "error": exc.message}, status=exc.status)
    return _page(request, "consent.html", {"actor": actor, "done": case_id})


@router.get("/console/listing/new", response_class=HTMLResponse)
def new_case(request: Request, code: str = Query(default="", max_length=40),
             actor: Actor = Depends(console_page("listing.propose"))) -> HTMLResponse:
    records: list[dict[str, Any]] = []
    subject: dict[str, Any] | None = None
    error = None
    if code.strip():
        from xinyong.records import service as records_service

        try:
            found = records_service.records_for_proposal(actor, code)
            subject, records = found["subject"], found["records"]
        except DomainError as exc:
            error = exc.message
    usable = [t.summary() for t in list_types().usable(clock.today(), actor.region_code or "100000")]
    return _page(request, "new.html", {"actor": actor, "code": code, "subject": subject, "records": records,
                                       "types": usable, "error": error})


@router.post("/console/listing", dependencies=[Depends(verify_csrf)])
async def propose(request: Request, actor: Actor = Depends(console_actor)) -> Response:
    form = await request.form()
    code = str(form.get("code") or "")
    try:
        record_ids = [int(str(v)) for v in form.getlist("record_ids")]
        case_id = service.propose_case(
            actor, subject_code=code, list_type_id=str(form.get("list_type_id") or ""), record_ids=record_ids,
            reason=str(form.get("reason") or ""), on=_date(str(form.get("on") or ""), "立案日期", default_today=True),
        )["id"]
    except (DomainError, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else "记录编号无效"
        status = exc.status if isinstance(exc, DomainError) else 422
        usable = [t.summary() for t in list_types().usable(clock.today(), actor.region_code or "100000")]
        return _page(request, "new.html", {"actor": actor, "code": code, "subject": None, "records": [],
                                           "types": usable, "error": message}, status=status)
    return RedirectResponse(f"/console/listing/{case_id}", status_code=303)


@router.get("/console/listing/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    context = _case_context(actor, case_id)
    return _page(request, "case.html", {"actor": actor, **context})


# ------------------------------------------------------------------------------------------ steps
Handler = Callable[[Session, Actor, int, dict[str, str]], Any]


def _version(f: dict[str, str]) -> int | None:
    return _int(f.get("version", ""), "版本")


def _on(f: dict[str, str]) -> dt.date | None:
    return _date(f.get("on", ""), "日期", default_today=True)


STEPS: dict[str, tuple[str, Handler]] = {
    "leniency": ("listing.justify", lambda s, a, c, f: service.justify_leniency(
        s, a, c, justification=f.get("justification", ""), version=_version(f), on=_on(f))),
    "notice": ("listing.notice", lambda s, a, c, f: service.serve_notice(
        s, a, c, objection_window_end=_required_date(f.get("objection_window_end", ""), "异议期限截止日"),
        number=f.get("number") or None, version=_version(f), on=_on(f))),
    "objection": ("listing.objection", lambda s, a, c, f: service.receive_objection(
        s, a, c, objection=f.get("objection", ""), version=_version(f), on=_on(f))),
    "answer": ("listing.answer", lambda s, a, c, f: service.answer_objection(
        s, a, c, outcome=f.get("outcome", ""), answer=f.get("answer", ""), version=_version(f), on=_on(f))),
    "decision": ("listing.decide", lambda s, a, c, f: service.decide(
        s, a, c, listing_months=_int(f.get("listing_months", ""), "列入期限（月）"),
        number=f.get("number") or None, version=_version(f), on=_on(f))),
    "approval": ("listing.approve", lambda s, a, c, f: service.approve(
        s, a, c, opinion=f.get("opinion", ""), version=_version(f), on=_on(f))),
    "listing": ("listing.list", lambda s, a, c, f: service.list_subject(s, a, c, version=_version(f), on=_on(f))),
    "removal": ("listing.remove", lambda s, a, c, f: service.remove(
        s, a, c, reason=f.get("reason", ""), explanation=f.get("explanation") or None,
        document=f.get("document") or None, version=_version(f), on=_on(f))),
    "withdrawal": ("listing.withdraw", lambda s, a, c, f: service.withdraw(
        s, a, c, explanation=f.get("explanation", ""), version=_version(f), on=_on(f))),
    "rectification": ("listing.rectify", lambda s, a, c, f: service.order_rectification(
        s, a, c, requirements=f.get("requirements", ""), due_on=_required_date(f.get("due_on", ""), "整改期限"),
        public=f.get("public", "yes") == "yes", not_public_reason=f.get("not_public_reason") or None, on=_on(f))),
}


@router.post("/console/listing/{case_id}/{step}", dependencies=[Depends(verify_csrf)])
async def do_step(request: Request, case_id: int, step: str, actor: Actor = Depends(console_actor)) -> Response:
    if step not in STEPS:
        return _error(request, actor, case_id, ValidationFailed("unknown_step", "未知的办理步骤"))
    action, handler = STEPS[step]
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        service.act_on_case(actor, action, case_id, lambda s, c: handler(s, actor, c, form))
    except DomainError as exc:
        return _error(request, actor, case_id, exc)
    return RedirectResponse(f"/console/listing/{case_id}", status_code=303)


@router.post("/console/listing/rectifications/{order_id}/{step}", dependencies=[Depends(verify_csrf)])
async def rectification_step(request: Request, order_id: int, step: str,
                             actor: Actor = Depends(console_actor)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    case_id = _int(form.get("case_id", ""), "案件") or 0
    try:
        if step == "confirmation":
            case_id = service.act_on_order(actor, "listing.rectify", order_id, lambda s, o: service.confirm_rectification(
                s, actor, o, completed=form.get("completed") == "yes", note=form.get("note", ""), on=_on(form)))["id"]
        elif step == "interview":
            case_id = service.act_on_order(actor, "listing.interview", order_id, lambda s, o: service.record_interview(
                s, actor, o, outcome=form.get("outcome", ""), record=form.get("record", ""),
                interviewee=form.get("interviewee") or None, on=_on(form)))["id"]
        else:
            raise ValidationFailed("unknown_step", "未知的办理步骤")
    except DomainError as exc:
        return _error(request, actor, case_id, exc)
    return RedirectResponse(f"/console/listing/{case_id}", status_code=303)


def _error(request: Request, actor: Actor, case_id: int, exc: DomainError) -> HTMLResponse:
    try:
        context = _case_context(actor, case_id)
    except DomainError:
        return _page(request, "cases.html", {"actor": actor, "cases": [], "state": "", "error": exc.message},
                     status=exc.status)
    return _page(request, "case.html", {"actor": actor, "error": exc.message, **context}, status=exc.status)


# ------------------------------------------------------------------------------------------ documents
@router.get("/console/listing/documents/{document_id}", response_class=HTMLResponse)
def document_page(document_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    doc, _ = service.read_document(actor, document_id)
    return HTMLResponse(doc.html, headers={"X-Content-SHA256": doc.sha256})


@router.get("/console/listing/documents/{document_id}/pdf")
def document_pdf(document_id: int, actor: Actor = Depends(console_actor)) -> Response:
    doc, pdf = service.read_document(actor, document_id, pdf=True)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="listing-document-{doc.id}.pdf"', "X-Content-SHA256": doc.sha256})
