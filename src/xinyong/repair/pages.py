"""Console pages of credit repair: the subject applies and follows its application; departments decide
their parts; the credit office oversees deadlines, training and the registry of credit service agencies.
Each handler translates around one use case (xinyong.repair.filing / deciding / evidence).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from xinyong.core.access import PUBLIC, Actor, Purpose, refuse
from xinyong.core.errors import DomainError, ValidationFailed
from xinyong.core.policy import Role, is_allowed
from xinyong.repair import deciding, evidence, filing
from xinyong.repair import rules as R
from xinyong.web.downloads import attachment_response
from xinyong.web.forms import optional_date
from xinyong.web.session import console_actor, optional_console_actor, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

BASE = "/console/repair"


def _need(actor: Actor, action: str) -> None:
    """A page without a use case (a blank form) still refuses, and logs, a role without the power."""
    if not is_allowed(actor.role, action):
        refuse(actor, action, Purpose.repair)


def _render(request: Request, name: str, actor: Actor, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"repair/{name}", {"actor": actor, "base": BASE, **ctx}, status_code=status)


@router.get(BASE, response_class=HTMLResponse)
def home(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    if actor.role is Role.subject:
        apps = filing.list_applications(actor)
        return _render(request, "home_subject.html", actor, apps=apps, code=actor.subject_key)
    parts = deciding.work_queue(actor)
    pending = [p for p in parts if p["status"] == "pending"]
    done = [p for p in parts if p["status"] != "pending"]
    return _render(request, "home_department.html", actor, pending=pending, done=done,
                   overdue=[p for p in pending if p["overdue"]], oversee=is_allowed(actor.role, "repair.oversee"))


@router.get(BASE + "/apply", response_class=HTMLResponse)
def apply_form(request: Request, target: list[str] = Query(default_factory=list, max_length=50),
               actor: Actor = Depends(console_actor)) -> HTMLResponse:
    """``?target=record:<id>`` pre-selects the record the subject came from (its own page, /my)."""
    _need(actor, "repair.apply")
    if actor.role is not Role.subject:
        raise ValidationFailed("subject_only_page", "本页面供信用主体本人申请；窗口代办请使用接口或命令行")
    return _apply_page(request, actor, chosen=set(target))


def _apply_page(request: Request, actor: Actor, *, error: str | None = None, status: int = 200,
                chosen: set[str] | None = None) -> HTMLResponse:
    form = filing.apply_form(actor)
    return _render(request, "apply.html", actor, status, found=form["found"], supporting=form["supporting"],
                   error=error, declared=[(c.value, R.CONDITION_NAMES[c]) for c in R.DECLARED], chosen=chosen or set())


@router.post(BASE + "/apply", dependencies=[Depends(verify_csrf)])
async def apply(request: Request, actor: Actor = Depends(console_actor),
                files: list[UploadFile] = File(default=[])) -> Response:
    _need(actor, "repair.apply")
    form: FormData = await request.form()
    try:
        declared = tuple(str(v) for v in form.getlist("declared"))
        parts = []
        for value in (str(v) for v in form.getlist("target")):
            kind, _, raw_id = value.partition(":")
            if kind not in filing.KIND_NAMES or not raw_id.isdigit():
                raise ValidationFailed("invalid_target", "所选修复对象无效")
            corrected = optional_date(str(form.get(f"corrected_on_{kind}_{raw_id}") or ""), "改正日期")
            parts.append(filing.PartRequest(kind, int(raw_id), declared, corrected))
        attachments = [filing.AttachmentIn(f.filename, f.content_type or "application/octet-stream", await f.read())
                       for f in files if f.filename]
        app = filing.apply(actor, None, applicant_name=str(form.get("applicant_name") or ""),
                           statement=str(form.get("statement") or ""), parts=parts, attachments=attachments)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _apply_page(request, actor, error=exc.message, status=exc.status)
    return RedirectResponse(f"{BASE}/applications/{app['id']}", status_code=303)


@router.get(BASE + "/applications/{app_id}", response_class=HTMLResponse)
def application(request: Request, app_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _application_page(request, actor, app_id)


def _application_page(request: Request, actor: Actor, app_id: int, *, error: str | None = None,
                      status: int = 200) -> HTMLResponse:
    page = filing.application_page(actor, app_id)
    return _render(request, "application.html", actor, status, app=page["app"], evidence=page["evidence"],
                   error=error)


@router.get(BASE + "/applications/{app_id}/parts/{part_id}/decision", response_class=HTMLResponse)
def decision_document(app_id: int, part_id: int, actor: Actor = Depends(console_actor)) -> Response:
    """The 信用修复决定书 of a decided part, as a printable page."""
    doc = filing.read_decision_document(actor, app_id, part_id)
    return HTMLResponse(doc.data.decode("utf-8"))


@router.get(BASE + "/applications/{app_id}/parts/{part_id}/decision.pdf")
def decision_document_pdf(app_id: int, part_id: int, actor: Actor = Depends(console_actor)) -> Response:
    """The same 信用修复决定书 as a PDF."""
    doc = filing.read_decision_document(actor, app_id, part_id, pdf=True)
    return attachment_response(doc.data, doc.content_type, doc.filename)


@router.get(BASE + "/applications/{app_id}/attachments/{attachment_id}")
def attachment(app_id: int, attachment_id: int, actor: Actor = Depends(console_actor)) -> Response:
    """Download a proof attached to the application (the subject itself, its departments, the office)."""
    att = filing.read_attachment(actor, app_id, attachment_id)
    return attachment_response(att.data, att.content_type, att.filename)


@router.post(BASE + "/parts/{part_id}/decision", dependencies=[Depends(verify_csrf)])
def decide(
    request: Request,
    part_id: int,
    actor: Actor = Depends(console_actor),
    decision: str = Form(default="", max_length=10),
    reason: str = Form(default="", max_length=4000),
    remedy: str = Form(default="", max_length=4000),
    decision_number: str = Form(default="", max_length=120),
) -> Response:
    _need(actor, "repair.decide")
    try:
        if decision not in ("grant", "refuse"):
            raise ValidationFailed("invalid_decision", "请选择“准予修复”或“不予修复”")
        app = deciding.decide_part(actor, part_id, grant=decision == "grant", reason=reason, remedy=remedy,
                                   decision_number=decision_number)
    except DomainError as exc:
        app_id = deciding.application_of_part(part_id)
        if app_id is None or exc.status == 403:
            raise
        return _application_page(request, actor, app_id, error=exc.message, status=exc.status)
    return RedirectResponse(f"{BASE}/applications/{app['id']}", status_code=303)


@router.get(BASE + "/commitment", response_class=HTMLResponse)
def commitment_form(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    _need(actor, "repair.support")
    return _render(request, "commitment.html", actor, template=evidence.COMMITMENT_TEMPLATE, error=None)


@router.post(BASE + "/commitment", dependencies=[Depends(verify_csrf)])
def commitment(request: Request, actor: Actor = Depends(console_actor),
               text: str = Form(default="", max_length=8000), signer: str = Form(default="", max_length=200),
               subject_code: str = Form(default="", max_length=40)) -> Response:
    _need(actor, "repair.support")
    try:
        evidence.make_commitment(actor, subject_code or None, text=text, signer=signer)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _render(request, "commitment.html", actor, exc.status, template=text, error=exc.message)
    return RedirectResponse(f"{BASE}/apply" if actor.role is Role.subject else BASE, status_code=303)


@router.get(BASE + "/report", response_class=HTMLResponse)
def report_form(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    _need(actor, "repair.support")
    return _report_page(request, actor)


def _report_page(request: Request, actor: Actor, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    found = evidence.list_agencies(actor, active_only=True, purpose=Purpose.repair)
    return _render(request, "report.html", actor, status, agencies=found, error=error)


@router.post(BASE + "/report", dependencies=[Depends(verify_csrf)])
def report(request: Request, actor: Actor = Depends(console_actor),
           agency_id: int = Form(default=0), report_number: str = Form(default="", max_length=100),
           issued_on: str = Form(default="", max_length=10), summary: str = Form(default="", max_length=8000),
           subject_code: str = Form(default="", max_length=40)) -> Response:
    _need(actor, "repair.support")
    try:
        day = optional_date(issued_on, "出具日期")
        if day is None:
            raise ValidationFailed("missing_issued_on", "请填写报告出具日期")
        evidence.submit_report(actor, subject_code or None, agency_id=agency_id, report_number=report_number,
                               issued_on=day, summary=summary)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _report_page(request, actor, error=exc.message, status=exc.status)
    return RedirectResponse(f"{BASE}/apply" if actor.role is Role.subject else BASE, status_code=303)


@router.get(BASE + "/agencies", response_class=HTMLResponse)
def agencies_page(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _agencies_page(request, actor)


def _agencies_page(request: Request, actor: Actor, *, error: str | None = None, notice: str | None = None,
                   status: int = 200) -> HTMLResponse:
    found = evidence.manage_agencies(actor)
    return _render(request, "agencies.html", actor, status, agencies=found, error=error, notice=notice)


@router.post(BASE + "/agencies", dependencies=[Depends(verify_csrf)])
def agencies_action(
    request: Request,
    actor: Actor = Depends(console_actor),
    action: str = Form(default="", max_length=20),
    agency_id: int = Form(default=0),
    name: str = Form(default="", max_length=200),
    uscc: str = Form(default="", max_length=40),
    filing_number: str = Form(default="", max_length=100),
    reason: str = Form(default="", max_length=2000),
) -> Response:
    _need(actor, "repair.agency.manage")
    try:
        if action == "add":
            evidence.register_agency(actor, name=name, uscc=uscc, filing_number=filing_number)
        elif action in ("suspend", "reinstate"):
            evidence.change_agency_status(actor, agency_id, active=action == "reinstate", reason=reason)
        else:
            raise ValidationFailed("invalid_action", "未知操作")
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _agencies_page(request, actor, error=exc.message, status=exc.status)
    return RedirectResponse(f"{BASE}/agencies", status_code=303)


@router.get(BASE + "/training", response_class=HTMLResponse)
def training_form(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    _need(actor, "repair.training.record")
    return _render(request, "training.html", actor, error=None, notice=None)


@router.post(BASE + "/training", dependencies=[Depends(verify_csrf)])
def training(
    request: Request,
    actor: Actor = Depends(console_actor),
    subject_code: str = Form(default="", max_length=40),
    provider: str = Form(default="", max_length=200),
    course: str = Form(default="", max_length=200),
    hours: str = Form(default="", max_length=10),
    attended_on: str = Form(default="", max_length=10),
    attendee: str = Form(default="", max_length=100),
    certificate_number: str = Form(default="", max_length=100),
) -> Response:
    _need(actor, "repair.training.record")
    try:
        day = optional_date(attended_on, "培训日期")
        if day is None:
            raise ValidationFailed("missing_attended_on", "请填写培训日期")
        evidence.record_training(actor, subject_code or None, provider=provider, course=course, hours=hours,
                                 attended_on=day, attendee=attendee, certificate_number=certificate_number)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _render(request, "training.html", actor, exc.status, error=exc.message, notice=None)
    return _render(request, "training.html", actor, error=None, notice=f"已登记 {hours} 学时")


@router.get("/repair/commitments/{ref}", response_class=HTMLResponse)
def public_commitments(request: Request, ref: str) -> HTMLResponse:
    """Public page of a subject's credit commitments (发改办财金〔2018〕893号 §九: 向社会公开)."""
    actor = optional_console_actor(request) or PUBLIC
    found = evidence.commitments_of(actor, ref, masked=True)
    return templates.TemplateResponse(request, "repair/commitments_public.html",
                                      {"actor": None, "subject": found["subject"], "rows": found["rows"]})
