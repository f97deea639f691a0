"""The application factory: the routers the composition root lists, behind one error contract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from xinyong import __version__, composition
from xinyong.core.errors import DomainError
from xinyong.core.rulefiles import rule_roots
from xinyong.disclosure.rules import OBJECTION_MAX_BYTES
from xinyong.rules_check import RuleSummary, validate_all
from xinyong.web.guard import InputGuard
from xinyong.web.security_headers import SecurityHeaders
from xinyong.web.templating import error_page

STATIC = Path(__file__).resolve().parent / "web" / "static"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


@lru_cache(maxsize=8)
def _validated(roots: tuple[Path, ...]) -> RuleSummary:
    """Every kind of rule data, checked once per process and rules folder (DESIGN.md principle 1)."""
    return validate_all(list(roots))


def create_app() -> FastAPI:
    """The platform's web application; it refuses to start on rule data that must not load."""
    _validated(tuple(rule_roots()))
    app = FastAPI(
        title="Xinyong 信用 — 公共信用信息平台",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if _wants_html(request):
            return error_page(request, exc)  # type: ignore[return-value]
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse(
            {"error": {"code": "invalid_request", "message": "请求参数有误", "details": problems}},
            status_code=422,
        )

    # bounded bodies, no control characters; an objection's attachment (at most 5 MB each) is measured
    # while it streams, so an oversized one is refused before it is spooled
    app.add_middleware(InputGuard, file_limits={
        "/api/v1/self/objections": OBJECTION_MAX_BYTES, "/my/objections": OBJECTION_MAX_BYTES})
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in composition.routers():
        app.include_router(router)
    return app
