"""The API documentation pages, served from the package's own copies of Swagger UI and ReDoc
(``static/vendor``), so they work where no public CDN can be reached (政务外网, an offline install)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

OPENAPI_URL = "/api/v1/openapi.json"


@router.get("/api/v1/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "web/api_docs.html", {"spec_url": OPENAPI_URL})


@router.get("/api/v1/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "web/api_redoc.html", {"spec_url": OPENAPI_URL})
