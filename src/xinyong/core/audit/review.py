"""Review of the query registration (查询使用登记审查, 国办发〔2020〕49号 §（十三）): filter the access
log and flag unusual access.

Flags (pure functions over entries, parameters explicit):
- ``many_subjects``: one principal read at least ``threshold`` distinct subjects within
  ``window_minutes``;
- ``off_hours``: an official read outside office hours (China time 08:30–18:00 on working days,
  working days from :func:`xinyong.core.workdays.is_workday`, Monday–Friday if unavailable);
- ``no_case``: an official read of a subject's data whose ``detail`` names no case
  (``case_id`` or another case reference such as ``listing_id``, ``application_id``).
The office hours and thresholds are this platform's review settings, not legal periods.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import PURPOSE_NAMES_ZH, Purpose
from xinyong.core.models import AccessLogEntry

OFFICE_START = dt.time(8, 30)
OFFICE_END = dt.time(18, 0)
MANY_SUBJECTS_THRESHOLD = 20
MANY_SUBJECTS_WINDOW_MINUTES = 10
#: keys in ``detail`` that tie a read to a case (a joint-punishment case, a listing procedure, ...)
CASE_KEYS = ("case_id", "case", "listing_id", "application_id", "objection_id", "procedure_id", "record_id")
OFFICIAL_ROLES = frozenset({"admin", "credit_office", "determining_department", "implementing_unit"})
READ_VERBS = ("read", "share", "screen", "check", "export")

FLAG_NAMES_ZH = {
    "many_subjects": "短时间内查询大量主体",
    "off_hours": "非工作时间查询",
    "no_case": "无案由查询",
}


def is_read(action: str) -> bool:
    verb = action.rsplit(".", 1)[-1]
    return any(v in verb for v in READ_VERBS)


def _workday_fn() -> Callable[[dt.date], bool]:
    try:
        from xinyong.core.workdays import is_workday

        return is_workday
    except ImportError:  # the listing capability's calendar is not installed
        return lambda d: d.weekday() < 5


def china_time(at: dt.datetime) -> dt.datetime:
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(clock.CHINA_TZ)


def in_office_hours(at: dt.datetime, is_workday: Callable[[dt.date], bool]) -> bool:
    local = china_time(at)
    return is_workday(local.date()) and OFFICE_START <= local.time() < OFFICE_END


@dataclass(frozen=True)
class Seen:
    """The part of an access-log entry the flags look at."""

    id: int
    seq: int | None
    at: dt.datetime
    principal_id: int | None
    principal_name: str
    role: str
    action: str
    purpose: str
    subject_key: str | None
    allowed: bool
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AccessLogEntry) -> Seen:
        return cls(e.id, e.seq, e.at, e.principal_id, e.principal_name, e.role, e.action, e.purpose,
                   e.subject_key, e.allowed, dict(e.detail or {}))

    @property
    def official_read(self) -> bool:
        return (self.allowed and self.principal_id is not None and self.role in OFFICIAL_ROLES
                and is_read(self.action))


@dataclass
class Flag:
    kind: str
    principal_id: int | None
    principal_name: str
    first_at: dt.datetime
    last_at: dt.datetime
    entry_ids: list[int] = field(default_factory=list)
    subjects: int = 0
    note: str = ""

    @property
    def name_zh(self) -> str:
        return FLAG_NAMES_ZH[self.kind]

    @property
    def message(self) -> str:
        first = china_time(self.first_at).strftime("%Y-%m-%d %H:%M")
        last = china_time(self.last_at).strftime("%H:%M")
        n = len(self.entry_ids)
        if self.kind == "many_subjects":
            return f"{self.principal_name} 于 {first}—{last} 查询了 {self.subjects} 个不同主体（{n} 次）"
        if self.kind == "off_hours":
            return f"{self.principal_name} 于 {first}—{last} 在非工作时间查询 {n} 次{self.note}"
        return f"{self.principal_name} 于 {first[:10]} 有 {n} 次查询未关联案件（{self.note}）"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name_zh, "principal_id": self.principal_id,
                "principal_name": self.principal_name, "first_at": self.first_at.isoformat(),
                "last_at": self.last_at.isoformat(), "count": len(self.entry_ids),
                "subjects": self.subjects, "entry_ids": self.entry_ids[:50], "message": self.message}


def flag_many_subjects(entries: Sequence[Seen], *, threshold: int = MANY_SUBJECTS_THRESHOLD,
                       window_minutes: int = MANY_SUBJECTS_WINDOW_MINUTES) -> list[Flag]:
    """Sliding window per principal over reads that name a subject; overlapping windows merge."""
    window = dt.timedelta(minutes=window_minutes)
    by_principal: dict[int | None, list[Seen]] = defaultdict(list)
    for e in entries:
        if e.official_read and e.subject_key:
            by_principal[e.principal_id].append(e)
    flags: list[Flag] = []
    for reads in by_principal.values():
        reads.sort(key=lambda e: (china_time(e.at), e.id))
        counts: dict[str, int] = defaultdict(int)
        start = 0
        current: Flag | None = None
        current_subjects: set[str] = set()
        for end, e in enumerate(reads):
            counts[e.subject_key or ""] += 1
            while china_time(reads[start].at) < china_time(e.at) - window:
                k = reads[start].subject_key or ""
                counts[k] -= 1
                if counts[k] == 0:
                    del counts[k]
                start += 1
            if len(counts) >= threshold:
                span = reads[start:end + 1]
                if current is not None and china_time(span[0].at) <= china_time(current.last_at):
                    current.last_at = e.at
                    known = set(current.entry_ids)
                    current.entry_ids.extend(x.id for x in span if x.id not in known)
                    current_subjects.update(x.subject_key or "" for x in span)
                    current.subjects = len(current_subjects)
                else:
                    current_subjects = {x.subject_key or "" for x in span}
                    current = Flag("many_subjects", e.principal_id, e.principal_name, span[0].at, e.at,
                                   [x.id for x in span], len(current_subjects))
                    flags.append(current)
    return flags


def flag_off_hours(entries: Sequence[Seen], is_workday: Callable[[dt.date], bool] | None = None) -> list[Flag]:
    """Official reads outside office hours, grouped per principal and China-time day."""
    workday = is_workday or _workday_fn()
    groups: dict[tuple[int | None, dt.date], Flag] = {}
    for e in sorted(entries, key=lambda x: (x.at if x.at.tzinfo else x.at.replace(tzinfo=dt.UTC), x.id)):
        if not e.official_read or in_office_hours(e.at, workday):
            continue
        day = china_time(e.at).date()
        flag = groups.get((e.principal_id, day))
        if flag is None:
            note = "（非工作日）" if not workday(day) else "（工作日下班时间）"
            flag = groups[(e.principal_id, day)] = Flag("off_hours", e.principal_id, e.principal_name, e.at, e.at,
                                                         note=note)
        flag.entry_ids.append(e.id)
        flag.last_at = e.at
    for flag in groups.values():
        flag.subjects = len({e.subject_key for e in entries if e.id in set(flag.entry_ids) and e.subject_key})
    return list(groups.values())


def purpose_zh(value: str) -> str:
    try:
        return PURPOSE_NAMES_ZH[Purpose(value)]
    except ValueError:
        return value


def has_case(detail: dict[str, Any]) -> bool:
    return any(detail.get(k) not in (None, "", [], {}) for k in CASE_KEYS)


def flag_no_case(entries: Sequence[Seen]) -> list[Flag]:
    """Official reads of a subject's data that name no case, grouped per principal and day."""
    groups: dict[tuple[int | None, dt.date], Flag] = {}
    purposes: dict[tuple[int | None, dt.date], set[str]] = defaultdict(set)
    for e in sorted(entries, key=lambda x: (x.at if x.at.tzinfo else x.at.replace(tzinfo=dt.UTC), x.id)):
        if not e.official_read or not e.subject_key or has_case(e.detail):
            continue
        day = china_time(e.at).date()
        key = (e.principal_id, day)
        flag = groups.get(key)
        if flag is None:
            flag = groups[key] = Flag("no_case", e.principal_id, e.principal_name, e.at, e.at)
        flag.entry_ids.append(e.id)
        flag.last_at = e.at
        purposes[key].add(e.purpose)
    for key, flag in groups.items():
        flag.subjects = len({e.subject_key for e in entries if e.id in set(flag.entry_ids)})
        flag.note = "目的：" + "、".join(purpose_zh(p) for p in sorted(purposes[key]))
    return list(groups.values())


