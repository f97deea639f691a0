"""Joint punishment cases (联合惩戒案例): initiated → responded → feedback (发改办财金〔2018〕893号 §七
“实现失信联合惩戒发起—响应—反馈的自动化，及时归集上报失信联合惩戒案例”), and closed when what the
case rests on ends (国办发〔2020〕49号 §（二）: 惩戒须以具有法律效力的文书为依据).

Every entry point (API, console, CLI) calls one use case here: the actor comes in, :func:`use_case`
opens the unit of work and logs the access, and every refusal is logged in its own transaction.

- A case is pushed to a unit of the registry of implementing units (:mod:`xinyong.measures.units`, 893 §六
  定向推送): the initiator picks it by its principal id (``unit_id``) or its exact registered name; free
  text such as “某某单位” is refused with the reason. The push carries what the unit is entitled to
  (:mod:`xinyong.measures.envelope`).
- Only that unit responds and reports feedback. The recipient reads its cases; the initiator its own;
  a credit office those of subjects or units in its territory; the administrator all.
- A case opens only for a measure the engine finds for the subject and matter (the guardrails of
  :func:`xinyong.measures.rules.check_proposal`: in the list in force, triggered, not withheld for
  leniency, never a third-category measure — no unit may be forced to punish, 49号 §（九））.
  It records the listing or record it rests on (``basis_kind`` / ``basis_id``).
- The unit responds whether it applied the measure (a reason is required when it did not; an applied
  period may not run beyond the listed end, 49号 §（十）) and then reports the result. Both deadlines are
  counted in working days (:mod:`xinyong.core.workdays`) from ``rules/national/joint_punishment/
  deadlines.yaml``: no statute fixes them, so the data carries ``basis_verified: false``; the initiator
  may choose another response period within its bounds. Overdue cases are listed for the credit office
  (:func:`overdue_cases`) and the figures roll up by region (:func:`regional_figures`). Two responses
  racing on one case: the case row is taken first and the change is a conditional update, so exactly
  one wins and the other gets 409. 典型案例 can be flagged for reporting (893 §二十).
- When the listing ends or the record is withdrawn or repaired, :func:`close_resting_on` closes the
  case, appends the event and tells the unit (``push.case.closed``), except a measure whose rule says
  it survives repair (``survives_repair``), which stays with its basis shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import SYSTEM, Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.db import claim, within_region
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.models import Principal
from xinyong.core.policy import Role
from xinyong.core.regions import is_division
from xinyong.core.usecase import Door, use_case
from xinyong.core.workdays import add_workdays, workdays_between
from xinyong.measures import service, units
from xinyong.measures.catalog import load_deadlines, measure_set
from xinyong.measures.envelope import push_case
from xinyong.measures.joint_rules import FIGURES, StagePeriod, roll_up
from xinyong.measures.models import CaseEvent, PunishmentCase
from xinyong.measures.rules import MATTERS, check_matter, check_proposal
from xinyong.subjects.public import SubjectView, require_subject, require_subject_key

STATUS_NAMES = {"initiated": "已发起，待响应", "responded": "已响应，待反馈", "feedback": "已反馈",
                "closed": "已终止（作为依据的名单或记录已失效）"}
#: why a case closes (国办发〔2020〕49号 §（二）; 令第36号 第三条: 信用修复后同步依法依规解除失信惩戒措施)
CLOSE_REASONS = {
    ("listing", False): "作为依据的名单已移出",
    ("record", False): "作为依据的失信行为记录已撤销",
    ("listing", True): "作为依据的名单已因信用修复移出",
    ("record", True): "作为依据的失信行为记录已完成信用修复",
}
EVENT_NAMES = {"initiated": "发起", "responded": "响应", "feedback": "反馈", "typical": "标记典型",
               "untypical": "取消典型", "closed": "终止", "kept_after_repair": "修复后继续实施"}


# --- helpers ----------------------------------------------------------------------------------------


def _event(session: Session, case: PunishmentCase, action: str, actor: Actor, **detail: Any) -> None:
    session.add(CaseEvent(case_id=case.id, at=clock.now(), action=action, actor=actor.name, detail=detail))


def _push(session: Session, case: PunishmentCase, topic: str) -> None:
    """Push the case to the registered unit's channel, if it has one (893 §六 定向推送), with what the
    unit is entitled to see of the subject (:mod:`xinyong.measures.envelope`)."""
    if case.unit_principal_id is None:
        return
    unit = units.registered(session, case.unit_principal_id)
    if unit is None or not unit.channel:
        return
    role = str((case.trigger or {}).get("via_role") or "subject")
    push_case(session, unit, topic, describe(case), subject_key=case.subject_key, measure_code=case.measure_code,
              role=role)


def _resolve_unit(session: Session, actor: Actor, unit_id: int | None, unit: str | None) -> Principal:
    """The registered implementing unit a case is pushed to (893 §六/§七: 发起—响应—反馈 between units in
    the registry, :mod:`xinyong.measures.units`). A name is accepted only when it is exactly the
    registered name of one unit; anything else is refused with the reason."""
    row = None
    if unit_id is not None:
        row = units.registered(session, unit_id)
        if row is None:
            raise ValidationFailed("unit_not_registered",
                                   f"编号为{unit_id}的单位不在实施单位名录中，联合惩戒案例只能推送给名录中登记的实施单位")
    else:
        name = (unit or "").strip()
        if not name:
            if actor.role is Role.implementing_unit and actor.id is not None:
                row = units.registered(session, actor.id)  # a unit opens a case for itself
            if row is None:
                raise ValidationFailed("unit_required", "必须从实施单位名录中选择响应的实施单位（unit_id）")
        else:
            found = units.by_name(session, name)
            if not found:
                raise ValidationFailed(
                    "unit_not_registered",
                    f"“{name}”不是实施单位名录中登记的单位，联合惩戒案例只能推送给名录中的实施单位，请从名录中选择")
            if len(found) > 1:
                raise ValidationFailed("unit_ambiguous", f"名称“{name}”对应{len(found)}个登记的实施单位，请以 unit_id 指明")
            row = found[0]
    p = session.get(Principal, row.principal_id)
    if p is None or p.role != Role.implementing_unit.value or not p.active:
        raise ValidationFailed("unit_not_registered", f"“{row.name}”的单位账户已停用，不能向其推送联合惩戒案例")
    return p


@lru_cache(maxsize=1)
def deadlines() -> dict[str, StagePeriod]:
    """The working-day periods of 响应 and 反馈 (:func:`xinyong.measures.catalog.load_deadlines`)."""
    return load_deadlines()


def _lock(session: Session, case_id: int) -> PunishmentCase:
    """Take the case row before reading or writing anything else: a no-op UPDATE is the first statement,
    so two responses racing queue on the row (PostgreSQL row lock, SQLite write lock) and the later one
    reads the status the earlier one committed. A SQLite writer that still loses (busy) gets the 409."""
    try:
        session.execute(update(PunishmentCase).where(PunishmentCase.id == case_id)
                        .values(status=PunishmentCase.status).execution_options(synchronize_session=False))
        case = session.get(PunishmentCase, case_id, populate_existing=True)
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise Conflict("case_busy", "该案例正被他人同时处理，本次操作未生效，请刷新后重试") from None
        raise
    if case is None:
        raise NotFound("case_not_found", "未找到该联合惩戒案例")
    return case


def _advance(session: Session, case: PunishmentCase, expected: str, values: dict[str, Any], what: str) -> None:
    """The state change as a conditional update (``… WHERE status = expected``): exactly one of two racing
    writers changes the row; the other gets 409."""
    if not claim(session, case, "status", [expected], values):
        raise Conflict("case_state_changed", f"该案例已被他人{what}，本次操作未生效")


def _get(session: Session, case_id: int, *, lock: bool = False) -> PunishmentCase:
    case = session.get(PunishmentCase, case_id, with_for_update=lock)
    if case is None:
        raise NotFound("case_not_found", "未找到该联合惩戒案例")
    return case


def _is_recipient(actor: Actor, case: PunishmentCase) -> bool:
    if actor.role is not Role.implementing_unit:
        return False
    if case.unit_principal_id is not None:
        return actor.id == case.unit_principal_id
    return actor.department == case.unit  # a case opened before units were named by principal id


def _is_initiator(actor: Actor, case: PunishmentCase) -> bool:
    return case.initiated_by_principal_id is not None and actor.id == case.initiated_by_principal_id


def read_denial(actor: Actor, case: PunishmentCase) -> str | None:
    """Who may read a case: the recipient unit, the initiator, a credit office whose territory holds the
    subject or the unit, the administrator."""
    if actor.role is Role.admin or _is_recipient(actor, case) or _is_initiator(actor, case):
        return None
    if actor.role is Role.credit_office:
        by_subject = territory_denial(actor.region_code, case.subject_region, "查看该联合惩戒案例")
        if by_subject is None or (case.unit_region and territory_denial(
                actor.region_code, case.unit_region, "查看该联合惩戒案例") is None):
            return None
        return by_subject
    return "只能查看推送给本单位或本单位发起的联合惩戒案例"


def _unit_denial(actor: Actor, case: PunishmentCase) -> str | None:
    if _is_recipient(actor, case):
        return None
    return f"只有被推送的实施单位（{case.unit}）可以响应或反馈该案例"


def _region_clause(column: Any, region: str | None) -> ColumnElement[bool]:
    return false() if region is None else within_region(column, region)


def _scope(actor: Actor) -> ColumnElement[bool] | None:
    """The cases ``actor`` may see, as a WHERE clause (None: all)."""
    if actor.role is Role.admin:
        return None
    mine = PunishmentCase.initiated_by_principal_id == actor.id
    if actor.role is Role.implementing_unit:
        legacy = (PunishmentCase.unit_principal_id.is_(None)) & (PunishmentCase.unit == (actor.department or ""))
        return or_(PunishmentCase.unit_principal_id == actor.id, legacy, mine)
    if actor.role is Role.credit_office:
        return or_(mine, _region_clause(PunishmentCase.subject_region, actor.region_code),
                   _region_clause(PunishmentCase.unit_region, actor.region_code))
    return mine


# --- use cases --------------------------------------------------------------------------------------


def open_case(actor: Actor, *, code: str, measure: str, matter: str, unit_id: int | None = None,
              unit: str | None = None, respond_within_workdays: int | None = None,
              on: dt.date | None = None) -> dict[str, Any]:
    """发起: push a measure the engine finds for the subject to a registered implementing unit."""
    with use_case(actor, "measures.case_open", purpose=Purpose.joint_punishment,
                  detail={"measure": measure, "matter": matter}) as door:
        subject = require_subject(door.session, code)
        door.admit(subject_key=subject.subject_key)
        return describe(_open(door, subject, measure=measure, matter=matter, unit_id=unit_id, unit=unit,
                              respond_within_workdays=respond_within_workdays, on=on))


def _open(door: Door, subject: SubjectView, *, measure: str, matter: str, unit_id: int | None, unit: str | None,
          respond_within_workdays: int | None, on: dt.date | None) -> PunishmentCase:
    session, actor = door.session, door.actor
    on = on or clock.today()
    matter_ = check_matter(matter)
    if matter_ is None:
        raise ValidationFailed("matter_required", "发起联合惩戒必须写明行政事项（matter）")
    period = deadlines()["response"]
    workdays = period.choose(respond_within_workdays)
    target = _resolve_unit(session, actor, unit_id, unit)
    registry = units.registered(session, target.id)
    region = registry.region_code if registry is not None else target.region_code
    decision = service.live_decision(session, subject, on, matter_, region)
    applicable = check_proposal(decision, measure_set(), measure, region=region, as_obligation=True)
    due = add_workdays(on, workdays)
    m, d = applicable.measure, applicable.derivation
    case = PunishmentCase(
        subject_key=subject.subject_key, subject_name=subject.name, subject_display_code=subject.display_code,
        subject_region=subject.region_code, measure_code=m.code, measure_name=m.name,
        category=int(m.category), obligation=m.is_obligation, matter=matter_, basis=m.cite(),
        trigger={"kind": d.source_kind, "id": d.source_id, "label": d.source_label, "via_role": d.via_role},
        basis_kind=d.source_kind, basis_id=d.source_id,
        measure_end=d.end, explanation=applicable.as_dict()["explanation"], unit=registry.name if registry is not None else target.name,
        unit_principal_id=target.id, unit_region=region, initiated_by=actor.name,
        initiated_by_principal_id=actor.id, initiated_at=clock.now(),
        due_date=due.date, due_provisional=due.provisional, status="initiated", typical=False,
    )
    session.add(case)
    session.flush()
    door.detail.update({"case_id": case.id, "unit_id": target.id})
    _event(session, case, "initiated", actor, unit=case.unit, unit_id=target.id,
           due_date=due.date.isoformat(), workdays=workdays, period_basis=period.cite())
    _push(session, case, "push.case.initiated")
    return case


def read_case(actor: Actor, case_id: int) -> dict[str, Any]:
    with use_case(actor, "measures.case_read", purpose=Purpose.joint_punishment,
                  detail={"case_id": case_id}) as door:
        case = _get(door.session, case_id)
        door.subject_key = case.subject_key
        door.require(read_denial(actor, case), code="not_case_party")
        door.admit(result_count=1)
        return {**describe(case), "history": history(door.session, case_id)}


def respond(actor: Actor, case_id: int, *, applied: bool, reason: str | None = None,
            applied_until: dt.date | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """响应: the unit says whether it applied the measure (a reason when it did not)."""
    with use_case(actor, "measures.case_respond", purpose=Purpose.joint_punishment,
                  detail={"case_id": case_id, "applied": applied}) as door:
        session = door.session
        on = on or clock.today()
        case = _lock(session, case_id)
        door.subject_key = case.subject_key
        door.require(_unit_denial(actor, case), code="not_case_unit")
        door.admit()
        if case.status != "initiated":
            raise Conflict("case_already_responded", f"该案例当前状态为“{STATUS_NAMES[case.status]}”，不能响应")
        reason = (reason or "").strip() or None
        if not applied and reason is None:
            raise ValidationFailed("reason_required", "未实施惩戒措施的，必须说明理由")
        if applied:
            subject = require_key(session, case.subject_key)
            decision = service.live_decision(session, subject, on, case.matter, case.unit_region)
            # no aggravation, and only while the fact still triggers the measure (49号 §（十））
            check_proposal(decision, measure_set(), case.measure_code, until=applied_until,
                           region=case.unit_region, as_obligation=True)
        fb = add_workdays(on, deadlines()["feedback"].default_workdays)
        _advance(session, case, "initiated", {
            "status": "responded", "responded_at": clock.now(), "responded_by": actor.name, "applied": applied,
            "applied_until": applied_until if applied else None, "not_applied_reason": None if applied else reason,
            "feedback_due": fb.date, "feedback_due_provisional": fb.provisional}, "响应")
        _event(session, case, "responded", actor, applied=applied, reason=reason,
               applied_until=applied_until.isoformat() if applied_until else None,
               feedback_due=fb.date.isoformat(), period_basis=deadlines()["feedback"].cite())
        return describe(case)


def require_key(session: Session, key: str) -> SubjectView:
    return require_subject_key(session, key)


def feedback(actor: Actor, case_id: int, *, result: str) -> dict[str, Any]:
    """反馈: the unit reports the result of applying the measure."""
    with use_case(actor, "measures.case_respond", purpose=Purpose.joint_punishment,
                  detail={"case_id": case_id, "feedback": True}) as door:
        case = _lock(door.session, case_id)
        door.subject_key = case.subject_key
        door.require(_unit_denial(actor, case), code="not_case_unit")
        door.admit()
        if case.status != "responded":
            raise Conflict("case_not_responded", f"该案例当前状态为“{STATUS_NAMES[case.status]}”，须先响应再反馈")
        result = result.strip()
        if not result:
            raise ValidationFailed("result_required", "反馈必须写明实施结果")
        _advance(door.session, case, "responded", {
            "status": "feedback", "feedback_at": clock.now(), "feedback_by": actor.name,
            "feedback_result": result[:4000]}, "反馈")
        _event(door.session, case, "feedback", actor, result=case.feedback_result)
        return describe(case)


def flag_typical(actor: Actor, case_id: int, *, typical: bool, note: str | None) -> dict[str, Any]:
    """典型案例 for reporting (893 §二十)."""
    with use_case(actor, "measures.case_typical", purpose=Purpose.supervision,
                  detail={"case_id": case_id, "typical": typical}) as door:
        case = _get(door.session, case_id, lock=True)
        door.subject_key = case.subject_key
        door.require(read_denial(actor, case), code="not_case_party")
        door.admit()
        if typical and case.status != "feedback":
            raise Conflict("case_not_finished", "只有已反馈的案例才能标记为典型案例")
        case.typical = typical
        case.typical_note = (note or "").strip() or None
        _event(door.session, case, "typical" if typical else "untypical", actor, note=case.typical_note)
        return describe(case)


def _query(session: Session, actor: Actor, *, status: str | None, unit: str | None,
           typical: bool | None) -> Any:
    q = select(PunishmentCase).order_by(PunishmentCase.id.desc())
    scope = _scope(actor)
    if scope is not None:
        q = q.where(scope)
    if unit:
        q = q.where(PunishmentCase.unit == unit)
    if status:
        if status not in STATUS_NAMES:
            raise ValidationFailed("invalid_status", "状态须为 initiated、responded、feedback 或 closed")
        q = q.where(PunishmentCase.status == status)
    if typical is not None:
        q = q.where(PunishmentCase.typical.is_(typical))
    return q


def list_cases(actor: Actor, *, status: str | None = None, unit: str | None = None, overdue_only: bool = False,
               typical: bool | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The cases the actor may see (its own, its territory's, or all for the administrator)."""
    with use_case(actor, "measures.case_read", purpose=Purpose.joint_punishment,
                  detail={"status": status, "unit": unit, "overdue": overdue_only}) as door:
        door.admit()
        q = _query(door.session, actor, status=status, unit=unit, typical=typical)
        rows = list(door.session.scalars(q.limit(limit if not overdue_only else 100_000)))
        if overdue_only:
            today = clock.today()
            rows = [c for c in rows if overdue(c, today)][:limit]
        door.count(len(rows))
        return [describe(c) for c in rows]


