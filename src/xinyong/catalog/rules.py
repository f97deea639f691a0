"""The public credit information catalog (公共信用信息目录, 目录制管理) as validated data.

国办发〔2020〕49号 §（一）: information enters the public credit information only on the basis of
a law, a regulation or a policy document of the Party Central Committee or the State Council, under
a catalog; localities may keep supplementary catalogs "依据地方性法规". §（三）/§（四）: whether an
item is shareable / disclosable and in what scope is fixed in the catalog itself.

This module is pure: it parses and validates YAML documents and answers "which catalog was in force
on date D for region R". Loading from disk is in :mod:`xinyong.catalog.loader`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xinyong.core.authority import unknown_fields
from xinyong.core.regions import ancestors, is_division
from xinyong.core.rulefiles import RuleError


class BasisLevel(StrEnum):
    law = "law"  # 法律
    administrative_regulation = "administrative_regulation"  # 行政法规
    local_regulation = "local_regulation"  # 地方性法规
    central_policy = "central_policy"  # 党中央、国务院政策文件
    departmental_rule = "departmental_rule"  # 部门规章
    local_rule = "local_rule"  # 地方政府规章
    normative_document = "normative_document"  # 规范性文件
    # binding interpretation of 民事诉讼法 by 最高人民法院 (the court's own list; not a catalog level)
    judicial_interpretation = "judicial_interpretation"  # 司法解释


BASIS_LEVEL_NAMES = {
    BasisLevel.law: "法律",
    BasisLevel.administrative_regulation: "行政法规",
    BasisLevel.local_regulation: "地方性法规",
    BasisLevel.central_policy: "党中央、国务院政策文件",
    BasisLevel.departmental_rule: "部门规章",
    BasisLevel.local_rule: "地方政府规章",
    BasisLevel.normative_document: "规范性文件",
    BasisLevel.judicial_interpretation: "司法解释",
}

#: 49号 §（一）: national catalog items need a law, a regulation or a central policy document;
#: local supplementary catalogs may rest on local regulations as well.
NATIONAL_CATALOG_LEVELS = frozenset(
    {BasisLevel.law, BasisLevel.administrative_regulation, BasisLevel.central_policy}
)
LOCAL_CATALOG_LEVELS = NATIONAL_CATALOG_LEVELS | {BasisLevel.local_regulation}


class CatalogStatus(StrEnum):
    draft = "draft"
    public_comment = "public_comment"
    approved = "approved"
    published = "published"


class ShareScope(StrEnum):
    """Who may receive an item through sharing (共享范围)."""

    government = "government"  # 政务部门（共享平台内）
    national_platform = "national_platform"  # 全国信用信息共享平台
    enterprise_publicity = "enterprise_publicity"  # 国家企业信用信息公示系统
    implementing_units = "implementing_units"  # 实施失信惩戒的单位
    financial_institutions = "financial_institutions"  # 金融机构（依法）


@dataclass(frozen=True, slots=True)
class LegalBasis:
    title: str
    level: BasisLevel
    doc_number: str | None = None
    article: str | None = None
    basis_verified: bool = False
    note: str | None = None

    def cite(self) -> str:
        parts = [f"《{self.title}》"]
        if self.doc_number:
            parts.append(f"（{self.doc_number}）")
        if self.article:
            parts.append(self.article)
        text = "".join(parts)
        return text if self.basis_verified else text + "（依据待核实）"


@dataclass(frozen=True, slots=True)
class DisclosurePeriod:
    min_months: int
    max_months: int


@dataclass(frozen=True, slots=True)
class CatalogItem:
    code: str
    name: str
    category: str
    basis: tuple[LegalBasis, ...]
    collecting_department: str
    shareable: bool
    share_scope: frozenset[ShareScope]
    disclosable: bool
    disclosure_period: DisclosurePeriod | None
    concerns_individuals: bool
    repairable: bool
    records_dishonesty: bool
    #: fields of a record under this item that must never be disclosed (trade secrets etc.)
    confidential_fields: frozenset[str] = frozenset()
    note: str | None = None
    #: the competent fields (xinyong.core.authority) whose departments alone may record under this
    #: item (a court's judgments: ``court``); empty: any determining department (谁认定、谁负责)
    competent_fields: tuple[str, ...] = ()

    @property
    def basis_verified(self) -> bool:
        return any(b.basis_verified for b in self.basis)


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    catalog_id: str
    title: str
    region: str  # "national" or a GB/T 2260 code
    edition: str
    status: CatalogStatus
    effective_from: dt.date
    effective_to: dt.date | None
    items: tuple[CatalogItem, ...]
    source: str
    dates_verified: bool = False
    supersedes: str | None = None
    origin: str = ""

    @property
    def is_national(self) -> bool:
        return self.region == "national"

    def in_force(self, on: dt.date) -> bool:
        return (
            self.status is CatalogStatus.published
            and self.effective_from <= on
            and (self.effective_to is None or on < self.effective_to)
        )

    def item(self, code: str) -> CatalogItem | None:
        return next((i for i in self.items if i.code == code), None)


# --- parsing -----------------------------------------------------------------------------------

_REQUIRED_ITEM = (
    "code", "name", "category", "basis", "collecting_department", "shareable", "disclosable",
    "concerns_individuals", "repairable", "records_dishonesty",
)


def rule_date(value: Any, where: str) -> dt.date:
    """A date field of a rule file (YAML gives a date, or a string to parse)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"{where}: 日期格式错误“{value}”，应为YYYY-MM-DD") from None


