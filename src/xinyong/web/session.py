"""Console sessions for pages: who is signed in, and CSRF protection of every form.

Use in a page module::

    from xinyong.web.session import console_actor, verify_csrf

    @router.get("/console/things", response_class=HTMLResponse)
    def things(request: Request, actor: Actor = Depends(console_actor)) -> HTMLResponse: ...

    @router.post("/console/things", dependencies=[Depends(verify_csrf)])
    def add_thing(request: Request, actor: Actor = Depends(console_actor), ...) -> Response: ...

and in every form ``<input type="hidden" name="csrf_token" value="{{ csrf_token(request) }}">``
(``csrf_token`` is a Jinja global). htmx requests may send the token as header ``X-CSRF-Token``.

The session cookie carries a random token; the server keeps its SHA-256 with an idle expiry of
``XINYONG_SESSION_MINUTES`` (see :mod:`xinyong.core.accounts`). The CSRF token is an HMAC of the
session token under the platform key (synchroniser token without server state); before sign-in it
is bound to a short-lived pre-session cookie set by the login page.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from fastapi import Depends, Form, Header, HTTPException, Request
from fastapi.responses import Response

from xinyong.core.access import Actor
from xinyong.core.crypto import keyed_hash
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden, Unauthenticated
from xinyong.core.redact import install as install_log_redaction
from xinyong.web.templating import templates

SESSION_COOKIE = "xy_session"
PRE_COOKIE = "xy_pre"
LOGIN_PATH = "/console/login"

_STATE_ACTOR = "xy_console_actor"
_STATE_PRE = "xy_pre_new"


def _session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and len(token) <= 200 else None


def optional_console_actor(request: Request) -> Actor | None:
    """The signed-in console actor, or None (no session, or an ended/expired one)."""
    if hasattr(request.state, _STATE_ACTOR):
        cached: Actor | None = getattr(request.state, _STATE_ACTOR)
        return cached
    token = _session_token(request)
    actor: Actor | None = None
    if token:
        from xinyong.core.accounts import resolve

        with unit_of_work() as s:
            actor = resolve(s, token)
    setattr(request.state, _STATE_ACTOR, actor)
    return actor


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or not accept or accept.strip() == "*/*"


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/console"
    return target


#: pages of citizens and companies (/my) send to their own sign-in, not the staff one
SUBJECT_LOGIN_PATH = "/my/login"


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    path = SUBJECT_LOGIN_PATH if request.url.path == "/my" or request.url.path.startswith("/my/") else LOGIN_PATH
    return f"{path}?next={quote(safe_next(here), safe='')}"


def console_actor(request: Request) -> Actor:
    """FastAPI dependency: the signed-in actor; otherwise 303 to the login page (HTML) or 401."""
    actor = optional_console_actor(request)
    if actor is None:
        if _wants_html(request):
            raise HTTPException(status_code=303, detail="请先登录", headers={"Location": login_url(request)})
        raise Unauthenticated("console_login_required", "请先登录控制台")
    return actor


def _bind(kind: str, value: str) -> str:
    return keyed_hash(f"{kind}:{value}", "csrf")


def csrf_token(request: Request) -> str:
    """The CSRF token for forms rendered in this request (also the Jinja global ``csrf_token``)."""
    token = _session_token(request)
    if token and optional_console_actor(request) is not None:
        return _bind("s", token)
    pre = request.cookies.get(PRE_COOKIE) or getattr(request.state, _STATE_PRE, None)
    if not pre:
        pre = secrets.token_urlsafe(24)
        setattr(request.state, _STATE_PRE, pre)
    return _bind("p", pre)


def remember_pre_session(request: Request, response: Response) -> Response:
    """Set the pre-session cookie if :func:`csrf_token` had to invent one for this response."""
    pre = getattr(request.state, _STATE_PRE, None)
    if pre:
        response.set_cookie(PRE_COOKIE, pre, max_age=3600, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path="/")
    return response


def _expected_tokens(request: Request) -> list[str]:
    expected = []
    token = _session_token(request)
    if token and optional_console_actor(request) is not None:
        expected.append(_bind("s", token))
    else:
        pre = request.cookies.get(PRE_COOKIE)
        if pre:
            expected.append(_bind("p", pre))
    return expected


def verify_csrf(
    request: Request,
    csrf_token: str = Form(default="", max_length=200),
    x_csrf_token: str | None = Header(default=None, include_in_schema=False),
) -> None:
    """Dependency for POST form handlers: refuse a form without the token of this session (403)."""
    given = csrf_token or x_csrf_token or ""
    if not given or not any(hmac.compare_digest(given, e) for e in _expected_tokens(request)):
        raise Forbidden("csrf_failed", "表单已失效或来源不明，请刷新页面后重新提交")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    response.delete_cookie(PRE_COOKIE, path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


templates.env.globals["csrf_token"] = csrf_token
install_log_redaction()  # the web app imports this module: no ID or mobile number reaches a log


class _ConsolePage:
    """Page-level authorisation: ``actor: Actor = Depends(console_page("measures.screen"))``.

    The signed-in actor (as :func:`console_actor`), refused with 403 — and the refusal logged — when the
    policy does not allow its role ``action``, so a page's blank form is not shown to a role that could
    never submit it."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, actor: Actor = Depends(console_actor)) -> Actor:
        from xinyong.core.access import Purpose, refuse
        from xinyong.core.policy import is_allowed

        if not is_allowed(actor.role, self.action):
            refuse(actor, self.action, Purpose.administration)
        return actor


def console_page(action: str) -> _ConsolePage:
    return _ConsolePage(action)