GROUPS = {"unit": "unit", "measure": "measure_code", "region": "subject_region"}


def statistics(actor: Actor, by: str) -> list[dict[str, Any]]:
    """Counts per unit, measure or region (the subject's region), over the cases the actor may see."""
    if by not in GROUPS:
        raise ValidationFailed("invalid_group", "统计维度须为 unit（实施单位）、measure（措施）或 region（地区）")
    with use_case(actor, "measures.case_read", purpose=Purpose.supervision, detail={"statistics": by}) as door:
        door.admit()
        today = clock.today()
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for case in door.session.scalars(_query(door.session, actor, status=None, unit=None, typical=None)):
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
        out = [{"key": k, **{c: v.get(c, 0) for c in keys}} for k, v in sorted(table.items())]
        for row_out, (_, v) in zip(out, sorted(table.items()), strict=True):
            if v.get("closed"):
                row_out["closed"] = v["closed"]
        return out


OVERDUE_STAGE_NAMES = {"response": "逾期未响应", "feedback": "逾期未反馈"}


def overdue_cases(actor: Actor, *, region: str | None = None) -> list[dict[str, Any]]:
    """The cases still waiting for a response or a feedback past their due date, for the credit office of
    the territory (the unit's or the subject's region within it), oldest due date first."""
    with use_case(actor, "measures.case_read", purpose=Purpose.supervision,
                  detail={"overdue": True, "region": region}) as door:
        if region is not None:
            if not is_division(region):
                raise ValidationFailed("invalid_region", "行政区划代码无效")
            door.require(territory_denial(actor.region_code, region, "查看该地区的逾期案例")
                         if actor.role is not Role.admin else None, code="out_of_territory")
        door.admit()
        today = clock.today()
        q = _query(door.session, actor, status=None, unit=None, typical=None).where(
            PunishmentCase.status.in_(("initiated", "responded")))
        if region is not None:
            q = q.where(or_(within_region(PunishmentCase.unit_region, region),
                            within_region(PunishmentCase.subject_region, region)))
        out = []
        for case in door.session.scalars(q):
            stage = pending_overdue(case, today)
            if stage is None:
                continue
            due = case.due_date if stage == "response" else case.feedback_due
            assert due is not None
            out.append({**describe(case, today), "overdue_stage": stage,
                        "overdue_stage_name": OVERDUE_STAGE_NAMES[stage], "stage_due": due.isoformat(),
                        "late_workdays": workdays_between(due, today)})
        out.sort(key=lambda r: (r["stage_due"], r["id"]))
        door.count(len(out))
        return out


