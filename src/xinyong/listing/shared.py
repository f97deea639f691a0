"""Helpers every listing concept shares: finding a case or an order, who may act on or read a case
(谁认定、谁负责, 淮政办发〔2021〕13号 §三(一); 国办发〔2020〕49号 §（十三）), the optimistic-locking version
check, the pure snapshot the state machine works on, and the persons linked to a subject (发改办财金〔2018〕893号 §八).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from xinyong.core.access import Actor
from xinyong.core.authority import (
    NATIONAL_REGION,
    AuthorityLevel,
    level_denial,
    territory_denial,
)
from xinyong.core.errors import Conflict, Forbidden, NotFound
from xinyong.core.policy import Role
from xinyong.core.usecase import Door
from xinyong.listing import loader
from xinyong.listing.models import (
    ListingCase,
    RectificationOrder,
)
from xinyong.listing.rules import (
    CaseSnapshot,
    ListType,
    State,
)


def get_case(session: Session, case_id: int) -> ListingCase:
    case = session.get(ListingCase, case_id)
    if case is None:
        raise NotFound("listing.case_not_found", "未找到该认定案件")
    return case


def require_owner(actor: Actor, case: ListingCase) -> None:
    """谁认定、谁负责: only the determining department of the case acts on it."""
    if actor.department != case.department:
        raise Forbidden("listing.not_your_case", f"该案件由{case.department}认定，其他部门不能办理")


def record_department(rec: Any) -> str | None:
    """The department that determined a record: its ``department`` once records carry one, else its
    issuing authority."""
    return getattr(rec, "department", None) or rec.issuing_authority


def check_version(case: ListingCase, expected: int | None) -> None:
    if expected is not None and case.version != expected:
        raise Conflict(
            "listing.version_conflict",
            f"案件已被他人更新（当前版本{case.version}，你提交的是版本{expected}），请刷新后重试",
            details={"current_version": case.version, "your_version": expected},
        )


def snapshot(case: ListingCase) -> CaseSnapshot:
    return CaseSnapshot(
        state=State(case.state),
        list_type_id=case.list_type_id,
        subject_kind=case.subject_kind,
        leniency_flags=tuple(case.leniency_flags or ()),
        leniency_justification=case.leniency_justification,
        notice_served_on=case.notice_served_on,
        objection_window_end=case.objection_window_end,
        objection_received_on=case.objection_received_on,
        answer_deadline=case.answer_deadline,
        answered_on=case.answered_on,
        answer_timely=case.answer_timely,
        answer_outcome=case.answer_outcome,
        decided_on=case.decided_on,
        decision_document_id=case.decision_document_id,
        notice_document_id=case.notice_document_id,
        listing_start=case.listing_start,
        listing_end=case.listing_end,
        removed_on=case.removed_on,
        removal_reason=case.removal_reason,
    )


def flush_or_conflict(session: Session) -> None:
    """Flush, turning a lost optimistic-locking race into a 409."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict("listing.version_conflict", "案件已被他人同时更新，本次操作未生效，请刷新后重试") from None
    except OperationalError as exc:  # SQLite: a concurrent writer won (stale snapshot / busy)
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise Conflict("listing.version_conflict", "案件已被他人同时更新，本次操作未生效，请刷新后重试") from None
        raise


def list_type_of(case: ListingCase) -> ListType:
    return loader.list_types().get(case.list_type_id)


def ready_case(session: Session, actor: Actor, case_id: int, version: int | None) -> ListingCase:
    """The case a step acts on, locked first: a step takes the case row before anything else it writes
    (documents, history, the audit chain heads), so two officers racing on one case queue on the case
    and the later one finds the version moved (409) instead of deadlocking on the chain heads."""
    try:
        case = session.get(ListingCase, case_id, with_for_update=True, populate_existing=True)
    except StaleDataError:  # this session had read the case before another officer's step committed
        raise Conflict("listing.version_conflict", "案件已被他人同时更新，本次操作未生效，请刷新后重试") from None
    if case is None:
        case = get_case(session, case_id)  # raises the Chinese NotFound
    require_owner(actor, case)
    check_version(case, version)
    return case


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def owner_denial(actor: Actor, case: ListingCase) -> str | None:
    """谁认定、谁负责 (淮政办发〔2021〕13号 §三(一)): only the determining department acts on its case —
    and a principal without a region has no level, so no determining power (49号 §（八））."""
    no_level = level_denial(actor.region_code, AuthorityLevel.county, "办理认定案件")
    if no_level is not None:
        return no_level
    if actor.department != case.department:
        return f"该案件由{case.department}认定，其他部门不能办理（谁认定、谁负责）"
    return None


def read_denial(actor: Actor, case: ListingCase) -> str | None:
    """Who reads a case: its department, the platform admin, a credit office whose territory covers it
    (国办发〔2020〕49号 §（十三）明确信息查询使用权限)."""
    if actor.role is Role.admin:
        return None
    if actor.role is Role.credit_office:
        return territory_denial(actor.region_code, case.region_code, "查阅该认定案件")
    if actor.role is Role.determining_department and actor.department == case.department:
        return level_denial(actor.region_code, AuthorityLevel.county, "查阅认定案件")
    return f"该案件由{case.department}认定，本单位不能查阅"


def open_case(door: Door, case_id: int, *, own: bool) -> ListingCase:
    case = get_case(door.session, case_id)
    door.admit(subject_key=case.subject_key, detail={"case_id": case_id})
    if own:
        door.require(owner_denial(door.actor, case), code="listing.not_your_case")
    else:
        door.require(read_denial(door.actor, case), code="listing.not_your_case")
    return case


def visible_scope(door: Door, what: str) -> tuple[str | None, str | None]:
    actor = door.actor
    if actor.role is Role.determining_department:
        if not actor.department:
            door.refuse("本账户未登记所属部门，不能" + what)
        return actor.department, None
    if actor.role is Role.credit_office:
        door.require(territory_denial(actor.region_code, actor.region_code or NATIONAL_REGION, what))
        return None, actor.region_code
    return None, None


def get_order(session: Session, order_id: int) -> RectificationOrder:
    order = session.get(RectificationOrder, order_id)
    if order is None:
        raise NotFound("listing.rectification_not_found", "未找到该整改通知")
    return order


def accountability_persons(session: Session, case: ListingCase, on: dt.date) -> list[dict[str, Any]]:
    """Legal representative and responsible persons linked on ``on`` (893号 §八)."""
    if case.subject_kind == "individual":
        return []
    from xinyong.subjects import service as subjects

    # an organisation's display code is its full USCC (only resident IDs are masked), so the subject
    # is found through the subjects capability, not by reading its table
    subject = subjects.get_by_code(session, case.subject_display_code)
    if subject is None or subject.subject_key != case.subject_key:
        return []
    out = []
    for link in subjects.links_of(session, subject):
        if link["direction"] != "person":
            continue
        start = dt.date.fromisoformat(link["start_date"])
        end = dt.date.fromisoformat(link["end_date"]) if link["end_date"] else None
        if start <= on and (end is None or on <= end):
            out.append({"key": link["other_key"], "name": link["other"]["name"], "role": link["role"],
                        "role_name": link["role_name"]})
    return out
