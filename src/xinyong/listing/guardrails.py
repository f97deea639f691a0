"""The guardrails a list type's own rule puts on a determination, as data (pure: no I/O, no clock).

Every list-type file may carry, besides the elements of 国办发〔2020〕49号 §（七）:

- ``basis_records``: the catalog items a basis record must be recorded under and the lowest severity
  it must carry (e.g. 市场监管总局令第44号 第二条: 较重行政处罚 → ``admin-penalty``, ``serious``);
- ``upper_level_consent``: the levels whose decisions need the consent of the next level up
  (令第44号 第二十二条: 县级、设区的市级 … 应当报经上一级市场监督管理部门同意);
- ``objection_window``: the shortest objection window the notice may give;
- ``minors``: whether the rule forbids listing a minor (法释〔2017〕7号 第四条) — elsewhere a minor is a
  宽容审慎 case (49号 §（十六））;
- ``removal_time_limits``: working days to accept an application for early removal, to decide it and
  to stop publication (令第44号 第十七、十八条; 法释〔2017〕7号 第十条), and the months that must pass
  after listing or after correction before early removal can be asked;
- ``review``: the date the standard was last reviewed against 49号 (its transition clean-up).

Each denial function returns the Chinese reason of a refusal naming the rule, or None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xinyong.core.authority import AUTHORITY_NAMES, AuthorityLevel, authority_level
from xinyong.core.rulefiles import RuleError

#: the severities of records.rules.Severity, lowest first (a pure copy: listing reads records only
#: through their public views)
SEVERITY_ORDER = ("minor", "general", "serious")
SEVERITY_NAMES = {"minor": "轻微", "general": "一般", "serious": "严重"}

#: 49号 §（八）: the decision states 救济措施. For a decision of an administrative organ the remedies are
#: given by law whatever the list's rule says; the time limits below are the statutes' general limits.
ADMINISTRATIVE_REMEDIES = (
    "当事人对列入决定不服的，可以自知道该决定之日起六十日内依法申请行政复议（《中华人民共和国行政复议法》），"
    "或者自知道作出该决定之日起六个月内依法提起行政诉讼（《中华人民共和国行政诉讼法》）"
)
ADMINISTRATIVE_REMEDIES_BASIS = "《中华人民共和国行政复议法》《中华人民共和国行政诉讼法》（行政行为的法定救济途径）"

#: 国办发〔2020〕49号 “把握时间节点”: 过渡期 ends at the end of 2021; after it, list standards that do
#: not conform are void (“过渡期后与本意见要求不符的一律废止”).
TRANSITION_END = dt.date(2021, 12, 31)
TRANSITION_BASIS = "国办发〔2020〕49号“把握时间节点”：过渡期后与本意见要求不符的一律废止"


@dataclass(frozen=True)
class BasisRequirement:
    catalog_items: tuple[str, ...] = ()
    min_severity: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class UpperConsent:
    levels: tuple[AuthorityLevel, ...] = ()
    basis: str | None = None


@dataclass(frozen=True)
class ObjectionWindow:
    min_days: int = 1
    basis: str | None = None


@dataclass(frozen=True)
class MinorsRule:
    forbidden: bool = False
    basis: str = "国办发〔2020〕49号§（十六）：对未成年人失信行为应宽容审慎进行认定"


@dataclass(frozen=True)
class RemovalLimits:
    accept_workdays: int | None = None
    decide_workdays: int | None = None
    stop_publication_workdays: int | None = None
    early_after_months: int | None = None
    after_correction_months: int | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Review:
    reviewed_on: dt.date | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Guardrails:
    basis_records: BasisRequirement = field(default_factory=BasisRequirement)
    upper_consent: UpperConsent = field(default_factory=UpperConsent)
    objection_window: ObjectionWindow = field(default_factory=ObjectionWindow)
    minors: MinorsRule = field(default_factory=MinorsRule)
    removal: RemovalLimits = field(default_factory=RemovalLimits)
    review: Review = field(default_factory=Review)

    def summary(self) -> dict[str, Any]:
        b, u, o, m, r, v = (self.basis_records, self.upper_consent, self.objection_window, self.minors,
                            self.removal, self.review)
        return {
            "basis_records": {"catalog_items": list(b.catalog_items), "min_severity": b.min_severity,
                              "min_severity_name": SEVERITY_NAMES.get(b.min_severity or ""), "basis": b.basis},
            "upper_level_consent": {"levels": [lv.value for lv in u.levels],
                                    "level_names": [AUTHORITY_NAMES[lv] for lv in u.levels], "basis": u.basis},
            "objection_window": {"min_days": o.min_days, "basis": o.basis},
            "minors": {"forbidden": m.forbidden, "basis": m.basis},
            "removal_time_limits": {
                "accept_workdays": r.accept_workdays, "decide_workdays": r.decide_workdays,
                "stop_publication_workdays": r.stop_publication_workdays,
                "early_after_months": r.early_after_months, "after_correction_months": r.after_correction_months,
                "basis": r.basis,
            },
            "review": {"reviewed_on": v.reviewed_on.isoformat() if v.reviewed_on else None, "basis": v.basis},
        }


# ============================================================================ parsing
def _mapping(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise RuleError(f"{where}：{key} 必须是一个映射")
    return value


def _verified(section: dict[str, Any]) -> bool:
    value = section.get("verified", True)
    if not isinstance(value, bool):
        raise RuleError("verified 必须是 true 或 false")
    return value


def _basis(section: dict[str, Any], key: str, where: str) -> str:
    text = " ".join(str(section.get("basis") or "").split())
    if not text:
        raise RuleError(f"{where}：{key} 必须写明依据 basis（文件和条款）")
    return text


def _count(section: dict[str, Any], key: str, where: str, label: str) -> int | None:
    value = section.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
        raise RuleError(f"{where}：{label} 必须是1至366之间的整数")
    return value


def parse_guardrails(raw: dict[str, Any], where: str, known_items: frozenset[str] | None = None
                     ) -> tuple[Guardrails, list[str]]:
    """The guardrails of one list-type mapping and the names of its unverified elements.

    A section with ``verified: false`` loads (the value is shown as unverified, not blocking) but must
    still name its basis; ``known_items`` (catalog item codes) refuses a misspelt qualifying item."""
    unverified: list[str] = []

    b = _mapping(raw, "basis_records", where)
    items = b.get("catalog_items") or []
    if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
        raise RuleError(f"{where}：basis_records.catalog_items 必须是目录事项代码列表")
    if known_items is not None:
        unknown = [i for i in items if i not in known_items]
        if unknown:
            raise RuleError(f"{where}：basis_records.catalog_items 中的目录事项“{'、'.join(unknown)}”不存在")
    sev = b.get("min_severity")
    if sev is not None and sev not in SEVERITY_ORDER:
        raise RuleError(f"{where}：basis_records.min_severity 只能是 {'、'.join(SEVERITY_ORDER)}")
    basis_req = BasisRequirement(tuple(items), sev, _basis(b, "basis_records", where) if (items or sev) else None)
    if b and not _verified(b):
        unverified.append("basis_records")

    u = _mapping(raw, "upper_level_consent", where)
    levels_raw = u.get("levels") or []
    try:
        levels = tuple(AuthorityLevel(str(x)) for x in levels_raw)
    except ValueError:
        raise RuleError(f"{where}：upper_level_consent.levels 只能是 county、prefecture、province") from None
    consent = UpperConsent(levels, _basis(u, "upper_level_consent", where) if levels else None)
    if u and not _verified(u):
        unverified.append("upper_level_consent")

    o = _mapping(raw, "objection_window", where)
    min_days = _count(o, "min_days", where, "objection_window.min_days") or 1
    window = ObjectionWindow(min_days, _basis(o, "objection_window", where) if o else None)
    if o and not _verified(o):
        unverified.append("objection_window")

    m = _mapping(raw, "minors", where)
    forbidden = m.get("forbidden", False)
    if not isinstance(forbidden, bool):
        raise RuleError(f"{where}：minors.forbidden 必须是 true 或 false")
    minors = MinorsRule(forbidden, _basis(m, "minors", where)) if m else MinorsRule()

    r = _mapping(raw, "removal_time_limits", where)
    limits = RemovalLimits(
        accept_workdays=_count(r, "accept_workdays", where, "受理期限"),
        decide_workdays=_count(r, "decide_workdays", where, "决定期限"),
        stop_publication_workdays=_count(r, "stop_publication_workdays", where, "停止公示期限"),
        early_after_months=_count(r, "early_after_months", where, "申请提前移出前须列入的月数"),
        after_correction_months=_count(r, "after_correction_months", where, "改正后须经过的月数"),
        basis=_basis(r, "removal_time_limits", where) if r else None,
    )
    if r and not _verified(r):
        unverified.append("removal_time_limits")

    v = _mapping(raw, "review", where)
    reviewed = v.get("reviewed_on")
    if reviewed is not None and not isinstance(reviewed, dt.date):
        try:
            reviewed = dt.date.fromisoformat(str(reviewed))
        except ValueError:
            raise RuleError(f"{where}：review.reviewed_on 日期无效（应为 YYYY-MM-DD）") from None
    review = Review(reviewed, _basis(v, "review", where) if reviewed else None)
    if not v or reviewed is None or not _verified(v):
        unverified.append("review")
    return Guardrails(basis_req, consent, window, minors, limits, review), unverified


# ============================================================================ denials
def basis_record_denial(req: BasisRequirement, *, record_id: int, catalog_item: str, severity: str,
                        item_name: str | None = None) -> str | None:
    """A basis record must be under a qualifying catalog item and at least the minimum severity."""
    if req.catalog_items and catalog_item not in req.catalog_items:
        return (f"记录{record_id}（{item_name or catalog_item}）不是该名单认定标准所要求的失信行为信息，"
                f"不能作为认定依据（{req.basis}）")
    if req.min_severity is not None and severity in SEVERITY_ORDER and (
            SEVERITY_ORDER.index(severity) < SEVERITY_ORDER.index(req.min_severity)):
        return (f"记录{record_id}的失信程度为“{SEVERITY_NAMES[severity]}”，该名单要求“{SEVERITY_NAMES[req.min_severity]}”"
                f"（{req.basis}）")
    return None


def consent_needed(consent: UpperConsent, case_region: str) -> bool:
    """Whether a decision of an authority in ``case_region`` needs the next level's consent."""
    level = authority_level(case_region)
    return level is not None and level in consent.levels


