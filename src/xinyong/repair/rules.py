"""Credit repair rules as validated data, and the pure assessment of one repair request.

Sources (../shared/reference/repair-rules.md, repair-periods.yaml; seeds 001, 003, 004):
- 国办发〔2020〕49号 §（十一）: 除法律、法规和党中央、国务院政策文件明确规定不可修复的失信信息外，失信主体
  按要求纠正失信行为、消除不良影响的，均可申请信用修复 … 移出严重失信主体名单，终止共享公开相关失信信息，
  或者对相关失信信息进行标注、屏蔽或删除. §（十二）: 在规定时限内办结 … 不得以任何形式收取费用.
- 国家发展改革委令第36号 (信用修复管理办法, in force 2026-04-01; replaces 令2023年第58号) 第二条, 第三条 and
  the reported classification 轻微/一般/严重 with minimum publicity periods 0/3/12 months counted from the
  document date; conditions: 达到最短公示期限、纠正失信行为并完全履行义务、公开作出信用承诺. Article numbers of
  the periods were NOT FOUND — carried with ``basis_verified: false``.
- The conditions of a repair are 令第36号's (as reported): 达到最短公示期限；纠正失信行为，完全履行失信行为涉及的
  义务；公开作出信用承诺；法律、行政法规、部门规章要求的其他条件. A rule that omits ``conditions`` gets exactly
  these (:data:`DEFAULT_CONDITIONS`). 消除不良影响 (49号 §（十一）) is asked where a list's own rule asks for it
  (e.g. 市场监督管理总局令第44号 第十六条（二）).
- 发改办财金〔2018〕893号 §十 (repair training ≥3 class hours) is a condition only where a rule's data asks for it,
  and only when the data states the training is free of charge (``training_free_of_charge: true``);
  §十一's credit report from a credit service agency is something a subject must buy, so it is never a
  condition: a rule naming it is refused at load (49号 §（十二）: 不得以任何形式收取费用). A subject may still
  hand in a report; it is shown to the department, never required.
- 国办发〔2025〕22号: the deciding authority decides within 3 working days (secondary summary only, unverified).
- The minimum periods come from the one period regime (rules/national/periods/regimes.yaml, shared with the
  disclosure rules). Its precedence (the platform's reading, unverified): from 2025-06-22 to 2026-03-31 the
  later-issued 国办发〔2025〕22号 applies rather than 令2023年第58号, so the minimums in that window are
  0/3/12 months (轻微/一般/严重) instead of 58号's 3 months for every class; 58号's periods cover
  administrative-penalty information only, so before 2025-06-22 other targets without a fixed minimum of
  their own have no regime.

Everything here is pure: dates are arguments, nothing reads the clock or the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from xinyong.catalog.rules import (
    BasisLevel,
    LegalBasis,
    RuleError,
    parse_basis,
    require_fields,
    rule_region,
)
from xinyong.core.dates import add_months
from xinyong.core.regions import ancestors
from xinyong.disclosure.rules import PeriodRegime, regime_in_force
from xinyong.records.rules import SEVERITY_NAMES as _SEVERITY_NAMES
from xinyong.records.rules import Severity

#: 49号 §（十一）: only a law, a regulation or a central policy document may declare information
#: non-repairable (36号令 第二条: 法律、法规或党中央、国务院政策文件).
NON_REPAIRABLE_LEVELS = frozenset(
    {
        BasisLevel.law,
        BasisLevel.administrative_regulation,
        BasisLevel.local_regulation,
        BasisLevel.central_policy,
    }
)
#: a repair rule itself may rest on any published rule level
RULE_LEVELS = frozenset(BasisLevel)

#: 893 §十: 培训不少于3个学时
MIN_TRAINING_HOURS = Decimal(3)


class TargetKind(StrEnum):
    catalog_item = "catalog_item"  # 目录项（失信行为记录）
    list_type = "list_type"  # 严重失信主体名单类型


class Condition(StrEnum):
    min_period = "min_period"  # 达到最短公示期限
    act_corrected = "act_corrected"  # 纠正失信行为
    effects_removed = "effects_removed"  # 消除不良影响
    obligations_performed = "obligations_performed"  # 完全履行相关义务
    commitment = "commitment"  # 公开作出信用承诺
    training = "training"  # 信用修复培训（≥3学时）
    credit_report = "credit_report"  # 具有资质的信用服务机构出具的信用报告


CONDITION_NAMES = {
    Condition.min_period: "达到最短公示期限",
    Condition.act_corrected: "已纠正失信行为",
    Condition.effects_removed: "已主动消除不良影响",
    Condition.obligations_performed: "已完全履行相关义务",
    Condition.commitment: "公开作出信用承诺",
    Condition.training: "参加信用修复培训不少于3个学时",
    Condition.credit_report: "提交具有资质的信用服务机构出具的信用报告",
}

#: 令第36号 (as reported): 达到最短公示期限；纠正失信行为并完全履行相关义务；公开作出信用承诺
DEFAULT_CONDITIONS = frozenset({Condition.min_period, Condition.act_corrected, Condition.obligations_performed,
                                Condition.commitment})

#: conditions the applicant declares (and proves with attachments); the department verifies them
DECLARED = (Condition.act_corrected, Condition.effects_removed, Condition.obligations_performed)


class Outcome(StrEnum):
    """49号 §（十一） — what a granted repair does."""

    remove_from_list = "remove_from_list"  # 移出严重失信主体名单
    end_disclosure = "end_disclosure"  # 终止公示、停止共享和使用（36号令 第三条）
    mark = "mark"  # 标注
    shield = "shield"  # 屏蔽
    delete = "delete"  # 删除


class PartStatus(StrEnum):
    """A repair part's status (names: repair.shared.PART_STATUS_NAMES); CHECK ck_repair_parts_status."""

    pending = "pending"  # 办理中
    granted = "granted"  # 准予修复
    refused = "refused"  # 不予修复


