"""The request middleware: a request id (the caller's ``X-Request-ID`` when it is sane, else a new one;
always echoed in the response), one JSON log line per request and the request metrics.

The log line names the route template (``/api/v1/subjects/{code}``), never the path or the query, which
may carry a code; the role comes from the one door (:mod:`xinyong.core.request_context`) or the console
session. It is a plain ASGI middleware, so streaming responses pass through untouched.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xinyong.core import request_context
from xinyong.ops import logs, metrics

log = logging.getLogger("xinyong.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
#: probes and scrapes: counted, logged at DEBUG only (they would drown the log)
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return "(未匹配)"


def _role(scope: Scope) -> str | None:
    ctx = scope.get("xinyong.request") or {}
    if ctx.get("role"):
        return str(ctx["role"])
    state = scope.get("state") or {}
    for value in state.values() if isinstance(state, dict) else ():
        role = getattr(value, "role", None)
        if role is not None and hasattr(value, "department"):
            return str(role)
    return None


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            logs.configure()  # after the server configured its own loggers
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx: dict[str, Any] = {"request_id": request_id, "role": None}
        scope["xinyong.request"] = ctx
        token = request_context.current.set(ctx)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_context.current.reset(token)
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            method = scope.get("method", "GET")
            metrics.observe_request(method, route, status, seconds, has_query=bool(scope.get("query_string")))
            level = logging.DEBUG if route in QUIET_ROUTES else (
                logging.ERROR if status >= 500 else logging.INFO)
            log.log(level, "请求", extra={
                "request_id": request_id, "method": method, "route": route, "status": status,
                "duration_ms": round(seconds * 1000, 2), "role": _role(scope) or "public"})


def instrument(app: Any) -> None:
    """Add the middleware (outermost, so it sees every response, refusals included) and configure logging."""
    logs.configure()
    app.add_middleware(Observe)
