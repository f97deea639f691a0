"""The measure list (失信惩戒措施清单) and the punishment rules engine — pure, the date is an argument.

国办发〔2020〕49号 §（九）: a measure that reduces rights or adds duties rests on a specific dishonest
fact and cites a law, a regulation or a policy document of the Party Central Committee or the State
Council directly, under a list (清单制管理); localities may add a supplementary list on the basis of
local regulations; no unit may be forced to make financial institutions, credit agencies, trade
associations or media punish (third-category measures are information, never an obligation).
§（十）: 过惩相当 — only the listed measure, never a heavier one or one outside the list.
§（十六）: minors, force majeure, non-intentional and minor acts are treated 宽容审慎.
大高信办字〔2021〕1号: 不得以低信用分为由，对个人实施惩戒 — such a rule does not load.
发改办财金〔2018〕893号 §八: measures reach the legal representative / responsible person of a listed
organisation where the measure says so.

This module parses and validates the measure list data and answers, for a subject's facts, a date,
an administrative matter and a region, which measures apply and why (:func:`decide`), and whether a
unit's proposed measure stays within the list (:func:`check_proposal`). Loading from disk is in
:mod:`xinyong.measures.catalog`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from xinyong.catalog.rules import (
    BASIS_LEVEL_NAMES,
    BasisLevel,
    RuleError,
    require_fields,
    rule_date,
    rule_region,
)
from xinyong.core.dates import add_months
from xinyong.core.errors import ValidationFailed
from xinyong.core.regions import ancestors


class Category(IntEnum):
    """The three kinds of measure of the national base list (category names NOT verified, see
    ../shared/reference/measures-list.md; every shipped measure carries ``category_verified: false``)."""

    reduce_rights = 1  # 公共管理机构依法依规实施的减损权益或增加义务的措施
    management = 2  # 公共管理机构根据履职需要实施的相关管理措施
    autonomous = 3  # 公共管理机构以外的组织自主实施的措施


CATEGORY_NAMES = {
    Category.reduce_rights: "减损权益或增加义务的措施",
    Category.management: "相关管理措施",
    Category.autonomous: "其他组织自主实施的措施",
}

#: the fixed vocabulary of administrative matters (行政事项) an implementing unit screens for
MATTERS: dict[str, str] = {
    "procurement_bidding": "政府采购、招标投标",
    "administrative_licensing": "行政许可、行政审批",
    "fiscal_subsidy": "政府资金支持、财政补贴",
    "appointment": "任职资格（企业董事、监事、高级管理人员、法定代表人、负责人）",
    "public_employment": "公职录用与担任（公务员、监察官、人民陪审员、国有企事业单位工作人员）",
    "high_consumption": "高消费及非生活和工作必需的消费",
    "exit": "出境",
    "financing_credit": "融资贷款、融资信贷",
    "market_access": "市场准入、资质认定、行业或职业准入",
    "tax_incentive": "税收优惠",
    "honours": "评优评先、授予荣誉称号",
    "transport": "交通出行",
    "land_transfer": "国有土地出让",
    "inspection": "执法检查频次",
    "investment_approval": "投资项目审批、项目审批",
    "insurance": "保险费率",
    "education": "升学复学",
    "credit_reporting": "征信记录、信息公布与共享",
    "public_spending": "公务消费、办公用房、经费安排",
    "food_business": "食品生产经营许可与从业",
}

#: whom a measure reaches (893 §八: also the legal representative / responsible person)
REACHES: dict[str, str] = {
    "organisation": "法人和非法人组织（含个体工商户）",
    "individual": "自然人",
    "legal_representative": "法定代表人",
    "responsible_person": "主要负责人",
}
PERSON_ROLES = frozenset({"legal_representative", "responsible_person"})


#: the levels a measure may rest on (49号 §（九）: 法律、法规或者党中央、国务院政策文件; the court's own list
#: rests on 最高人民法院's binding interpretation of 民事诉讼法). The enum is the one of catalog.rules.
NATIONAL_LEVELS = frozenset(
    {BasisLevel.law, BasisLevel.administrative_regulation, BasisLevel.central_policy,
     BasisLevel.judicial_interpretation}
)
LOCAL_LEVELS = NATIONAL_LEVELS | {BasisLevel.local_regulation}

#: record flags honoured by 49号 §（十六）, with their Chinese names
LENIENCY_FLAGS: dict[str, str] = {
    "is_minor": "未成年人",
    "force_majeure": "受不可抗力影响",
    "non_intentional": "非主观故意",
    "minor_violation": "轻微失信行为",
}
SEVERITIES = ("minor", "general", "serious")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@dataclass(frozen=True, slots=True)
class Basis:
    title: str
    article: str
    level: BasisLevel
    basis_verified: bool
    doc_number: str | None = None
    note: str | None = None

    def cite(self) -> str:
        text = f"《{self.title}》" + (f"（{self.doc_number}）" if self.doc_number else "") + self.article
        return text if self.basis_verified else text + "（依据待核实）"

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "article": self.article, "level": self.level.value,
            "doc_number": self.doc_number, "basis_verified": self.basis_verified, "cite": self.cite(),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class RecordTrigger:
    """A record under ``catalog_item`` (optionally only of some severities) triggers the measure."""

    catalog_item: str
    severities: frozenset[str] | None = None

    def matches(self, record: RecordFact) -> bool:
        return record.catalog_item == self.catalog_item and (
            self.severities is None or record.severity in self.severities
        )


@dataclass(frozen=True, slots=True)
class Duration:
    """How long a measure lasts once triggered.

    ``while_triggered``: as long as the listing (or active record) lasts; ``fixed``: ``years``/``months``
    counted from ``anchor`` (the listing start, the record's decision or effective date), never
    beyond the end of the listing that triggered it. ``max_years`` caps either kind.
    """

    kind: str  # while_triggered | fixed
    years: int = 0
    months: int = 0
    anchor: str = "start"  # start | decision_date | effective_date
    max_years: int | None = None

    def describe(self) -> str:
        if self.kind == "while_triggered":
            text = "随名单或记录的有效期"
        else:
            span = (f"{self.years}年" if self.years else "") + (f"{self.months}个月" if self.months else "")
            text = f"{span}（自{ANCHOR_NAMES[self.anchor]}起）"
        return text + (f"，最长{self.max_years}年" if self.max_years else "")


ANCHOR_NAMES = {"start": "列入之日", "decision_date": "决定作出之日", "effective_date": "文书生效之日"}


@dataclass(frozen=True, slots=True)
class Measure:
    code: str
    name: str
    category: Category
    category_verified: bool
    basis: tuple[Basis, ...]
    list_types: frozenset[str]
    records: tuple[RecordTrigger, ...]
    reaches: frozenset[str]
    implementing_units: tuple[str, ...]
    matters: frozenset[str]
    duration: Duration
    #: record / listing flag → "none" (no measure) or "lighter:<code>" (the lighter measure instead)
    leniency: Mapping[str, str]
    list_id: str = ""
    in_national_list: bool | None = None
    trigger_note: str | None = None
    note: str | None = None
    #: a statutory consequence that outlives a credit repair of the listing or record it came from
    #: (e.g. a ban the statute fixes for a period); its basis is shown on the case that keeps it
    survives_repair: bool = False
    survives_repair_basis: tuple[Basis, ...] = ()

    @property
    def is_obligation(self) -> bool:
        """Third-category measures are information only (49号 §（九）: 任何部门（单位）不得强制要求…惩戒)."""
        return self.category is not Category.autonomous

    @property
    def basis_verified(self) -> bool:
        return all(b.basis_verified for b in self.basis)

    @property
    def automatic(self) -> bool:
        return bool(self.list_types or self.records)

    def cite(self) -> str:
        return "；".join(b.cite() for b in self.basis)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": int(self.category),
            "category_name": CATEGORY_NAMES[self.category],
            "category_verified": self.category_verified,
            "obligation": self.is_obligation,
            "basis": [b.as_dict() for b in self.basis],
            "basis_verified": self.basis_verified,
            "cite": self.cite(),
            "list_types": sorted(self.list_types),
            "records": [
                {"catalog_item": t.catalog_item,
                 "severities": sorted(t.severities) if t.severities else None}
                for t in self.records
            ],
            "reaches": sorted(self.reaches),
            "implementing_units": list(self.implementing_units),
            "matters": sorted(self.matters),
            "duration": self.duration.describe(),
            "leniency": dict(self.leniency),
            "list_id": self.list_id,
            "in_national_list": self.in_national_list,
            "trigger_note": self.trigger_note,
            "note": self.note,
            "survives_repair": self.survives_repair,
            "survives_repair_basis": [b.as_dict() for b in self.survives_repair_basis],
        }

    def survives_repair_cite(self) -> str:
        return "；".join(b.cite() for b in self.survives_repair_basis)


@dataclass(frozen=True, slots=True)
class MeasureList:
    list_id: str
    title: str
    region: str  # "national" or a GB/T 2260 code
    edition: str
    status: str  # draft | published
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    measures: tuple[Measure, ...]
    official: bool = False
    dates_verified: bool = False
    origin: str = ""

    def in_force(self, on: dt.date) -> bool:
        return (
            self.status == "published" and self.effective_from <= on
            and (self.effective_to is None or on < self.effective_to)
        )


# --- parsing -----------------------------------------------------------------------------------


def _parse_basis(raw: Any, where: str, allowed: frozenset[BasisLevel]) -> tuple[Basis, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where}: 缺少法律依据（basis），措施不得纳入清单（国办发〔2020〕49号 §（九））")
    out: list[Basis] = []
    for i, b in enumerate(raw):
        w = f"{where} basis[{i}]"
        if not isinstance(b, Mapping) or not str(b.get("title") or "").strip():
            raise RuleError(f"{w}: 依据必须写明法律、法规或政策文件名称（title）")
        if not str(b.get("article") or "").strip():
            raise RuleError(f"{w}: 依据必须写明具体条款（article），不得笼统援引（国办发〔2020〕49号 §（九）直接援引）")
        try:
            level = BasisLevel(str(b.get("level")))
        except ValueError:
            raise RuleError(f"{w}: 依据层级“{b.get('level')}”不合格，须为法律、法规、司法解释或党中央、国务院政策文件") from None
        if level not in LOCAL_LEVELS:
            raise RuleError(f"{w}: 依据层级“{level}”不合格，须为法律、法规、司法解释或党中央、国务院政策文件")
        if level not in allowed:
            raise RuleError(f"{w}: 全国清单的措施不得以{BASIS_LEVEL_NAMES[level]}为依据（地方性法规只能用于地方补充清单）")
        verified = b.get("basis_verified")
        if not isinstance(verified, bool):
            raise RuleError(f"{w}: 必须注明 basis_verified（true 或 false）")
        out.append(Basis(str(b["title"]).strip(), str(b["article"]).strip(), level, verified,
                         b.get("doc_number"), b.get("note")))
    return tuple(out)


def _parse_duration(raw: Any, where: str) -> Duration:
    if not isinstance(raw, Mapping) or raw.get("kind") not in ("while_triggered", "fixed"):
        raise RuleError(f"{where}: 必须写明期限 duration.kind（while_triggered 或 fixed）")
    max_years = raw.get("max_years")
    if max_years is not None and (not isinstance(max_years, int) or max_years <= 0):
        raise RuleError(f"{where}: duration.max_years 必须为正整数")
    if raw["kind"] == "while_triggered":
        return Duration("while_triggered", max_years=max_years)
    years, months = int(raw.get("years") or 0), int(raw.get("months") or 0)
    if years < 0 or months < 0 or years * 12 + months == 0:
        raise RuleError(f"{where}: 固定期限必须大于零（years/months）")
    anchor = str(raw.get("anchor") or "start")
    if anchor not in ANCHOR_NAMES:
        raise RuleError(f"{where}: duration.anchor 须为 start、decision_date 或 effective_date")
    return Duration("fixed", years, months, anchor, max_years)


def parse_measure(raw: Mapping[str, Any], where: str, national: bool) -> Measure:
    require_fields(raw, where, ("code", "name", "category", "category_verified", "basis", "reaches", "matters",
                                "implementing_units", "duration"))
    code = str(raw["code"])
    if not _SLUG.match(code):
        raise RuleError(f"{where}: 措施代码“{code}”格式错误（小写字母、数字和连字符）")
    w = f"{where} ({code})"
    triggers = raw.get("triggers") or {}
    if not isinstance(triggers, Mapping):
        raise RuleError(f"{w}: triggers 必须为映射（list_types / records）")
    reaches = frozenset(str(r) for r in raw["reaches"] or [])
    bad_reach = sorted(reaches - REACHES.keys())
    if not reaches or bad_reach:
        raise RuleError(f"{w}: 适用对象（reaches）无效：{', '.join(bad_reach) or '为空'}")
    # 大高信办字〔2021〕1号: 不得以低信用分为由，对个人实施惩戒; 49号 §（九）: 必须基于具体的失信行为事实
    score_keys = [k for k in triggers if "score" in str(k).lower()] + [
        k for k in raw if "score" in str(k).lower()
    ]
    if score_keys:
        if reaches & ({"individual"} | PERSON_ROLES):
            raise RuleError(
                f"{w}: 不得以低信用分为由，对个人实施惩戒（大高信办字〔2021〕1号），该措施不得加载"
            )
        raise RuleError(
            f"{w}: 信用分不是具体的失信行为事实，惩戒措施必须基于具体的失信行为事实（国办发〔2020〕49号 §（九））"
        )
    unknown = sorted(set(triggers) - {"list_types", "records"})
    if unknown:
        raise RuleError(f"{w}: 未知的触发条件：{', '.join(map(str, unknown))}")
    list_types = frozenset(str(t) for t in triggers.get("list_types") or [])
    for t in list_types:
        if not _SLUG.match(t):
            raise RuleError(f"{w}: 名单类型代码“{t}”格式错误")
    records: list[RecordTrigger] = []
    for i, r in enumerate(triggers.get("records") or []):
        if not isinstance(r, Mapping) or not r.get("catalog_item"):
            raise RuleError(f"{w} triggers.records[{i}]: 必须写明目录项 catalog_item")
        sev = r.get("severities")
        if sev is not None and (not sev or set(sev) - set(SEVERITIES)):
            raise RuleError(f"{w} triggers.records[{i}]: severities 须为 minor/general/serious 的子集")
        records.append(RecordTrigger(str(r["catalog_item"]), frozenset(sev) if sev else None))
    if not list_types and not records and not str(raw.get("trigger_note") or "").strip():
        raise RuleError(f"{w}: 没有触发条件的措施必须在 trigger_note 中说明为何不能自动适用")
    matters = frozenset(str(m) for m in raw["matters"] or [])
    bad = sorted(matters - MATTERS.keys())
    if not matters or bad:
        raise RuleError(f"{w}: 行政事项（matters）无效：{', '.join(bad) or '为空'}；可选：{', '.join(MATTERS)}")
    try:
        category = Category(int(raw["category"]))
    except (TypeError, ValueError):
        raise RuleError(f"{w}: 措施类别（category）须为 1、2 或 3") from None
    if not isinstance(raw["category_verified"], bool):
        raise RuleError(f"{w}: 必须注明 category_verified（true 或 false）")
    leniency = {flag: "none" for flag in LENIENCY_FLAGS}  # 49号 §（十六） default: 宽容 → no measure
    for flag, outcome in (raw.get("leniency") or {}).items():
        if flag not in LENIENCY_FLAGS:
            raise RuleError(f"{w}: 未知的从宽情形 {flag}")
        outcome = str(outcome)
        if outcome not in ("none", "same") and not outcome.startswith("lighter:"):
            raise RuleError(f"{w}: 从宽处理须为 none、same 或 lighter:<措施代码>")
        leniency[flag] = outcome
    units = tuple(str(u) for u in raw["implementing_units"] or [])
    if not units:
        raise RuleError(f"{w}: 必须写明实施单位类型（implementing_units）")
    in_list = raw.get("in_national_list")
    survives = raw.get("survives_repair", False)
    if not isinstance(survives, bool):
        raise RuleError(f"{w}: survives_repair 须为 true 或 false")
    survives_basis: tuple[Basis, ...] = ()
    if survives:
        # a consequence that outlives repair must say which article keeps it (令第36号 第二条: 除法律、法规
        # …明确规定不可修复的情形外); an unverified reading carries basis_verified: false
        if not raw.get("survives_repair_basis"):
            raise RuleError(f"{w}: survives_repair 为 true 时必须写明 survives_repair_basis（法条）")
        survives_basis = _parse_basis(raw["survives_repair_basis"], w + " survives_repair_basis",
                                      NATIONAL_LEVELS if national else LOCAL_LEVELS)
    elif raw.get("survives_repair_basis"):
        raise RuleError(f"{w}: 只有 survives_repair 为 true 的措施才写 survives_repair_basis")
    return Measure(
        code=code, name=str(raw["name"]), category=category,
        category_verified=raw["category_verified"],
        basis=_parse_basis(raw["basis"], w, NATIONAL_LEVELS if national else LOCAL_LEVELS),
        list_types=list_types, records=tuple(records), reaches=reaches, implementing_units=units,
        matters=matters, duration=_parse_duration(raw["duration"], w), leniency=leniency,
        in_national_list=in_list if isinstance(in_list, bool) else None,
        trigger_note=raw.get("trigger_note"), note=raw.get("note"),
        survives_repair=survives, survives_repair_basis=survives_basis,
    )


def parse_measure_list(raw: Mapping[str, Any], origin: str) -> MeasureList:
    require_fields(raw, origin, ("list_id", "title", "region", "edition", "status", "effective_from", "measures",
                                 "source"))
    region = rule_region(raw["region"], origin)
    national = region == "national"
    if raw["status"] not in ("draft", "published"):
        raise RuleError(f"{origin}: 清单状态须为 draft 或 published")
    if not isinstance(raw["measures"], list):
        raise RuleError(f"{origin}: measures 必须为列表")
    list_id = str(raw["list_id"])
    measures = tuple(
        _with_list(parse_measure(m, f"{origin} measures[{i}]", national), list_id)
        for i, m in enumerate(raw["measures"])
    )
    codes = [m.code for m in measures]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise RuleError(f"{origin}: 措施代码重复：{', '.join(dupes)}")
    for m in measures:
        for flag, outcome in m.leniency.items():
            if outcome.startswith("lighter:"):
                lighter = outcome.split(":", 1)[1]
                if lighter not in codes or lighter == m.code:
                    raise RuleError(f"{origin} ({m.code}): 从宽情形 {flag} 指向的较轻措施“{lighter}”不在本清单内")
    start = rule_date(raw["effective_from"], origin)
    end = rule_date(raw["effective_to"], origin) if raw.get("effective_to") else None
    if end is not None and end <= start:
        raise RuleError(f"{origin}: 失效日期必须晚于生效日期")
    return MeasureList(
        list_id=list_id, title=str(raw["title"]), region=region, edition=str(raw["edition"]),
        status=str(raw["status"]), effective_from=start, effective_to=end, source=str(raw["source"]),
        measures=measures, official=bool(raw.get("official", False)),
        dates_verified=bool(raw.get("dates_verified", False)), origin=origin,
    )


def _with_list(m: Measure, list_id: str) -> Measure:
    from dataclasses import replace

    return replace(m, list_id=list_id)


@dataclass(frozen=True)
class MeasureSet:
    """Every measure list known to the platform (national base lists plus local supplements)."""

    lists: tuple[MeasureList, ...] = ()
    _by_code: dict[str, Measure] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for lst in self.lists:
            for m in lst.measures:
                other = self._by_code.get(m.code)
                if other is not None and other.list_id != m.list_id:
                    # the same code in two lists in force at the same time would be ambiguous
                    raise RuleError(f"{lst.origin}: 措施代码 {m.code} 已在清单 {other.list_id} 中定义")
                self._by_code[m.code] = m

    def in_force(self, on: dt.date, region: str | None = None) -> list[Measure]:
        regions = {"national", *(ancestors(region) if region else [])}
        return [m for lst in self.lists if lst.region in regions and lst.in_force(on) for m in lst.measures]

    def codes_in_force(self, on: dt.date, region: str | None = None) -> frozenset[str]:
        return frozenset(m.code for m in self.in_force(on, region))

    def get(self, code: str) -> Measure | None:
        return self._by_code.get(code)

    def all(self) -> list[Measure]:
        return list(self._by_code.values())

    def for_list_type(self, list_type: str) -> list[Measure]:
        return [m for m in self._by_code.values() if list_type in m.list_types]

    def for_matter(self, matter: str | None) -> frozenset[str]:
        return frozenset(c for c, m in self._by_code.items() if matter is None or matter in m.matters)


# --- facts -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListingFact:
    """An entry on a serious dishonest list (from the listing capability)."""

    id: int
    list_type: str
    start: dt.date
    end: dt.date | None = None
    label: str = ""
    ended: bool = False
    #: "subject", or the role for which a person was listed with an organisation (893 §八)
    role: str = "subject"
    is_minor: bool = False
    force_majeure: bool = False
    non_intentional: bool = False
    minor_violation: bool = False


@dataclass(frozen=True, slots=True)
class RecordFact:
    """A dishonesty record (from the records capability)."""

    id: int
    catalog_item: str
    severity: str
    decision_date: dt.date
    effective_date: dt.date
    status: str = "active"
    label: str = ""
    is_minor: bool = False
    force_majeure: bool = False
    non_intentional: bool = False
    minor_violation: bool = False


@dataclass(frozen=True, slots=True)
class LinkFact:
    """The subject (a person) is or was legal representative / responsible person of an organisation."""

    organisation_key: str
    organisation_label: str
    role: str
    start: dt.date
    end: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    subject_key: str
    kind: str  # organisation | individual_business | individual
    listings: tuple[ListingFact, ...] = ()
    records: tuple[RecordFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Derivation:
    """One measure triggered by one fact, over a period — the citable explanation.

    ``reach`` is "subject" for the subject itself, or a role (legal_representative /
    responsible_person) for derivations kept on an organisation that reach its representatives.
    ``treatment`` is "apply", "withheld" (leniency: no measure) or "lighter" (the lighter measure
    applied instead of ``replaces``).
    """

    measure_code: str
    subject_key: str
    reach: str
    source_kind: str  # listing | record
    source_id: int
    source_label: str
    source_subject_key: str
    anchor: dt.date
    start: dt.date
    end: dt.date | None
    treatment: str = "apply"
    reason: str | None = None
    replaces: str | None = None
    via_role: str | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _end(measure: Measure, anchor: dt.date, trigger_end: dt.date | None) -> dt.date | None:
    d = measure.duration
    end = trigger_end
    if d.kind == "fixed":
        fixed = add_months(anchor, d.years * 12 + d.months)
        end = fixed if end is None else min(end, fixed)
    if d.max_years:
        cap = add_months(anchor, d.max_years * 12)
        end = cap if end is None else min(end, cap)
    return end


def _reach_of(kind: str) -> str:
    return "individual" if kind == "individual" else "organisation"


def _lenient_flags(fact: ListingFact | RecordFact) -> list[str]:
    return [f for f in LENIENCY_FLAGS if getattr(fact, f)]


def derive(facts: SubjectFacts, measures: Iterable[Measure]) -> list[Derivation]:
    """Every measure each of the subject's live facts triggers, with its period (date-independent).

    Ended listings and records whose status is not ``active`` (repaired, revoked …) never trigger.
    Leniency flags on the fact are honoured as the measure's data says (49号 §（十六））.
    """
    all_measures = list(measures)
    by_code = {m.code: m for m in all_measures}
    own_reach = _reach_of(facts.kind)
    out: list[Derivation] = []
    list_types = {lf.list_type for lf in facts.listings}
    items = {rf.catalog_item for rf in facts.records if rf.status == "active"}
    if not list_types and not items:
        return out
    for m in all_measures:
        if not (m.list_types & list_types) and not any(t.catalog_item in items for t in m.records):
            continue  # nothing of this subject can trigger the measure
        reaches: list[str] = []
        if own_reach in m.reaches:
            reaches.append("subject")
        if own_reach == "organisation":
            reaches += sorted(m.reaches & PERSON_ROLES)
        if not reaches:
            continue
        sources: list[tuple[str, ListingFact | RecordFact, dt.date, dt.date, dt.date | None]] = []
        for lf in facts.listings:
            if lf.role != "subject":
                continue  # listed as representative: handled below, only measures reaching that role
            if lf.list_type in m.list_types and not lf.ended and (lf.end is None or lf.start < lf.end):
                sources.append(("listing", lf, lf.start, lf.start, lf.end))
        for rf in facts.records:
            if rf.status == "active" and any(t.matches(rf) for t in m.records):
                anchor = rf.effective_date if m.duration.anchor == "effective_date" else rf.decision_date
                sources.append(("record", rf, anchor, rf.effective_date, None))
        for kind, fact, anchor, start, trigger_end in sources:
            end = _end(m, anchor, trigger_end)
            if end is not None and end <= start:
                continue
            flags = _lenient_flags(fact)
            outcomes = [(f, m.leniency.get(f, "none")) for f in flags]
            outcomes = [(f, o) for f, o in outcomes if o != "same"]
            label = fact.label or f"{kind}#{fact.id}"
            for reach in reaches:
                base = Derivation(
                    measure_code=m.code, subject_key=facts.subject_key, reach=reach,
                    source_kind=kind, source_id=fact.id, source_label=label,
                    source_subject_key=facts.subject_key, anchor=anchor, start=start, end=end,
                )
                if not outcomes:
                    out.append(base)
                    continue
                why = "、".join(LENIENCY_FLAGS[f] for f, _ in outcomes)
                lighter = [o.split(":", 1)[1] for _, o in outcomes if o.startswith("lighter:")]
                if len(lighter) == len(outcomes) and lighter[0] in by_code:
                    lm = by_code[lighter[0]]
                    out.append(_replace(base, treatment="withheld", reason=(
                        f"因{why}，依据过惩相当和宽容审慎原则（国办发〔2020〕49号 §（十）、§（十六））"
                        f"改用较轻措施“{lm.name}”")))
                    if (reach == "subject" and own_reach in lm.reaches) or reach in lm.reaches:
                        out.append(_replace(base, measure_code=lm.code, treatment="lighter",
                                            end=_end(lm, anchor, trigger_end), replaces=m.code,
                                            reason=f"因{why}，以本措施替代“{m.name}”"))
                else:
                    out.append(_replace(base, treatment="withheld", reason=(
                        f"因{why}，依据宽容审慎原则（国办发〔2020〕49号 §（十六））不实施本措施")))
        # a person listed (on the list itself) as legal representative / responsible person of a listed
        # organisation (893 §八): the measures reaching that role, and those reaching listed individuals
        for lf in facts.listings:
            if (lf.role in PERSON_ROLES and own_reach == "individual"
                    and (lf.role in m.reaches or "individual" in m.reaches) and lf.list_type in m.list_types
                    and not lf.ended and (lf.end is None or lf.start < lf.end)):
                end = _end(m, lf.start, lf.end)
                if end is not None and end <= lf.start:
                    continue
                flags = [f for f in _lenient_flags(lf) if m.leniency.get(f, "none") != "same"]
                held = "、".join(LENIENCY_FLAGS[f] for f in flags)
                out.append(Derivation(
                    measure_code=m.code, subject_key=facts.subject_key, reach="subject", source_kind="listing",
                    source_id=lf.id, source_label=lf.label or f"listing#{lf.id}",
                    source_subject_key=facts.subject_key, anchor=lf.start, start=lf.start, end=end,
                    via_role=lf.role, treatment="withheld" if flags else "apply",
                    reason=f"因{held}，依据宽容审慎原则（国办发〔2020〕49号 §（十六））不实施本措施" if flags else None,
                ))
    return out


def _replace(d: Derivation, **kw: Any) -> Derivation:
    from dataclasses import replace

    return replace(d, **kw)


def via_links(person_key: str, links: Sequence[LinkFact],
              org_derivations: Mapping[str, Sequence[Derivation]]) -> list[Derivation]:
    """Measures reaching a person because an organisation they represented was listed (893 §八).

    The person must have held the role on the day the organisation's fact began (the anchor).
    """
    out: list[Derivation] = []
    for link in links:
        for d in org_derivations.get(link.organisation_key, ()):
            if d.reach == link.role and link.active_on(d.anchor):
                out.append(_replace(
                    d, subject_key=person_key, reach="subject", via_role=link.role,
                    source_label=f"{link.organisation_label}：{d.source_label}",
                ))
    return out


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Applicable:
    measure: Measure
    derivation: Derivation

    def as_dict(self) -> dict[str, Any]:
        d, m = self.derivation, self.measure
        return {
            "measure": m.code,
            "name": m.name,
            "category": int(m.category),
            "category_verified": m.category_verified,
            "obligation": m.is_obligation and d.treatment != "withheld",
            "treatment": d.treatment,
            "basis": m.cite(),
            "basis_verified": m.basis_verified,
            "matters": sorted(m.matters),
            "implementing_units": list(m.implementing_units),
            "trigger": {
                "kind": d.source_kind, "id": d.source_id, "label": d.source_label,
                "via_role": d.via_role,
                "via_role_name": REACHES.get(d.via_role) if d.via_role else None,
            },
            "start": d.start.isoformat(),
            "end": d.end.isoformat() if d.end else None,
            "reason": d.reason,
            "replaces": d.replaces,
            "trigger_note": m.trigger_note,
            "explanation": explain(self),
        }


def explain(a: Applicable) -> str:
    d, m = a.derivation, a.measure
    via = f"（作为{REACHES[d.via_role]}）" if d.via_role else ""
    until = f"至{d.end.isoformat()}（不含）" if d.end else "至名单或记录失效"
    head = {"listing": "列入名单", "record": "失信行为记录"}[d.source_kind]
    text = f"依据{m.cite()}，因{head}“{d.source_label}”{via}，{d.start.isoformat()}起{until}适用“{m.name}”"
    if d.treatment == "withheld":
        return f"{text}；但{d.reason}"
    if not m.is_obligation:
        text += "；本措施由相关组织自主决定，仅作信息提示，任何单位不得强制要求实施（国办发〔2020〕49号 §（九））"
    if d.reason:
        text += f"；{d.reason}"
    return text


@dataclass(frozen=True, slots=True)
class Decision:
    on: dt.date
    matter: str | None
    obligations: tuple[Applicable, ...]
    information: tuple[Applicable, ...]
    withheld: tuple[Applicable, ...]

    @property
    def measure_codes(self) -> list[str]:
        return sorted({a.measure.code for a in self.obligations + self.information})

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "matter": self.matter,
            "matter_name": MATTERS.get(self.matter) if self.matter else None,
            "measures": self.measure_codes,
            "obligations": [a.as_dict() for a in self.obligations],
            "information": [a.as_dict() for a in self.information],
            "withheld": [a.as_dict() for a in self.withheld],
        }


def check_matter(matter: str | None) -> str | None:
    if matter in (None, ""):
        return None
    if matter not in MATTERS:
        allowed = "、".join(f"{k}（{v}）" for k, v in MATTERS.items())
        raise ValidationFailed("invalid_matter", f"行政事项“{matter}”不在规定的事项清单内，可选：{allowed}")
    return matter


def decide(derivations: Iterable[Derivation], on: dt.date, matter: str | None,
           measures: MeasureSet, region: str | None = None) -> Decision:
    """Which measures apply on ``on`` for ``matter``: only measures of the list in force (national
    plus the region's supplements), only while the triggering fact lasts."""
    matter = check_matter(matter)
    in_force = {m.code: m for m in measures.in_force(on, region)}
    obligations: list[Applicable] = []
    information: list[Applicable] = []
    withheld: list[Applicable] = []
    seen: set[tuple[Any, ...]] = set()
    for d in sorted(derivations, key=lambda d: (d.measure_code, d.start, d.source_kind, d.source_id)):
        m = in_force.get(d.measure_code)
        if m is None or d.reach != "subject" or not d.active_on(on):
            continue
        if matter is not None and matter not in m.matters:
            continue
        # one explanation per measure and period (a representative may be reached both by the
        # organisation's listing through the link and by being listed in person)
        key = (d.measure_code, d.treatment, d.start, d.end)
        if key in seen:
            continue
        seen.add(key)
        a = Applicable(m, d)
        if d.treatment == "withheld":
            withheld.append(a)
        elif m.is_obligation:
            obligations.append(a)
        else:
            information.append(a)
    return Decision(on, matter, tuple(obligations), tuple(information), tuple(withheld))


class GuardrailRefused(ValidationFailed):
    """A unit asked for more than the measure list allows (49号 §（九）、§（十））."""


def check_proposal(decision: Decision, measures: MeasureSet, measure_code: str, *,
                   until: dt.date | None = None, region: str | None = None,
                   as_obligation: bool = True) -> Applicable:
    """Accept a unit's proposed measure only if the engine found it; never heavier or longer."""
    on = decision.on
    measure = measures.get(measure_code)
    if measure is None or measure_code not in measures.codes_in_force(on, region):
        raise GuardrailRefused(
            "measure_not_in_list",
            f"措施“{measure_code}”不在{on.isoformat()}生效的失信惩戒措施清单内，不得实施（国办发〔2020〕49号 §（九）清单制管理）",
        )
    if decision.matter is not None and decision.matter not in measure.matters:
        raise GuardrailRefused(
            "matter_not_covered",
            f"措施“{measure.name}”不适用于行政事项“{MATTERS[decision.matter]}”，不得扩大适用范围（国办发〔2020〕49号 §（十））",
        )
    if as_obligation and not measure.is_obligation:
        raise GuardrailRefused(
            "no_forced_punishment",
            f"措施“{measure.name}”属于其他组织自主决定的措施，只能作为信息提示，任何部门（单位）不得强制要求实施（国办发〔2020〕49号 §（九））",
        )
    found = [a for a in decision.obligations + decision.information if a.measure.code == measure_code]
    if not found:
        held = [a for a in decision.withheld if a.measure.code == measure_code]
        if held:
            raise GuardrailRefused("measure_withheld", f"不得实施“{measure.name}”：{held[0].derivation.reason}")
        raise GuardrailRefused(
            "measure_not_triggered",
            f"该主体没有触发措施“{measure.name}”的名单或失信行为记录，不得实施（国办发〔2020〕49号 §（九）必须基于具体的失信行为事实）",
        )
    ends = [a.derivation.end for a in found]
    latest = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    if until is not None and latest is not None and until > latest:
        raise GuardrailRefused(
            "aggravation_refused",
            f"措施“{measure.name}”依清单至{latest.isoformat()}止，不得延长至{until.isoformat()}（国办发〔2020〕49号 §（十）不得在法定惩戒标准上加重惩戒）",
        )
    return max(found, key=lambda a: a.derivation.end or dt.date.max)


def allowed_codes(measures: MeasureSet, on: dt.date, matter: str | None, region: str | None) -> frozenset[str]:
    """Measure codes that may be returned for ``matter`` on ``on`` (the list in force)."""
    matter = check_matter(matter)
    return frozenset(m.code for m in measures.in_force(on, region) if matter is None or matter in m.matters)


def applicable_codes(derivations: Iterable[Derivation], on: dt.date, allowed: frozenset[str]) -> list[str]:
    """The measure codes of :func:`decide` (obligations and information) without building the
    explanation — the batch-screening fast path; same filter as :func:`decide`."""
    return sorted({
        d.measure_code for d in derivations
        if d.reach == "subject" and d.treatment != "withheld" and d.measure_code in allowed and d.active_on(on)
    })


class CaseStatus(StrEnum):
    """联合惩戒案例 status: 发起 → 响应 → 反馈 (发改办财金〔2018〕893号 §七), closed when its basis ends
    (names: measures.cases.STATUS_NAMES); CHECK ck_punishment_cases_status."""

    initiated = "initiated"
    responded = "responded"
    feedback = "feedback"
    closed = "closed"