class ApplicationStatus(StrEnum):
    """An application's overall status, derived from its parts (repair.shared.overall_status; not
    stored, so no CHECK constraint; names: repair.shared.OVERALL_NAMES)."""

    processing = "processing"
    syncing = "syncing"
    completed = "completed"
    partially_completed = "partially_completed"
    refused = "refused"


OUTCOME_NAMES = {
    Outcome.remove_from_list: "移出严重失信主体名单",
    Outcome.end_disclosure: "终止公示、停止共享和使用",
    Outcome.mark: "标注已修复",
    Outcome.shield: "屏蔽",
    Outcome.delete: "删除",
}

#: the record status each record outcome sets (records.service.RECORD_STATUSES). 令第36号 第三条: a repair
#: ends public disclosure AND stops sharing and use — the records status ``disclosure_ended`` only ends
#: public disclosure (the end of the maximum period), so a repair that ends disclosure shields the record.
RECORD_STATUS_OF = {
    Outcome.end_disclosure: "repaired_shielded",
    Outcome.mark: "repaired_marked",
    Outcome.shield: "repaired_shielded",
    Outcome.delete: "repaired_deleted",
}

SEVERITIES = tuple(s.value for s in Severity)
SEVERITY_NAMES = {s.value: name for s, name in _SEVERITY_NAMES.items()}


class PeriodFrom(StrEnum):
    document = "document"  # 自司法、行政公务文书认定之日（36号令）
    correction = "correction"  # 自改正之日（如人社部令第45号）


@dataclass(frozen=True, slots=True)
class TimeLimits:
    """Working-day time limits (国办发〔2025〕22号, secondary summaries — unverified)."""

    department_decision_workdays: int
    platform_reply_workdays: int
    basis: LegalBasis


@dataclass(frozen=True, slots=True)
class RepairRule:
    kind: TargetKind
    target: str
    name: str
    region: str  # "national" or a GB/T 2260 code
    repairable: bool
    basis: tuple[LegalBasis, ...]
    non_repairable_basis: tuple[LegalBasis, ...] = ()
    conditions: frozenset[Condition] = frozenset()
    #: fixed minimum period in months; None = the regime's period for the severity
    min_months: int | None = None
    period_from: PeriodFrom = PeriodFrom.document
    time_limit_workdays: int | None = None  # None = the default department time limit
    outcome: Outcome = Outcome.end_disclosure
    note: str | None = None
    origin: str = ""

    @property
    def basis_verified(self) -> bool:
        return any(b.basis_verified for b in self.basis)

    def cite(self) -> str:
        return "；".join(b.cite() for b in self.basis)


