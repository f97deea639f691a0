"""Publication tracking: administrative penalties public within 7 working days (发改办财金〔2018〕893号 §四),
the late-publication list, and the end of publication (at the maximum period, 令第36号; at once when a
record is withdrawn, 国办发〔2020〕49号 §（二））."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.authority import territory_denial
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.disclosure import rules
from xinyong.disclosure.common import (
    check_text,
    china_date,
    item_for,
    note,
    owner_department,
    record_facts,
    regimes,
    subject_facts,
)
from xinyong.disclosure.consent import consents_of
from xinyong.disclosure.models import Publication
from xinyong.disclosure.rules import (
    SubjectFacts,
)
from xinyong.records import service as records
from xinyong.records.public import RecordView, record_view, record_views, records_in_statuses, records_of_item
from xinyong.subjects.public import subject_columns, subject_view, subject_views


def sync_publications(session: Session, on: dt.date) -> int:
    """Track every administrative-penalty record: its due date, first public time and period end.

    A record is public on the platform from the moment the rules first let the public see it; records
    are shown as soon as they are stored, so a record public on ingest was first public at its
    ``created_at``. Returns the number of rows created.
    """
    new = records_of_item(session, rules.PENALTY_ITEM, not_in=select(Publication.record_id))
    subjects_cache = {key: subject_facts(view) for key, view in
                      subject_views(session, {r.subject_key for r in new}).items()}
    for record in new:
        _track(session, record, subjects_cache)
    session.flush()
    return len(new)


def _track(session: Session, record: RecordView,
           subjects_cache: dict[str, SubjectFacts] | None = None) -> Publication:
    """The Publication row of one administrative-penalty record (created on first sight)."""
    from xinyong.core.workdays import add_workdays

    cache = subjects_cache if subjects_cache is not None else {}
    facts = cache.get(record.subject_key)
    if facts is None:
        subj = subject_view(session, record.subject_key)
        assert subj is not None
        facts = cache[record.subject_key] = subject_facts(subj)
    item = item_for(record)
    created_on = china_date(record.created_at)
    # as first stored: a record withdrawn since then was public from its creation all the same
    decision = rules.decide_record(
        dataclasses.replace(record_facts(record), status="active")
        if record.status in rules.WITHDRAWN_STATUSES else record_facts(record),
        facts, item, rules.PUBLIC_VIEWER, created_on, regimes=regimes(),
        consents=consents_of(session, record.subject_key),
    )
    due = add_workdays(record.decision_date, rules.PENALTY_DISCLOSURE_WORKDAYS)
    window = decision.window
    pub = Publication(
        record_id=record.id, subject_key=record.subject_key, catalog_item=record.catalog_item,
        department=owner_department(record), decision_date=record.decision_date, due_on=due.date,
        due_provisional=bool(due.provisional),
        first_public_at=record.created_at if decision.visible else None,
        ends_on=window.ends if window else None, ended_at=None,
        detail={"not_public_reason": None if decision.visible else decision.reason},
    )
    session.add(pub)
    if record.status in rules.WITHDRAWN_STATUSES:
        # withdrawn before it was tracked: publication ended then (the time is not known; now)
        pub.ended_at = clock.now()
        pub.detail = {**pub.detail, "ended_because": record.status}
    return pub


def end_publication(session: Session, record_id: int, *, kind: str, reason: str) -> Publication | None:
    """A withdrawn record stops being published at once (国办发〔2020〕49号 §（二）: no effect without a
    legally effective document): its Publication row (893号 §四 tracking) ends now, with why. The public
    page and the share API stop showing it through :mod:`.rules` (statuses ``revoked``/``annulled``)."""
    pub = session.get(Publication, record_id)
    if pub is None:
        record = record_view(session, record_id)
        if record is None or record.catalog_item != rules.PENALTY_ITEM:
            return None
        pub = _track(session, record)
    if pub.ended_at is None:
        pub.ended_at = clock.now()
    pub.detail = {**(pub.detail or {}), "ended_because": kind, "ended_reason": reason}
    session.flush()
    return pub


def deadline_rows(session: Session, on: dt.date, *, department: str | None = None,
                  only_late: bool = True) -> list[dict[str, Any]]:
    check_text(department, "部门名称")
    sync_publications(session, on)
    q = select(Publication).order_by(Publication.department, Publication.decision_date, Publication.record_id)
    if department:
        q = q.where(Publication.department == department)
    due: list[tuple[Publication, dt.date, dt.date | None, dt.date, rules.Timeliness]] = []
    for p in session.scalars(q):
        disclosed_on = china_date(p.first_public_at) if p.first_public_at else None
        assert p.due_on is not None
        # a record that arrived after its period had ended was owed disclosure all the same
        reason = (p.detail or {}).get("not_public_reason")
        # a withdrawn record was owed disclosure only until it was withdrawn
        until = on
        if (p.detail or {}).get("ended_because") in rules.WITHDRAWN_STATUSES and p.ended_at is not None:
            until = min(on, china_date(p.ended_at))
        state = rules.timeliness(p.due_on, disclosed_on, until, public=reason in (None, "period_ended"))
        if only_late and state not in (rules.Timeliness.late, rules.Timeliness.overdue):
            continue
        due.append((p, p.due_on, disclosed_on, until, state))
    # the document numbers in one statement per 500 rows (records.public)
    found = record_views(session, [p.record_id for p, *_ in due])
    out = []
    for p, due_on, disclosed_on, until, state in due:
        record = found.get(p.record_id)
        out.append({
            "record_id": p.record_id, "department": p.department, "document_number": record.document_number if record else None,
            "decision_date": p.decision_date.isoformat(), "due_on": due_on.isoformat(),
            "due_provisional": p.due_provisional,
            "disclosed_on": disclosed_on.isoformat() if disclosed_on else None,
            "days_late": (disclosed_on or until).toordinal() - due_on.toordinal() if state in (
                rules.Timeliness.late, rules.Timeliness.overdue) else 0,
            "state": state.value, "state_name": rules.TIMELINESS_NAMES[state],
            "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            "ended": p.ended_at is not None,
            "ended_because": (p.detail or {}).get("ended_because"),
        })
    return out


def late_by_department(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["department"], []).append(r)
    return [{"department": d, "count": len(items), "items": items} for d, items in sorted(groups.items())]


def end_expired(session: Session, on: dt.date, reason: str = "最长公示期届满，自动停止公示") -> list[int]:
    """End disclosure of every record whose maximum period has passed (sets status disclosure_ended).

    The rules already hide such records from the public on any later day; this makes the end explicit
    (history, ``record.status_changed`` for the other channels) — 令第36号: 最长公示期届满后，相关信息自动停止公示.
    """
    ended: list[int] = []
    regs = regimes()
    for record in records_in_statuses(session, ("active", "repaired_marked")):
        item = item_for(record)
        if item is None:
            continue
        window = rules.disclosure_window(item, record.severity, record.decision_date, on, regs)
        if window is None or on < window.ends:
            continue
        records.set_status(session, record.id, "disclosure_ended", f"{reason}（届满日{window.ends.isoformat()}）")
        pub = session.get(Publication, record.id)
        if pub is not None:
            pub.ended_at = clock.now()
            pub.ends_on = window.ends
        ended.append(record.id)
    session.flush()
    return ended



# --- the publication use cases -------------------------------------------------------------------

#: where the 7-working-day period comes from
DEADLINE_BASIS = "发改办财金〔2018〕893号 §四"


@dataclasses.dataclass(frozen=True)
class LatePublications:
    """The late-publication list as of ``as_of``, grouped by department (``department``: the one shown)."""

    as_of: dt.date
    department: str | None
    departments: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "workdays": rules.PENALTY_DISCLOSURE_WORKDAYS,
                "basis": DEADLINE_BASIS, "departments": self.departments}


def _subject_regions(session: Session, record_ids: Sequence[int]) -> dict[int, str | None]:
    """The region of each tracked record's subject (the territory a credit office oversees)."""
    if not record_ids:
        return {}
    subjects = subject_columns()
    rows = session.execute(
        select(Publication.record_id, subjects.c.region_code)
        .join(subjects, subjects.c.subject_key == Publication.subject_key)
        .where(Publication.record_id.in_(record_ids))
    )
    return {rid: region for rid, region in rows}


