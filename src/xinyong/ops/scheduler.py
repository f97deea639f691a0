"""The scheduler: ``xinyong scheduler`` runs the daily jobs (:mod:`xinyong.ops.jobs`) in its own process.

Each run happens under the job's lock (:func:`xinyong.ops.locks.job_lock`), and a daily job is run at most
once per day: with the lock held, a run that already succeeded for the day is looked up first. So any
number of scheduler processes (one per replica, or a spare) can run side by side without running a job
twice. Every run is recorded in ``ops_job_runs`` (who, when, outcome, summary), which administrators read
with ``xinyong scheduler runs`` or ``GET /api/v1/ops/job-runs``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from xinyong.core import clock
from xinyong.core.clock import CHINA_TZ
from xinyong.core.db import unit_of_work
from xinyong.core.redact import redact
from xinyong.ops.jobs import JOBS, Job
from xinyong.ops.locks import job_lock
from xinyong.ops.models import JobRun

log = logging.getLogger("xinyong.scheduler")

STATUS_NAMES = {"running": "运行中", "succeeded": "成功", "failed": "失败", "interrupted": "中断"}

#: the figures a job reports, in Chinese (counts first; lists of ids after them)
RESULT_NAMES = {
    "removed": "移出案件", "applied": "停止适用的名单", "voided": "停止的案件", "ended": "停止公示的记录",
    "delivered": "已投递", "failed": "投递失败", "listing_overdue": "认定程序中已逾期的事项",
    "listing_due_soon": "三日内到期的事项", "objections_overdue": "超期未答复的异议",
    "punishment_overdue": "超期的联合惩戒案例", "departments": "涉及部门", "handled": "已处理",
    "case_ids": "案件编号", "record_ids": "记录编号",
}


def summarise(result: dict[str, Any] | None) -> str:
    """A run's figures as one Chinese sentence (for the console page and the command line)."""
    if not result:
        return ""
    parts = []
    for key, value in result.items():
        name = RESULT_NAMES.get(key, key)
        if isinstance(value, list):
            if value:
                parts.append(f"{name}：{'、'.join(str(v) for v in value)}")
        else:
            parts.append(f"{name} {value}")
    return "；".join(parts)


@dataclass(frozen=True)
class Outcome:
    job: str
    #: succeeded | failed | locked (another process holds the job) | done (already ran today)
    status: str
    run_id: int | None = None
    result: dict[str, Any] | None = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Scheduler:
    def __init__(self, jobs: Iterable[Job] | None = None, *, holder: str | None = None,
                 lease_seconds: float = 3600.0, url: str | None = None) -> None:
        self.jobs = list(jobs if jobs is not None else JOBS.values())
        self.holder = holder or worker_name()
        self.lease_seconds = lease_seconds
        self.url = url
        self._last_interval_run: dict[str, float] = {}

    # -- one job -----------------------------------------------------------------------------------
    def run_job(self, job: Job, day: dt.date, *, force: bool = False) -> Outcome:
        """Run ``job`` for ``day`` unless another process holds it or (daily jobs, not ``force``) it
        already succeeded for that day."""
        with job_lock(job.name, self.holder, lease_seconds=self.lease_seconds, url=self.url) as taken:
            if not taken:
                return Outcome(job.name, "locked")
            with unit_of_work(self.url) as s:
                # we hold the lock: a run still marked running was cut short (its process died)
                s.execute(update(JobRun).where(JobRun.job == job.name, JobRun.status == "running")
                          .values(status="interrupted", finished_at=clock.now()))
                if job.daily_at is not None and not force and s.scalar(
                        select(JobRun.id).where(JobRun.job == job.name, JobRun.run_on == day.isoformat(),
                                                JobRun.status == "succeeded").limit(1)) is not None:
                    return Outcome(job.name, "done")
                run = JobRun(job=job.name, run_on=day.isoformat(), started_at=clock.now(), status="running",
                             worker=self.holder)
                s.add(run)
                s.flush()
                run_id = run.id
            started = time.monotonic()
            try:
                result = job.run(day)
            except Exception as exc:
                error = redact("".join(traceback.format_exception_only(type(exc), exc)).strip())[:2000]
                self._finish(run_id, "failed", None, error)
                log.exception("定时任务失败", extra={"job": job.name, "run_id": run_id})
                return Outcome(job.name, "failed", run_id)
            interval_idle = job.every_seconds is not None and not any(
                v for v in result.values() if isinstance(v, int | float))
            if interval_idle:
                self._discard(run_id)  # an interval job that found nothing to do leaves no row
                return Outcome(job.name, "succeeded", None, result)
            self._finish(run_id, "succeeded", result, None)
            log.info("定时任务完成", extra={"job": job.name, "run_id": run_id, "result": result,
                                            "duration_ms": round((time.monotonic() - started) * 1000, 1)})
            return Outcome(job.name, "succeeded", run_id, result)

    def _finish(self, run_id: int, status: str, result: dict[str, Any] | None, error: str | None) -> None:
        with unit_of_work(self.url) as s:
            s.execute(update(JobRun).where(JobRun.id == run_id).values(
                status=status, finished_at=clock.now(), result=result, error=error))

    def _discard(self, run_id: int) -> None:
        with unit_of_work(self.url) as s:
            run = s.get(JobRun, run_id)
            if run is not None:
                s.delete(run)

    # -- the loop ----------------------------------------------------------------------------------
    def due(self, now: dt.datetime) -> list[Job]:
        """The jobs due at ``now``: daily jobs past their time of day (they skip themselves once done),
        interval jobs whose interval has passed in this process."""
        local = now.astimezone(CHINA_TZ)
        out = []
        for job in self.jobs:
            if job.daily_at is not None and local.time() >= job.daily_at:
                out.append(job)
            elif job.every_seconds is not None:
                last = self._last_interval_run.get(job.name)
                if last is None or time.monotonic() - last >= job.every_seconds:
                    out.append(job)
        return out

    def tick(self, now: dt.datetime | None = None) -> list[Outcome]:
        now = now or clock.now()
        day = now.astimezone(CHINA_TZ).date()
        outcomes = []
        for job in self.due(now):
            if job.every_seconds is not None:
                self._last_interval_run[job.name] = time.monotonic()
            outcomes.append(self.run_job(job, day))
        return outcomes

    def run_forever(self, *, poll_seconds: float = 30.0, stop: Callable[[], bool] | None = None) -> None:
        log.info("定时任务进程启动", extra={"worker": self.holder, "jobs": [j.name for j in self.jobs]})
        while stop is None or not stop():
            try:
                self.tick()
            except Exception:  # the database may be away for a moment: try again at the next poll
                log.exception("定时任务轮询失败", extra={"worker": self.holder})
            time.sleep(poll_seconds)


def recent_runs(session: Any, *, job: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    q = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job:
        q = q.where(JobRun.job == job)
    return [describe(r) for r in session.scalars(q)]


def describe(r: JobRun) -> dict[str, Any]:
    job = JOBS.get(r.job)
    return {"id": r.id, "job": r.job, "job_title": job.title if job else r.job, "run_on": r.run_on,
            "started_at": r.started_at.isoformat(), "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "status": r.status, "status_name": STATUS_NAMES.get(r.status, r.status), "worker": r.worker,
            "result": r.result, "summary": summarise(r.result), "error": r.error}
