"""One Jinja2 environment for every capability's templates (templates/<capability>/...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from xinyong.core import clock, vocabulary
from xinyong.core.errors import DomainError

PACKAGE = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE / "web" / "templates")]
    dirs += [str(p) for p in sorted(PACKAGE.glob("*/templates")) if p.parent.name != "web"]
    return dirs


templates = Jinja2Templates(directory=_template_dirs()[0])
templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])

#: the one display format of a moment and of a day, in Beijing time (storage is UTC)
TIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"


def bjtime(value: Any) -> str:
    """A moment (aware or naive-UTC datetime, or its ISO text) as Beijing time ``2026-11-25 10:00``; a
    day (date, or ``2026-11-25``) as ``2026-11-25``; anything else unchanged, nothing for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if len(text) > 10 else (
                dt.date.fromisoformat(text))
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=clock.UTC)
        return aware.astimezone(clock.CHINA_TZ).strftime(TIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def zh(value: Any, kind: str | None = None) -> str:
    """The Chinese name of a code (an action, status, role, purpose, list type …), one vocabulary for
    every page (:mod:`xinyong.core.vocabulary`)."""
    return vocabulary.name_of(value, kind)


templates.env.filters["zh"] = zh
templates.env.filters["bjtime"] = bjtime


def _no_navigation(_actor: Any, _path: str) -> Any:
    return None


#: the console's navigation for (actor, path); the app factory installs the console's own
#: (:mod:`xinyong.console.navigation`; the web plumbing knows no capability)
templates.env.globals["navigation"] = _no_navigation


def set_navigation(provider: Callable[[Any, str], Any]) -> None:
    templates.env.globals["navigation"] = provider


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
