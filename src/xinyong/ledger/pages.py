"""Console pages of the cleanup ledger: upload a policy document, review the proposals clause by
clause, confirm or override them, fill in the ledger columns, report milestones, export the ledger;
the credit office's roll-up. Every page goes through the ledger service (which calls ``guard``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.core.access import Actor
from xinyong.core.errors import DomainError, ValidationFailed
from xinyong.ledger import rules, service
from xinyong.ledger.extract import MAX_BYTES, extract_bytes, extract_text
from xinyong.web.forms import optional_date
from xinyong.web.session import console_actor, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)
BASE = "/console/ledger"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(request: Request, name: str, actor: Actor, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"ledger/{name}",
        {"actor": actor, "base": BASE, "dispositions": service.DISPOSITIONS, "columns": rules.LEDGER_COLUMNS,
         "error": request.query_params.get("error"), "notice": request.query_params.get("notice"),
         "overseer": actor.role in service.OVERSEERS, **ctx},
    )


def _back(path: str, *, error: str | None = None, notice: str | None = None, **params: str) -> RedirectResponse:
    query = {k: v for k, v in {**params, "error": error, "notice": notice}.items() if v}
    return RedirectResponse(f"{path}?{urlencode(query)}" if query else path, status_code=303)


@router.get(BASE, response_class=HTMLResponse)
def home(request: Request, unit: str | None = Query(default=None, max_length=200),
         actor: Actor = Depends(console_actor)) -> HTMLResponse:
    ledger = service.unit_ledger(actor, unit)
    documents = service.list_documents(actor, ledger["unit_name"])["documents"]
    return _render(request, "home.html", actor, ledger=ledger, documents=documents,
                   unit_query=urlencode({"unit": ledger["unit_name"]}))


@router.post(f"{BASE}/documents", dependencies=[Depends(verify_csrf)])
def upload(
    request: Request,
    file: UploadFile | None = File(default=None),
    text: str = Form(default="", max_length=2_000_000),
    unit: str = Form(default="", max_length=200),
    title: str | None = Form(default=None, max_length=300),
    doc_number: str | None = Form(default=None, max_length=120),
    issuing_unit: str = Form(default="", max_length=200),
    issued_on: str = Form(default="", max_length=20),
    actor: Actor = Depends(console_actor),
) -> Response:
    home_params = {"unit": unit} if unit else {}
    try:
        if file is not None and file.filename:
            extracted = extract_bytes(file.file.read(MAX_BYTES + 1), file.filename)  # a worker parses it
            filename: str | None = file.filename
        elif text.strip():
            extracted, filename = extract_text(text), None
        else:
            raise ValidationFailed("missing_document", "请选择要上传的文件，或粘贴文件全文")
        meta = service.DocumentInput(unit or None, title or None, doc_number or None, issuing_unit or None,
                                     optional_date(issued_on, "印发日期"))
        doc = service.register_document(actor, meta, extracted, filename=filename)
    except DomainError as exc:
        return _back(BASE, error=exc.message, **home_params)
    found = len(doc["clauses"])
    notice = f"已登记并完成分析：发现{found}处涉及失信约束措施的条款，请逐条审核。" if found else \
        "已登记并完成分析：未发现涉及失信约束措施的条款。"
    return _back(f"{BASE}/documents/{doc['id']}", notice=notice)


@router.get(f"{BASE}/documents/{{document_id}}", response_class=HTMLResponse)
def document(request: Request, document_id: int, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    doc = service.get_document(actor, document_id)
    return _render(request, "document.html", actor, doc=doc,
                   unit_query=urlencode({"unit": doc["unit_name"]}))


@router.post(f"{BASE}/documents/{{document_id}}", dependencies=[Depends(verify_csrf)])
def update(
    document_id: int,
    title: str | None = Form(default=None, max_length=300),
    doc_number: str | None = Form(default=None, max_length=120),
    completion_due: str = Form(default="", max_length=20),
    completed_on: str = Form(default="", max_length=20),
    responsible_unit: str = Form(default="", max_length=200),
    responsible_person: str = Form(default="", max_length=200),
    phone: str = Form(default="", max_length=40),
    decided_disposition: str = Form(default="", max_length=16),
    decision_note: str = Form(default="", max_length=2000),
    actor: Actor = Depends(console_actor),
) -> Response:
    path = f"{BASE}/documents/{document_id}"
    try:
        named = {k: v for k, v in {"title": title, "doc_number": doc_number}.items() if v is not None}
        service.update_document(actor, document_id, named | {
            "completion_due": optional_date(completion_due, "完成时间"),
            "completed_on": optional_date(completed_on, "整改完成日期"),
            "responsible_unit": responsible_unit, "responsible_person": responsible_person, "phone": phone,
            "decided_disposition": decided_disposition or None, "decision_note": decision_note or None,
        })
    except DomainError as exc:
        return _back(path, error=exc.message)
    return _back(path, notice="台账栏目已保存")


@router.post(f"{BASE}/clauses/{{clause_id}}/decision", dependencies=[Depends(verify_csrf)])
def decide(
    clause_id: int,
    document_id: int = Form(...),
    action: str = Form(default="confirm", max_length=16),
    disposition: str = Form(default="", max_length=16),
    basis: str = Form(default="", max_length=8),
    basis_text: str = Form(default="", max_length=4000),
    note: str = Form(default="", max_length=2000),
    based_on: str | None = Form(default=None, max_length=40),
    actor: Actor = Depends(console_actor),
) -> Response:
    path = f"{BASE}/documents/{document_id}"
    national = {"national": True, "local": False, "none": False}.get(basis)
    local = {"national": False, "local": True, "none": False}.get(basis)
    decision = {
        "confirm": service.ClauseDecision(confirm=True, note=note or None, based_on=based_on),
        "dismiss": service.ClauseDecision(dismissed=True, note=note or None, based_on=based_on),
        "override": service.ClauseDecision(disposition=disposition or None, national_basis=national,
                                           local_basis=local, basis_text=basis_text or None, note=note or None,
                                           based_on=based_on),
    }.get(action)
    try:
        if decision is None:
            raise ValidationFailed("invalid_action", "无效的操作")
        service.decide_clause(actor, clause_id, decision)
    except DomainError as exc:
        return RedirectResponse(f"{path}?error={quote(exc.message)}#clause-{clause_id}", status_code=303)
    return RedirectResponse(f"{path}?notice={quote('已保存审核意见')}#clause-{clause_id}", status_code=303)


@router.post(f"{BASE}/submissions/{{code}}", dependencies=[Depends(verify_csrf)])
def submit(code: str, unit: str = Form(default="", max_length=200), note: str = Form(default="", max_length=2000),
           actor: Actor = Depends(console_actor)) -> Response:
    params = {"unit": unit} if unit else {}
    try:
        service.submit_milestone(actor, code, unit or None, note or None)
    except DomainError as exc:
        return _back(BASE, error=exc.message, **params)
    return _back(BASE, notice="已报送信用办", **params)


@router.get(f"{BASE}/export.xlsx")
def export(unit: str | None = Query(default=None, max_length=200), actor: Actor = Depends(console_actor)) -> Response:
    filename, data = service.export_xlsx(actor, unit)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=ledger.xlsx; filename*=UTF-8''{quote(filename)}"})


@router.get(f"{BASE}/rollup", response_class=HTMLResponse)
def rollup(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _render(request, "rollup.html", actor, rollup=service.rollup(actor))
