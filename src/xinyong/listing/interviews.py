"""提示性 / 警示性约谈 (发改办财金〔2018〕893号 §三): once a rectification period has passed without
rectification, the determining department interviews the subject once (谁认定、谁约谈); the record,
a refusal included, goes into the subject's credit file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import Conflict, Forbidden, ValidationFailed
from xinyong.listing.history import append_history
from xinyong.listing.models import (
    Interview,
)
from xinyong.listing.rules import (
    INTERVIEW_NAMES,
    INTERVIEW_OUTCOMES,
    GuardrailRefused,
    Kind,
    interview_kind,
)
from xinyong.listing.shared import flush_or_conflict, get_case, get_order


def record_interview(session: Session, actor: Actor, order_id: int, *, outcome: str, record: str,
                     interviewee: str | None = None, on: dt.date | None = None) -> Interview:
    """提示性/警示性约谈 by the determining department (谁认定、谁约谈, 893号 §三)."""
    on = on or clock.today()
    order = get_order(session, order_id)
    case = get_case(session, order.case_id)
    if actor.department != case.department:
        raise Forbidden("listing.interview_by_determiner", f"约谈由认定部门（{case.department}）进行（谁认定、谁约谈）")
    if order.status == "completed":
        raise GuardrailRefused("rectified", "已整改到位，无需约谈")
    if order.status == "open":
        if on <= order.due_on:
            raise GuardrailRefused("rectification_not_due", f"整改期限至{order.due_on.isoformat()}，期满后整改不到位的才进行约谈")
        order.status = "not_completed"
        order.confirmed_on = on
        order.confirmation_note = "整改期限届满未确认整改到位"
        order.version += 1
    if outcome not in INTERVIEW_OUTCOMES:
        raise ValidationFailed("listing.invalid_outcome", f"约谈结果必须是：{'、'.join(f'{k}（{v}）' for k, v in INTERVIEW_OUTCOMES.items())}")
    existing = session.scalar(select(Interview.id).where(Interview.rectification_id == order.id))
    if existing is not None:
        raise Conflict("listing.interview_exists", "该整改事项已进行过一次约谈（893号§三：进行一次约谈）")
    text = " ".join((record or "").split())
    if not text:
        raise ValidationFailed("listing.record_required", "请填写约谈记录")
    kind = interview_kind(Kind(case.kind))
    interview = Interview(rectification_id=order.id, case_id=case.id, subject_key=case.subject_key, kind=kind,
                          department=case.department, held_on=on, outcome=outcome,
                          interviewee=(interviewee or None), record=text, created_at=clock.now())
    session.add(interview)
    session.flush()
    append_history(session, case, action="interview", from_state=case.state, to_state=case.state, on=on,
                   actor=actor, reason=text,
                   data={"interview_id": interview.id, "kind": kind, "outcome": outcome})
    flush_or_conflict(session)
    return interview


def interview_row(iv: Interview) -> dict[str, Any]:
    return {"id": iv.id, "kind": iv.kind, "kind_name": INTERVIEW_NAMES[iv.kind], "department": iv.department,
            "held_on": iv.held_on.isoformat(), "outcome": iv.outcome, "outcome_name": INTERVIEW_OUTCOMES[iv.outcome],
            "interviewee": iv.interviewee, "record": iv.record}


def interviews_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    """893号 §三: interview records, refusals included, go into the subject's credit record."""
    return [interview_row(iv) for iv in session.scalars(
        select(Interview).where(Interview.subject_key == subject_key).order_by(Interview.held_on))]
