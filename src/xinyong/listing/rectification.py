"""限期整改 (发改办财金〔2018〕893号 §二): the determining department orders a subject to rectify within
a period (public in principle) and confirms whether it did.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import Conflict, ValidationFailed
from xinyong.listing.history import append_history
from xinyong.listing.interviews import interview_row
from xinyong.listing.models import (
    Interview,
    RectificationOrder,
)
from xinyong.listing.rules import (
    GuardrailRefused,
    State,
)
from xinyong.listing.shared import flush_or_conflict, get_case, get_order, iso, require_owner


def order_rectification(
    session: Session, actor: Actor, case_id: int, *, requirements: str, due_on: dt.date, public: bool = True,
    not_public_reason: str | None = None, on: dt.date | None = None,
) -> RectificationOrder:
    """限期整改 (发改办财金〔2018〕893号 §二): requirements and period, public in principle."""
    on = on or clock.today()
    case = get_case(session, case_id)
    require_owner(actor, case)
    if case.state not in (State.decided.value, State.listed.value):
        raise GuardrailRefused("rectification_state", "只能对已作出认定决定或已列入名单的失信主体下达限期整改")
    text = " ".join((requirements or "").split())
    if not text:
        raise ValidationFailed("listing.requirements_required", "请填写整改要求")
    if due_on <= on:
        raise GuardrailRefused("rectification_due", "整改期限必须晚于下达日期")
    if not public and not (not_public_reason or "").strip():
        raise GuardrailRefused(
            "not_public_reason_required",
            "整改期限与失信信息原则上应向社会公示；确因特殊原因不能公示的，须说明原因并通过共享平台共享（893号§二）",
        )
    order = RectificationOrder(case_id=case.id, subject_key=case.subject_key, requirements=text, ordered_on=on,
                               due_on=due_on, public=public, not_public_reason=(not_public_reason or None),
                               status="open", version=1, created_at=clock.now())
    session.add(order)
    session.flush()
    append_history(session, case, action="order_rectification", from_state=case.state, to_state=case.state, on=on,
                   actor=actor, reason=text,
                   data={"rectification_id": order.id, "due_on": due_on.isoformat(), "public": public})
    flush_or_conflict(session)
    return order


def confirm_rectification(session: Session, actor: Actor, order_id: int, *, completed: bool, note: str,
                          on: dt.date | None = None) -> RectificationOrder:
    """确认整改到位 / 整改不到位 (893号 §二)."""
    on = on or clock.today()
    order = get_order(session, order_id)
    case = get_case(session, order.case_id)
    require_owner(actor, case)
    if order.status != "open":
        raise Conflict("listing.rectification_closed", "该整改通知已确认，不能重复确认")
    if not completed and on <= order.due_on:
        raise GuardrailRefused("rectification_not_due", f"整改期限至{order.due_on.isoformat()}，期满前不能认定整改不到位")
    text = " ".join((note or "").split())
    if not text:
        raise ValidationFailed("listing.note_required", "请填写确认说明")
    order.status = "completed" if completed else "not_completed"
    order.confirmed_on = on
    order.confirmation_note = text
    order.version += 1
    append_history(session, case, action="confirm_rectification", from_state=case.state, to_state=case.state,
                   on=on, actor=actor, reason=text, data={"rectification_id": order.id, "status": order.status})
    flush_or_conflict(session)
    return order


def rectifications(session: Session, case_id: int) -> list[dict[str, Any]]:
    out = []
    for o in session.scalars(select(RectificationOrder).where(RectificationOrder.case_id == case_id)
                             .order_by(RectificationOrder.id)):
        iv = session.scalar(select(Interview).where(Interview.rectification_id == o.id))
        out.append({
            "id": o.id, "requirements": o.requirements, "ordered_on": o.ordered_on.isoformat(),
            "due_on": o.due_on.isoformat(), "public": o.public, "not_public_reason": o.not_public_reason,
            "status": o.status, "confirmed_on": iso(o.confirmed_on), "confirmation_note": o.confirmation_note,
            "interview": interview_row(iv) if iv else None,
        })
    return out
