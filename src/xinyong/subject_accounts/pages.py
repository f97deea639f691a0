"""Pages of subject accounts: sign-in and registration at /my (separate from the staff sign-in), the
identity provider's redirect and callback, and the console page where an officer issues a one-time code."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.core.access import Actor
from xinyong.core.errors import DomainError, NotFound
from xinyong.subject_accounts import oidc, rules, service
from xinyong.web.session import (
    console_actor,
    console_page,
    optional_console_actor,
    remember_pre_session,
    safe_next,
    set_session_cookie,
    verify_csrf,
)
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

MY = "/my"


def _next(target: str | None) -> str:
    """After signing in a subject goes where it was going, or to its own page."""
    chosen = safe_next(target)
    return MY if chosen == "/console" else chosen


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    response = templates.TemplateResponse(
        request, f"subject_accounts/{name}",
        {"actor": None, "oidc_enabled": oidc.enabled(), "oidc_name": oidc.settings().display_name,
         "max_failures": rules.MAX_FAILURES_PER_SUBJECT, "window_minutes": int(rules.WINDOW.total_seconds() // 60),
         **context}, status_code=status)
    return remember_pre_session(request, response)


def _signed_in(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(oidc.COOKIE, path=MY)
    return response


@router.get(MY + "/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = Query(default=MY, max_length=500)) -> Response:
    actor = optional_console_actor(request)
    if actor is not None and actor.subject_key:
        return RedirectResponse(_next(next), status_code=303)
    return _page(request, "login.html", {"next": _next(next), "error": None, "code": ""})


@router.post(MY + "/login", dependencies=[Depends(verify_csrf)])
def login(request: Request, code: str = Form(default="", max_length=40), password: str = Form(default="", max_length=200),
          next: str = Form(default=MY, max_length=500)) -> Response:
    if not code.strip() or not password:
        return _page(request, "login.html", {"next": _next(next), "error": "请输入统一社会信用代码（或公民身份号码）和密码",
                                             "code": code}, status=422)
    try:
        token = service.sign_in(code, password, address=_address(request))
    except DomainError as exc:
        return _page(request, "login.html", {"next": _next(next), "error": exc.message, "code": code},
                     status=exc.status if exc.status != 422 else 401)
    return _signed_in(request, token, _next(next))


@router.get(MY + "/register", response_class=HTMLResponse)
def register_form(request: Request, next: str = Query(default=MY, max_length=500)) -> Response:
    return _page(request, "register.html", {"next": _next(next), "error": None, "code": ""})


@router.post(MY + "/register", dependencies=[Depends(verify_csrf)])
def register(request: Request, code: str = Form(default="", max_length=40),
             one_time_code: str = Form(default="", max_length=40), password: str = Form(default="", max_length=200),
             password2: str = Form(default="", max_length=200), next: str = Form(default=MY, max_length=500)) -> Response:
    try:
        done = service.register(code, one_time_code, password, password2, address=_address(request))
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(request, "register.html", {"next": _next(next), "error": exc.message, "code": code},
                     status=exc.status)
    return _signed_in(request, done.token, _next(next))


@router.get(MY + "/oidc/start")
def oidc_start(request: Request, next: str = Query(default=MY, max_length=500)) -> Response:
    try:
        started = oidc.start(_next(next))
    except DomainError as exc:
        return _page(request, "login.html", {"next": _next(next), "error": exc.message, "code": ""}, status=exc.status)
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(oidc.COOKIE, started.cookie, max_age=oidc.FLOW_SECONDS, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path=MY)
    return response


@router.get(MY + "/oidc/callback")
def oidc_callback(request: Request, code: str = Query(default="", max_length=2000),
                  state: str = Query(default="", max_length=500), error: str = Query(default="", max_length=200)) -> Response:
    try:
        if error or not code:
            from xinyong.core.errors import ValidationFailed

            raise ValidationFailed("oidc_denied", oidc.FAILED)
        identity = oidc.finish(code, state, request.cookies.get(oidc.COOKIE))
        done = service.sign_in_by_identity(identity.subject_code, identity.issuer, identity.oidc_subject)
    except DomainError as exc:
        return _page(request, "login.html", {"next": MY, "error": exc.message, "code": ""}, status=exc.status)
    return _signed_in(request, done.token, _next(identity.next_path))


@router.get(MY + "/go")
def go(document: str = Query(min_length=1, max_length=200), do: str = Query(pattern="^(objection|repair)$"),
       actor: Actor = Depends(console_actor)) -> Response:
    """From a record on the public page to the objection or repair form, pre-filled with that record: only
    a record of the signed-in subject's own file is found (the public page shows no record ids)."""
    from xinyong.disclosure import service as disclosure

    view = disclosure.self_record(actor)
    record = next((r for r in view["records"] if r.get("document_number") == document), None)
    if record is None:
        raise NotFound("record_not_own", f"本人（本单位）的信用信息中没有文书号为“{document}”的记录")
    if do == "objection":
        return RedirectResponse(f"{MY}/objections/new?record_id={record['record_id']}", status_code=303)
    return RedirectResponse(f"/console/repair/apply?target=record:{record['record_id']}", status_code=303)


# --- the office issues a one-time code --------------------------------------------------------------------


@router.get("/console/subject-accounts", response_class=HTMLResponse)
def issue_form(request: Request, actor: Actor = Depends(console_page("subject_account.code.issue"))) -> HTMLResponse:
    return templates.TemplateResponse(request, "subject_accounts/issue.html",
                                      {"actor": actor, "issued": None, "error": None, "code": "",
                                       "valid_hours": int(rules.CODE_VALID.total_seconds() // 3600)})


@router.post("/console/subject-accounts", dependencies=[Depends(verify_csrf)])
def issue(request: Request, actor: Actor = Depends(console_page("subject_account.code.issue")),
          code: str = Form(default="", max_length=40)) -> HTMLResponse:
    issued, error, status = None, None, 200
    try:
        issued = service.issue_code(actor, code)
    except DomainError as exc:
        if exc.status == 403:
            raise
        error, status = exc.message, exc.status
    return templates.TemplateResponse(request, "subject_accounts/issue.html",
                                      {"actor": actor, "issued": issued, "error": error, "code": code,
                                       "valid_hours": int(rules.CODE_VALID.total_seconds() // 3600)},
                                      status_code=status)
