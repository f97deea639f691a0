"""Use cases of the statistics: read the figures, the rows behind one, the list-standard evaluation;
mark, publish and withdraw typical cases; the public list of published typical cases.

Reading statistics is supervision (监督检查); the figures and rows carry no name, code or ID number, so
the evaluator role (评估人员) reads them too (发改办财金〔2018〕893号 §十九 第三方评估).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.db import claim
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.regions import division_name
from xinyong.core.usecase import use_case
from xinyong.records.public import record_view
from xinyong.statistics import queries, rules
from xinyong.statistics import tables as t
from xinyong.statistics.models import TypicalCase
from xinyong.subjects.public import subject_view


@dataclass(frozen=True)
class Query:
    start: dt.date | None = None
    end: dt.date | None = None
    region: str | None = None
    department: str | None = None

    def scope(self) -> queries.Scope:
        today = clock.today()
        dept = (self.department or "").strip() or None
        if dept is not None and len(dept) > 200:
            raise ValidationFailed("statistics.department", "部门名称过长")
        return queries.Scope(rules.period(self.start, self.end, today), rules.check_region(self.region), dept, today)


@lru_cache(maxsize=1)
def _list_type_names() -> dict[str, str]:
    from xinyong.listing.loader import list_types

    ts = list_types()
    names = {lt.id: lt.name for lt in ts.types}
    names.update({i.id: i.name for i in ts.incomplete})
    return names


def list_type_name(lt: str) -> str:
    return _list_type_names().get(lt, "已停用的名单类型")


def item_name(code: str) -> str:
    from xinyong.catalog.loader import catalogs

    item = catalogs().latest_item(code)
    return item.name if item is not None else "未列入现行目录的信息项"


def region_label(code: str | None) -> str:
    return "全部地区" if code is None else division_name(code)


@dataclass
class Report:
    """Every figure of one scope, named, with the rows behind each reachable by its key."""

    scope: queries.Scope
    figures: dict[str, int]
    rates: list[dict[str, Any]]
    averages: dict[str, float | None]
    records_by_item: list[dict[str, Any]]
    listings_by_type: list[dict[str, Any]]
    repair_outcomes: list[dict[str, Any]]
    screening: list[dict[str, Any]]
    monthly: dict[str, dict[str, int]]
    regions: list[dict[str, Any]]
    not_filtered: dict[str, list[str]] = field(default_factory=dict)

    def figure(self, key: str) -> dict[str, Any]:
        d = rules.FIGURES[key]
        return {"key": key, "label": d.label, "unit": d.unit, "value": self.figures[key]}


def _report(session: Session, s: queries.Scope) -> Report:
    from xinyong.repair.rules import OUTCOME_NAMES

    figures, monthly, by_region = queries.collect(session, s)
    figures["typical.published"] = typical_count(session, s)
    rates = [{"key": k, "label": label, "numerator": figures[n], "denominator": figures[d],
              "rate": rules.rate(figures[n], figures[d]), "explanation": why, "numerator_key": n,
              "denominator_key": d} for k, label, n, d, why in rules.RATES]
    outcome_names = {str(k): v for k, v in OUTCOME_NAMES.items()}
    regions: list[dict[str, Any]] = []
    for code, vals in by_region.items():
        regions.append({"region": code, "name": division_name(code), **{k.replace(".", "_"): v for k, v in vals.items()},
                        "penalty_rate": rules.rate(vals["penalties.on_time"], vals["penalties.total"]),
                        "response_rate": rules.rate(vals["punishment.responded_on_time"], vals["punishment.responded"])})
    regions.sort(key=_rank)
    return Report(
        scope=s, figures=figures, rates=rates, averages=queries.average_days(session, s),
        records_by_item=[{"item": i, "item_name": item_name(i), "severity": sv,
                          "severity_name": rules.SEVERITY_NAMES.get(sv, "其他"), "count": n}
                         for i, sv, n in queries.records_by_item(session, s)],
        listings_by_type=[{"list_type": lt, "name": list_type_name(lt),
                           **{k.split(".")[1]: v for k, v in c.items()}} for lt, c in queries.listings_by_type(session, s)],
        repair_outcomes=[{"outcome": o, "name": outcome_names.get(o, "未注明"), "count": n}
                         for o, n in queries.repair_outcomes(session, s)],
        screening=[{"unit": u or "未注明单位", "purpose": p, "purpose_name": _purpose_name(p), "count": n,
                    "results": r} for u, p, n, r in queries.screening_by_unit(session, s)],
        monthly=monthly, regions=regions,
        not_filtered={name: queries.applies(name, s) for name in queries.SOURCES if queries.applies(name, s)},
    )


def _rank(r: dict[str, Any]) -> tuple[float, int, str]:
    """Highest publication rate first (regions without penalties last), then most records."""
    rate = r["penalty_rate"]
    return (-(rate if rate is not None else -1.0), -int(r["records_total"]), str(r["region"]))


def _purpose_name(p: str) -> str:
    from xinyong.core.access import PURPOSE_NAMES_ZH, Purpose

    try:
        return PURPOSE_NAMES_ZH[Purpose(p)]
    except (ValueError, KeyError):
        return rules.PURPOSE_FALLBACK


def read(actor: Actor, q: Query) -> Report:
    """All figures of a period, region (with its sub-regions) and department."""
    s = q.scope()
    with use_case(actor, "statistics.read", purpose=Purpose.supervision,
                  detail={"from": s.period.start.isoformat(), "to": s.period.end.isoformat(),
                          "region": s.region, "department": s.department}) as door:
        door.admit()
        return _report(door.session, s)


def figure_rows(actor: Actor, key: str, q: Query, *, page: int = 1, per_page: int = 100) -> dict[str, Any]:
    """The rows behind one figure (ids, dates, regions, departments and states; no subject)."""
    if key not in queries.FIGURE_SOURCES:
        raise NotFound("statistics.figure_not_found", "没有这项统计指标")
    if page < 1 or not 1 <= per_page <= 500:
        raise ValidationFailed("statistics.page", "页码或每页条数无效")
    s = q.scope()
    with use_case(actor, "statistics.rows", purpose=Purpose.supervision,
                  detail={"figure": key, "from": s.period.start.isoformat(), "to": s.period.end.isoformat(),
                          "region": s.region, "department": s.department}) as door:
        door.admit()
        columns, rows, total = queries.rows(door.session, key, s, limit=per_page, offset=(page - 1) * per_page)
        door.count(len(rows))
        return {"figure": rules.FIGURES[key].label, "key": key, "columns": columns,
                "rows": [[_readable(label, v) for label, v in zip(columns, r, strict=True)] for r in rows],
                "total": total, "page": page, "per_page": per_page}


_STATE_NAMES: dict[str, str] = {
    "open": "处理中", "answered": "已答复", "pending": "办理中", "granted": "准予修复", "refused": "不予修复",
    "completed": "已完成整改", "not_completed": "未完成整改", "initiated": "已发起", "responded": "已响应",
    "feedback": "已反馈", "closed": "已终止", "upheld": "异议成立", "rejected": "异议不成立", "prompting": "提示性约谈",
    "warning": "警示性约谈", "held": "已约谈", "not_cooperating": "不配合约谈", "proposed": "拟列入",
    "notice_served": "已告知", "objection_received": "已收到异议", "objection_answered": "已答复异议",
    "decided": "已作出决定", "listed": "已列入", "removed": "已移出", "withdrawn": "已撤回",
}


def _readable(label: str, v: Any) -> Any:
    if v is None:
        return ""
    if label == "名单类型":
        return list_type_name(str(v))
    if label == "目录项":
        return item_name(str(v))
    if label == "失信程度":
        return rules.SEVERITY_NAMES.get(str(v), "其他")
    if label == "区划":
        return division_name(str(v))
    if label == "目的":
        return _purpose_name(str(v))
    if label == "修复方式":
        from xinyong.repair.rules import OUTCOME_NAMES

        return {str(k): n for k, n in OUTCOME_NAMES.items()}.get(str(v), "未注明")
    if label in ("状态", "结果", "类型"):
        return _STATE_NAMES.get(str(v), "其他")
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


# --- list-standard evaluation ------------------------------------------------------------------------


def list_standards(actor: Actor, q: Query) -> dict[str, Any]:
    """国办发〔2020〕49号 §（七）: per list type, determinations, overturned on objection or review,
    repaired or removed early, and time on the list (median, distribution)."""
    s = q.scope()
    with use_case(actor, "statistics.read", purpose=Purpose.supervision,
                  detail={"list_standards": True, "from": s.period.start.isoformat(), "to": s.period.end.isoformat(),
                          "region": s.region, "department": s.department}) as door:
        door.admit()
        counts, middles, dist = queries.list_standards(door.session, s)
    rows = []
    empty = {"decided": 0, "overturned_objection": 0, "overturned_review": 0, "repaired": 0, "removed_early": 0,
             "removed": 0}
    for lt in sorted(set(counts) | set(dist)):
        c = dict(counts.get(lt, empty))
        # proposals overturned before any decision are determinations that did not stand, too
        undecided = c.pop("undecided_overturned", 0)
        rows.append({
            "list_type": lt, "name": list_type_name(lt), **c,
            "overturned_rate": rules.rate(c["overturned_objection"] + c["overturned_review"], c["decided"] + undecided),
            "median_days": rules.median(middles.get(lt, [])),
            "distribution": [{"label": label, "count": dist.get(lt, {}).get(label, 0)}
                             for _u, label in rules.DURATION_BUCKETS],
        })
    return {"period": {"from": s.period.start.isoformat(), "to": s.period.end.isoformat()},
            "region": s.region, "region_name": region_label(s.region), "department": s.department, "rows": rows}


# --- typical cases -----------------------------------------------------------------------------------


def typical_count(session: Session, s: queries.Scope) -> int:
    from sqlalchemy import func

    from xinyong.statistics.sqlfuncs import beijing_date

    q = select(func.count()).select_from(TypicalCase).where(
        TypicalCase.status == "published", beijing_date(TypicalCase.published_at) >= s.period.start,
        beijing_date(TypicalCase.published_at) <= s.period.end)
    if s.region is not None:
        from xinyong.core.authority import region_prefix

        prefix = region_prefix(s.region)
        if prefix is not None:
            q = q.where(TypicalCase.region_code.like(prefix + "%"))
    if s.department:
        q = q.where(TypicalCase.department == s.department)
    return int(session.execute(q).scalar_one())


def _source(session: Session, kind: str, source_id: int) -> tuple[str, str, str, str]:
    """(subject key, category name, region, department) of the marked case or record."""
    if kind == "record":
        r = record_view(session, source_id)
        if r is None:
            raise NotFound("statistics.source_not_found", "未找到该失信行为记录")
        subj = subject_view(session, r.subject_key)
        return r.subject_key, item_name(r.catalog_item), subj.region_code if subj else "", r.department
    if kind == "punishment_case":
        pc = t.punishment_cases.c
        row = session.execute(select(pc.subject_key, pc.measure_name, pc.subject_region, pc.unit)
                              .where(pc.id == source_id)).first()
        if row is None:
            raise NotFound("statistics.source_not_found", "未找到该联合惩戒案例")
        return row[0], f"联合惩戒：{row[1]}", row[2], row[3]
    if kind == "listing_case":
        lc = t.listing_cases.c
        row = session.execute(select(lc.subject_key, lc.list_type_id, lc.region_code, lc.department)
                              .where(lc.id == source_id)).first()
        if row is None:
            raise NotFound("statistics.source_not_found", "未找到该名单认定案件")
        return row[0], list_type_name(row[1]), row[2], row[3]
    raise ValidationFailed("statistics.typical_kind", f"典型案例来源只能是：{'、'.join(rules.TYPICAL_KINDS.values())}")


def mark_typical(actor: Actor, *, kind: str, source_id: int, title: str, summary: str) -> dict[str, Any]:
    """An officer marks a case or record as typical; the text is anonymised before it is stored."""
    title, summary = rules.check_typical_text(title, summary)
    with use_case(actor, "statistics.typical.mark", purpose=Purpose.supervision,
                  detail={"kind": kind, "source_id": source_id}, serialise=True) as door:
        subject_key, category, region, department = _source(door.session, kind, source_id)
        door.admit(subject_key=subject_key)
        subj = subject_view(door.session, subject_key)
        names = [subj.name] if subj else []
        codes = [subj.display_code] if subj else []
        person = bool(subj and subj.is_individual)
        existing = door.session.scalar(select(TypicalCase).where(TypicalCase.source_kind == kind,
                                                                 TypicalCase.source_id == source_id))
        if existing is not None and existing.status != "withdrawn":
            raise Conflict("statistics.typical_exists", "该案例已标记为典型案例")
        row = existing or TypicalCase(source_kind=kind, source_id=source_id)
        row.title = rules.anonymise(title, names=names, codes=codes, person=person)
        row.summary = rules.anonymise(summary, names=names, codes=codes, person=person)
        row.category, row.region_code, row.department = category, region or "", department
        row.status, row.marked_by, row.marked_at = "marked", actor.name, clock.now()
        row.published_by, row.published_at = None, None
        door.session.add(row)
        door.session.flush()
        return describe_typical(row)


def _set_status(actor: Actor, typical_id: int, action: str, expected: list[str], values: dict[str, Any]) -> dict[str, Any]:
    with use_case(actor, action, purpose=Purpose.supervision, detail={"typical_id": typical_id},
                  serialise=True) as door:
        door.admit()
        row = door.session.get(TypicalCase, typical_id)
        if row is None:
            raise NotFound("statistics.typical_not_found", "未找到该典型案例")
        if not claim(door.session, row, "status", expected, values):
            raise Conflict("statistics.typical_state",
                           f"该典型案例当前状态为“{rules.TYPICAL_STATUS_NAMES.get(row.status, '')}”，不能这样办理")
        return describe_typical(row)


def publish_typical(actor: Actor, typical_id: int) -> dict[str, Any]:
    """The credit office publishes a marked typical case on the public page."""
    return _set_status(actor, typical_id, "statistics.typical.publish", ["marked"],
                       {"status": "published", "published_by": actor.name, "published_at": clock.now()})


def withdraw_typical(actor: Actor, typical_id: int) -> dict[str, Any]:
    return _set_status(actor, typical_id, "statistics.typical.publish", ["marked", "published"],
                       {"status": "withdrawn"})


def list_typical(actor: Actor, *, published_only: bool) -> list[dict[str, Any]]:
    action = "statistics.typical.public_read" if published_only else "statistics.typical.read"
    purpose = Purpose.public_inquiry if published_only else Purpose.supervision
    with use_case(actor, action, purpose=purpose) as door:
        door.admit()
        q = select(TypicalCase).order_by(TypicalCase.published_at.desc(), TypicalCase.id.desc())
        if published_only:
            q = q.where(TypicalCase.status == "published")
        rows = [describe_typical(r, public=published_only) for r in door.session.scalars(q.limit(500))]
        door.count(len(rows))
        return rows


def describe_typical(r: TypicalCase, *, public: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id, "title": r.title, "summary": r.summary, "category": r.category,
        "region": r.region_code, "region_name": division_name(r.region_code) if r.region_code else "",
        "department": r.department,
        "published_on": _china_day(r.published_at) if r.published_at else None,
    }
    if not public:
        out.update({"kind": r.source_kind, "kind_name": rules.TYPICAL_KINDS.get(r.source_kind, ""),
                    "source_id": r.source_id, "status": r.status,
                    "status_name": rules.TYPICAL_STATUS_NAMES.get(r.status, ""), "marked_by": r.marked_by})
    return out


def _china_day(at: dt.datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).date().isoformat()