@dataclass(frozen=True)
class RepairRules:
    rules: tuple[RepairRule, ...]
    regimes: tuple[PeriodRegime, ...]
    time_limits: TimeLimits

    def find(self, kind: TargetKind, target: str, region: str | None) -> RepairRule | None:
        """The most specific rule for ``target``: the narrowest local region, else national."""
        chain = ["national", *(ancestors(region) if region else [])]
        best: RepairRule | None = None
        best_rank = -1
        for rule in self.rules:
            if rule.kind is kind and rule.target == target and rule.region in chain:
                rank = chain.index(rule.region)
                if rank > best_rank:
                    best, best_rank = rule, rank
        return best

    def regime_on(self, on: dt.date, item_code: str | None = None) -> PeriodRegime | None:
        """The period regime applying on ``on`` (the one regime file; precedence in
        :func:`xinyong.disclosure.rules.regime_in_force`); ``item_code`` for a catalog item's information,
        ``None`` for a list type (only regimes covering all dishonesty information)."""
        return regime_in_force(self.regimes, on, item_code)


# --- parsing -----------------------------------------------------------------------------------


def _int(value: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RuleError(f"{where}: 必须是不小于{minimum}的整数（当前为“{value}”）")
    return value


def parse_rule(raw: Mapping[str, Any], where: str, region: str, origin: str) -> RepairRule:
    require_fields(raw, where, ("kind", "target", "name", "repairable", "basis"))
    try:
        kind = TargetKind(raw["kind"])
    except ValueError:
        raise RuleError(f"{where}: kind 须为 catalog_item 或 list_type（当前“{raw['kind']}”）") from None
    target = str(raw["target"])
    w = f"{where} [{target}]"
    if not isinstance(raw["repairable"], bool):
        raise RuleError(f"{w}: repairable 必须为 true 或 false")
    basis = parse_basis(raw["basis"], w, RULE_LEVELS)
    non_repairable: tuple[LegalBasis, ...] = ()
    if not raw["repairable"]:
        # 49号 §（十一）: only a law, a regulation or a central policy document may say so
        if not raw.get("non_repairable_basis"):
            raise RuleError(
                f"{w}: 规定不可修复必须写明法律、法规或党中央、国务院政策文件的明确规定（non_repairable_basis）"
                "（国办发〔2020〕49号 §（十一））"
            )
        non_repairable = parse_basis(raw["non_repairable_basis"], f"{w} non_repairable", NON_REPAIRABLE_LEVELS)
    elif raw.get("non_repairable_basis"):
        raise RuleError(f"{w}: 可修复的规则不应写 non_repairable_basis")
    conds_raw = raw.get("conditions")
    if conds_raw is None:
        conds_raw = [c.value for c in DEFAULT_CONDITIONS] if raw["repairable"] else []
    if not isinstance(conds_raw, list):
        raise RuleError(f"{w}: conditions 必须是列表")
    conditions: set[Condition] = set()
    for c in conds_raw:
        try:
            conditions.add(Condition(c))
        except ValueError:
            allowed = "、".join(c.value for c in Condition)
            raise RuleError(f"{w}: 未知的修复条件“{c}”，可选：{allowed}") from None
    if Condition.credit_report in conditions:
        raise RuleError(
            f"{w}: 信用报告须向信用服务机构付费取得，不得作为信用修复的条件（国办发〔2020〕49号 §（十二）不得以任何形式"
            "收取费用）；申请人可自愿提交"
        )
    if Condition.training in conditions and raw.get("training_free_of_charge") is not True:
        raise RuleError(
            f"{w}: 信用修复培训只有在免费提供时才能作为修复条件，请写明 training_free_of_charge: true 并在依据中"
            "注明要求培训的规定（发改办财金〔2018〕893号 §十）"
        )
    if raw["repairable"]:
        conditions.add(Condition.min_period)  # 36号令: 达到最短公示期限 is always a condition
    min_months = raw.get("min_months")
    if min_months is not None:
        min_months = _int(min_months, f"{w} min_months")
    try:
        period_from = PeriodFrom(raw.get("period_from", "document"))
    except ValueError:
        raise RuleError(f"{w}: period_from 须为 document 或 correction") from None
    limit = raw.get("time_limit_workdays")
    if limit is not None:
        limit = _int(limit, f"{w} time_limit_workdays", minimum=1)
    try:
        outcome = Outcome(raw.get("outcome", "end_disclosure" if kind is TargetKind.catalog_item
                                  else "remove_from_list"))
    except ValueError:
        allowed = "、".join(o.value for o in Outcome)
        raise RuleError(f"{w}: 未知的修复结果“{raw.get('outcome')}”，可选：{allowed}") from None
    if kind is TargetKind.list_type and outcome is not Outcome.remove_from_list:
        raise RuleError(f"{w}: 名单类型的修复结果只能是 remove_from_list（移出名单）")
    if kind is TargetKind.catalog_item and outcome is Outcome.remove_from_list:
        raise RuleError(f"{w}: 目录项信息的修复结果须为终止公示、标注、屏蔽或删除")
    return RepairRule(
        kind=kind, target=target, name=str(raw["name"]), region=region, repairable=raw["repairable"],
        basis=basis, non_repairable_basis=non_repairable, conditions=frozenset(conditions),
        min_months=min_months, period_from=period_from, time_limit_workdays=limit, outcome=outcome,
        note=raw.get("note"), origin=origin,
    )


def parse_rules_document(raw: Any, origin: str) -> tuple[str, list[RepairRule]]:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{origin}: 文件内容必须是一个映射")
    region = rule_region(raw.get("region", "national"), origin)
    items = raw.get("rules")
    if not isinstance(items, list) or not items:
        raise RuleError(f"{origin}: 缺少 rules 列表")
    out = [parse_rule(r, f"{origin} rules[{i}]", region, origin) for i, r in enumerate(items)]
    seen: set[tuple[TargetKind, str]] = set()
    for r in out:
        if (r.kind, r.target) in seen:
            raise RuleError(f"{origin}: 同一文件中 {r.kind.value} “{r.target}” 的修复规则重复")
        seen.add((r.kind, r.target))
    return region, out


def parse_time_limits_document(raw: Any, origin: str) -> TimeLimits:
    """``repair/time_limits.yaml``: the working-day time limits of a repair (not a period regime)."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{origin}: 文件内容必须是一个映射")
    limits = raw.get("time_limits")
    if not isinstance(limits, Mapping):
        raise RuleError(f"{origin}: 缺少 time_limits")
    basis = parse_basis(limits.get("basis"), f"{origin} time_limits", RULE_LEVELS)
    return TimeLimits(
        department_decision_workdays=_int(
            limits.get("department_decision_workdays"), f"{origin} department_decision_workdays", minimum=1),
        platform_reply_workdays=_int(
            limits.get("platform_reply_workdays"), f"{origin} platform_reply_workdays", minimum=1),
        basis=basis[0],
    )


def check_targets(rules: Iterable[RepairRule], catalog_codes: set[str], list_type_ids: set[str] | None) -> None:
    """Every rule names a real catalog item (and, when the list types are known, a real list type)."""
    for r in rules:
        if r.kind is TargetKind.catalog_item and r.target not in catalog_codes:
            raise RuleError(f"{r.origin}: 目录中没有目录项“{r.target}”")
        if r.kind is TargetKind.list_type and list_type_ids is not None and r.target not in list_type_ids:
            raise RuleError(f"{r.origin}: 没有名单类型“{r.target}”")


# --- assessment --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """What one part of an application asks to repair."""

    kind: TargetKind
    code: str  # catalog item code or list type id
    severity: str  # minor / general / serious (listings: serious)
    document_date: dt.date  # date of the determining document (record decision / listing start)
    status_active: bool = True
    corrected_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the applicant has shown at the assessment date."""

    declared: frozenset[Condition] = frozenset()
    commitment_on: dt.date | None = None  # latest public credit commitment
    training_hours: Decimal = Decimal(0)
    credit_report_agency_ok: bool | None = None  # None = no report; False = agency not qualified


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    reason: str
    remedy: str
    retry_on: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason, "remedy": self.remedy,
                "retry_on": self.retry_on.isoformat() if self.retry_on else None}