def regional_figures(actor: Actor, *, region: str | None = None) -> dict[str, Any]:
    """The figures of a territory rolled up for the office above (一处失信、处处受限 reported upward, 893 §七
    及时归集上报): one row per region directly below ``region`` (default: the actor's own), each summing its
    sub-regions, and the territory's total. A case counts in the region of the unit that applies the
    measure (the subject's region for cases without one)."""
    with use_case(actor, "measures.case_read", purpose=Purpose.supervision,
                  detail={"figures_by_region": region}) as door:
        office = region or actor.region_code or ("100000" if actor.role is Role.admin else None)
        if office is None or not is_division(office):
            door.refuse("本单位未登记行政区划代码，不能查看地区统计", code="out_of_territory")
        if actor.role is not Role.admin:
            door.require(territory_denial(actor.region_code, office, "查看该地区的联合惩戒统计"),
                         code="out_of_territory")
        door.admit()
        today = clock.today()
        counters: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        q = select(PunishmentCase)
        if office != "100000":
            q = q.where(or_(within_region(PunishmentCase.unit_region, office),
                            within_region(PunishmentCase.subject_region, office)))
        for case in door.session.scalars(q):
            where = case.unit_region or case.subject_region
            row = counters[where]
            row["total"] += 1
            row[case.status] += 1
            row["applied"] += case.applied is True
            row["not_applied"] += case.applied is False
            row["response_overdue"] += overdue(case, today)
            row["feedback_overdue"] += feedback_overdue(case, today)
            row["typical"] += bool(case.typical)
        rows = roll_up(counters.items(), office)
        from xinyong.core.regions import division_name

        for r in rows:
            r["region_name"] = division_name(r["region_code"])
        door.count(len(rows))
        return {"region_code": office, "region_name": division_name(office), "rows": rows}


