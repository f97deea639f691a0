"""The console page of the scheduler's job runs (administrators)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.core.access import Actor
from xinyong.core.clock import CHINA_TZ
from xinyong.ops import service
from xinyong.ops.jobs import JOBS
from xinyong.web.session import console_actor
from xinyong.web.templating import templates

router = APIRouter(include_in_schema=False)


def _local(iso: str | None) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


@router.get("/console/ops/jobs", response_class=HTMLResponse)
def job_runs_page(request: Request, job: str = Query(default="", max_length=64),
                  actor: Actor = Depends(console_actor)) -> HTMLResponse:
    runs = service.job_runs(actor, job=job or None, limit=200)
    for r in runs:
        r["started_local"], r["finished_local"] = _local(r["started_at"]), _local(r["finished_at"])
    jobs = [{"name": j.name, "title": j.title,
             "when": f"每天 {j.daily_at:%H:%M} 起" if j.daily_at else f"每 {j.every_seconds:g} 秒"}
            for j in JOBS.values()]
    return templates.TemplateResponse(request, "ops/job_runs.html",
                                      {"actor": actor, "runs": runs, "jobs": jobs, "job": job})