def require_fields(raw: Mapping[str, Any], where: str, keys: Iterable[str]) -> None:
    """Refuse a rule entry that lacks one of ``keys`` (the first missing one is named)."""
    for key in keys:
        if key not in raw:
            raise RuleError(f"{where}: 缺少字段 {key}")


def rule_region(value: Any, origin: str) -> str:
    """The ``region`` of a rule file: ``national`` or a valid GB/T 2260 division code."""
    region = str(value)
    if region != "national" and not is_division(region):
        raise RuleError(f"{origin}: 地区代码“{region}”不是有效的行政区划代码")
    return region


def _bool(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key)
    if not isinstance(value, bool):
        raise RuleError(f"{where}: 字段 {key} 必须为 true 或 false")
    return value


def parse_basis(raw: Any, where: str, allowed: frozenset[BasisLevel]) -> tuple[LegalBasis, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where}: 缺少纳入依据（basis），不得纳入目录（国办发〔2020〕49号 §（一））")
    out: list[LegalBasis] = []
    for i, b in enumerate(raw):
        w = f"{where} basis[{i}]"
        if not isinstance(b, Mapping) or not b.get("title"):
            raise RuleError(f"{w}: 依据必须写明文件名称（title）")
        try:
            level = BasisLevel(str(b.get("level")))
        except ValueError:
            raise RuleError(f"{w}: 依据层级“{b.get('level')}”无效") from None
        verified = b.get("basis_verified")
        if not isinstance(verified, bool):
            raise RuleError(f"{w}: 必须注明 basis_verified（true 或 false）")
        out.append(
            LegalBasis(
                title=str(b["title"]), level=level, doc_number=b.get("doc_number"),
                article=b.get("article"), basis_verified=verified, note=b.get("note"),
            )
        )
    if not any(b.level in allowed for b in out):
        names = "、".join(BASIS_LEVEL_NAMES[level] for level in sorted(allowed))
        raise RuleError(f"{where}: 纳入依据的层级不合格，须为{names}之一")
    return tuple(out)


def parse_item(raw: Mapping[str, Any], where: str, national: bool) -> CatalogItem:
    missing = [k for k in _REQUIRED_ITEM if k not in raw]
    if missing:
        raise RuleError(f"{where}: 缺少字段 {', '.join(missing)}")
    w = f"{where} ({raw['code']})"
    allowed = NATIONAL_CATALOG_LEVELS if national else LOCAL_CATALOG_LEVELS
    basis = parse_basis(raw["basis"], w, allowed)
    shareable = _bool(raw, "shareable", w)
    try:
        scope = frozenset(ShareScope(s) for s in raw.get("share_scope") or [])
    except ValueError as exc:
        raise RuleError(f"{w}: 共享范围无效：{exc}") from None
    if shareable and not scope:
        raise RuleError(f"{w}: 可共享的目录项必须明确共享范围（share_scope）")
    if not shareable and scope:
        raise RuleError(f"{w}: 不可共享的目录项不得设共享范围")
    disclosable = _bool(raw, "disclosable", w)
    period = None
    if disclosable:
        p = raw.get("disclosure_period")
        if not isinstance(p, Mapping) or "min_months" not in p or "max_months" not in p:
            raise RuleError(f"{w}: 可公开的目录项必须明确公示期限（disclosure_period.min_months/max_months）")
        period = DisclosurePeriod(int(p["min_months"]), int(p["max_months"]))
        if not 0 <= period.min_months <= period.max_months or period.max_months == 0:
            raise RuleError(f"{w}: 公示期限无效（最短{period.min_months}个月，最长{period.max_months}个月）")
    return CatalogItem(
        code=str(raw["code"]),
        name=str(raw["name"]),
        category=str(raw["category"]),
        basis=basis,
        collecting_department=str(raw["collecting_department"]),
        shareable=shareable,
        share_scope=scope,
        disclosable=disclosable,
        disclosure_period=period,
        concerns_individuals=_bool(raw, "concerns_individuals", w),
        repairable=_bool(raw, "repairable", w),
        records_dishonesty=_bool(raw, "records_dishonesty", w),
        confidential_fields=frozenset(raw.get("confidential_fields") or []),
        note=raw.get("note"),
        competent_fields=_competent_fields(raw, w),
    )


