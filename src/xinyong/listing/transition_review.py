"""The transition clean-up of 国办发〔2020〕49号 (“把握时间节点”): list types whose standard does not conform
after the transition period are void (“过渡期后与本意见要求不符的一律废止”).

The credit office of a region (or the platform admin, nationally) marks a list type non-conforming with a
reason and a date; from that date its listings in the region stop applying — each is removed with reason
``nonconforming`` and its :class:`~xinyong.listing.events.ListingEnded` is published, so measures stop and
the implementing units are told through the outbox — and cases not yet listed are withdrawn. The report
shows what was voided.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import SYSTEM, Actor, Purpose
from xinyong.core.authority import NATIONAL_REGION, region_within
from xinyong.core.errors import Conflict, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.listing import loader
from xinyong.listing.guardrails import TRANSITION_BASIS, TRANSITION_END
from xinyong.listing.models import ListingCase, ListTypeReview
from xinyong.listing.rules import GuardrailRefused, State

__all__ = ["apply_due", "mark_nonconforming", "nonconforming_denial", "voided_report"]


def _base(list_type_id: str) -> str:
    return list_type_id.split("@", 1)[0]


def _region_of(actor: Actor) -> str:
    return NATIONAL_REGION if actor.role is Role.admin else (actor.region_code or "")


def nonconforming_denial(session: Session, list_type_id: str, region_code: str, on: dt.date) -> str | None:
    """A list type marked non-conforming for a region covering ``region_code`` cannot be used from its date."""
    for review in session.scalars(select(ListTypeReview).where(
            ListTypeReview.list_type_id == _base(list_type_id), ListTypeReview.effective_on <= on)):
        if region_within(review.region_code, region_code):
            return (f"该名单已于{review.effective_on.isoformat()}经清理评估认定不符合国办发〔2020〕49号要求而停止适用"
                    f"（{TRANSITION_BASIS}）：{review.reason}")
    return None


def apply_due(session: Session, on: dt.date) -> list[dict[str, Any]]:
    """End every listing and open case under a non-conforming list type whose date has come."""
    from xinyong.listing.procedure import OPEN_STATES, _remove, _withdraw

    done: list[dict[str, Any]] = []
    for review in session.scalars(select(ListTypeReview).where(
            ListTypeReview.applied_on.is_(None), ListTypeReview.effective_on <= on).order_by(ListTypeReview.id)):
        voided: list[dict[str, Any]] = []
        cases = session.scalars(select(ListingCase).where(ListingCase.state.in_(OPEN_STATES)).order_by(ListingCase.id))
        for case in cases:
            if _base(case.list_type_id) != review.list_type_id or not region_within(review.region_code,
                                                                                    case.region_code):
                continue
            text = f"名单经清理评估不符合国办发〔2020〕49号要求，自{review.effective_on.isoformat()}起停止适用：{review.reason}"
            was = case.state
            if case.state == State.listed.value:
                _remove(session, SYSTEM, case, reason="nonconforming", explanation=text, on=on, document=None)
            else:
                _withdraw(session, SYSTEM, case, explanation=text, on=on, data={"reason": "nonconforming"})
            voided.append({"case_id": case.id, "subject_name": case.subject_name,
                           "subject_code": case.subject_display_code, "department": case.department,
                           "state_before": was, "ended_on": on.isoformat()})
        review.applied_on = on
        review.voided = voided
        session.flush()
        done.append({"list_type_id": review.list_type_id, "region_code": review.region_code, "voided": voided})
    return done


def mark_nonconforming(actor: Actor, list_type_id: str, *, reason: str, effective_on: dt.date) -> dict[str, Any]:
    """信用办 (own region) or admin (nationally) marks a list type non-conforming from ``effective_on``.

    49号 asks 各地区、各有关部门 to review what they issued; the credit office coordinates the review of
    the lists used in its region, so it marks them; a date before the end of the transition (2021-12-31)
    is refused."""
    with use_case(actor, "listing.nonconforming", purpose=Purpose.administration,
                  detail={"list_type": list_type_id}) as door:
        door.admit(detail={"list_type": list_type_id, "effective_on": effective_on.isoformat()})
        region = _region_of(actor)
        if not region:
            door.refuse("本账户未登记行政区划代码，不能标记名单不符合要求")
        ts = loader.list_types()
        known = {t.id for t in ts.types} | {t.id for t in ts.incomplete}
        if list_type_id not in known:
            raise GuardrailRefused("list_type_not_found", f"名单类型“{list_type_id}”不存在")
        text = " ".join((reason or "").split())
        if not text:
            raise ValidationFailed("listing.reason_required", "请填写不符合要求的理由")
        if effective_on <= TRANSITION_END:
            raise ValidationFailed("listing.before_transition_end",
                                   f"停止适用日期须在过渡期（{TRANSITION_END.isoformat()}）届满之后（{TRANSITION_BASIS}）")
        base = _base(list_type_id)
        exists = door.session.scalar(select(ListTypeReview.id).where(
            ListTypeReview.list_type_id == base, ListTypeReview.region_code == region))
        if exists is not None:
            raise Conflict("listing.already_marked", "该名单在本地区已被标记为不符合要求")
        review = ListTypeReview(list_type_id=base, region_code=region, reason=text, effective_on=effective_on,
                                marked_by=f"{actor.department or ''}{actor.name}", marked_at=clock.now(), voided=[])
        door.session.add(review)
        door.session.flush()
        applied = apply_due(door.session, clock.today()) if effective_on <= clock.today() else []
        door.count(sum(len(a["voided"]) for a in applied))
        return _row(review)


def _row(review: ListTypeReview) -> dict[str, Any]:
    ts = loader.list_types()
    names = {t.id: t.name for t in ts.types} | {t.id: t.name for t in ts.incomplete}
    name = names.get(review.list_type_id, review.list_type_id)
    return {"id": review.id, "list_type_id": review.list_type_id, "list_type_name": name,
            "region_code": review.region_code, "reason": review.reason,
            "effective_on": review.effective_on.isoformat(), "marked_by": review.marked_by,
            "applied_on": review.applied_on.isoformat() if review.applied_on else None,
            "voided": list(review.voided or [])}


def voided_report(actor: Actor) -> dict[str, Any]:
    """What was voided: each non-conforming mark within the actor's territory with the cases it ended."""
    with use_case(actor, "listing.voided", purpose=Purpose.administration) as door:
        door.admit()
        region = _region_of(actor)
        rows = [_row(r) for r in door.session.scalars(select(ListTypeReview).order_by(ListTypeReview.id))
                if region and (region_within(region, r.region_code) or region_within(r.region_code, region))]
        door.count(len(rows))
        return {"reviews": rows, "basis": TRANSITION_BASIS}


def apply_nonconforming(actor: Actor, on: dt.date) -> list[dict[str, Any]]:
    """The daily batch (``xinyong listing nonconforming-apply``): marks whose date has come take effect."""
    with use_case(actor, "listing.expire", purpose=Purpose.maintenance, detail={"on": on.isoformat()}) as door:
        door.admit()
        done = apply_due(door.session, on)
        door.count(sum(len(d["voided"]) for d in done))
        return done