def upper_region(region: str) -> str | None:
    """The region of the next level up (``320812`` → ``320800`` → ``320000`` → ``100000``)."""
    level = authority_level(region)
    if level is AuthorityLevel.county:
        return region[:4] + "00"
    if level is AuthorityLevel.prefecture:
        return region[:2] + "0000"
    if level is AuthorityLevel.province:
        return "100000"
    return None


def consent_denial(consent: UpperConsent, case_region: str, consented: bool) -> str | None:
    if consent_needed(consent, case_region) and not consented:
        return f"作出列入决定前须报经上一级部门同意，尚未取得上一级部门同意（{consent.basis}）"
    return None


def consent_giver_denial(*, case_region: str, case_fields: tuple[str, ...], giver_region: str | None,
                         giver_fields: frozenset[str], consent: UpperConsent) -> str | None:
    """Consent is given by the department of the same field one level up (令第44号 第二十二条)."""
    if not consent_needed(consent, case_region):
        return "该案件不需要报经上一级部门同意"
    up = upper_region(case_region)
    if giver_region != up:
        return f"只有上一级（行政区划{up}）的同领域部门可以同意该列入决定（{consent.basis}）"
    if case_fields and not giver_fields & frozenset(case_fields):
        return f"只有上一级的同领域部门可以同意该列入决定（{consent.basis}）"
    return None


