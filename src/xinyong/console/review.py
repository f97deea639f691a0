"""Use cases of the access-log review (查询使用登记审查, 国办发〔2020〕49号 §（十三））.

The queries and the anomaly flags are in :mod:`xinyong.core.audit.review`; here the door is opened
(``access_log.read``, purpose 审查) and the reviewer's territory applied: a credit office reviews the
entries of principals of its region and below (the principals table's ``region_code``,
:func:`xinyong.core.authority.region_within`); the administrator and the platform review all. The
console page and the CLI only translate around these use cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinyong.core.access import Actor, Purpose
from xinyong.core.audit import review
from xinyong.core.audit.review import Filters, Flag, anomalies, distinct_values, flagged_ids
from xinyong.core.db import unit_of_work, within_region
from xinyong.core.models import AccessLogEntry, Principal
from xinyong.core.policy import Role, is_allowed
from xinyong.core.usecase import Door, use_case

NO_REGION = "本单位未登记行政区划代码，不能审查查询使用登记（信用办审查本行政区划及以下单位的查询）"


def entry_data(e: AccessLogEntry) -> dict[str, Any]:
    """An access-log entry as plain data (what the page and the CLI show)."""
    return {
        "id": e.id, "seq": e.seq, "at": e.at, "principal_id": e.principal_id, "principal_name": e.principal_name,
        "role": e.role, "department": e.department, "action": e.action, "purpose": e.purpose,
        "subject_key": e.subject_key, "allowed": e.allowed, "result_count": e.result_count, "reason": e.reason,
        "detail": dict(e.detail or {}),
    }


def _territory(door: Door) -> str | None:
    """The region a reviewer's view is limited to (None: all). A credit office without a region reviews
    nothing and is refused."""
    actor = door.actor
    if actor.role is not Role.credit_office:
        return None
    if not actor.region_code:
        door.refuse(NO_REGION, code="out_of_scope")
    return actor.region_code


def _in_territory(query: Select[Any], region: str | None) -> Select[Any]:
    if region is None:
        return query
    inside = select(Principal.id).where(within_region(Principal.region_code, region))
    return query.where(AccessLogEntry.principal_id.in_(inside))


def _principals_in(session: Session, region: str) -> set[int]:
    return set(session.scalars(select(Principal.id).where(within_region(Principal.region_code, region))))


def _flags(session: Session, region: str | None, **kwargs: Any) -> list[Flag]:
    """The anomaly flags (one principal each), limited to the principals of ``region``."""
    flags = anomalies(session, **kwargs)
    if region is None:
        return flags
    mine = _principals_in(session, region)
    return [f for f in flags if f.principal_id in mine]


def _entries(session: Session, f: Filters, region: str | None, *, limit: int,
             offset: int = 0) -> tuple[list[AccessLogEntry], int]:
    # the filtering query of xinyong.core.audit.review, narrowed to the reviewer's territory
    count = _in_territory(review._filtered(select(func.count()).select_from(AccessLogEntry), f), region)
    total = session.scalar(count) or 0
    rows = session.scalars(
        _in_territory(review._filtered(select(AccessLogEntry), f), region)
        .order_by(AccessLogEntry.seq.desc().nulls_first(), AccessLogEntry.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


@dataclass(frozen=True)
class ReviewPage:
    """One page of the review: entries (plain data, each with its flags' names), the total, the flags and
    the actions one may filter by."""

    entries: list[tuple[dict[str, Any], list[str]]]
    total: int
    flags: list[Flag]
    actions: list[str]


def review_page(actor: Actor, f: Filters, *, flagged_only: bool = False, page: int = 1,
                page_size: int = 50, via: str | None = None) -> ReviewPage:
    """The console's review page: the entries matching ``f`` (or only the flagged ones) with the flags of
    the same period, within the reviewer's territory."""
    detail: dict[str, Any] = {"filters": f.as_dict(), **({"via": via} if via else {})}
    with use_case(actor, "access_log.read", purpose=Purpose.audit, detail=detail) as door:
        region = _territory(door)
        door.admit()
        s = door.session
        flags = _flags(s, region, since=f.since, until=f.until, principal=f.principal)
        marks = flagged_ids(flags)
        if flagged_only:
            ids = sorted(marks, reverse=True)
            total = len(ids)
            chosen = ids[(page - 1) * page_size: page * page_size]
            rows = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.id.in_(chosen))
                                  .order_by(AccessLogEntry.seq.desc().nulls_first()))) if chosen else []
        else:
            rows, total = _entries(s, f, region, limit=page_size, offset=(page - 1) * page_size)
        door.count(len(rows))
        return ReviewPage([(entry_data(e), marks.get(e.id, [])) for e in rows], total, flags,
                          distinct_values(s, "action"))


def list_log(actor: Actor, f: Filters, *, limit: int = 100, via: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """The entries matching ``f``, newest first, within the reviewer's territory; and their total."""
    detail: dict[str, Any] = {"filters": f.as_dict(), **({"via": via} if via else {})}
    with use_case(actor, "access_log.read", purpose=Purpose.audit, detail=detail) as door:
        region = _territory(door)
        door.admit()
        rows, total = _entries(door.session, f, region, limit=limit)
        door.count(len(rows))
        return [entry_data(e) for e in rows], total


def list_anomalies(actor: Actor, *, since: dt.date | None = None, until: dt.date | None = None,
                   threshold: int = review.MANY_SUBJECTS_THRESHOLD,
                   window_minutes: int = review.MANY_SUBJECTS_WINDOW_MINUTES, via: str | None = None) -> list[Flag]:
    """异常访问提示 (many subjects in a short time, off hours, no case) within the reviewer's territory."""
    detail: dict[str, Any] = {"anomalies": True, **({"via": via} if via else {})}
    with use_case(actor, "access_log.read", purpose=Purpose.audit, detail=detail) as door:
        region = _territory(door)
        door.admit()
        flags = _flags(door.session, region, since=since, until=until, threshold=threshold,
                       window_minutes=window_minutes)
        door.count(len(flags))
        return flags


def dashboard_flags(actor: Actor) -> list[Flag] | None:
    """The flags shown on a reviewer's dashboard (None for roles that do not review the access log), within
    its territory; a credit office without a region sees none. A glance, not a review: not registered."""
    if not is_allowed(actor.role, "access_log.read"):
        return None
    region = actor.region_code if actor.role is Role.credit_office else None
    if actor.role is Role.credit_office and not region:
        return []
    with unit_of_work() as s:
        return _flags(s, region, since=None)
