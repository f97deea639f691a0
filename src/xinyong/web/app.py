"""The application factory: routers of every capability behind one error contract."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from xinyong import __version__
from xinyong.core.errors import DomainError

#: "module:attribute" of each capability's API router and page router (one line each).
ROUTERS: list[str] = [
    "xinyong.subjects.api:router",
    "xinyong.subjects.pages:router",
    "xinyong.catalog.api:router",
    "xinyong.records.api:router",
    "xinyong.measures.api:router",
    "xinyong.measures.pages:router",
    "xinyong.listing.api:router",
    "xinyong.listing.pages:router",
    "xinyong.repair.api:router",
    "xinyong.repair.pages:router",
    "xinyong.ledger.api:router",
    "xinyong.ledger.pages:router",
    "xinyong.web.pages:router",
    "xinyong.disclosure.api:router",
    "xinyong.disclosure.pages:router",
    "xinyong.console.pages:router",
]

STATIC = Path(__file__).resolve().parent / "static"


def _load(spec: str) -> object:
    module, attr = spec.split(":")
    return getattr(importlib.import_module(module), attr)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def create_app() -> FastAPI:
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
            from xinyong.web.pages import error_page

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

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for spec in ROUTERS:
        app.include_router(_load(spec))  # type: ignore[arg-type]
    return app
