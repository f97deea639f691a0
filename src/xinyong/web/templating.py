"""One Jinja2 environment for every capability's templates (templates/<capability>/...)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from xinyong.core.errors import DomainError

PACKAGE = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE / "web" / "templates")]
    dirs += [str(p) for p in sorted(PACKAGE.glob("*/templates")) if p.parent.name != "web"]
    return dirs


templates = Jinja2Templates(directory=_template_dirs()[0])
templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])


def error_page(request: Request, exc: DomainError) -> HTMLResponse:
    """A refusal or error shown to a person as a page (the API answers the same error as JSON)."""
    return templates.TemplateResponse(
        request, "web/error.html", {"message": exc.message}, status_code=exc.status
    )


def wants_html(path: str, accept: str) -> bool:
    """A person's browser on a page, not an API client: errors are shown as pages."""
    return not path.startswith("/api/") and "text/html" in accept


def error_response(request: Request, exc: DomainError, headers: Mapping[str, str] | None = None) -> Response:
    """An error as a page for a person's browser, as ``{"error": …}`` for the API."""
    if wants_html(request.url.path, request.headers.get("accept", "")):
        return error_page(request, exc)
    return JSONResponse({"error": exc.to_dict()}, status_code=exc.status, headers=headers)
