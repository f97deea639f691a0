"""The officer's own work on the console home (/console): what is due, what waits for them.

Each list is a :class:`WorkList` — a title, the action its read performs, the page with the whole list,
and a function that asks the owning capability's read use case (its door decides what the officer may
see and registers the read). The composition root registers the lists (``CONSOLE_WORK`` in
:mod:`xinyong.composition`); this module imports capabilities' services only, never their tables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import DomainError
from xinyong.core.policy import is_allowed

#: items shown per list on the home page (the list's own page has the rest)
SHOWN = 5


@dataclass(frozen=True)
class WorkItem:
    title: str
    detail: str
    url: str
    due: str | None = None
    overdue: bool = False


@dataclass(frozen=True)
class WorkList:
    title: str
    #: the action of the read (a role that may not perform it does not see the list)
    action: str
    #: the page with the whole list
    url: str
    read: Callable[[Actor], list[WorkItem]]
    empty: str = "暂无"


@dataclass(frozen=True)
class WorkView:
    title: str
    url: str
    total: int
    items: list[WorkItem]
    empty: str
    error: str | None = None


_lock = threading.Lock()
_LISTS: list[WorkList] = []


def register_work(work: WorkList) -> None:
    with _lock:
        if all(w.title != work.title for w in _LISTS):
            _LISTS.append(work)


def work_of(actor: Actor) -> list[WorkView]:
    """The lists of ``actor``'s role, each read through its capability's use case."""
    out = []
    for work in list(_LISTS):
        if not is_allowed(actor.role, work.action):
            continue
        try:
            items = work.read(actor)
        except DomainError as exc:  # e.g. an account without a region: the reason, not an error page
            out.append(WorkView(work.title, work.url, 0, [], work.empty, error=exc.message))
            continue
        out.append(WorkView(work.title, work.url, len(items), items[:SHOWN], work.empty))
    return out


# --- the lists ------------------------------------------------------------------------------------

def _listing_deadlines(actor: Actor) -> list[WorkItem]:
    from xinyong.listing.deadlines import deadlines_for

    rows = deadlines_for(actor, clock.today(), within_days=14)
    return [WorkItem(f"{r['kind_name']}：{r.get('subject_name') or ''}", r.get("department") or "",
                     f"/console/listing/{r['case_id']}", r["due"], r["status"] == "overdue") for r in rows]


def _objections_to_answer(actor: Actor) -> list[WorkItem]:
    from xinyong.disclosure.objections import list_objections

    rows = [o for o in list_objections(actor, status="open") if o.get("can_answer", True)]
    rows.sort(key=lambda o: o["due_on"] or "")
    return [WorkItem(f"对{o['record']['document_number']}的异议", o["reason"][:60],
                     "/console/disclosure/objections", o["due_on"], bool(o["overdue"])) for o in rows]


#: next steps of a listing case that wait for another officer (四眼审核) or the department one level up
_APPROVAL_STEPS = {"approve", "consent", "upper_consent"}


def _cases_for_approval(actor: Actor) -> list[WorkItem]:
    from xinyong.listing.reads import list_cases

    rows = [c for c in list_cases(actor) if any(a["action"] in _APPROVAL_STEPS for a in c["next_actions"])]
    return [WorkItem(f"{c['subject_name']}：{c['list_type']['name']}", c["state_name"],
                     f"/console/listing/{c['id']}") for c in rows]


def _repair_parts(actor: Actor) -> list[WorkItem]:
    from xinyong.repair.deciding import work_queue

    rows = [r for r in work_queue(actor) if r["status"] == "pending"]
    rows.sort(key=lambda r: r["deadline"] or "")
    return [WorkItem(r["target_label"], r["target_kind_name"],
                     f"/console/repair/applications/{r['application_id']}" if r.get("application_id")
                     else "/console/repair", r["deadline"], bool(r["overdue"])) for r in rows]


def _late_publications(actor: Actor) -> list[WorkItem]:
    from xinyong.disclosure.publications import late_publications

    late = late_publications(actor)
    return [WorkItem(f"{i['document_number']}（{d['department']}）", f"{i['state_name']}，逾期{i['days_late']}天",
                     "/console/disclosure/late", i["due_on"], True)
            for d in late.departments for i in d["items"] if i.get("days_late")]


listing_deadlines = WorkList("名单认定到期事项（14天内及已逾期）", "listing.deadlines", "/console/listing/deadlines",
                             _listing_deadlines, "14天内没有到期事项")
objections_to_answer = WorkList("待答复的异议", "disclosure.objection.answer", "/console/disclosure/objections",
                                _objections_to_answer, "没有待答复的异议")
cases_for_approval = WorkList("待审核、待同意的名单认定案件", "listing.approve", "/console/listing",
                              _cases_for_approval, "没有等待审核或同意的案件")
repair_parts = WorkList("待办理的信用修复事项", "repair.decide", "/console/repair", _repair_parts,
                        "没有待办理的修复事项")
late_publications = WorkList("逾期公开的行政处罚信息", "disclosure.deadline.read", "/console/disclosure/late",
                             _late_publications, "没有逾期公开的信息")

