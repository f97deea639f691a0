"""The application factory: the routers the composition root lists, behind one error contract."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong import __version__, composition
from xinyong.console import navigation, picklists
from xinyong.core.errors import DomainError
from xinyong.core.rulefiles import rule_roots
from xinyong.disclosure.rules import OBJECTION_MAX_BYTES
from xinyong.ops import health
from xinyong.ops.observe import instrument
from xinyong.rules_check import RuleSummary, validate_all
from xinyong.web import api_docs
from xinyong.web.guard import InputGuard
from xinyong.web.openapi import build_openapi
from xinyong.web.route_index import flat_routes
from xinyong.web.route_index import install as install_route_index
from xinyong.web.security_headers import SecurityHeaders
from xinyong.web.templating import error_response, set_navigation, templates

STATIC = Path(__file__).resolve().parent / "web" / "static"

API_DESCRIPTION = """公共信用信息平台的接口，供认定部门、信用办、实施单位的业务系统对接。

- **身份**：请求头 `X-API-Key` 携带本单位的接口密钥（平台管理员用 `xinyong principal` 命令签发）；不带密钥即以社会公众身份调用。
- **查询目的**：查询信用档案、共享信息、核查措施时须说明目的（`purpose`，取值见各接口的枚举），每次调用均登记备查（国办发〔2020〕49号 §（十三））。
- **错误**：所有错误均为 `{"error": {"code": "…", "message": "中文说明", "details": …}}`，HTTP 状态码见各接口。
- **日期**：日期为 `YYYY-MM-DD`；时刻为带时区的 ISO 8601（存储为协调世界时，页面按北京时间显示）。

另有只读的 [ReDoc 文档](/api/v1/redoc)。"""


_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "request_too_large"}
_HTTP_MESSAGES = {400: "请求格式有误，无法解析（例如上传的表单内容不完整）", 401: "请先登录或提供有效的接口密钥",
                  403: "无权访问", 404: "未找到请求的页面或接口", 405: "不支持该请求方式", 413: "请求内容过大"}



@lru_cache(maxsize=8)
def _validated(roots: tuple[Path, ...]) -> RuleSummary:
    """Every kind of rule data, checked once per process and rules folder (DESIGN.md principle 1)."""
    return validate_all(list(roots))


def create_app(*, lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None) -> FastAPI:
    """The platform's web application; it refuses to start on rule data that must not load. ``lifespan``:
    what runs as the process starts and stops serving (:func:`create_served_app`)."""
    _validated(tuple(rule_roots()))
    app = FastAPI(
        lifespan=lifespan,
        title="Xinyong 信用 — 公共信用信息平台",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    set_navigation(navigation.view)
    templates.env.globals["departments"] = picklists.departments

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The framework's own refusals (a malformed multipart body, an unknown path or method) in the
        platform's error shape and in Chinese; a redirect raised as an exception stays a redirect."""
        if exc.status_code < 400:
            return Response(status_code=exc.status_code, headers=exc.headers)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        message = detail if any("\u4e00" <= ch <= "\u9fff" for ch in detail) else (
            _HTTP_MESSAGES.get(exc.status_code, "请求无法处理"))
        domain = DomainError(_HTTP_CODES.get(exc.status_code, "http_error"), message, status=exc.status_code)
        return error_response(request, domain, headers=exc.headers)

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
    # the capabilities' routes registered on the application itself, in order, and found through an index
    # of their path segments instead of a scan of all of them (xinyong.web.route_index)
    app.router.routes.extend(flat_routes([api_docs.router, *composition.routers()]))
    install_route_index(app)
    instrument(app)  # request ids, JSON request log, metrics (outermost middleware)
    return app


log = logging.getLogger("xinyong.app")


def create_served_app() -> FastAPI:
    """The application as ``xinyong serve`` runs it in each worker: :func:`create_app`, and once the
    worker has started, what the composition root lists as warm-ups (the index of names) loaded in a
    background thread — requests are answered meanwhile — after which every object alive is moved
    out of the garbage collector's sight (``gc.freeze``): a full collection would otherwise walk the
    index's million objects, a pause of about 0.2 s for every request in flight on that worker. The
    thread is ``app.state.warming``."""
    return create_app(lifespan=_warming)


@asynccontextmanager
async def _warming(app: FastAPI) -> AsyncIterator[None]:
    health.warming(True)  # /readyz answers 503 until the warm-ups are loaded
    app.state.warming = threading.Thread(target=_warm, name="xinyong-warm", daemon=True)
    app.state.warming.start()
    try:
        yield
    finally:
        health.warming(False)


def _warm() -> None:
    try:
        for warmup in composition.warmups():
            try:
                warmup()
            except Exception:  # the request that needs it loads it instead
                log.warning("预加载失败，将在首次使用时加载：%s", warmup.__module__, exc_info=True)
        gc.collect()  # what is garbage now is not frozen with the rest
        gc.freeze()
    finally:
        health.warming(False)
