"""Console shell pages: sign-in, sign-out, dashboard (the access-log review pages are in review_pages)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from xinyong.console import accounts
from xinyong.core import clock
from xinyong.core.access import PURPOSE_NAMES_ZH, Actor, Purpose
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import ROLE_NAMES_ZH
from xinyong.web.session import (
    _session_token,
    clear_session_cookie,
    console_actor,
    optional_console_actor,
    remember_pre_session,
    safe_next,
    set_session_cookie,
    verify_csrf,
)
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)


def purpose_zh(value: str) -> str:
    try:
        return PURPOSE_NAMES_ZH[Purpose(value)]
    except ValueError:
        return value


def local_time(value: Any) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=clock.UTC)
    return str(aware.astimezone(clock.CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"))


def _login_page(request: Request, *, next_: str, error: str | None = None, username: str = "",
                status: int = 200) -> Response:
    response = templates.TemplateResponse(
        request, "console/login.html",
        {"next": safe_next(next_), "error": error, "username": username, "actor": None,
         "max_failures": accounts.MAX_FAILURES, "lock_minutes": accounts.LOCK_MINUTES},
        status_code=status,
    )
    return remember_pre_session(request, response)


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = Query(default="/console", max_length=500)) -> Response:
    if optional_console_actor(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_=next)


@router.post("/console/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: str = Form(default="", max_length=80),
    password: str = Form(default="", max_length=200),
    next: str = Form(default="/console", max_length=500),
) -> Response:
    if not username.strip() or not password:
        return _login_page(request, next_=next, error="请输入用户名和密码", username=username, status=422)
    with unit_of_work() as s:
        result = accounts.sign_in(s, username, password)
    if not result.ok or result.token is None:
        return _login_page(request, next_=next, error=result.message, username=username, status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, result.token)
    return response


@router.post("/console/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    token = _session_token(request)
    if token:
        with unit_of_work() as s:
            accounts.sign_out(s, token)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/console", response_class=HTMLResponse)
def dashboard(request: Request, actor: Actor = Depends(console_actor)) -> Response:
    with unit_of_work() as s:
        rows = s.scalars(
            select(AccessLogEntry).where(AccessLogEntry.principal_id == actor.id)
            .order_by(AccessLogEntry.id.desc()).limit(20)
        ).all()
        mine = [
            {"at_local": local_time(e.at), "action": e.action, "purpose_zh": purpose_zh(e.purpose),
             "allowed": e.allowed}
            for e in rows
        ]
    flags = _flags_for(actor)
    return templates.TemplateResponse(
        request, "console/dashboard.html",
        {"actor": actor, "role_zh": ROLE_NAMES_ZH[actor.role], "mine": mine, "flags": flags},
    )


def _flags_for(actor: Actor) -> list[Any] | None:
    """Anomaly flags for reviewers (None for roles that do not review the access log)."""
    from xinyong.core.policy import is_allowed

    if not is_allowed(actor.role, "access_log.read"):
        return None
    try:
        from xinyong.core.audit.review import anomalies
    except ImportError:  # review module not installed yet
        return []
    with unit_of_work() as s:
        return list(anomalies(s, since=None))