def window_denial(window: ObjectionWindow, served_on: dt.date, window_end: dt.date) -> str | None:
    """The notice must leave at least the list type's minimum objection window."""
    days = (window_end - served_on).days
    if days < window.min_days:
        basis = f"（{window.basis}）" if window.basis else ""
        return f"异议期限不得少于{window.min_days}日{basis}，本次仅{days}日"
    return None


def four_eyes_denial(*, approver: str | None, proposer: str | None, decider: str) -> str | None:
    """四眼原则: a second officer of the department approves the decision; approver ≠ proposer/decider.

    国办发〔2020〕49号 §（八） asks for 规范的认定程序; the platform requires two officers (审核与决定分离)."""
    if approver is None:
        return "作出认定决定前须由本部门另一名工作人员审核同意（四眼原则：本平台落实国办发〔2020〕49号§（八）“严格履行严重失信主体名单认定程序”的内部审核规则）"
    if approver == decider:
        return "审核同意人与作出决定人不能是同一人（四眼原则）"
    if proposer is not None and approver == proposer:
        return "审核同意人不能是立案人（四眼原则）"
    return None


def minor_denial(minors: MinorsRule, list_name: str, is_minor: bool) -> str | None:
    if minors.forbidden and is_minor:
        return f"当事人为未成年人，不得列入“{list_name}”（{minors.basis}）"
    return None
