"""Use cases of operations: administrators read the scheduler's job runs."""

from __future__ import annotations

from typing import Any

from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import ValidationFailed
from xinyong.core.usecase import use_case
from xinyong.ops.jobs import JOBS
from xinyong.ops.scheduler import recent_runs


def job_runs(actor: Actor, *, job: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The latest runs of the scheduled jobs (all, or one job), newest first."""
    if job is not None and job not in JOBS:
        raise ValidationFailed("unknown_job", f"没有名为“{job}”的定时任务")
    with use_case(actor, "ops.job_runs.read", purpose=Purpose.maintenance) as door:
        door.admit()
        rows = recent_runs(door.session, job=job, limit=limit)
        door.count(len(rows))
        return rows
