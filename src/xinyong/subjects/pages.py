"""Console page of the credit file (信用档案) for officers: look a subject up, state the purpose
(and the case it serves), read its file. Every read goes through the one door and is registered."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.core.access import PURPOSE_NAMES_ZH, Actor, Purpose, parse_purpose
from xinyong.core.errors import DomainError
from xinyong.subjects import service
from xinyong.subjects.credit_file import SECTION_NAMES
from xinyong.web.session import console_page
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

def _context(actor: Actor, **extra: Any) -> dict[str, Any]:
    return {"actor": actor, "purposes": PURPOSE_NAMES_ZH, "section_names": SECTION_NAMES, **extra}


@router.get("/console/subjects", response_class=HTMLResponse)
def lookup(
    request: Request,
    code: str = Query(default="", max_length=40),
    purpose: str = Query(default=Purpose.administration.value, max_length=40),
    case: str = Query(default="", max_length=80),
    actor: Actor = Depends(console_page("credit_file.read")),
) -> HTMLResponse:
    ctx = _context(actor, code=code, purpose=purpose, case=case, file=None, error=None)
    if code.strip():
        try:
            why = parse_purpose(purpose, Purpose.administration)
            ctx["file"] = service.read_credit_file(
                actor, code, why, detail={"case_id": case.strip() or None, "channel": "console"})
        except DomainError as exc:
            if exc.status == 403:
                raise
            ctx["error"] = exc.message
    return templates.TemplateResponse(request, "subjects/file.html", ctx)
