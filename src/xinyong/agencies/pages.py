"""Pages of agency supervision: the credit office's registry, each agency's credit file and the supervision
queue (/console/agencies), and the subject's correction/deletion requests (/my/agency-requests).
Each handler translates around one use case of :mod:`xinyong.agencies.service`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.agencies import rules, service
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import DomainError, ValidationFailed
from xinyong.web.forms import optional_date
from xinyong.web.session import console_actor, console_page, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

BASE = "/console/agencies"
def _id() -> Any:
    return Path(ge=1, le=2_147_483_647)


def _render(request: Request, name: str, actor: Actor, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, f"agencies/{name}", {"actor": actor, "base": BASE, **ctx},
                                      status_code=status)


def _date(value: str, label: str) -> Any:
    day = optional_date(value, label)
    if day is None:
        raise ValidationFailed("missing_date", f"请填写{label}")
    return day


def _attempt(call: Callable[[], Any], on_error: Callable[[str, int], HTMLResponse], target: str) -> Response:
    """Run a use case; a refusal (403) or a missing row is raised as such, bad input is shown on the page."""
    try:
        call()
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        return on_error(exc.message, exc.status)
    return RedirectResponse(target, status_code=303)


# --- the credit office ------------------------------------------------------------------------------------


def _registry_page(request: Request, actor: Actor, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    found = service.list_agencies(actor, purpose=Purpose.supervision)
    queue = service.supervision_queue(actor)
    return _render(request, "registry.html", actor, status, agencies=found, queue=queue, error=error)


@router.get(BASE, response_class=HTMLResponse)
def registry(request: Request, actor: Actor = Depends(console_page("agency.supervise"))) -> HTMLResponse:
    return _registry_page(request, actor)


@router.post(BASE, dependencies=[Depends(verify_csrf)])
def register(request: Request, actor: Actor = Depends(console_page("agency.manage")),
             name: str = Form(default="", max_length=200), uscc: str = Form(default="", max_length=18),
             filing_number: str = Form(default="", max_length=100),
             region_code: str = Form(default="", max_length=12)) -> Response:
    created: dict[str, Any] = {}

    def call() -> None:
        created.update(service.register_agency(actor, name=name, uscc=uscc, filing_number=filing_number,
                                               region_code=region_code or None))

    result = _attempt(call, lambda m, s: _registry_page(request, actor, error=m, status=s), BASE)
    return RedirectResponse(f"{BASE}/{created['id']}", status_code=303) if created else result


def _file_page(request: Request, actor: Actor, agency_id: int, *, error: str | None = None,
               status: int = 200) -> HTMLResponse:
    data = service.agency_file(actor, agency_id)
    return _render(request, "file.html", actor, status, f=data, error=error,
                   entry_kinds=rules.FILE_ENTRY_KINDS)


@router.get(BASE + "/supervision", response_class=HTMLResponse)
def supervision(request: Request, actor: Actor = Depends(console_page("agency.supervise"))) -> HTMLResponse:
    return _supervision_page(request, actor)


def _supervision_page(request: Request, actor: Actor, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    return _render(request, "supervision.html", actor, status, queue=service.supervision_queue(actor),
                   limits=service.limits_note(), answers=rules.AGENCY_ANSWERS,
                   outcomes=rules.SUPERVISION_OUTCOMES, error=error)


@router.post(BASE + "/requests/{request_id}/answer", dependencies=[Depends(verify_csrf)])
def answer(request: Request, request_id: int = _id(), actor: Actor = Depends(console_page("agency.request.answer")),
           answer: str = Form(default=""), text: str = Form(default="", max_length=4000),
           answered_on: str = Form(default="", max_length=10)) -> Response:
    return _attempt(lambda: service.record_agency_answer(actor, request_id, answer=answer, text=text,
                                                         answered_on=_date(answered_on, "答复日期")),
                    lambda m, s: _supervision_page(request, actor, error=m, status=s), BASE + "/supervision")


@router.post(BASE + "/requests/{request_id}/supervise", dependencies=[Depends(verify_csrf)])
def supervise(request: Request, request_id: int = _id(), actor: Actor = Depends(console_page("agency.supervise")),
              outcome: str = Form(default=""), note: str = Form(default="", max_length=4000),
              deadline: str = Form(default="", max_length=10)) -> Response:
    return _attempt(lambda: service.supervise_request(actor, request_id, outcome=outcome, note=note,
                                                      rectification_deadline=optional_date(deadline, "整改期限")),
                    lambda m, s: _supervision_page(request, actor, error=m, status=s), BASE + "/supervision")


@router.get(BASE + "/{agency_id}", response_class=HTMLResponse)
def credit_file(request: Request, agency_id: int = _id(),
                actor: Actor = Depends(console_page("agency.file.read"))) -> HTMLResponse:
    return _file_page(request, actor, agency_id)


@router.post(BASE + "/{agency_id}/qualifications", dependencies=[Depends(verify_csrf)])
def qualification(request: Request, agency_id: int = _id(), actor: Actor = Depends(console_page("agency.manage")),
                  name: str = Form(default="", max_length=200), certificate_number: str = Form(default="", max_length=100),
                  issued_by: str = Form(default="", max_length=200), valid_from: str = Form(default="", max_length=10),
                  valid_until: str = Form(default="", max_length=10)) -> Response:
    return _attempt(lambda: service.add_qualification(
        actor, agency_id, name=name, certificate_number=certificate_number, issued_by=issued_by,
        valid_from=_date(valid_from, "有效期起"), valid_until=optional_date(valid_until, "有效期止")),
        lambda m, s: _file_page(request, actor, agency_id, error=m, status=s), f"{BASE}/{agency_id}")


@router.post(BASE + "/{agency_id}/status", dependencies=[Depends(verify_csrf)])
def status(request: Request, agency_id: int = _id(), actor: Actor = Depends(console_page("agency.manage")),
           action: str = Form(default=""), reason: str = Form(default="", max_length=2000)) -> Response:
    return _attempt(lambda: service.change_status(actor, agency_id, active=action == "reinstate", reason=reason),
                    lambda m, s: _file_page(request, actor, agency_id, error=m, status=s), f"{BASE}/{agency_id}")


@router.post(BASE + "/{agency_id}/entries", dependencies=[Depends(verify_csrf)])
def entry(request: Request, agency_id: int = _id(), actor: Actor = Depends(console_page("agency.supervise")),
          kind: str = Form(default=""), occurred_on: str = Form(default="", max_length=10),
          summary: str = Form(default="", max_length=4000), source: str = Form(default="", max_length=200)) -> Response:
    return _attempt(lambda: service.record_entry(actor, agency_id, kind=kind, occurred_on=_date(occurred_on, "日期"),
                                                 summary=summary, source=source or None),
                    lambda m, s: _file_page(request, actor, agency_id, error=m, status=s), f"{BASE}/{agency_id}")


@router.post(BASE + "/{agency_id}/rectifications", dependencies=[Depends(verify_csrf)])
def rectification(request: Request, agency_id: int = _id(), actor: Actor = Depends(console_page("agency.supervise")),
                  requirement: str = Form(default="", max_length=4000), deadline: str = Form(default="", max_length=10),
                  finding_id: str = Form(default="", max_length=12)) -> Response:
    def call() -> None:
        finding = int(finding_id) if finding_id.strip().isdigit() else None
        service.order_rectification(actor, agency_id, requirement=requirement,
                                    deadline=_date(deadline, "整改期限"), finding_id=finding)

    return _attempt(call, lambda m, s: _file_page(request, actor, agency_id, error=m, status=s), f"{BASE}/{agency_id}")


@router.post(BASE + "/{agency_id}/rectifications/{rectification_id}/complete", dependencies=[Depends(verify_csrf)])
def rectification_done(request: Request, agency_id: int = _id(), rectification_id: int = _id(),
                       actor: Actor = Depends(console_page("agency.supervise")),
                       completed_on: str = Form(default="", max_length=10),
                       note: str = Form(default="", max_length=4000)) -> Response:
    return _attempt(lambda: service.complete_rectification(actor, rectification_id,
                                                           completed_on=_date(completed_on, "完成日期"), note=note),
                    lambda m, s: _file_page(request, actor, agency_id, error=m, status=s), f"{BASE}/{agency_id}")


# --- the subject (/my) ------------------------------------------------------------------------------------


def _my_page(request: Request, actor: Actor, *, error: str | None = None, status: int = 200,
             form: dict[str, str] | None = None, filed: bool = False) -> HTMLResponse:
    return _render(request, "my_requests.html", actor, status, requests=service.own_requests(actor),
                   agencies=service.list_agencies(actor, purpose=Purpose.self_access), kinds=rules.REQUEST_KIND_NAMES,
                   grounds=rules.GROUNDS, limits=service.limits_note(), error=error, form=form or {}, filed=filed)


@router.get("/my/agency-requests", response_class=HTMLResponse)
def my_requests(request: Request, filed: int = 0, actor: Actor = Depends(console_actor)) -> HTMLResponse:
    return _my_page(request, actor, filed=bool(filed))


@router.post("/my/agency-requests", dependencies=[Depends(verify_csrf)])
def my_request_file(request: Request, actor: Actor = Depends(console_actor),
                    agency_id: str = Form(default="", max_length=12), kind: str = Form(default=""),
                    ground: str = Form(default=""), information: str = Form(default="", max_length=4000),
                    requested_change: str = Form(default="", max_length=4000)) -> Response:
    form = {"agency_id": agency_id, "kind": kind, "ground": ground, "information": information,
            "requested_change": requested_change}

    def call() -> None:
        if not agency_id.strip().isdigit():
            raise ValidationFailed("missing_agency", "请选择信用服务机构")
        service.file_request(actor, None, agency_id=int(agency_id), kind=kind, ground=ground,
                             information=information, requested_change=requested_change)

    return _attempt(call, lambda m, s: _my_page(request, actor, error=m, status=s, form=form),
                    "/my/agency-requests?filed=1")
