"""Deciding a repair: the determining department grants or refuses its part (谁认定、谁修复); a grant
changes, in the decision's own transaction, the record's status (screening and the portal read it) or ends
the listing, writes one outbox message per receiver and publishes ``repair.granted``. The credit office
oversees the time limits of its territory.

淮政办发〔2021〕13号 §五（一）同步修复、完全修复; time limits 国办发〔2025〕22号 (secondary summaries,
unverified, see rules.py). No fee exists anywhere in the flow (国办发〔2020〕49号 §（十二）).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.db import claim, unit_of_work
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.events import publish
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.repair import rules as R
from xinyong.repair.events import RepairGranted
from xinyong.repair.models import RepairApplication, RepairPart
from xinyong.repair.shared import (
    PART_STATUS_NAMES,
    assess,
    describe,
    describe_rows,
    owner_denial,
    parts_for,
    subject_card,
    subject_region,
    target,
    unplaced_denial,
)

# --- use cases ------------------------------------------------------------------------------------------


def decide_part(actor: Actor, part_id: int, *, grant: bool, reason: str | None = None,
                remedy: str | None = None, decision_number: str | None = None) -> dict[str, Any]:
    """The determining department decides its part; returns the application as the subject sees it.

    Another department, the credit office and the administrator are refused (403, logged): none of them
    determined the record or listing (谁认定、谁修复)."""
    with use_case(actor, "repair.decide", purpose=Purpose.repair,
                  detail={"part": part_id, "grant": grant}, serialise=True) as door:
        part, app = load_part(door.session, part_id)
        door.admit(subject_key=app.subject_key, detail={"application": app.number,
                                                        "department": part.department})
        door.require(owner_denial(actor, part.department), code="not_owner")
        decide(door.session, actor, part, app, grant=grant, reason=reason, remedy=remedy,
               decision_number=decision_number)
        return describe(door.session, app)


def department_parts(actor: Actor, status: str | None = None) -> list[dict[str, Any]]:
    """The parts routed to the actor's department (its queue and what it decided), with overdue flags."""
    with use_case(actor, "repair.decide", purpose=Purpose.repair,
                  detail={"department": actor.department, "status": status}) as door:
        door.admit()
        rows = parts_for(door.session, actor, department=actor.department, status=status)
        door.count(len(rows))
        return describe_rows(door.session, rows, clock.today())


def work_queue(actor: Actor) -> list[dict[str, Any]]:
    """The console's list of parts: a department's own; the credit office's territory; all for the
    administrator."""
    with use_case(actor, "repair.read", purpose=Purpose.repair) as door:
        dept = actor.department if actor.role is Role.determining_department else None
        door.require(unplaced_denial(actor, "查看信用修复事项"))
        door.admit(detail={"department": dept})
        rows = parts_for(door.session, actor, department=dept)
        door.count(len(rows))
        return describe_rows(door.session, rows, clock.today())


def overdue(actor: Actor) -> list[dict[str, Any]]:
    """Parts still pending past their deadline; a credit office sees those of its territory only."""
    with use_case(actor, "repair.oversee", purpose=Purpose.supervision) as door:
        door.require(unplaced_denial(actor, "查看超期的信用修复事项"))
        door.admit(detail={"region": actor.region_code} if actor.role is Role.credit_office else None)
        today = clock.today()
        rows = parts_for(door.session, actor, department=None, overdue_on=today)
        door.count(len(rows))
        return describe_rows(door.session, rows, today)


def application_of_part(part_id: int) -> int | None:
    """The application a part belongs to (a console page returns there after a refused form); no credit
    data is read."""
    with unit_of_work() as s:
        return s.scalar(select(RepairPart.application_id).where(RepairPart.id == part_id))



# --- the decision --------------------------------------------------------------------------------------


def _decided(part: RepairPart) -> Conflict:
    """The loser of two decisions on one part learns what was decided (409)."""
    return Conflict(
        "repair_part_decided",
        f"该事项已于{part.decided_on}由{part.decided_by or '认定部门'}作出决定（{PART_STATUS_NAMES[part.status]}），"
        "不能再次决定",
        details={"status": part.status, "status_name": PART_STATUS_NAMES[part.status],
                 "decided_on": part.decided_on.isoformat() if part.decided_on else None,
                 "decided_by": part.decided_by},
    )


def load_part(session: Session, part_id: int) -> tuple[RepairPart, RepairApplication]:
    part = session.get(RepairPart, part_id, with_for_update=True)
    if part is None:
        raise NotFound("repair_part_not_found", "未找到该修复事项")
    app = session.get(RepairApplication, part.application_id)
    assert app is not None
    return part, app


