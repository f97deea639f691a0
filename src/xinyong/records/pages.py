"""Console page: a determining department uploads its 双公示 table (行政处罚信息 / 行政许可信息).

The page only translates: the import is :func:`xinyong.records.national.upload.import_upload` (the source
is the signed-in department's own principal; the import refuses anything else and logs the batch)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from xinyong.core.access import Actor
from xinyong.core.errors import DomainError
from xinyong.records.national.columns import LICENSING_COLUMNS, PENALTY_COLUMNS, REQUIRED, TableKind
from xinyong.records.national.upload import MAX_LISTED_REJECTS, MAX_UPLOAD_BYTES, import_upload
from xinyong.web.session import console_page, verify_csrf
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)

PATH = "/console/records/import"


def _page(request: Request, actor: Actor, *, result: dict[str, Any] | None = None, error: str | None = None,
          status: int = 200) -> HTMLResponse:
    required = {
        "行政处罚信息": [PENALTY_COLUMNS[f] for f in REQUIRED[TableKind.penalty]],
        "行政许可信息": [LICENSING_COLUMNS[f] for f in REQUIRED[TableKind.licensing]],
    }
    return templates.TemplateResponse(request, "records/import.html", {
        "actor": actor, "result": result, "error": error, "required": required,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "max_listed": MAX_LISTED_REJECTS,
    }, status_code=status)


@router.get(PATH, response_class=HTMLResponse)
def import_page(request: Request, actor: Actor = Depends(console_page("record.import"))) -> HTMLResponse:
    return _page(request, actor)


@router.post(PATH, response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def import_post(request: Request, file: UploadFile,
                      actor: Actor = Depends(console_page("record.import"))) -> HTMLResponse:
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        result = await run_in_threadpool(import_upload, data, file.filename or "上传文件.csv",
                                         principal_id=actor.id or 0, operator=actor.name)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(request, actor, error=exc.message, status=exc.status)
    return _page(request, actor, result=result)
