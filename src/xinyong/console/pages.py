"""Console shell pages: sign-in, sign-out, dashboard, and the access-log review (查询使用登记审查)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from xinyong.console import navigation
from xinyong.console.review import dashboard_flags, review_page
from xinyong.console.work import work_of
from xinyong.core import accounts, clock, vocabulary
from xinyong.core.access import PURPOSE_NAMES_ZH, Actor, Purpose
from xinyong.core.audit.review import CASE_KEYS, Filters
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import ROLE_NAMES_ZH, Role
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

#: the officer's own latest access-log entries on the console home
MINE_SHOWN = 10


def purpose_zh(value: str) -> str:
    try:
        return PURPOSE_NAMES_ZH[Purpose(value)]
    except ValueError:
        return value



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
            {"at": e.at, "action": e.action, "purpose_zh": purpose_zh(e.purpose),
             "allowed": e.allowed}
            for e in rows
        ]
    flags = _flags_for(actor)
    pages = [i for i in navigation.allowed(actor) if i.url != "/console"]
    return templates.TemplateResponse(
        request, "console/dashboard.html",
        {"actor": actor, "role_zh": ROLE_NAMES_ZH[actor.role], "mine": mine[:MINE_SHOWN], "flags": flags,
         "work": work_of(actor), "pages": pages, "today": clock.today()},
    )


def _flags_for(actor: Actor) -> list[Any] | None:
    """Anomaly flags for reviewers, within their territory (None for roles that do not review)."""
    return dashboard_flags(actor)


# --- 查询使用登记审查 (国办发〔2020〕49号 §（十三）) ----------------------------------------------

PAGE_SIZE = 50
#: what each case reference of an access-log entry is, in Chinese (core.audit.review.CASE_KEYS)
CASE_KEY_NAMES = {"case_id": "案件", "case": "案件", "listing_id": "名单", "application_id": "修复申请",
                  "objection_id": "异议", "procedure_id": "程序", "record_id": "记录"}


def _parse_day(value: str, label: str, problems: list[str]) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{label}“{value}”不是有效日期（格式：2026-11-23）")
        return None


def describe_entry(e: dict[str, Any], flags: list[str]) -> dict[str, Any]:
    """An entry (:func:`xinyong.console.review.entry_data`) as the review page shows it."""
    detail = dict(e["detail"] or {})
    returned = detail.get("fields") or detail.get("catalog_items") or detail.get("sections")
    role = e["role"]
    return {
        "id": e["id"], "seq": e["seq"], "at": e["at"], "principal_id": e["principal_id"],
        "principal_name": e["principal_name"], "department": e["department"] or "",
        "role_zh": ROLE_NAMES_ZH.get(Role(role), role) if role in Role.__members__ else role,
        "action": e["action"], "purpose_zh": purpose_zh(e["purpose"]), "subject": (e["subject_key"] or "")[:12],
        "allowed": e["allowed"], "reason": e["reason"] or "", "result_count": e["result_count"],
        "returned": "、".join(vocabulary.name_of(x) for x in returned) if isinstance(returned, list) else (
            returned or ""),
        "masking": detail.get("masking") or "",
        "case": next((f"{CASE_KEY_NAMES.get(k, k)} {detail[k]}" for k in CASE_KEYS if detail.get(k)), ""),
        "flags": flags,
    }


@router.get("/console/access-log", response_class=HTMLResponse)
def access_log_page(
    request: Request,
    actor: Actor = Depends(console_actor),
    principal: str = Query(default="", max_length=200),
    action: str = Query(default="", max_length=80),
    purpose: str = Query(default="", max_length=40),
    since: str = Query(default="", max_length=20),
    until: str = Query(default="", max_length=20),
    result: str = Query(default="all", pattern="^(all|allowed|denied)$"),
    flagged: str = Query(default="", max_length=1),
    page: int = Query(default=1, ge=1, le=100_000),
) -> Response:
    problems: list[str] = []
    f = Filters(
        principal=principal or None, action=action or None, purpose=purpose or None,
        since=_parse_day(since, "起始日期", problems), until=_parse_day(until, "截止日期", problems),
        allowed={"allowed": True, "denied": False}.get(result),
    )
    review = review_page(actor, f, flagged_only=bool(flagged), page=page, page_size=PAGE_SIZE)
    entries = [describe_entry(e, marks) for e, marks in review.entries]
    total, flags, actions = review.total, review.flags, review.actions
    query = {k: v for k, v in {"principal": principal, "action": action, "purpose": purpose, "since": since,
                               "until": until, "result": result, "flagged": flagged}.items() if v}
    return templates.TemplateResponse(request, "console/access_log.html", {
        "actor": actor, "entries": entries, "total": total, "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE), "flags": flags, "problems": problems,
        "actions": actions, "purposes": [(p.value, PURPOSE_NAMES_ZH[p]) for p in Purpose],
        "f": {"principal": principal, "action": action, "purpose": purpose, "since": since, "until": until,
              "result": result, "flagged": flagged},
        "query": urlencode(query),
    })