def receivers(session: Session) -> list[str]:
    """Every connected platform and subscribed unit: each active outbox channel hears of every repair
    (令第36号 第三条: 各领域信用信息系统 stop disclosing and sharing the repaired information)."""
    from xinyong.core.outbox import OutboxChannel

    return list(session.scalars(select(OutboxChannel.name).where(OutboxChannel.active.is_(True))
                                .order_by(OutboxChannel.name)))


def _last_message_id(session: Session) -> int:
    from xinyong.core.outbox import OutboxMessage

    session.flush()
    return int(session.scalar(select(func.max(OutboxMessage.id))) or 0)


def _caused_messages(session: Session, after_id: int, subject_key: str) -> list[int]:
    """Outbox messages about this subject written in this transaction by the change's event handlers."""
    from xinyong.core.outbox import OutboxMessage

    session.flush()
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.payload).where(
        OutboxMessage.id > after_id, OutboxMessage.topic.like("push.%")).order_by(OutboxMessage.id)).all()
    return [int(mid) for mid, payload in rows if isinstance(payload, dict) and payload.get("subject_key") == subject_key]


def _push(session: Session, payload: dict[str, Any]) -> list[int]:
    """One outbox message for the repair with one delivery per receiver, in the decision's transaction."""
    to = receivers(session)
    if not to:
        return []
    from xinyong.core import outbox

    return [outbox.enqueue(session, "repair.granted", payload, to).id]


def decide(
    session: Session,
    actor: Actor,
    part: RepairPart,
    app: RepairApplication,
    *,
    grant: bool,
    reason: str | None = None,
    remedy: str | None = None,
    decision_number: str | None = None,
    today: dt.date | None = None,
) -> RepairPart:
    """Write the decision on ``part`` (access decided by :func:`decide_part`); a grant changes everything
    in this transaction."""
    on = today or clock.today()
    if part.status != "pending":
        raise _decided(part)
    by = actor.department or actor.name
    number = (decision_number or "").strip() or None
    decided = {"decided_on": on, "decided_at": clock.now(), "decided_by": by, "decision_number": number}
    if not grant:
        if not (reason or "").strip() or not (remedy or "").strip():
            raise ValidationFailed("refusal_needs_reason", "不予修复须写明理由和救济途径（整改后可再次申请的条件）")
        if not claim(session, part, "status", ["pending"], {
                **decided, "status": "refused", "reason": (reason or "").strip(), "remedy": (remedy or "").strip()}):
            raise _decided(part)
        return part

    region = subject_region(session, app.subject_key)
    view = target(session, part.target_kind, part.target_id, app.subject_key, region, on)
    rule, assessment = assess(session, view, part.declared, part.corrected_on, on)
    if rule is None or not assessment.ok:
        raise ValidationFailed(
            "repair_conditions_unmet",
            "不符合修复条件，不能准予修复：" + "；".join(p.reason for p in assessment.problems)
            + "。请作出不予修复决定并写明理由和救济途径。",
            details=[p.as_dict() for p in assessment.problems],
        )
    outcome = rule.outcome
    # the part is claimed before anything else changes: a concurrent refusal or grant of the same part
    # finds it decided and gets the 409, never a record repaired under a refused part
    if not claim(session, part, "status", ["pending"], {
            **decided, "status": "granted", "outcome": outcome.value, "reason": None, "remedy": None}):
        raise _decided(part)
    note = f"信用修复（申请号{app.number}，{by}准予）"
    before = _last_message_id(session)
    if part.target_kind == "record":
        from xinyong.records import service as records

        # only a record still in force is repaired (the assessment required it): one revoked meanwhile by an
        # upheld objection is not overwritten
        records.set_status(session, part.target_id, R.RECORD_STATUS_OF[outcome], note,
                           expect=("active",))
    else:
        from xinyong.listing import service as listing

        listing.end_listing(session, part.target_id, "repaired", actor, on, document=part.decision_number)
    event = RepairGranted(
        subject_key=app.subject_key, subject=subject_card(session, app.subject_key),
        application=app.number, part_id=part.id, target_kind=part.target_kind, target_id=part.target_id,
        target_code=part.target_code, target_label=part.target_label, department=part.department,
        decision_number=part.decision_number, outcome=outcome.value, outcome_name=R.OUTCOME_NAMES[outcome],
        decided_on=on.isoformat(), decided_by=by,
    )
    session.flush()
    # the targeted push the change itself caused (measures: record.status_changed / listing.ended to the
    # subscribed implementing units) is part of the repair too: completeness waits for it as well
    part.messages = _caused_messages(session, before, app.subject_key) + _push(session, event.payload())
    publish(session, event)
    session.flush()
    return part
