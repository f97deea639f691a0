"""Deadlines of the cases (objection windows and answers, rectification periods, listing expiry) and
the review tasks a withdrawn basis record leaves to the owning department.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import SYSTEM, Actor, Purpose
from xinyong.core.authority import (
    region_within,
)
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.usecase import use_case
from xinyong.core.workdays import add_workdays
from xinyong.listing.history import append_history
from xinyong.listing.models import (
    ListingCase,
    RectificationOrder,
    ReviewTask,
)
from xinyong.listing.rules import (
    State,
    deadline_status,
)
from xinyong.listing.shared import flush_or_conflict, iso, open_case, visible_scope

#: platform default, NOT a period from the reference: the owning department reviews a case whose basis
#: lost one of several records within 10 working days (no document in ../shared/reference fixes one)
REVIEW_WORKDAYS = 10


def open_review_task(session: Session, case: ListingCase, *, record_id: int, text: str, remaining: list[int],
                     on: dt.date) -> int | None:
    """A basis record of ``case`` was withdrawn while others remain: the owning department reviews
    whether the case still stands (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)), within
    :data:`REVIEW_WORKDAYS` working days. None if that record already left a task on the case."""
    if session.scalar(select(ReviewTask.id).where(ReviewTask.case_id == case.id,
                                                  ReviewTask.record_id == record_id)) is not None:
        return None
    due = add_workdays(on, REVIEW_WORKDAYS)
    task = ReviewTask(case_id=case.id, record_id=record_id,
                      reason=f"{text}；案件仍有其他有效记录（{'、'.join(map(str, remaining))}），请复核是否仍符合认定条件",
                      due_on=due.date, due_provisional=due.provisional, created_at=clock.now())
    session.add(task)
    session.flush()
    append_history(session, case, action="review_task", from_state=case.state, to_state=case.state, on=on,
                   actor=SYSTEM, reason=task.reason,
                   data={"review_task_id": task.id, "record_id": record_id, "due_on": task.due_on.isoformat()})
    flush_or_conflict(session)
    return task.id


def deadlines(session: Session, on: dt.date, *, department: str | None = None,
              within_days: int = 30, region: str | None = None) -> list[dict[str, Any]]:
    """Open deadlines (objection windows and answers, rectification periods, listing expiry, review
    tasks) that are overdue or fall within ``within_days`` of ``on``; ``department`` keeps one
    department's cases, ``region`` the cases of a territory (a credit office's)."""
    horizon = on + dt.timedelta(days=within_days)
    out: list[dict[str, Any]] = []

    def add(kind: str, name: str, due: dt.date, case: ListingCase, extra: dict[str, Any] | None = None) -> None:
        if due > horizon or (region is not None and not region_within(region, case.region_code)):
            return
        out.append({"kind": kind, "kind_name": name, "due": due.isoformat(), "status": deadline_status(due, on),
                    "case_id": case.id, "subject_name": case.subject_name, "department": case.department,
                    "state": case.state, **(extra or {})})

    q = select(ListingCase)
    if department:
        q = q.where(ListingCase.department == department)
    for case in session.scalars(q.where(ListingCase.state.in_(
            [State.notice_served.value, State.objection_received.value, State.listed.value]))):
        if case.state == State.notice_served.value and case.objection_window_end:
            add("objection_window", "异议期限届满", case.objection_window_end, case)
        elif case.state == State.objection_received.value and case.answer_deadline:
            add("objection_answer", "异议答复期限", case.answer_deadline, case,
                {"provisional": case.answer_deadline_provisional})
        elif case.state == State.listed.value and case.listing_end:
            add("listing_expiry", "列入期限届满", case.listing_end, case)
    rq = select(RectificationOrder, ListingCase).join(ListingCase, ListingCase.id == RectificationOrder.case_id).where(
        RectificationOrder.status == "open")
    if department:
        rq = rq.where(ListingCase.department == department)
    for order, case in session.execute(rq):
        add("rectification", "整改期限", order.due_on, case, {"rectification_id": order.id})
    tq = select(ReviewTask, ListingCase).join(ListingCase, ListingCase.id == ReviewTask.case_id).where(
        ReviewTask.done_on.is_(None))
    if department:
        tq = tq.where(ListingCase.department == department)
    for task, case in session.execute(tq):
        add("review", "依据记录撤销后的复核", task.due_on, case,
            {"review_task_id": task.id, "record_id": task.record_id, "reason": task.reason,
             "provisional": task.due_provisional})
    out.sort(key=lambda d: (d["due"], d["case_id"]))
    return out


def next_deadline(case: ListingCase, on: dt.date) -> dict[str, Any] | None:
    due: tuple[str, dt.date] | None = None
    if case.state == State.notice_served.value and case.objection_window_end:
        due = ("异议期限届满", case.objection_window_end)
    elif case.state == State.objection_received.value and case.answer_deadline:
        due = ("异议答复期限", case.answer_deadline)
    elif case.state == State.listed.value and case.listing_end:
        due = ("列入期限届满", case.listing_end)
    if due is None:
        return None
    return {"name": due[0], "due": due[1].isoformat(), "status": deadline_status(due[1], on)}


def review_task_row(t: ReviewTask) -> dict[str, Any]:
    return {"id": t.id, "case_id": t.case_id, "record_id": t.record_id, "reason": t.reason,
            "due_on": t.due_on.isoformat(), "provisional": t.due_provisional, "done_on": iso(t.done_on),
            "done_note": t.done_note, "done_by": t.done_by}


def deadlines_for(actor: Actor, on: dt.date, *, within_days: int = 30) -> list[dict[str, Any]]:
    """到期与逾期事项 of the cases ``actor`` may see (as :func:`list_cases`)."""
    with use_case(actor, "listing.deadlines", purpose=Purpose.supervision) as door:
        department, region = visible_scope(door, "查看到期事项")
        door.admit()
        rows = deadlines(door.session, on, department=department, within_days=within_days, region=region)
        door.count(len(rows))
        return rows


def complete_review_task(actor: Actor, task_id: int, *, note: str, on: dt.date | None = None) -> dict[str, Any]:
    """The owning department closes a review task with its conclusion."""
    on = on or clock.today()
    with use_case(actor, "listing.review", purpose=Purpose.determination) as door:
        task = door.session.get(ReviewTask, task_id)
        if task is None:
            raise NotFound("listing.review_task_not_found", "未找到该复核任务")
        case = open_case(door, task.case_id, own=True)
        if task.done_on is not None:
            raise Conflict("listing.review_task_done", f"该复核任务已于{task.done_on.isoformat()}办结")
        text = " ".join((note or "").split())
        if not text:
            raise ValidationFailed("listing.note_required", "请填写复核结论")
        task.done_on = on
        task.done_note = text
        task.done_by = actor.department
        append_history(door.session, case, action="review_done", from_state=case.state, to_state=case.state,
                       on=on, actor=actor, reason=text, data={"review_task_id": task.id, "record_id": task.record_id})
        flush_or_conflict(door.session)
        return review_task_row(task)
