"""What other capabilities may ask about credit service agencies (plain data, never the ORM rows).

Repair (893 §十一) asks whether a report of an agency may be used, and names the agencies of the
reports it lists; the registry's writes used by repair's older registry pages and commands are here too,
so that there is one registry with one suspension history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import rules
from xinyong.agencies.models import AgencyQualification, AgencyStatusChange, CreditAgency
from xinyong.core import clock
from xinyong.core.codes import check_code
from xinyong.core.errors import Conflict, NotFound, ValidationFailed


@dataclass(frozen=True)
class AgencyView:
    id: int
    name: str
    uscc: str
    status: str
    status_reason: str | None
    region_code: str | None


def _view(a: CreditAgency) -> AgencyView:
    return AgencyView(a.id, a.name, a.uscc, a.status, a.status_reason, a.region_code)


def qualifications_of(session: Session, agency_id: int) -> list[rules.Qualification]:
    rows = session.scalars(select(AgencyQualification).where(AgencyQualification.agency_id == agency_id))
    return [rules.Qualification(q.name, q.valid_from, q.valid_until) for q in rows]


def report_refusal(session: Session, agency_id: int, issued_on: dt.date) -> str | None:
    """Why a report of this agency issued on ``issued_on`` is not accepted (Chinese), or None."""
    a = session.get(CreditAgency, agency_id)
    if a is None:
        return "该信用服务机构不在具有资质的信用服务机构名录内"
    return rules.report_refusal(a.name, a.status, a.status_reason, qualifications_of(session, a.id), issued_on)


def require_report_agency(session: Session, agency_id: int, issued_on: dt.date) -> AgencyView:
    """The agency of a report being submitted; refused (422, reason in Chinese) when it may not be used."""
    a = session.get(CreditAgency, agency_id)
    if a is None:
        raise ValidationFailed("unknown_agency", "该信用服务机构不在具有资质的信用服务机构名录内")
    refusal = rules.report_refusal(a.name, a.status, a.status_reason, qualifications_of(session, a.id), issued_on)
    if refusal is not None:
        code = "agency_suspended" if a.status != rules.AgencyStatus.active else "agency_not_qualified"
        raise ValidationFailed(code, refusal)
    return _view(a)


def agency_views(session: Session, ids: Iterable[int]) -> dict[int, AgencyView]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {a.id: _view(a) for a in session.scalars(select(CreditAgency).where(CreditAgency.id.in_(wanted)))}


def all_agencies(session: Session) -> list[AgencyView]:
    return [_view(a) for a in session.scalars(select(CreditAgency).order_by(CreditAgency.name, CreditAgency.id))]


def describe(a: AgencyView | CreditAgency) -> dict[str, Any]:
    status = rules.AgencyStatus(a.status)
    return {"id": a.id, "name": a.name, "uscc": a.uscc, "filing_number": getattr(a, "filing_number", None),
            "status": a.status, "status_name": rules.STATUS_NAMES[status], "status_reason": a.status_reason,
            "region_code": a.region_code}


# --- registry writes (the session's use case has decided access) ---------------------------------------


def register(session: Session, *, name: str, uscc: str, filing_number: str,
             region_code: str | None = None) -> CreditAgency:
    checked = check_code(uscc)
    if not checked.valid or checked.kind is None or checked.kind.value == "individual":
        raise ValidationFailed("invalid_agency_uscc", f"统一社会信用代码无效：{checked.reason or '不是组织机构代码'}")
    if not name.strip() or not filing_number.strip():
        raise ValidationFailed("agency_incomplete", "请填写机构名称和备案编号")
    if session.scalar(select(CreditAgency.id).where(CreditAgency.uscc == checked.code)) is not None:
        raise Conflict("agency_exists", "该信用服务机构已在名录内")
    now = clock.now()
    a = CreditAgency(name=name.strip()[:200], uscc=checked.code, filing_number=filing_number.strip()[:100],
                     status=rules.AgencyStatus.active.value, status_reason=None, region_code=region_code,
                     created_at=now, updated_at=now)
    session.add(a)
    session.flush()
    return a


def get(session: Session, agency_id: int, *, for_update: bool = False) -> CreditAgency:
    a = session.get(CreditAgency, agency_id, with_for_update=for_update)
    if a is None:
        raise NotFound("agency_not_found", "未找到该信用服务机构")
    return a


def set_status(session: Session, agency_id: int, *, active: bool, reason: str, by: str) -> CreditAgency:
    """Suspend or reinstate, with a line in the suspension history; a second identical decision (two
    officers at once) is a conflict, decided by a compare-and-set on the status."""
    from xinyong.core.db import claim

    a = get(session, agency_id)
    denial = rules.suspension_denial(a.status, suspend=not active, reason=reason)
    if denial is not None:
        if not active and not reason.strip():
            raise ValidationFailed("suspension_needs_reason", denial)
        raise Conflict("agency_status_unchanged", denial)
    now = clock.now()
    expected = rules.AgencyStatus.active if not active else rules.AgencyStatus.suspended
    target = rules.AgencyStatus.suspended if not active else rules.AgencyStatus.active
    if not claim(session, a, "status", [expected.value],
                 {"status": target.value, "status_reason": reason.strip() or None, "updated_at": now}):
        raise Conflict("agency_status_unchanged", f"该信用服务机构已是“{rules.STATUS_NAMES[rules.AgencyStatus(a.status)]}”状态")
    session.add(AgencyStatusChange(agency_id=a.id, action="suspend" if not active else "reinstate",
                                   reason=reason.strip() or None, decided_on=clock.today(), decided_by=by[:200],
                                   decided_at=now))
    session.flush()
    return a
