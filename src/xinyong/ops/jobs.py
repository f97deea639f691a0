"""The platform's daily jobs, each calling the use case its capability already offers as the platform
(``SYSTEM``): the scheduler (:mod:`xinyong.ops.scheduler`) only decides when, and makes sure one run at a
time. Each returns a small summary (counts and ids, no personal data) that is kept with the run."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xinyong.core.access import SYSTEM

log = logging.getLogger("xinyong.scheduler")

#: at most this many ids are kept with a run (the count is always complete)
MAX_IDS = 50


@dataclass(frozen=True)
class Job:
    name: str
    #: what it does, in Chinese (job-run listings)
    title: str
    run: Callable[[dt.date], dict[str, Any]]
    #: daily jobs: the Beijing time of day from which the day's run is due (once per day)
    daily_at: dt.time | None = None
    #: interval jobs: seconds between runs (only runs that did something are recorded)
    every_seconds: float | None = None


def listing_expire(day: dt.date) -> dict[str, Any]:
    from xinyong.listing import service

    done = service.expire_listings(SYSTEM, day)
    return {"removed": len(done), "case_ids": done[:MAX_IDS]}


def listing_nonconforming(day: dt.date) -> dict[str, Any]:
    from xinyong.listing import service

    done = service.apply_nonconforming(SYSTEM, day)
    return {"applied": len(done), "voided": sum(len(d["voided"]) for d in done)}


def publication_end(day: dt.date) -> dict[str, Any]:
    from xinyong.disclosure import service

    ended = service.expire_publications(SYSTEM, on=day)
    return {"ended": len(ended), "record_ids": ended[:MAX_IDS]}


def outbox_retry(_day: dt.date) -> dict[str, Any]:
    from xinyong.core.delivery import run_once

    stats = run_once()
    return {"delivered": stats.delivered, "failed": stats.failed}


def deadline_reminders(day: dt.date) -> dict[str, Any]:
    """到期事项提醒: what is overdue or due within three days, counted per department and logged (one line
    per department, case numbers only) so that each department's officers can be told."""
    from xinyong.disclosure import service as disclosure
    from xinyong.listing import service as listing
    from xinyong.measures import cases

    per_department: Counter[str] = Counter()
    listing_rows = listing.deadlines_for(SYSTEM, day, within_days=3)
    for r in listing_rows:
        per_department[r["department"]] += 1
    objections = disclosure.list_objections(SYSTEM, status="open", overdue=True)
    for o in objections:
        per_department[o["department"]] += 1
    punishment = cases.overdue_cases(SYSTEM)
    for c in punishment:
        per_department[c["unit"]] += 1
    for department, count in sorted(per_department.items()):
        log.info("到期事项提醒", extra={"department": department, "items": count, "on": day.isoformat()})
    return {
        "listing_overdue": sum(1 for r in listing_rows if r["status"] == "overdue"),
        "listing_due_soon": sum(1 for r in listing_rows if r["status"] != "overdue"),
        "objections_overdue": len(objections),
        "punishment_overdue": len(punishment),
        "departments": len(per_department),
    }


JOBS: dict[str, Job] = {j.name: j for j in (
    Job("listing_expire", "列入期限届满移出", listing_expire, daily_at=dt.time(0, 30)),
    Job("listing_nonconforming", "不符合要求名单停止适用", listing_nonconforming, daily_at=dt.time(0, 45)),
    Job("publication_end", "公示期限届满停止公示", publication_end, daily_at=dt.time(1, 0)),
    Job("deadline_reminders", "到期事项提醒", deadline_reminders, daily_at=dt.time(8, 0)),
    Job("outbox_retry", "推送投递与重试", outbox_retry, every_seconds=60.0),
)}
