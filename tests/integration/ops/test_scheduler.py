"""The scheduler: one run per job at a time and per day, whatever number of schedulers race for it, on
SQLite (lease row) and PostgreSQL (advisory lock); every run recorded and readable by administrators."""

from __future__ import annotations

import datetime as dt
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from tests.races import simultaneously
from xinyong.core.db import unit_of_work
from xinyong.ops.jobs import JOBS, Job
from xinyong.ops.locks import job_lock
from xinyong.ops.models import JobRun
from xinyong.ops.scheduler import Scheduler

DAY = dt.date(2026, 11, 25)


def _runs(job: str, status: str | None = None) -> list[JobRun]:
    with unit_of_work() as s:
        q = select(JobRun).where(JobRun.job == job)
        if status:
            q = q.where(JobRun.status == status)
        return list(s.scalars(q))


def _counting_job(name: str, calls: list[str], pause: float = 0.3) -> Job:
    lock = threading.Lock()

    def run(day: dt.date) -> dict[str, Any]:
        with lock:
            calls.append(day.isoformat())
        time.sleep(pause)  # long enough for the other scheduler to arrive while this one runs
        return {"handled": 1}

    return Job(name, "计数任务", run, daily_at=dt.time(0, 0))


def test_two_schedulers_racing_run_a_daily_job_once(db_url: str) -> None:
    calls: list[str] = []
    job = _counting_job("race_probe", calls)
    a, b = Scheduler([job], holder="a"), Scheduler([job], holder="b")
    outcomes = simultaneously(lambda: a.run_job(job, DAY), lambda: b.run_job(job, DAY))
    statuses = sorted(o.status for o in outcomes)
    assert statuses in (["locked", "succeeded"], ["done", "succeeded"]), statuses
    assert calls == [DAY.isoformat()]
    assert len(_runs("race_probe", "succeeded")) == 1
    # later the same day: the run is found and not repeated, by either scheduler
    assert a.run_job(job, DAY).status == "done"
    assert b.run_job(job, DAY).status == "done"
    assert len(calls) == 1
    # the next day it runs again; --force reruns a day
    assert b.run_job(job, DAY + timedelta(days=1)).status == "succeeded"
    assert a.run_job(job, DAY, force=True).status == "succeeded"
    assert len(calls) == 3


def test_two_schedulers_ticking_together_run_each_real_job_once(db_url: str) -> None:
    """The shipped jobs (listing expiry, publication end, reminders, outbox): two schedulers tick at the
    same moment after every daily job is due; each daily job has exactly one successful run."""
    at = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # 17:00 Beijing: every daily job is due
    a, b = Scheduler(holder="a"), Scheduler(holder="b")
    first = simultaneously(lambda: a.tick(at), lambda: b.tick(at))
    daily = [j.name for j in JOBS.values() if j.daily_at is not None]
    for name in daily:
        assert len(_runs(name, "succeeded")) == 1, name
        assert not _runs(name, "failed"), _runs(name, "failed")[0].error
    ran = [o for outcomes in first for o in outcomes if o.status == "succeeded" and o.job in daily]
    assert sorted(o.job for o in ran) == sorted(daily)
    again = a.tick(at) + b.tick(at)
    assert all(o.status == "done" for o in again if o.job in daily)
    # the idle outbox job leaves no row (nothing was due)
    assert not _runs("outbox_retry")


def test_a_held_job_is_skipped_and_a_dead_holders_lease_runs_out(db_url: str, backend: str,
                                                                  test_clock: Any) -> None:
    calls: list[str] = []
    job = _counting_job("lease_probe", calls, pause=0)
    with job_lock("lease_probe", "other-process", lease_seconds=60) as taken:
        assert taken
        assert Scheduler([job], holder="me").run_job(job, DAY).status == "locked"
    assert Scheduler([job], holder="me").run_job(job, DAY).status == "succeeded"
    if backend == "sqlite":
        # a holder that died without releasing: its lease blocks the job until it runs out
        from xinyong.ops.locks import _take_lease

        assert _take_lease("lease_probe", "crashed", 60, db_url)
        assert Scheduler([job], holder="me").run_job(job, DAY + timedelta(days=1)).status == "locked"
        test_clock.advance(timedelta(seconds=61))
        assert Scheduler([job], holder="me").run_job(job, DAY + timedelta(days=1)).status == "succeeded"
    assert len(calls) == (2 if backend == "sqlite" else 1)


def test_a_failed_run_is_recorded_redacted_and_retried(db_url: str) -> None:
    attempts: list[int] = []

    def flaky(day: dt.date) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("无法处理主体 320812198506151234 的数据")
        return {"handled": 1}

    job = Job("flaky_probe", "失败重试", flaky, daily_at=dt.time(0, 0))
    sched = Scheduler([job], holder="a")
    assert sched.run_job(job, DAY).status == "failed"
    failed = _runs("flaky_probe", "failed")
    assert len(failed) == 1 and failed[0].error is not None
    assert "320812198506151234" not in failed[0].error and "320812********1234" in failed[0].error
    assert sched.run_job(job, DAY).status == "succeeded"  # a failed day is not "done"


def test_a_run_cut_short_is_marked_interrupted(db_url: str) -> None:
    from xinyong.core import clock

    with unit_of_work() as s:
        s.add(JobRun(job="cut_probe", run_on=DAY.isoformat(), started_at=clock.now(), status="running",
                     worker="dead:1"))
    job = Job("cut_probe", "中断", lambda day: {"handled": 1}, daily_at=dt.time(0, 0))
    assert Scheduler([job]).run_job(job, DAY).status == "succeeded"
    assert [r.status for r in sorted(_runs("cut_probe"), key=lambda r: r.id)] == ["interrupted", "succeeded"]


def test_administrators_read_job_runs(client: Any, api_key: Any) -> None:
    job = JOBS["publication_end"]
    Scheduler([job]).run_job(job, DAY)
    r = client.get("/api/v1/ops/job-runs", headers=api_key("admin"))
    assert r.status_code == 200
    runs = r.json()["runs"]
    assert runs[0]["job"] == "publication_end" and runs[0]["job_title"] == "公示期限届满停止公示"
    assert runs[0]["status_name"] == "成功" and runs[0]["result"] == {"ended": 0, "record_ids": []}
    assert client.get("/api/v1/ops/job-runs", headers=api_key("credit_office")).status_code == 403
    assert client.get("/api/v1/ops/job-runs?job=nope", headers=api_key("admin")).status_code == 422
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(JobRun)) == 1


def test_the_console_shows_job_runs_to_administrators_in_chinese(client: Any) -> None:
    from tests.integration.security.helpers import console_login

    Scheduler([JOBS["publication_end"]]).run_job(JOBS["publication_end"], DAY)
    console_login(client, "admin")
    page = client.get("/console/ops/jobs", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "公示期限届满停止公示" in page.text and "停止公示的记录 0" in page.text and "成功" in page.text
    assert "publication_end</td>" not in page.text and "{" not in page.text.split("<main", 1)[-1]
    assert 'href="/console/ops/jobs"' in page.text  # in the console's menu for an administrator


def test_the_console_page_is_refused_to_other_roles(client: Any) -> None:
    from tests.integration.security.helpers import console_login

    console_login(client, "credit_office")
    page = client.get("/console/ops/jobs", headers={"accept": "text/html"})
    assert page.status_code == 403
    assert 'href="/console/ops/jobs"' not in client.get("/console", headers={"accept": "text/html"}).text