def late_publications(actor: Actor, *, on: dt.date | None = None, department: str | None = None) -> LatePublications:
    """行政处罚信息逾期公开 (7 working days, 发改办财金〔2018〕893号 §四), grouped by department.

    A determining department sees its own department's rows only; a credit office those of subjects of
    its region and below (rows of other regions are left out, :func:`territory_denial`); the
    administrator and the platform all (``department`` narrows)."""
    day = on or clock.today()
    with use_case(actor, "disclosure.deadline.read", purpose=Purpose.supervision) as door:
        check_text(department, "部门名称")
        if actor.role is Role.credit_office and not actor.region_code:
            door.refuse("本单位未登记行政区划代码，不能查看逾期公开情况", code="out_of_scope")
        if actor.role is Role.determining_department:
            department = actor.department
        door.admit(detail={"as_of": day.isoformat(), **({"department": department} if department else {})})
        rows = deadline_rows(door.session, day, department=department or None)
        if actor.role is Role.determining_department:
            rows = [r for r in rows if r["department"] == actor.department]
        elif actor.role is Role.credit_office:
            regions = _subject_regions(door.session, [r["record_id"] for r in rows])
            rows = [r for r in rows if territory_denial(
                actor.region_code, regions.get(r["record_id"]), "查看该记录的公开情况") is None]
            note(door, {"territory": actor.region_code})
        door.count(len(rows))
        return LatePublications(day, department or None, late_by_department(rows))


def expire_publications(actor: Actor, *, on: dt.date | None = None) -> list[int]:
    """最长公示期届满，自动停止公示 (令第36号): the platform ends every expired publication."""
    day = on or clock.today()
    with use_case(actor, "disclosure.expire", purpose=Purpose.maintenance) as door:
        door.admit(detail={"as_of": day.isoformat()})
        ended = end_expired(door.session, day)
        door.count(len(ended))
        return ended