def _competent_fields(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    """Optional ``competent_fields``: codes of :func:`xinyong.core.authority.fields`; unknown = RuleError."""
    value = raw.get("competent_fields")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
        raise RuleError(f"{where}: competent_fields 须为职能领域代码的列表")
    unknown = unknown_fields(value)
    if unknown:
        raise RuleError(f"{where}: 职能领域“{'、'.join(unknown)}”不在职能领域清单内（fields.yaml）")
    return tuple(dict.fromkeys(value))


def parse_catalog(raw: Mapping[str, Any], origin: str) -> CatalogVersion:
    require_fields(raw, origin, ("catalog_id", "title", "region", "edition", "status", "effective_from", "items",
                                 "source"))
    region = rule_region(raw["region"], origin)
    national = region == "national"
    try:
        status = CatalogStatus(raw["status"])
    except ValueError:
        raise RuleError(f"{origin}: 目录状态“{raw['status']}”无效") from None
    items_raw = raw["items"]
    if not isinstance(items_raw, list):
        raise RuleError(f"{origin}: items 必须为列表")
    items = tuple(parse_item(it, f"{origin} items[{i}]", national) for i, it in enumerate(items_raw))
    codes = [i.code for i in items]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise RuleError(f"{origin}: 目录项代码重复：{', '.join(dupes)}")
    start = rule_date(raw["effective_from"], origin)
    end = rule_date(raw["effective_to"], origin) if raw.get("effective_to") else None
    if end is not None and end <= start:
        raise RuleError(f"{origin}: 失效日期必须晚于生效日期")
    return CatalogVersion(
        catalog_id=str(raw["catalog_id"]), title=str(raw["title"]), region=region,
        edition=str(raw["edition"]), status=status, effective_from=start, effective_to=end,
        items=items, source=str(raw["source"]), dates_verified=bool(raw.get("dates_verified", False)),
        supersedes=raw.get("supersedes"), origin=origin,
    )


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogSet:
    """All catalog versions known to the platform."""

    versions: tuple[CatalogVersion, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        seen: set[tuple[str, str]] = set()
        for v in self.versions:
            key = (v.catalog_id, v.edition)
            if key in seen:
                raise RuleError(f"{v.origin}: 目录 {v.catalog_id} 的 {v.edition} 版重复")
            seen.add(key)
        # two published national versions of one catalog may not be in force on the same day
        by_catalog: dict[tuple[str, str], list[CatalogVersion]] = {}
        for v in self.versions:
            if v.status is CatalogStatus.published:
                by_catalog.setdefault((v.catalog_id, v.region), []).append(v)
        for vs in by_catalog.values():
            vs.sort(key=lambda v: v.effective_from)
            for a, b in itertools.pairwise(vs):
                if a.effective_to is None or a.effective_to > b.effective_from:
                    raise RuleError(
                        f"{b.origin}: 与 {a.origin} 的生效期间重叠（同一目录同一时间只能有一版生效）"
                    )

    def in_force(self, on: dt.date, region: str | None) -> list[CatalogVersion]:
        """The national catalog plus the supplements of ``region`` and its parents, in force on ``on``."""
        regions = {"national", *(ancestors(region) if region else [])}
        return [v for v in self.versions if v.region in regions and v.in_force(on)]

    def find_item(
        self, code: str, on: dt.date, region: str | None
    ) -> tuple[CatalogVersion, CatalogItem] | None:
        for version in self.in_force(on, region):
            item = version.item(code)
            if item is not None:
                return version, item
        return None

    def all_items(self) -> Iterable[tuple[CatalogVersion, CatalogItem]]:
        for v in self.versions:
            for i in v.items:
                yield v, i

    def latest_item(self, code: str) -> CatalogItem | None:
        """The newest definition of an item code (for display of historic records)."""
        found = [
            (v.effective_from, i) for v in self.versions for i in v.items if i.code == code
        ]
        return max(found, key=lambda t: t[0])[1] if found else None