def detect(entries: Sequence[Seen], *, threshold: int = MANY_SUBJECTS_THRESHOLD,
           window_minutes: int = MANY_SUBJECTS_WINDOW_MINUTES,
           is_workday: Callable[[dt.date], bool] | None = None) -> list[Flag]:
    flags = (flag_many_subjects(entries, threshold=threshold, window_minutes=window_minutes)
             + flag_off_hours(entries, is_workday) + flag_no_case(entries))
    return sorted(flags, key=lambda f: (f.first_at if f.first_at.tzinfo else f.first_at.replace(tzinfo=dt.UTC)),
                  reverse=True)


# --- queries -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    principal: str | None = None  # id or part of the name
    action: str | None = None
    purpose: str | None = None
    since: dt.date | None = None  # China dates, inclusive
    until: dt.date | None = None
    allowed: bool | None = None  # None: both
    subject_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()
                if v is not None}


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0, 0), tzinfo=clock.CHINA_TZ).astimezone(dt.UTC)


def _filtered(query: Select[Any], f: Filters) -> Select[Any]:
    if f.principal:
        p = f.principal.strip()
        if p.isdigit():
            query = query.where(AccessLogEntry.principal_id == int(p))
        else:
            query = query.where(or_(AccessLogEntry.principal_name.contains(p, autoescape=True),
                                    AccessLogEntry.department.contains(p, autoescape=True)))
    if f.action:
        query = query.where(AccessLogEntry.action == f.action)
    if f.purpose:
        query = query.where(AccessLogEntry.purpose == f.purpose)
    if f.since:
        query = query.where(AccessLogEntry.at >= _day_start(f.since))
    if f.until:
        query = query.where(AccessLogEntry.at < _day_start(f.until + dt.timedelta(days=1)))
    if f.allowed is not None:
        query = query.where(AccessLogEntry.allowed.is_(f.allowed))
    if f.subject_key:
        query = query.where(AccessLogEntry.subject_key == f.subject_key)
    return query