@dataclass(frozen=True, slots=True)
class Assessment:
    problems: tuple[Problem, ...]
    earliest: dt.date | None = None
    min_months: int | None = None
    period_basis: str | None = None
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def min_period(rule: RepairRule, target: Target, rules: RepairRules, on: dt.date) -> tuple[int, str]:
    """Minimum publicity period (months) and where it comes from, under the regime in force ``on``."""
    if rule.min_months is not None:
        return rule.min_months, rule.cite()
    code = target.code if target.kind is TargetKind.catalog_item else None
    regime = rules.regime_on(on, code)
    if regime is None:
        raise RuleError(f"{on} 没有适用于“{target.code}”的施行中的公示期限规定（periods/regimes.yaml）")
    severity = target.severity if target.severity in SEVERITIES else "serious"
    return regime.min_months[severity], regime.cite()


def assess(rule: RepairRule | None, target: Target, evidence: Evidence, rules: RepairRules,
           on: dt.date) -> Assessment:
    """May ``target`` be repaired on ``on``? Every unmet condition comes with its reason and remedy."""
    what = "该名单" if target.kind is TargetKind.list_type else "该信息"
    if rule is None:
        return Assessment((Problem(
            "no_repair_rule", f"{what}（{target.code}）没有适用的信用修复规则",
            "请联系认定部门或信用办确认修复渠道",
        ),))
    if not target.status_active:
        return Assessment((Problem(
            "not_active", f"{what}已不在公示或名单中（已修复、已终止或已撤销），无需修复",
            "无需再申请；如信息仍在展示，请通过异议渠道反映",
        ),))
    if not rule.repairable:
        basis = "；".join(b.cite() for b in rule.non_repairable_basis)
        return Assessment((Problem(
            "not_repairable", f"依据{basis}，{rule.name}不可修复（国办发〔2020〕49号 §（十一））",
            "该信息依法不可修复，将于公示期届满后停止公示；对认定有异议的，可依法申请复议或提起诉讼",
        ),))
    problems: list[Problem] = []
    months, source = min_period(rule, target, rules, on)
    start = target.document_date
    if rule.period_from is PeriodFrom.correction:
        if target.corrected_on is None:
            problems.append(Problem(
                "missing_correction_date", "该名单的最短期限自改正之日起计算，申请未写明改正日期",
                "请在申请中写明改正（如清偿）日期并附证明材料",
            ))
            start = on
        else:
            start = target.corrected_on
    earliest = add_months(start, months)
    if Condition.min_period in rule.conditions and on < earliest:
        problems.append(Problem(
            "min_period_not_elapsed",
            f"最短公示期限{months}个月尚未届满（自{start}起算，{earliest}届满；依据{source}）",
            f"请于{earliest}及以后再申请",
            retry_on=earliest,
        ))
    for cond in DECLARED:
        if cond in rule.conditions and cond not in evidence.declared:
            problems.append(Problem(
                f"missing_{cond.value}", f"未声明并证明“{CONDITION_NAMES[cond]}”",
                f"请{CONDITION_NAMES[cond].removeprefix('已')}后，在申请中勾选并上传证明材料",
            ))
    if Condition.commitment in rule.conditions and (
        evidence.commitment_on is None or evidence.commitment_on < target.document_date
    ):
        problems.append(Problem(
            "missing_commitment", "未在失信信息产生后公开作出信用承诺（发改办财金〔2018〕893号 §九）",
            "请在“信用承诺”中签署并公开信用承诺书后再申请",
        ))
    if Condition.training in rule.conditions and evidence.training_hours < MIN_TRAINING_HOURS:
        problems.append(Problem(
            "insufficient_training",
            f"信用修复培训学时不足：已登记{_hours(evidence.training_hours)}学时，"
            f"应不少于{_hours(MIN_TRAINING_HOURS)}学时（发改办财金〔2018〕893号 §十）",
            f"请参加信用修复专题培训，补足{_hours(MIN_TRAINING_HOURS - evidence.training_hours)}学时并登记",
        ))
    return Assessment(tuple(problems), earliest=earliest, min_months=months, period_basis=source,
                      conditions=tuple(c for c in Condition if c in rule.conditions))


def _hours(h: Decimal) -> str:
    return format(h.normalize(), "f")