# --- consequences (run in the publisher's transaction: xinyong.measures.push subscribes them) -----


def close_resting_on(session: Session, basis_kind: str, basis_id: int, *, repair: bool,
                     cause: dict[str, Any]) -> list[int]:
    """Close every case not yet closed that rests on the listing or record ``basis_id`` (49号 §（二）;
    令第36号 第三条: 修复后同步依法依规解除失信惩戒措施), append the event and tell the unit
    (``push.case.closed``). After a repair, a measure that survives repair stays, with its basis."""
    reason = CLOSE_REASONS[(basis_kind, repair)]
    closed: list[int] = []
    ms = measure_set()
    rows = session.scalars(select(PunishmentCase).where(
        PunishmentCase.basis_kind == basis_kind, PunishmentCase.basis_id == basis_id,
        PunishmentCase.status != "closed").order_by(PunishmentCase.id).with_for_update())
    for case in rows:
        m = ms.get(case.measure_code)
        if repair and m is not None and m.survives_repair:
            _event(session, case, "kept_after_repair", SYSTEM, reason=reason, **cause,
                   basis=m.survives_repair_cite(),
                   explanation=f"{reason}，但该措施依据{m.survives_repair_cite()}在规定期限内继续实施")
            _push(session, case, "push.case.kept")
            continue
        case.status = "closed"
        case.closed_at = clock.now()
        case.closed_reason = reason
        _event(session, case, "closed", SYSTEM, reason=reason, **cause)
        _push(session, case, "push.case.closed")
        closed.append(case.id)
    return closed