def list_entries(session: Session, f: Filters, *, limit: int = 50, offset: int = 0) -> tuple[list[AccessLogEntry], int]:
    total = session.scalar(_filtered(select(func.count()).select_from(AccessLogEntry), f)) or 0
    rows = session.scalars(
        _filtered(select(AccessLogEntry), f)
        # newest first: entries still queued for the sequencer (no seq yet) are the newest
        .order_by(AccessLogEntry.seq.desc().nulls_first(), AccessLogEntry.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def distinct_values(session: Session, column: str) -> list[str]:
    col = getattr(AccessLogEntry, column)
    return [v for v in session.scalars(select(col).distinct().order_by(col)) if v]


def anomalies(session: Session, since: dt.date | None = None, until: dt.date | None = None, *,
              threshold: int = MANY_SUBJECTS_THRESHOLD, window_minutes: int = MANY_SUBJECTS_WINDOW_MINUTES,
              principal: str | None = None) -> list[Flag]:
    """Flags over the allowed reads between ``since`` and ``until`` (default: the last 30 days)."""
    since = since or (clock.today() - dt.timedelta(days=30))
    f = Filters(principal=principal, since=since, until=until, allowed=True)
    rows: Iterable[AccessLogEntry] = session.scalars(
        _filtered(select(AccessLogEntry), f).order_by(AccessLogEntry.seq.asc().nulls_last(), AccessLogEntry.id)
    )
    entries = [Seen.of(e) for e in rows]
    return detect(entries, threshold=threshold, window_minutes=window_minutes)


def flagged_ids(flags: Iterable[Flag]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for flag in flags:
        for i in flag.entry_ids:
            if flag.name_zh not in out[i]:
                out[i].append(flag.name_zh)
    return out
