"""Joint punishment cases (联合惩戒案例): initiated → responded → feedback (发改办财金〔2018〕893号 §七
“实现失信联合惩戒发起—响应—反馈的自动化，及时归集上报失信联合惩戒案例”).

A case opens only for a measure the engine finds for the subject and matter (the guardrails of
:func:`xinyong.measures.rules.check_proposal`: in the list in force, triggered, not withheld for
leniency, and never a third-category measure — no unit may be forced to punish, 49号 §（九））.
The unit responds whether it applied the measure (a reason is required when it did not; an applied
period may not run beyond the listed end, 49号 §（十）) and then reports the result. The response
deadline is counted in working days (:mod:`xinyong.core.workdays`); it is set by the initiating
unit — no statute fixes it. 典型案例 can be flagged for reporting (893 §二十).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xinyong.core.outbox import OutboxChannel, enqueue
from xinyong.core.policy import Role
from xinyong.core.workdays import add_workdays, workdays_between
from xinyong.measures import service
from xinyong.measures.catalog import measure_set
from xinyong.measures.models import CaseEvent, PunishmentCase
from xinyong.measures.rules import MATTERS, check_matter, check_proposal
from xinyong.subjects.service import require

STATUS_NAMES = {"initiated": "已发起，待响应", "responded": "已响应，待反馈", "feedback": "已反馈"}
MAX_RESPONSE_WORKDAYS = 60


def _event(session: Session, case: PunishmentCase, action: str, actor: Actor, **detail: Any) -> None:
    session.add(CaseEvent(case_id=case.id, at=clock.now(), action=action, actor=actor.name, detail=detail))


def _push(session: Session, case: PunishmentCase, topic: str) -> None:
    """Push the case to the unit's channels, if the unit has any (893 §六 定向推送)."""
    channels = list(session.scalars(select(OutboxChannel.name).where(
        OutboxChannel.unit == case.unit, OutboxChannel.active.is_(True))))
    if channels:
        enqueue(session, topic, {"case": describe(case)}, channels)


def open_case(session: Session, actor: Actor, *, code: str, measure: str, matter: str, unit: str | None,
              respond_within_workdays: int, on: dt.date | None = None) -> PunishmentCase:
    on = on or clock.today()
    matter_ = check_matter(matter)
    if matter_ is None:
        raise ValidationFailed("matter_required", "发起联合惩戒必须写明行政事项（matter）")
    if not 1 <= respond_within_workdays <= MAX_RESPONSE_WORKDAYS:
        raise ValidationFailed("invalid_deadline", f"响应时限须为1至{MAX_RESPONSE_WORKDAYS}个工作日")
    target = (unit or (actor.department if actor.role is Role.implementing_unit else None) or "").strip()
    if not target:
        raise ValidationFailed("unit_required", "必须写明响应的实施单位（unit）")
    subject = require(session, code)
    ms = measure_set()
    decision = service.live_decision(session, subject, on, matter_, actor.region_code)
    applicable = check_proposal(decision, ms, measure, region=actor.region_code, as_obligation=True)
    due = add_workdays(on, respond_within_workdays)
    m, d = applicable.measure, applicable.derivation
    case = PunishmentCase(
        subject_key=subject.subject_key, subject_name=subject.name, subject_display_code=subject.display_code,
        subject_region=subject.region_code, measure_code=m.code, measure_name=m.name,
        category=int(m.category), obligation=m.is_obligation, matter=matter_, basis=m.cite(),
        trigger={"kind": d.source_kind, "id": d.source_id, "label": d.source_label, "via_role": d.via_role},
        measure_end=d.end, explanation=applicable.as_dict()["explanation"], unit=target,
        unit_region=actor.region_code, initiated_by=actor.name, initiated_at=clock.now(),
        due_date=due.date, due_provisional=due.provisional, status="initiated", typical=False,
    )
    session.add(case)
    session.flush()
    _event(session, case, "initiated", actor, unit=target, due_date=due.date.isoformat())
    _push(session, case, "case.initiated")
    return case


def get_case(session: Session, case_id: int, *, lock: bool = False) -> PunishmentCase:
    case = session.get(PunishmentCase, case_id, with_for_update=lock)
    if case is None:
        raise NotFound("case_not_found", "未找到该联合惩戒案例")
    return case


def _may_act_for(actor: Actor, case: PunishmentCase) -> None:
    if actor.role in (Role.admin, Role.credit_office):
        return
    if actor.role is Role.implementing_unit and actor.department == case.unit:
        return
    raise Forbidden("not_case_unit", f"只有被推送的实施单位（{case.unit}）可以响应或反馈该案例")


def respond(session: Session, actor: Actor, case_id: int, *, applied: bool, reason: str | None = None,
            applied_until: dt.date | None = None, on: dt.date | None = None) -> PunishmentCase:
    on = on or clock.today()
    case = get_case(session, case_id, lock=True)
    _may_act_for(actor, case)
    if case.status != "initiated":
        raise Conflict("case_already_responded", f"该案例当前状态为“{STATUS_NAMES[case.status]}”，不能重复响应")
    reason = (reason or "").strip() or None
    if not applied and reason is None:
        raise ValidationFailed("reason_required", "未实施惩戒措施的，必须说明理由")
    if applied:
        subject = require_key(session, case.subject_key)
        decision = service.live_decision(session, subject, on, case.matter, case.unit_region)
        # no aggravation, and only while the fact still triggers the measure (49号 §（十））
        check_proposal(decision, measure_set(), case.measure_code, until=applied_until,
                       region=case.unit_region, as_obligation=True)
    case.status = "responded"
    case.responded_at = clock.now()
    case.responded_by = actor.name
    case.applied = applied
    case.applied_until = applied_until if applied else None
    case.not_applied_reason = None if applied else reason
    _event(session, case, "responded", actor, applied=applied, reason=reason,
           applied_until=applied_until.isoformat() if applied_until else None)
    return case