# --- views ------------------------------------------------------------------------------------------


def _china_date(at: dt.datetime) -> dt.date:
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).date()


def overdue(case: PunishmentCase, today: dt.date) -> bool:
    """Not responded by the end of the due date (a late response stays overdue in the record); a case
    closed before any response counts up to the day it closed."""
    if case.responded_at is not None:
        return _china_date(case.responded_at) > case.due_date
    if case.status == "closed" and case.closed_at is not None:
        return _china_date(case.closed_at) > case.due_date
    return today > case.due_date


def feedback_overdue(case: PunishmentCase, today: dt.date) -> bool:
    """Responded but no feedback by the end of the feedback due date (a late feedback stays overdue)."""
    if case.feedback_due is None:
        return False
    if case.feedback_at is not None:
        return _china_date(case.feedback_at) > case.feedback_due
    if case.status == "closed" and case.closed_at is not None:
        return _china_date(case.closed_at) > case.feedback_due
    return today > case.feedback_due


def pending_overdue(case: PunishmentCase, today: dt.date) -> str | None:
    """The stage a case is overdue in and still waiting for: ``response`` or ``feedback`` (None: none)."""
    if case.status == "initiated" and today > case.due_date:
        return "response"
    if case.status == "responded" and case.feedback_due is not None and today > case.feedback_due:
        return "feedback"
    return None


