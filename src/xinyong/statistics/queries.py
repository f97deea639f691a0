"""The figures as SQL: every count is a conditional sum or a GROUP BY in the database, never rows
loaded into Python. Each figure is one condition over one source (:data:`FIGURE_SOURCES`), so the
drill-down list of a figure (:func:`rows`) selects exactly the rows its count counted.

Called by :mod:`.service` inside a use case (the session is the use case's); no access decision here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, DateTime, and_, case, column, func, literal, or_, select, values
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FromClause

from xinyong.core.authority import region_prefix
from xinyong.core.clock import CHINA_TZ, UTC
from xinyong.core.workdays import add_workdays
from xinyong.statistics import rules
from xinyong.statistics import tables as t
from xinyong.statistics.sqlfuncs import beijing_date, days_between, month_of


@dataclass(frozen=True)
class Scope:
    period: rules.Period
    region: str | None
    department: str | None
    today: dt.date


Cond = Callable[[Scope], ColumnElement[bool]]


@dataclass(frozen=True)
class Source:
    """Where a family of figures is counted: the rows, their region and department, and the columns a
    drill-down shows (label, expression) — ids, dates and states only, nothing naming a subject."""

    name: str
    from_: FromClause
    id_col: ColumnElement[Any]
    region: ColumnElement[Any] | None
    department: ColumnElement[Any] | None
    columns: tuple[tuple[str, ColumnElement[Any]], ...]
    #: a bound every figure of the source shares (the period on one column), also put in the WHERE
    #: clause so the database reads only the period's rows
    period: Callable[[Scope], ColumnElement[bool]] | None = None
    #: the rows as a function of the scope, where they join something the scope decides
    from_for: Callable[[Scope], FromClause] | None = None

    def frm(self, s: Scope) -> FromClause:
        return self.from_for(s) if self.from_for is not None else self.from_


def _within(d: ColumnElement[Any], s: Scope) -> ColumnElement[bool]:
    return and_(d >= s.period.start, d <= s.period.end)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ).astimezone(UTC)


def _within_at(at: ColumnElement[Any], s: Scope) -> ColumnElement[bool]:
    """A stored UTC instant within the period's Beijing days: compared with the period's bounds as
    instants, so the database uses the column as it is (an index, no conversion per row)."""
    start, end = _midnight(s.period.start), _midnight(s.period.end + dt.timedelta(days=1))
    return and_(at >= start, at < end)


_subj_rec = t.subjects.alias("subj_rec")
_subj_obj = t.subjects.alias("subj_obj")
_subj_rep = t.subjects.alias("subj_rep")
_subj_com = t.subjects.alias("subj_com")
_subj_trn = t.subjects.alias("subj_trn")
_subj_crp = t.subjects.alias("subj_crp")
_case_int = t.listing_cases.alias("case_int")
_case_rect = t.listing_cases.alias("case_rect")

_rec_dept = func.coalesce(t.records.c.department, t.records.c.issuing_authority)
_pub_on = beijing_date(t.records.c.created_at)
_pc = t.punishment_cases.c

SOURCES: dict[str, Source] = {s.name: s for s in (
    Source("records", t.records, t.records.c.id, t.records.c.region_code, _rec_dept, (
        ("记录编号", t.records.c.id), ("决定日期", t.records.c.decision_date), ("目录项", t.records.c.catalog_item),
        ("失信程度", t.records.c.severity), ("区划", t.records.c.region_code), ("部门", _rec_dept),
        ("入库日期", _pub_on))),
    Source("listings", t.listing_cases, t.listing_cases.c.id, t.listing_cases.c.region_code,
           t.listing_cases.c.department, (
               ("案件编号", t.listing_cases.c.id), ("名单类型", t.listing_cases.c.list_type_id),
               ("立案日期", t.listing_cases.c.proposed_on), ("告知日期", t.listing_cases.c.notice_served_on),
               ("决定日期", t.listing_cases.c.decided_on), ("移出日期", t.listing_cases.c.removed_on),
               ("状态", t.listing_cases.c.state), ("区划", t.listing_cases.c.region_code),
               ("部门", t.listing_cases.c.department))),
    Source("objections", t.objections.join(_subj_obj, _subj_obj.c.subject_key == t.objections.c.subject_key),
           t.objections.c.id, _subj_obj.c.region_code, t.objections.c.department, (
               ("异议编号", t.objections.c.id), ("提出日期", t.objections.c.filed_on),
               ("答复期限", t.objections.c.due_on), ("答复日期", t.objections.c.answered_on),
               ("结果", t.objections.c.outcome), ("区划", _subj_obj.c.region_code),
               ("部门", t.objections.c.department))),
    Source("repair", t.repair_parts.join(t.repair_applications,
                                         t.repair_applications.c.id == t.repair_parts.c.application_id)
           .join(_subj_rep, _subj_rep.c.subject_key == t.repair_applications.c.subject_key),
           t.repair_parts.c.id, _subj_rep.c.region_code, t.repair_parts.c.department, (
               ("事项编号", t.repair_parts.c.id), ("申请编号", t.repair_parts.c.application_id),
               ("申请日期", t.repair_applications.c.filed_on), ("办理期限", t.repair_parts.c.deadline),
               ("决定日期", t.repair_parts.c.decided_on), ("状态", t.repair_parts.c.status),
               ("修复方式", t.repair_parts.c.outcome), ("区划", _subj_rep.c.region_code),
               ("部门", t.repair_parts.c.department))),
    Source("commitments", t.commitments.join(_subj_com, _subj_com.c.subject_key == t.commitments.c.subject_key),
           t.commitments.c.id, _subj_com.c.region_code, None, (
               ("承诺编号", t.commitments.c.id), ("作出日期", t.commitments.c.signed_on),
               ("区划", _subj_com.c.region_code))),
    Source("trainings", t.trainings.join(_subj_trn, _subj_trn.c.subject_key == t.trainings.c.subject_key),
           t.trainings.c.id, _subj_trn.c.region_code, None, (
               ("培训编号", t.trainings.c.id), ("参训日期", t.trainings.c.attended_on),
               ("培训机构", t.trainings.c.provider), ("区划", _subj_trn.c.region_code))),
    Source("reports", t.credit_reports.join(_subj_crp, _subj_crp.c.subject_key == t.credit_reports.c.subject_key),
           t.credit_reports.c.id, _subj_crp.c.region_code, None, (
               ("报告编号", t.credit_reports.c.id), ("出具日期", t.credit_reports.c.issued_on),
               ("区划", _subj_crp.c.region_code))),
    Source("interviews", t.interviews.join(_case_int, _case_int.c.id == t.interviews.c.case_id),
           t.interviews.c.id, _case_int.c.region_code, t.interviews.c.department, (
               ("约谈编号", t.interviews.c.id), ("案件编号", t.interviews.c.case_id),
               ("约谈日期", t.interviews.c.held_on), ("类型", t.interviews.c.kind),
               ("结果", t.interviews.c.outcome), ("区划", _case_int.c.region_code),
               ("部门", t.interviews.c.department))),
    Source("rectifications", t.rectifications.join(_case_rect, _case_rect.c.id == t.rectifications.c.case_id),
           t.rectifications.c.id, _case_rect.c.region_code, _case_rect.c.department, (
               ("整改编号", t.rectifications.c.id), ("案件编号", t.rectifications.c.case_id),
               ("责令日期", t.rectifications.c.ordered_on), ("整改期限", t.rectifications.c.due_on),
               ("确认日期", t.rectifications.c.confirmed_on), ("状态", t.rectifications.c.status),
               ("区划", _case_rect.c.region_code), ("部门", _case_rect.c.department))),
    Source("punishment", t.punishment_cases, _pc.id, _pc.subject_region, _pc.unit, (
        ("案例编号", _pc.id), ("发起日期", beijing_date(_pc.initiated_at)), ("响应期限", _pc.due_date),
        ("响应日期", beijing_date(_pc.responded_at)), ("反馈期限", _pc.feedback_due),
        ("反馈日期", beijing_date(_pc.feedback_at)), ("状态", _pc.status), ("措施", _pc.measure_name),
        ("区划", _pc.subject_region), ("实施单位", _pc.unit))),
    Source("screening", t.access_log, t.access_log.c.id, None, t.access_log.c.department, (
        ("登记编号", t.access_log.c.id), ("查询日期", beijing_date(t.access_log.c.at)),
        ("单位", t.access_log.c.department), ("目的", t.access_log.c.purpose),
        ("结果条数", t.access_log.c.result_count))),
)}

def _bounded(name: str, period: Callable[[Scope], ColumnElement[bool]]) -> None:
    SOURCES[name] = dataclasses.replace(SOURCES[name], period=period)


_bounded("records", lambda s: _within(t.records.c.decision_date, s))
_bounded("objections", lambda s: _within(t.objections.c.filed_on, s))
_bounded("commitments", lambda s: _within(t.commitments.c.signed_on, s))
_bounded("trainings", lambda s: _within(t.trainings.c.attended_on, s))
_bounded("reports", lambda s: _within(t.credit_reports.c.issued_on, s))
_bounded("interviews", lambda s: _within(t.interviews.c.held_on, s))
_bounded("rectifications", lambda s: _within(t.rectifications.c.ordered_on, s))
_bounded("punishment", lambda s: _within_at(t.punishment_cases.c.initiated_at, s))
_bounded("screening", lambda s: _within_at(t.access_log.c.at, s))

#: the access-log actions that are screening queries (measures: 核查 by code, name, batch, check)
SCREENING_ACTIONS = ("measures.screen", "measures.check")


@functools.lru_cache(maxsize=64)
def _deadline_rows(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.datetime], ...]:
    """(decision date, the instant its publication period ends) for each day of the period: 7 working
    days on (core.workdays: holidays and adjusted working days included), to the end of that Beijing day."""
    out = []
    for i in range((end - start).days + 1):
        d = start + dt.timedelta(days=i)
        due = add_workdays(d, rules.PENALTY_WORKDAYS).date
        out.append((d, _midnight(due + dt.timedelta(days=1))))
    return tuple(out)


def _deadlines(s: Scope) -> Any:
    """The deadlines of :func:`_deadline_rows` as a ``WITH deadlines(d, until) AS (VALUES …)`` table,
    joined to the records by decision date: the database compares each record with its own deadline."""
    v = values(column("d", Date), column("until", DateTime(timezone=True)), name="deadlines")
    return v.data(list(_deadline_rows(s.period.start, s.period.end))).cte("deadlines")


_deadline_cache: dict[tuple[dt.date, dt.date], Any] = {}


def _dl(s: Scope) -> Any:
    key = (s.period.start, s.period.end)
    if key not in _deadline_cache:
        if len(_deadline_cache) > 64:
            _deadline_cache.clear()
        _deadline_cache[key] = _deadlines(s)
    return _deadline_cache[key]


def _records_from(s: Scope) -> FromClause:
    dl = _dl(s)
    return t.records.outerjoin(dl, dl.c.d == t.records.c.decision_date)


SOURCES["records"] = dataclasses.replace(SOURCES["records"], from_for=_records_from)


_r, _l, _o, _rp = t.records.c, t.listing_cases.c, t.objections.c, t.repair_parts.c
_rc, _iv = t.rectifications.c, t.interviews.c


def _is_penalty(s: Scope) -> ColumnElement[bool]:
    return and_(_r.catalog_item == rules.PENALTY_ITEM, _within(_r.decision_date, s))


def _penalty_on_time(s: Scope) -> ColumnElement[bool]:
    return and_(_is_penalty(s), t.records.c.created_at < _dl(s).c.until)


def _penalty_late(s: Scope) -> ColumnElement[bool]:
    return and_(_is_penalty(s), t.records.c.created_at >= _dl(s).c.until)


def _decided(s: Scope) -> ColumnElement[bool]:
    return _within(_l.decided_on, s)


#: figure key → (source, condition over the scope)
FIGURE_SOURCES: dict[str, tuple[str, Cond]] = {
    "records.total": ("records", lambda s: _within(_r.decision_date, s)),
    "penalties.total": ("records", _is_penalty),
    "penalties.on_time": ("records", _penalty_on_time),
    "penalties.late": ("records", _penalty_late),
    "listings.opened": ("listings", lambda s: _within(_l.proposed_on, s)),
    "listings.noticed": ("listings", lambda s: _within(_l.notice_served_on, s)),
    "listings.decided": ("listings", _decided),
    "listings.decided_after_window": ("listings", lambda s: and_(
        _decided(s), _l.notice_served_on.is_not(None), _l.decided_on > _l.objection_window_end)),
    "listings.removed": ("listings", lambda s: _within(_l.removed_on, s)),
    "listings.repaired": ("listings", lambda s: and_(_within(_l.removed_on, s), _l.removal_reason == "repaired")),
    "listing_objections.received": ("listings", lambda s: _within(_l.objection_received_on, s)),
    "listing_objections.answered": ("listings", lambda s: and_(
        _within(_l.objection_received_on, s), _l.answered_on.is_not(None))),
    "listing_objections.on_time": ("listings", lambda s: and_(
        _within(_l.objection_received_on, s), _l.answered_on.is_not(None), _l.answered_on <= _l.answer_deadline)),
    "listing_objections.upheld": ("listings", lambda s: and_(
        _within(_l.objection_received_on, s), _l.answer_outcome == "upheld")),
    "objections.filed": ("objections", lambda s: _within(_o.filed_on, s)),
    "objections.answered": ("objections", lambda s: and_(_within(_o.filed_on, s), _o.answered_on.is_not(None))),
    "objections.on_time": ("objections", lambda s: and_(
        _within(_o.filed_on, s), _o.answered_on.is_not(None), _o.answered_on <= _o.due_on)),
    "objections.overdue": ("objections", lambda s: and_(
        _within(_o.filed_on, s), _o.answered_on.is_(None), _o.due_on < s.today)),
    "objections.upheld": ("objections", lambda s: and_(_within(_o.filed_on, s), _o.outcome == "upheld")),
    "repair.applications": ("repair", lambda s: _within(t.repair_applications.c.filed_on, s)),
    "repair.decided": ("repair", lambda s: _within(_rp.decided_on, s)),
    "repair.granted": ("repair", lambda s: and_(_within(_rp.decided_on, s), _rp.status == "granted")),
    "repair.refused": ("repair", lambda s: and_(_within(_rp.decided_on, s), _rp.status == "refused")),
    "repair.on_time": ("repair", lambda s: and_(_within(_rp.decided_on, s), _rp.decided_on <= _rp.deadline)),
    "repair.overdue": ("repair", lambda s: and_(
        _within(t.repair_applications.c.filed_on, s), _rp.status == "pending", _rp.deadline < s.today)),
    "commitments.total": ("commitments", lambda s: _within(t.commitments.c.signed_on, s)),
    "trainings.total": ("trainings", lambda s: _within(t.trainings.c.attended_on, s)),
    "reports.total": ("reports", lambda s: _within(t.credit_reports.c.issued_on, s)),
    "interviews.total": ("interviews", lambda s: _within(_iv.held_on, s)),
    "interviews.prompting": ("interviews", lambda s: and_(_within(_iv.held_on, s), _iv.kind == "prompting")),
    "interviews.warning": ("interviews", lambda s: and_(_within(_iv.held_on, s), _iv.kind == "warning")),
    "interviews.refused": ("interviews", lambda s: and_(_within(_iv.held_on, s), _iv.outcome != "held")),
    "rectifications.ordered": ("rectifications", lambda s: _within(_rc.ordered_on, s)),
    "rectifications.completed": ("rectifications", lambda s: and_(
        _within(_rc.ordered_on, s), _rc.status == "completed")),
    "rectifications.completed_on_time": ("rectifications", lambda s: and_(
        _within(_rc.ordered_on, s), _rc.status == "completed", _rc.confirmed_on <= _rc.due_on)),
    "rectifications.not_completed": ("rectifications", lambda s: and_(
        _within(_rc.ordered_on, s), _rc.status == "not_completed")),
    "rectifications.overdue": ("rectifications", lambda s: and_(
        _within(_rc.ordered_on, s), _rc.status == "open", _rc.due_on < s.today)),
    "punishment.initiated": ("punishment", lambda s: _within_at(_pc.initiated_at, s)),
    "punishment.responded": ("punishment", lambda s: and_(
        _within_at(_pc.initiated_at, s), _pc.responded_at.is_not(None))),
    "punishment.responded_on_time": ("punishment", lambda s: and_(
        _within_at(_pc.initiated_at, s), _pc.responded_at.is_not(None),
        beijing_date(_pc.responded_at) <= _pc.due_date)),
    "punishment.feedback": ("punishment", lambda s: and_(
        _within_at(_pc.initiated_at, s), _pc.feedback_at.is_not(None))),
    "punishment.feedback_on_time": ("punishment", lambda s: and_(
        _within_at(_pc.initiated_at, s), _pc.feedback_at.is_not(None),
        or_(_pc.feedback_due.is_(None), beijing_date(_pc.feedback_at) <= _pc.feedback_due))),
    "punishment.overdue": ("punishment", lambda s: and_(
        _within_at(_pc.initiated_at, s), _pc.status == "initiated", _pc.due_date < s.today)),
    "screening.queries": ("screening", lambda s: and_(
        t.access_log.c.action.in_(SCREENING_ACTIONS), t.access_log.c.allowed.is_(True),
        _within_at(t.access_log.c.at, s))),
}


def _scope_conds(src: Source, s: Scope) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [src.period(s)] if src.period is not None else []
    if s.region is not None and src.region is not None:
        prefix = region_prefix(s.region)
        if prefix is not None:
            out.append(src.region.like(prefix + "%"))
    if s.department and src.department is not None:
        out.append(src.department == s.department)
    return out


def applies(src_name: str, s: Scope) -> list[str]:
    """The filters a source cannot apply (shown next to its figures)."""
    src = SOURCES[src_name]
    missing = []
    if s.region is not None and src.region is None:
        missing.append("不分地区")
    if s.department and src.department is None:
        missing.append("不分部门")
    return missing


def _hit(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def rows(session: Session, key: str, s: Scope, *, limit: int = 500, offset: int = 0) -> tuple[list[str], list[list[Any]], int]:
    """The rows behind one figure: (column labels, rows, total count)."""
    src_name, cond = FIGURE_SOURCES[key]
    src = SOURCES[src_name]
    where = [cond(s), *_scope_conds(src, s)]
    total = int(session.execute(select(func.count()).select_from(src.frm(s)).where(*where)).scalar_one())
    q = (select(*[c.label(f"c{i}") for i, (_l, c) in enumerate(src.columns)]).select_from(src.frm(s))
         .where(*where).order_by(src.id_col).limit(limit).offset(offset))
    return [label for label, _c in src.columns], [list(r) for r in session.execute(q)], total


# --- breakdowns (GROUP BY) ----------------------------------------------------------------------------


def records_by_item(session: Session, s: Scope) -> list[tuple[str, str, int]]:
    src = SOURCES["records"]
    q = (select(_r.catalog_item, _r.severity, func.count()).select_from(src.from_)
         .where(FIGURE_SOURCES["records.total"][1](s), *_scope_conds(src, s))
         .group_by(_r.catalog_item, _r.severity).order_by(func.count().desc(), _r.catalog_item, _r.severity))
    return [(a, b, int(n)) for a, b, n in session.execute(q)]


LISTING_KEYS = ("listings.opened", "listings.decided", "listings.removed", "listings.repaired")


def listings_by_type(session: Session, s: Scope) -> list[tuple[str, dict[str, int]]]:
    src = SOURCES["listings"]
    cols = [_hit(FIGURE_SOURCES[k][1](s)) for k in LISTING_KEYS]
    q = (select(_l.list_type_id, *cols).select_from(src.frm(s)).where(*_scope_conds(src, s))
         .group_by(_l.list_type_id).order_by(_l.list_type_id))
    out = []
    for row in session.execute(q):
        counts = {k: int(row[i + 1]) for i, k in enumerate(LISTING_KEYS)}
        if any(counts.values()):
            out.append((row[0], counts))
    return out


def repair_outcomes(session: Session, s: Scope) -> list[tuple[str, int]]:
    src = SOURCES["repair"]
    q = (select(_rp.outcome, func.count()).select_from(src.frm(s))
         .where(FIGURE_SOURCES["repair.granted"][1](s), *_scope_conds(src, s))
         .group_by(_rp.outcome).order_by(func.count().desc()))
    return [(o or "", int(n)) for o, n in session.execute(q)]


def average_days(session: Session, s: Scope) -> dict[str, float | None]:
    """Mean calendar days to answer an objection and to decide a repair part (of those decided)."""
    out: dict[str, float | None] = {}
    for key, src_name, cond_key, a, b in (
        ("objections", "objections", "objections.answered", _o.filed_on, _o.answered_on),
        ("repair", "repair", "repair.decided", t.repair_applications.c.filed_on, _rp.decided_on),
    ):
        src = SOURCES[src_name]
        v = session.execute(select(func.avg(days_between(a, b))).select_from(src.frm(s))
                            .where(FIGURE_SOURCES[cond_key][1](s), *_scope_conds(src, s))).scalar_one()
        out[key] = round(float(v), 1) if v is not None else None
    return out


def screening_by_unit(session: Session, s: Scope) -> list[tuple[str, str, int, int]]:
    src = SOURCES["screening"]
    al = t.access_log.c
    q = (select(func.coalesce(al.department, al.principal_name), al.purpose, func.count(),
                func.coalesce(func.sum(al.result_count), 0))
         .select_from(src.frm(s)).where(FIGURE_SOURCES["screening.queries"][1](s), *_scope_conds(src, s))
         .group_by(func.coalesce(al.department, al.principal_name), al.purpose)
         .order_by(func.count().desc(), func.coalesce(al.department, al.principal_name), al.purpose))
    return [(u or "", p or "", int(n), int(r or 0)) for u, p, n, r in session.execute(q)]


#: the figures counted per month, grouped by their source and the date that places them in a month
TRENDS: tuple[tuple[str, Callable[[], ColumnElement[Any]], tuple[str, ...]], ...] = (
    ("records", lambda: _r.decision_date, ("records.total", "penalties.total", "penalties.on_time")),
    ("listings", lambda: _l.decided_on, ("listings.decided",)),
    ("punishment", lambda: beijing_date(_pc.initiated_at), ("punishment.initiated",)),
)


def monthly(session: Session, s: Scope, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, int]]:
    """Per figure of :data:`TRENDS`, its count per month of the period (one GROUP BY per source)."""
    out: dict[str, dict[str, int]] = {}
    for src_name, date_of, keys in TRENDS:
        if src_name in skip:
            continue
        src = SOURCES[src_name]
        m = month_of(date_of())
        first = FIGURE_SOURCES[keys[0]][1](s)
        q = (select(m, *[_hit(FIGURE_SOURCES[k][1](s)) for k in keys]).select_from(src.frm(s))
             .where(first, *_scope_conds(src, s)).group_by(m).order_by(m))
        for k in keys:
            out[k] = {}
        for row in session.execute(q):
            for i, k in enumerate(keys):
                if row[i + 1]:
                    out[k][str(row[0])[:7]] = int(row[i + 1])
    return out


REGION_KEYS = ("records.total", "penalties.total", "penalties.on_time", "listings.decided",
               "punishment.responded", "punishment.responded_on_time")


def by_region(session: Session, s: Scope, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, int]]:
    """The figures of :data:`REGION_KEYS` per region one level below the scope's: the database counts per
    region code (one GROUP BY per source, a few thousand codes at most), the codes are then summed up to
    that level."""
    n = rules.child_level(s.region)
    by_source: dict[str, list[str]] = {}
    for key in REGION_KEYS:
        by_source.setdefault(FIGURE_SOURCES[key][0], []).append(key)
    out: dict[str, dict[str, int]] = {}
    for src_name, keys in by_source.items():
        if src_name in skip:
            continue
        src = SOURCES[src_name]
        assert src.region is not None
        q = (select(src.region, *[_hit(FIGURE_SOURCES[k][1](s)) for k in keys]).select_from(src.frm(s))
             .where(or_(*[FIGURE_SOURCES[k][1](s) for k in keys]), *_scope_conds(src, s)).group_by(src.region))
        for row in session.execute(q):
            region = (str(row[0])[:n] + "0000")[:6]
            vals = out.setdefault(region, {k: 0 for k in REGION_KEYS})
            for i, k in enumerate(keys):
                vals[k] += int(row[i + 1])
    return out


#: sources whose every figure is bounded by one date: counted once per (region code, month), and the
#: totals, the monthly trends and the ranked regions are all summed from that one GROUP BY
CUBED: dict[str, Callable[[], ColumnElement[Any]]] = {
    "records": lambda: _r.decision_date,
    "punishment": lambda: beijing_date(_pc.initiated_at),
}


def collect(session: Session, s: Scope) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """(figures, monthly trends, ranked regions) of the scope. The large sources (:data:`CUBED`) are read
    once each, grouped by region code and month; the others in one statement per source, then their trends
    (:func:`monthly`) and regions (:func:`by_region`)."""
    n = rules.child_level(s.region)
    trend_keys = {src: keys for src, _d, keys in TRENDS}
    figs: dict[str, int] = {}
    trends: dict[str, dict[str, int]] = {}
    regions: dict[str, dict[str, int]] = {}
    rest: dict[str, list[str]] = {}
    for key, (src_name, _cond) in FIGURE_SOURCES.items():
        rest.setdefault(src_name, []).append(key)
    for src_name, date_of in CUBED.items():
        keys = rest.pop(src_name)
        src = SOURCES[src_name]
        assert src.region is not None
        m = month_of(date_of())
        q = (select(src.region, m, *[_hit(FIGURE_SOURCES[k][1](s)) for k in keys]).select_from(src.frm(s))
             .where(*_scope_conds(src, s)).group_by(src.region, m))
        for k in keys:
            figs[k] = 0
        for k in trend_keys.get(src_name, ()):
            trends[k] = {}
        for row in session.execute(q):
            region, month = (str(row[0])[:n] + "0000")[:6], str(row[1])[:7]
            for i, k in enumerate(keys):
                v = int(row[i + 2])
                if not v:
                    continue
                figs[k] += v
                if k in trends:
                    trends[k][month] = trends[k].get(month, 0) + v
                if k in REGION_KEYS:
                    regions.setdefault(region, {rk: 0 for rk in REGION_KEYS})[k] += v
    for src_name, keys in rest.items():
        src = SOURCES[src_name]
        cols = [_hit(FIGURE_SOURCES[k][1](s)).label(f"f{i}") for i, k in enumerate(keys)]
        row = session.execute(select(*cols).select_from(src.frm(s)).where(*_scope_conds(src, s))).one()
        figs.update({k: int(row[i] or 0) for i, k in enumerate(keys)})
    skip = frozenset(CUBED)
    trends.update(monthly(session, s, skip))
    for region, vals in by_region(session, s, skip).items():
        mine = regions.setdefault(region, {rk: 0 for rk in REGION_KEYS})
        for k, v in vals.items():
            mine[k] += v
    return figs, {k: dict(sorted(v.items())) for k, v in trends.items()}, regions


# --- list-standard evaluation (国办发〔2020〕49号 §（七）) -------------------------------------------------


def list_standards(session: Session, s: Scope) -> tuple[dict[str, dict[str, int]], dict[str, list[int]],
                                                         dict[str, dict[str, int]]]:
    """Per list type: determinations and what became of them; the middle time(s) on the list; the
    distribution of time on the list. The period selects determinations by decision date."""
    src = SOURCES["listings"]
    scope = _scope_conds(src, s)
    decided = _decided(s)
    early = and_(_l.removed_on.is_not(None), _l.listing_end.is_not(None), _l.removed_on < _l.listing_end,
                 _l.removal_reason.in_(("repaired", "conditions_met")))
    counts_q = (select(
        _l.list_type_id, func.count(),
        _hit(_l.answer_outcome == "upheld"),
        _hit(_l.removal_reason == "revoked"),
        _hit(_l.removal_reason == "repaired"),
        _hit(early),
        _hit(_l.removed_on.is_not(None)),
    ).select_from(src.frm(s)).where(decided, *scope).group_by(_l.list_type_id))
    counts: dict[str, dict[str, int]] = {}
    for lt, n, upheld, revoked, repaired, early_n, removed in session.execute(counts_q):
        counts[lt] = {"decided": int(n), "overturned_objection": int(upheld), "overturned_review": int(revoked),
                      "repaired": int(repaired), "removed_early": int(early_n), "removed": int(removed)}
    # overturned on objection before any decision: the case never got decided; count them too
    obj_q = (select(_l.list_type_id, func.count()).select_from(src.frm(s))
             .where(_within(_l.answered_on, s), _l.answer_outcome == "upheld", _l.decided_on.is_(None), *scope)
             .group_by(_l.list_type_id))
    for lt, n in session.execute(obj_q):
        row = counts.setdefault(lt, {"decided": 0, "overturned_objection": 0, "overturned_review": 0, "repaired": 0,
                                     "removed_early": 0, "removed": 0})
        row["overturned_objection"] += int(n)
        row["undecided_overturned"] = int(n)
    # time on the list: start to removal (or to today while still listed)
    days = days_between(_l.listing_start, func.coalesce(_l.removed_on, literal(s.today)))
    listed = and_(decided, _l.listing_start.is_not(None))
    ranked = (select(_l.list_type_id.label("lt"), days.label("d"),
                     func.row_number().over(partition_by=_l.list_type_id, order_by=days).label("rn"),
                     func.count().over(partition_by=_l.list_type_id).label("n"))
              .select_from(src.frm(s)).where(listed, *scope).subquery())
    mid_q = (select(ranked.c.lt, ranked.c.d).where(or_(
        ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)).order_by(ranked.c.lt, ranked.c.d))
    middles: dict[str, list[int]] = {}
    for lt, d in session.execute(mid_q):
        middles.setdefault(lt, []).append(int(d))
    bucket_case = case(*[(days < upper, literal(label)) for upper, label in rules.DURATION_BUCKETS if upper],
                       else_=literal(rules.DURATION_BUCKETS[-1][1]))
    dist_q = (select(_l.list_type_id, bucket_case, func.count()).select_from(src.frm(s))
              .where(listed, *scope).group_by(_l.list_type_id, bucket_case))
    dist: dict[str, dict[str, int]] = {}
    for lt, label, n in session.execute(dist_q):
        dist.setdefault(lt, {})[str(label)] = int(n)
    return counts, middles, dist