def require_key(session: Session, key: str) -> Any:
    from xinyong.subjects.models import Subject

    subject = session.scalar(select(Subject).where(Subject.subject_key == key))
    if subject is None:
        raise NotFound("subject_not_found", "未找到该信用主体")
    return subject


def feedback(session: Session, actor: Actor, case_id: int, *, result: str) -> PunishmentCase:
    case = get_case(session, case_id, lock=True)
    _may_act_for(actor, case)
    if case.status != "responded":
        raise Conflict("case_not_responded", f"该案例当前状态为“{STATUS_NAMES[case.status]}”，须先响应再反馈")
    result = result.strip()
    if not result:
        raise ValidationFailed("result_required", "反馈必须写明实施结果")
    case.status = "feedback"
    case.feedback_at = clock.now()
    case.feedback_by = actor.name
    case.feedback_result = result[:4000]
    _event(session, case, "feedback", actor, result=case.feedback_result)
    return case


def flag_typical(session: Session, actor: Actor, case_id: int, *, typical: bool, note: str | None) -> PunishmentCase:
    case = get_case(session, case_id, lock=True)
    if typical and case.status != "feedback":
        raise Conflict("case_not_finished", "只有已反馈的案例才能标记为典型案例")
    case.typical = typical
    case.typical_note = (note or "").strip() or None
    _event(session, case, "typical" if typical else "untypical", actor, note=case.typical_note)
    return case


def _china_date(at: dt.datetime) -> dt.date:
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).date()


def overdue(case: PunishmentCase, today: dt.date) -> bool:
    """Not responded by the end of the due date (a late response stays overdue in the record)."""
    if case.status == "initiated" or case.responded_at is None:
        return today > case.due_date
    return _china_date(case.responded_at) > case.due_date


def describe(case: PunishmentCase, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    late_days = 0
    if overdue(case, today):
        end = _china_date(case.responded_at) if case.responded_at else today
        late_days = workdays_between(case.due_date, end)
    return {
        "id": case.id,
        "status": case.status,
        "status_name": STATUS_NAMES[case.status],
        "subject": {"code": case.subject_display_code, "name": case.subject_name,
                    "region_code": case.subject_region},
        "measure": case.measure_code,
        "measure_name": case.measure_name,
        "category": case.category,
        "obligation": case.obligation,
        "matter": case.matter,
        "matter_name": MATTERS.get(case.matter, case.matter),
        "basis": case.basis,
        "trigger": case.trigger,
        "measure_end": case.measure_end.isoformat() if case.measure_end else None,
        "explanation": case.explanation,
        "unit": case.unit,
        "unit_region": case.unit_region,
        "initiated_by": case.initiated_by,
        "initiated_at": case.initiated_at.isoformat(),
        "due_date": case.due_date.isoformat(),
        "due_provisional": case.due_provisional,
        "overdue": overdue(case, today),
        "overdue_workdays": late_days,
        "responded_at": case.responded_at.isoformat() if case.responded_at else None,
        "responded_by": case.responded_by,
        "applied": case.applied,
        "applied_until": case.applied_until.isoformat() if case.applied_until else None,
        "not_applied_reason": case.not_applied_reason,
        "feedback_at": case.feedback_at.isoformat() if case.feedback_at else None,
        "feedback_result": case.feedback_result,
        "typical": case.typical,
        "typical_note": case.typical_note,
    }


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    return [{"at": e.at.isoformat(), "action": e.action, "actor": e.actor, "detail": e.detail} for e in rows]


def list_cases(session: Session, actor: Actor, *, status: str | None = None, unit: str | None = None,
               overdue_only: bool = False, typical: bool | None = None, limit: int = 200) -> list[PunishmentCase]:
    q = select(PunishmentCase).order_by(PunishmentCase.id.desc())
    if actor.role is Role.implementing_unit:
        q = q.where(PunishmentCase.unit == (actor.department or ""))  # a unit sees its own cases
    elif unit:
        q = q.where(PunishmentCase.unit == unit)
    if status:
        if status not in STATUS_NAMES:
            raise ValidationFailed("invalid_status", "状态须为 initiated、responded 或 feedback")
        q = q.where(PunishmentCase.status == status)
    if typical is not None:
        q = q.where(PunishmentCase.typical.is_(typical))
    rows = list(session.scalars(q.limit(limit if not overdue_only else 100_000)))
    if overdue_only:
        today = clock.today()
        rows = [c for c in rows if overdue(c, today)][:limit]
    return rows


GROUPS = {"unit": "unit", "measure": "measure_code", "region": "subject_region"}


def statistics(session: Session, actor: Actor, by: str) -> list[dict[str, Any]]:
    """Counts per unit, measure or region (the subject's region)."""
    if by not in GROUPS:
        raise ValidationFailed("invalid_group", "统计维度须为 unit（实施单位）、measure（措施）或 region（地区）")
    today = clock.today()
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in list_cases(session, actor, limit=1_000_000):
        row = table[getattr(case, GROUPS[by])]
        row["total"] += 1
        row[case.status] += 1
        if case.applied is True:
            row["applied"] += 1
        if case.applied is False:
            row["not_applied"] += 1
        if overdue(case, today):
            row["overdue"] += 1
        if case.typical:
            row["typical"] += 1
    keys = ("total", "initiated", "responded", "feedback", "applied", "not_applied", "overdue", "typical")
    return [{"key": k, **{c: v.get(c, 0) for c in keys}} for k, v in sorted(table.items())]