def describe(case: PunishmentCase, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    late_days = 0
    if overdue(case, today):
        end = _china_date(case.responded_at) if case.responded_at else (
            _china_date(case.closed_at) if case.closed_at else today)
        late_days = workdays_between(case.due_date, end)
    m = measure_set().get(case.measure_code)
    survives = m.survives_repair_cite() if m is not None and m.survives_repair else None
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
        "rests_on": {"kind": case.basis_kind, "id": case.basis_id} if case.basis_kind else None,
        "survives_repair": survives,
        "measure_end": case.measure_end.isoformat() if case.measure_end else None,
        "explanation": case.explanation,
        "unit": case.unit,
        "unit_id": case.unit_principal_id,
        "unit_region": case.unit_region,
        "initiated_by": case.initiated_by,
        "initiated_by_id": case.initiated_by_principal_id,
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
        "feedback_due": case.feedback_due.isoformat() if case.feedback_due else None,
        "feedback_due_provisional": bool(case.feedback_due_provisional),
        "feedback_overdue": feedback_overdue(case, today),
        "feedback_at": case.feedback_at.isoformat() if case.feedback_at else None,
        "feedback_result": case.feedback_result,
        "typical": case.typical,
        "typical_note": case.typical_note,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "closed_reason": case.closed_reason,
    }


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    return [{"at": e.at.isoformat(), "action": e.action, "action_name": EVENT_NAMES.get(e.action, e.action),
             "actor": e.actor, "detail": e.detail} for e in rows]
