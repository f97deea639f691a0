"""Serious dishonest entity lists: list types as data and the determination procedure (pure).

Legal frame (seeds in ../shared/seeds):

- 国办发〔2020〕49号 §（六）: a list may be set only in four domains (``Domain``).
- §（七）: the standard (认定标准) is a law, an administrative regulation or a central policy document;
  a departmental rule only for a national list; a local regulation for a local list; public comment
  period not less than 30 days; it must state removal conditions, procedure and remedies.
- §（八）: before deciding, tell the party the grounds, the basis and its rights (告知); verify an
  objection and answer it within the time limit; the decision document states 事由、依据、失信惩戒
  措施提示、移出条件和程序以及救济措施; determined by departments at county level or above unless the
  law says otherwise.
- §（十六）: minors, force majeure, non-intentional and minor acts are treated 宽容审慎.
- 淮政办发〔2021〕13号 §四(一): objections answered within 10 working days.
- 发改办财金〔2018〕893号: blacklist vs key-attention list (重点关注名单); §二 rectification, §三
  interviews (提示性 / 警示性, 谁认定、谁约谈); §八 legal representative accountability.

Nothing here touches the database or the clock: dates are arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from xinyong.core.authority import (  # noqa: F401  (AUTHORITY_RANK re-exported)
    AUTHORITY_NAMES,
    AUTHORITY_RANK,
    AuthorityLevel,
    competence_denial,
    level_denial,
    unknown_fields,
)
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, ValidationFailed
from xinyong.core.rulefiles import RuleError
from xinyong.core.workdays import add_workdays
from xinyong.listing.guardrails import (
    ADMINISTRATIVE_REMEDIES,
    ADMINISTRATIVE_REMEDIES_BASIS,
    Guardrails,
    basis_record_denial,
    minor_denial,
    parse_guardrails,
    window_denial,
)


# ============================================================================ errors
class ListTypeError(ValidationFailed, RuleError):
    """A list-type file is refused at load (a :class:`RuleError` like every other rule file)."""

    def __init__(self, message: str) -> None:
        super().__init__("list_type.invalid", message)


class IllegalTransition(Conflict):
    """The action is not allowed in the case's current state (409: the case moved on)."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__("listing.illegal_transition", message, details=details)


class GuardrailRefused(ValidationFailed):
    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"listing.{code}", message, details=details)


# ============================================================================ vocabularies
class Domain(StrEnum):
    """国办发〔2020〕49号 §（六） (after 国发〔2016〕33号): the only four permitted domains."""

    health_and_safety = "health_and_safety"
    market_order = "market_order"
    refuses_legal_obligations = "refuses_legal_obligations"
    national_defence = "national_defence"


DOMAIN_NAMES = {
    Domain.health_and_safety: "严重危害人民群众身体健康和生命安全",
    Domain.market_order: "严重破坏市场公平竞争秩序和社会正常秩序",
    Domain.refuses_legal_obligations: "拒不履行法定义务严重影响司法机关和行政机关公信力",
    Domain.national_defence: "拒不履行国防义务",
}


class Kind(StrEnum):
    """发改办财金〔2018〕893号 distinguishes 黑名单 and 重点关注名单."""

    blacklist = "blacklist"
    key_attention = "key_attention"


KIND_NAMES = {Kind.blacklist: "严重失信主体名单（黑名单）", Kind.key_attention: "重点关注名单"}


class StandardLevel(StrEnum):
    law = "law"
    administrative_regulation = "administrative_regulation"
    central_policy = "central_policy"
    departmental_rule = "departmental_rule"
    local_regulation = "local_regulation"


LEVEL_NAMES = {
    StandardLevel.law: "法律",
    StandardLevel.administrative_regulation: "行政法规",
    StandardLevel.central_policy: "党中央、国务院政策文件",
    StandardLevel.departmental_rule: "部门规章",
    StandardLevel.local_regulation: "地方性法规",
}

#: 49号 §（七）: which standard levels a national / local list may rest on
ALLOWED_LEVELS = {
    "national": {StandardLevel.law, StandardLevel.administrative_regulation, StandardLevel.central_policy,
                 StandardLevel.departmental_rule},
    "local": {StandardLevel.law, StandardLevel.administrative_regulation, StandardLevel.central_policy,
              StandardLevel.local_regulation},
}


# the levels of an authority are those of xinyong.core.authority (one home; 国办发〔2020〕49号 §（八））
MIN_PUBLIC_COMMENT_DAYS = 30  # 49号 §（七）: 公开征求意见期限不少于30日
DEFAULT_OBJECTION_ANSWER_WORKDAYS = 10  # 淮政办发〔2021〕13号 §四(一)


#: the Chinese name of each element a list-type file may mark unverified (shown before an officer acts)
UNVERIFIED_NAMES = {
    "domain": "设列领域归类",
    "standard.published": "认定标准公开渠道",
    "standard.in_force": "认定标准施行日期",
    "public_comment_days": "公开征求意见期限",
    "listing_period": "列入期限",
    "removal_conditions": "移出条件",
    "removal_procedure": "移出程序",
    "remedies": "救济措施",
    "remedies_time_limits": "救济期限（行政复议六十日、行政诉讼六个月，取自法律的一般规定，条文原文未核对）",
    "min_authority_level": "最低认定层级",
    "basis_records": "认定依据记录的目录事项和失信程度",
    "upper_level_consent": "上一级部门同意",
    "objection_window": "最短异议期限",
    "removal_time_limits": "移出办理时限",
    "review": "认定标准按国办发〔2020〕49号清理评估的日期",
}


# ============================================================================ list types
@dataclass(frozen=True)
class RemovalCondition:
    code: str
    text: str


@dataclass(frozen=True)
class Standard:
    title: str
    doc_no: str | None
    level: StandardLevel
    issued: dt.date | None
    in_force: dt.date
    in_force_until: dt.date | None
    basis: str | None
    criteria: str | None
    published: tuple[str, ...]
    published_verified: bool
    sources: tuple[str, ...]

    def citation(self) -> str:
        return f"《{self.title}》（{self.doc_no}）" if self.doc_no else f"《{self.title}》"


@dataclass(frozen=True)
class ListType:
    id: str
    name: str
    kind: Kind
    scope: str  # "national" or a region code
    domain: Domain
    department: str
    standard: Standard
    public_comment_days: int | None
    listing_months_min: int
    listing_months_max: int
    removal_conditions: tuple[RemovalCondition, ...]
    removal_procedure: str
    remedies: str
    measures_hint: str
    min_authority_level: AuthorityLevel
    #: 职能领域 (rules/national/fields/fields.yaml) whose departments may determine under this list
    #: (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一))
    competent_fields: tuple[str, ...]
    objection_answer_workdays: int
    objection_answer_basis: str
    lists_linked_persons: bool
    linked_persons_basis: str | None
    unverified: tuple[str, ...]
    source_file: str
    guard: Guardrails = field(default_factory=Guardrails)
    #: the national list type a regional completion extends (rules/local/<region>/list_types/)
    extends: str | None = None
    local_basis: str | None = None

    def in_force(self, on: dt.date) -> bool:
        s = self.standard
        return s.in_force <= on and (s.in_force_until is None or on <= s.in_force_until)

    def applies_to_region(self, region_code: str) -> bool:
        return self.scope == "national" or region_code.startswith(self.scope.rstrip("0") or self.scope)

    @property
    def fixed_period(self) -> bool:
        return self.listing_months_min == self.listing_months_max

    def summary(self) -> dict[str, Any]:
        s = self.standard
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "kind_name": KIND_NAMES[self.kind],
            "scope": self.scope,
            "domain": self.domain.value,
            "domain_name": DOMAIN_NAMES[self.domain],
            "department": self.department,
            "standard": {
                "title": s.title, "doc_no": s.doc_no, "level": s.level.value, "level_name": LEVEL_NAMES[s.level],
                "issued": s.issued.isoformat() if s.issued else None, "in_force": s.in_force.isoformat(),
                "in_force_until": s.in_force_until.isoformat() if s.in_force_until else None,
                "basis": s.basis, "criteria": s.criteria, "published": list(s.published),
                "sources": list(s.sources), "citation": s.citation(),
            },
            "public_comment_days": self.public_comment_days,
            "listing_period_months": {"min": self.listing_months_min, "max": self.listing_months_max},
            "removal_conditions": [{"code": c.code, "text": c.text} for c in self.removal_conditions],
            "removal_procedure": self.removal_procedure,
            "remedies": self.remedies,
            "measures_hint": self.measures_hint,
            "min_authority_level": self.min_authority_level.value,
            "min_authority_level_name": AUTHORITY_NAMES[self.min_authority_level],
            "competent_fields": list(self.competent_fields),
            "objection_answer_workdays": self.objection_answer_workdays,
            "objection_answer_basis": self.objection_answer_basis,
            "lists_linked_persons": self.lists_linked_persons,
            "unverified": list(self.unverified),
            "unverified_names": [UNVERIFIED_NAMES.get(u, u) for u in self.unverified],
            "guardrails": self.guard.summary(),
            "extends": self.extends,
            "local_basis": self.local_basis,
        }


@dataclass(frozen=True)
class IncompleteListType:
    """A real list type documented in data that cannot be used: the missing elements say why."""

    id: str
    name: str
    missing: tuple[str, ...]
    source_file: str
    #: determined by another authority (a people's court): received and shared, never determined here
    determined_by: str | None = None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "usable": False, "missing": list(self.missing),
                "determined_by": self.determined_by}


def _req_str(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ListTypeError(f"{where}：缺少必备要素 {key}")
    return " ".join(value.split())


def _opt_str(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def _date(value: Any, where: str, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ListTypeError(f"{where}：{key} 日期无效（应为 YYYY-MM-DD）")


def _flag(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, True)
    if not isinstance(value, bool):
        raise ListTypeError(f"{key} 必须是 true 或 false")
    return value


def parse_competent_fields(raw: dict[str, Any], name: str) -> tuple[str, ...]:
    """``competent_fields``: the codes of the fields whose departments determine under the list type
    (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)); required, each one known to
    :func:`xinyong.core.authority.fields`. A file that lacks them or names an unknown one must not load."""
    value = raw.get("competent_fields")
    if not isinstance(value, list) or not value or not all(isinstance(c, str) and c for c in value):
        raise RuleError(f"{name}：缺少 competent_fields（认定部门的职能领域代码列表）")
    unknown = unknown_fields(value)
    if unknown:
        raise RuleError(f"{name}：competent_fields 中的职能领域“{'、'.join(unknown)}”不在职能领域清单（fields.yaml）内")
    return tuple(dict.fromkeys(value))


def parse_list_type(raw: Any, name: str, region: str = "national") -> ListType | IncompleteListType:
    """Validate one list-type mapping. ``region`` is "national" or the region folder of a local file."""
    if not isinstance(raw, dict):
        raise ListTypeError(f"{name}：文件内容必须是一个映射")
    lt_id = _req_str(raw, "id", name)
    where = f"{name}（{lt_id}）"
    lt_name = _req_str(raw, "name", where)
    competent = parse_competent_fields(raw, name)
    status = raw.get("status", "active")
    if status == "received":
        # determined by a people's court (e.g. 法释〔2017〕7号): the platform receives and shares it
        by = _req_str(raw, "department", where)
        basis = _req_str(raw, "received_note", where)
        return IncompleteListType(lt_id, lt_name, (basis,), name, determined_by=by)
    if status == "incomplete":
        missing = raw.get("missing")
        if not isinstance(missing, list) or not missing:
            raise ListTypeError(f"{where}：status: incomplete 必须在 missing 中列明缺少的要素")
        reasons: list[str] = []
        for m in missing:
            if isinstance(m, dict):
                reasons.extend(str(v) for v in m.values())
            else:
                reasons.append(str(m))
        return IncompleteListType(lt_id, lt_name, tuple(reasons), name)
    if status != "active":
        raise ListTypeError(f"{where}：status 只能是 active、incomplete 或 received")
    unverified: list[str] = []
    extends = _opt_str(raw, "extends")
    local_basis = _opt_str(raw, "local_basis")
    if extends and not local_basis:
        raise ListTypeError(f"{where}：地方补充或调整全国性名单时须在 local_basis 写明依据（文件和条款）")

    kind_raw = raw.get("kind")
    try:
        kind = Kind(str(kind_raw))
    except ValueError:
        raise ListTypeError(f"{where}：名单类别 kind 必须是 blacklist（黑名单）或 key_attention（重点关注名单）") from None
    scope = raw.get("scope", "national")
    if scope != ("national" if region == "national" else region):
        raise ListTypeError(f"{where}：适用范围 scope “{scope}” 与所在目录（{region}）不一致")
    domain_raw = raw.get("domain")
    try:
        domain = Domain(str(domain_raw))
    except ValueError:
        allowed = "；".join(f"{d.value}（{n}）" for d, n in DOMAIN_NAMES.items())
        raise ListTypeError(
            f"{where}：设列领域“{domain_raw}”不在国办发〔2020〕49号§（六）允许的四个领域之内：{allowed}"
        ) from None
    if not _flag(raw, "domain_verified"):
        unverified.append("domain")
    department = _req_str(raw, "department", where)

    s_raw = raw.get("standard")
    if not isinstance(s_raw, dict):
        raise ListTypeError(f"{where}：缺少必备要素 standard（认定标准）")
    try:
        level = StandardLevel(str(s_raw.get("level")))
    except ValueError:
        raise ListTypeError(f"{where}：认定标准层级 level “{s_raw.get('level')}” 无效") from None
    # a regional completion of a national list keeps the national standard (its level was checked there)
    allowed_levels = ALLOWED_LEVELS["national" if scope == "national" or extends else "local"]
    if level not in allowed_levels:
        names = "、".join(LEVEL_NAMES[x] for x in sorted(allowed_levels, key=list(StandardLevel).index))
        scope_name = "全国性名单" if scope == "national" else "地方性名单"
        raise ListTypeError(
            f"{where}：{scope_name}的认定标准不能以{LEVEL_NAMES[level]}形式确定（国办发〔2020〕49号§（七）只允许：{names}）"
        )
    published = s_raw.get("published")
    if not isinstance(published, list) or not published or not all(isinstance(p, str) and p for p in published):
        raise ListTypeError(f"{where}：缺少必备要素 standard.published（认定标准公开的网站或载体）")
    if not _flag(s_raw, "published_verified"):
        unverified.append("standard.published")
    if "in_force" not in s_raw:
        raise ListTypeError(f"{where}：缺少必备要素 standard.in_force（施行日期）")
    if not _flag(s_raw, "in_force_verified"):
        unverified.append("standard.in_force")
    until = s_raw.get("in_force_until")
    standard = Standard(
        title=_req_str(s_raw, "title", where),
        doc_no=_opt_str(s_raw, "doc_no"),
        level=level,
        issued=_date(s_raw["issued"], where, "standard.issued") if s_raw.get("issued") else None,
        in_force=_date(s_raw["in_force"], where, "standard.in_force"),
        in_force_until=_date(until, where, "standard.in_force_until") if until else None,
        basis=_opt_str(s_raw, "basis"),
        criteria=_opt_str(s_raw, "criteria"),
        published=tuple(published),
        published_verified=_flag(s_raw, "published_verified"),
        sources=tuple(str(x) for x in s_raw.get("sources") or ()),
    )

    if "public_comment_days" not in raw:
        raise ListTypeError(f"{where}：缺少必备要素 public_comment_days（公开征求意见期限）")
    pcd = raw.get("public_comment_days")
    if pcd is None:
        # allowed only as an explicit, documented gap: never a silent one
        if _flag(raw, "public_comment_verified") or not _opt_str(raw, "public_comment_note"):
            raise ListTypeError(
                f"{where}：公开征求意见期限为空时必须标注 public_comment_verified: false 并在 public_comment_note 说明来源缺失"
            )
        unverified.append("public_comment_days")
    elif isinstance(pcd, bool) or not isinstance(pcd, int) or pcd < MIN_PUBLIC_COMMENT_DAYS:
        raise ListTypeError(f"{where}：公开征求意见期限不得少于{MIN_PUBLIC_COMMENT_DAYS}日（国办发〔2020〕49号§（七）），当前为 {pcd}")
    elif not _flag(raw, "public_comment_verified"):
        unverified.append("public_comment_days")

    period = raw.get("listing_period")
    if not isinstance(period, dict):
        raise ListTypeError(f"{where}：缺少必备要素 listing_period（列入期限）")
    if "months" in period:
        lo = hi = period["months"]
    else:
        lo, hi = period.get("min_months"), period.get("max_months")
    if not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in (lo, hi)) or lo > hi:
        raise ListTypeError(f"{where}：列入期限 listing_period 必须是正整数月（months，或 min_months ≤ max_months）")
    if not _flag(raw, "listing_period_verified"):
        unverified.append("listing_period")

    conds_raw = raw.get("removal_conditions")
    if not isinstance(conds_raw, list) or not conds_raw:
        raise ListTypeError(f"{where}：缺少必备要素 removal_conditions（移出条件）")
    conds: list[RemovalCondition] = []
    for c in conds_raw:
        if not isinstance(c, dict) or not c.get("code") or not c.get("text"):
            raise ListTypeError(f"{where}：每个移出条件需要 code 和 text")
        if c["code"] not in REMOVAL_REASONS:
            raise ListTypeError(f"{where}：移出条件代码“{c['code']}”无效，可选：{'、'.join(REMOVAL_REASONS)}")
        conds.append(RemovalCondition(str(c["code"]), " ".join(str(c["text"]).split())))
    if not _flag(raw, "removal_conditions_verified"):
        unverified.append("removal_conditions")
    procedure = _req_str(raw, "removal_procedure", where)
    if not _flag(raw, "removal_procedure_verified"):
        unverified.append("removal_procedure")
    if raw.get("remedies") == "default":
        # 49号 §（八）: the decision states 救济措施; for an administrative act the law supplies them
        remedies = f"{ADMINISTRATIVE_REMEDIES}（{ADMINISTRATIVE_REMEDIES_BASIS}）"
        unverified.append("remedies_time_limits")
    else:
        remedies = _req_str(raw, "remedies", where)
        if not _flag(raw, "remedies_verified"):
            unverified.append("remedies")
    measures_hint = _req_str(raw, "measures_hint", where)

    try:
        min_level = AuthorityLevel(raw.get("min_authority_level", AuthorityLevel.county.value))
    except ValueError:
        raise ListTypeError(f"{where}：最低认定层级 min_authority_level 无效") from None
    if not _flag(raw, "min_authority_verified"):
        unverified.append("min_authority_level")
    oaw = raw.get("objection_answer_workdays", DEFAULT_OBJECTION_ANSWER_WORKDAYS)
    if isinstance(oaw, bool) or not isinstance(oaw, int) or not 1 <= oaw <= 60:
        raise ListTypeError(f"{where}：异议答复期限 objection_answer_workdays 必须是1至60之间的工作日数")
    lists_persons = raw.get("lists_linked_persons", False)
    if not isinstance(lists_persons, bool):
        raise ListTypeError(f"{where}：lists_linked_persons 必须是 true 或 false")
    persons_basis = _opt_str(raw, "linked_persons_basis")
    if lists_persons and not persons_basis:
        raise ListTypeError(f"{where}：将法定代表人等一并列入须由认定标准规定，请填写 linked_persons_basis")
    try:
        guard, guard_unverified = parse_guardrails(raw, where)
    except RuleError as exc:
        raise ListTypeError(str(exc)) from None
    unverified.extend(guard_unverified)
    return ListType(
        id=lt_id, name=lt_name, kind=kind, scope=scope, domain=domain, department=department,
        standard=standard, public_comment_days=pcd, listing_months_min=lo, listing_months_max=hi,
        removal_conditions=tuple(conds), removal_procedure=procedure, remedies=remedies,
        measures_hint=measures_hint, min_authority_level=min_level, competent_fields=competent,
        objection_answer_workdays=oaw,
        objection_answer_basis=_opt_str(raw, "objection_answer_basis") or "淮政办发〔2021〕13号 §四(一)",
        lists_linked_persons=lists_persons, linked_persons_basis=persons_basis,
        unverified=tuple(unverified), source_file=name, guard=guard, extends=extends, local_basis=local_basis,
    )


@dataclass(frozen=True)
class ListTypeSet:
    types: tuple[ListType, ...]
    incomplete: tuple[IncompleteListType, ...] = ()

    def get(self, list_type_id: str) -> ListType:
        for t in self.types:
            if t.id == list_type_id:
                return t
        for i in self.incomplete:
            if i.id == list_type_id and i.determined_by:
                raise GuardrailRefused(
                    "list_type_received",
                    f"“{i.name}”由{i.determined_by}认定，本平台只接收和共享，不作认定：{'；'.join(i.missing)}",
                )
            if i.id == list_type_id:
                raise GuardrailRefused(
                    "list_type_incomplete",
                    f"名单“{i.name}”缺少必备要素，不能用于认定：{'；'.join(i.missing)}",
                )
        raise GuardrailRefused("list_type_not_found", f"名单类型“{list_type_id}”不存在")

    def usable(self, on: dt.date, region_code: str) -> list[ListType]:
        """The list types an authority of ``region_code`` may use on ``on``; where a region completes or
        overrides a national list type, its own version replaces the national one there."""
        here = [t for t in self.types if t.in_force(on) and t.applies_to_region(region_code)]
        replaced = {t.extends for t in here if t.extends}
        return [t for t in here if t.id not in replaced]


# ============================================================================ the procedure
class State(StrEnum):
    proposed = "proposed"
    notice_served = "notice_served"
    objection_received = "objection_received"
    objection_answered = "objection_answered"
    decided = "decided"
    listed = "listed"
    removed = "removed"
    withdrawn = "withdrawn"


STATE_NAMES = {
    State.proposed: "拟列入（已立案）",
    State.notice_served: "已告知，异议期内",
    State.objection_received: "已收到异议，待核实答复",
    State.objection_answered: "异议已答复",
    State.decided: "已作出认定决定",
    State.listed: "已列入名单",
    State.removed: "已移出名单",
    State.withdrawn: "已撤回",
}

REMOVAL_REASONS = {
    "conditions_met": "符合移出条件",
    "period_expired": "列入期限届满",
    "repaired": "信用修复",
    "revoked": "经复议或诉讼撤销",
    # the records the case rests on were withdrawn (国办发〔2020〕49号 §（二）: 以具有法律效力的文书为依据)
    "basis_withdrawn": "作为依据的失信行为记录已撤销",
    # 国办发〔2020〕49号“把握时间节点”: 过渡期后与本意见要求不符的一律废止
    "nonconforming": "名单认定标准不符合国办发〔2020〕49号要求，停止适用",
}


class Action(StrEnum):
    serve_notice = "serve_notice"
    receive_objection = "receive_objection"
    answer_objection = "answer_objection"
    decide = "decide"
    list = "list"
    remove = "remove"
    withdraw = "withdraw"
    justify_leniency = "justify_leniency"


ACTION_NAMES = {
    Action.serve_notice: "送达事先告知书",
    Action.receive_objection: "登记异议",
    Action.answer_objection: "核实并答复异议",
    Action.decide: "作出认定决定",
    Action.list: "列入名单",
    Action.remove: "移出名单",
    Action.withdraw: "撤回",
    Action.justify_leniency: "记录宽容审慎认定理由",
}

#: The transitions table: action → (states it may start from, state it leads to).
#: ``justify_leniency`` records a justification without changing the state.
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.justify_leniency: (frozenset({State.proposed}), None),
    Action.serve_notice: (frozenset({State.proposed}), State.notice_served),
    Action.receive_objection: (frozenset({State.notice_served}), State.objection_received),
    Action.answer_objection: (frozenset({State.objection_received}), State.objection_answered),
    Action.decide: (frozenset({State.notice_served, State.objection_answered}), State.decided),
    Action.list: (frozenset({State.decided}), State.listed),
    Action.remove: (frozenset({State.listed}), State.removed),
    Action.withdraw: (
        frozenset({State.proposed, State.notice_served, State.objection_received, State.objection_answered,
                   State.decided}),
        State.withdrawn,
    ),
}

LENIENCY_FLAGS = {
    "is_minor": "未成年人",
    "force_majeure": "受自然灾害或疫情等不可抗力影响",
    "non_intentional": "非主观故意",
    "minor_violation": "轻微失信行为",
}


def allowed_actions(state: State) -> list[Action]:
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources]


@dataclass(frozen=True)
class CaseSnapshot:
    """What the rules need to know about a case (built by the service from its row)."""

    state: State
    list_type_id: str
    subject_kind: str
    leniency_flags: tuple[str, ...] = ()
    leniency_justification: str | None = None
    notice_served_on: dt.date | None = None
    objection_window_end: dt.date | None = None
    objection_received_on: dt.date | None = None
    answer_deadline: dt.date | None = None
    answered_on: dt.date | None = None
    answer_timely: bool | None = None
    answer_outcome: str | None = None
    decided_on: dt.date | None = None
    decision_document_id: int | None = None
    notice_document_id: int | None = None
    listing_start: dt.date | None = None
    listing_end: dt.date | None = None
    removed_on: dt.date | None = None
    removal_reason: str | None = None


@dataclass(frozen=True)
class Step:
    """The outcome of a legal transition: the new snapshot and the facts to record in history."""

    case: CaseSnapshot
    action: Action
    from_state: State
    to_state: State
    on: dt.date
    facts: dict[str, Any] = field(default_factory=dict)


def _text(args: dict[str, Any], key: str, label: str, *, required: bool = True) -> str | None:
    value = args.get(key)
    if value is None or not str(value).strip():
        if required:
            raise GuardrailRefused("missing_field", f"请填写{label}")
        return None
    return " ".join(str(value).split())


def _date_arg(args: dict[str, Any], key: str, label: str) -> dt.date:
    value = args.get(key)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise GuardrailRefused("invalid_date", f"{label}无效，应为 YYYY-MM-DD")


def _need(value: dt.date | None, label: str) -> dt.date:
    """A date the case must already carry in its state; its absence means an inconsistent case."""
    if value is None:
        raise GuardrailRefused("inconsistent_case", f"案件数据不完整：缺少{label}")
    return value


def transition(
    case: CaseSnapshot, action: Action | str, on: dt.date, list_type: ListType, args: dict[str, Any] | None = None
) -> Step:
    """Apply ``action`` to ``case`` on date ``on``; refuse anything the procedure does not allow.

    Invariants enforced here (the stateful test drives them):
    - a decision needs a served notice, a closed objection window (or an answered objection) and no
      upheld objection; listing needs a decision with its issued decision document;
    - an objection answer is timely only when ``answered_on <= answer_deadline`` (working days,
      淮政办发〔2021〕13号 §四(一)); a late answer is recorded as late, never as timely;
    - a case flagged 宽容审慎 (49号 §（十六）) cannot proceed past ``proposed`` without a recorded
      justification.
    """
    args = dict(args or {})
    try:
        act = Action(action)
    except ValueError:
        raise IllegalTransition(f"未知的操作“{action}”") from None
    sources, target = TRANSITIONS[act]
    if case.state not in sources:
        can = "、".join(ACTION_NAMES[a] for a in allowed_actions(case.state)) or "无"
        raise IllegalTransition(
            f"案件当前状态为“{STATE_NAMES[case.state]}”，不能{ACTION_NAMES[act]}（当前可以：{can}）",
            details={"state": case.state.value, "action": act.value},
        )
    to_state = target or case.state
    facts: dict[str, Any] = {}
    new = case

    if act is Action.justify_leniency:
        if not case.leniency_flags:
            raise GuardrailRefused("leniency_not_needed", "该案件不涉及宽容审慎情形，无需记录理由")
        text = _text(args, "justification", "宽容审慎认定理由")
        new = replace(case, leniency_justification=text)
        facts = {"justification": text, "flags": list(case.leniency_flags)}

    elif act is Action.serve_notice:
        if case.leniency_flags and not case.leniency_justification:
            names = "、".join(LENIENCY_FLAGS.get(f, f) for f in case.leniency_flags)
            raise GuardrailRefused(
                "leniency_justification_required",
                f"当事人涉及{names}情形，依国办发〔2020〕49号§（十六）应宽容审慎认定，须先记录认定理由",
            )
        if args.get("notice_document_id") is None:
            raise GuardrailRefused("notice_document_required", "须先生成并签发事先告知书")
        window_end = _date_arg(args, "objection_window_end", "异议期限截止日")
        if window_end <= on:
            raise GuardrailRefused("objection_window_too_short", "异议期限截止日必须晚于告知送达日")
        too_short = window_denial(list_type.guard.objection_window, on, window_end)
        if too_short is not None:
            raise GuardrailRefused("objection_window_too_short", too_short)
        new = replace(case, notice_served_on=on, objection_window_end=window_end,
                      notice_document_id=int(args["notice_document_id"]))
        facts = {"objection_window_end": window_end.isoformat()}

    elif act is Action.receive_objection:
        window_end = _need(case.objection_window_end, "异议期限")
        if on > window_end:
            raise GuardrailRefused(
                "objection_window_closed",
                f"异议期限已于{window_end.isoformat()}届满，不能登记新的异议",
            )
        _text(args, "objection", "异议内容")
        deadline = add_workdays(on, list_type.objection_answer_workdays)
        new = replace(case, objection_received_on=on, answer_deadline=deadline.date)
        facts = {"answer_deadline": deadline.date.isoformat(), "answer_deadline_provisional": deadline.provisional,
                 "workdays": list_type.objection_answer_workdays, "basis": list_type.objection_answer_basis}

    elif act is Action.answer_objection:
        answer_deadline = _need(case.answer_deadline, "异议答复期限")
        if on < _need(case.objection_received_on, "异议登记日期"):
            raise GuardrailRefused("answer_before_objection", "答复日期不能早于异议登记日期")
        outcome = args.get("outcome")
        if outcome not in ("upheld", "rejected"):
            raise GuardrailRefused("invalid_outcome", "核实结果必须是 upheld（异议成立）或 rejected（异议不成立）")
        _text(args, "answer", "答复内容")
        timely = on <= answer_deadline
        new = replace(case, answered_on=on, answer_timely=timely, answer_outcome=outcome)
        facts = {"timely": timely, "outcome": outcome, "deadline": answer_deadline.isoformat()}

    elif act is Action.decide:
        if case.notice_served_on is None:
            raise GuardrailRefused("notice_required", "未经事先告知，不得作出认定决定")
        # the window is the party's, not the objection's: an early answer does not shorten it
        if case.objection_window_end is not None:
            window_end = case.objection_window_end
            if on <= window_end:
                raise GuardrailRefused(
                    "objection_window_open",
                    f"异议期限至{window_end.isoformat()}届满，期满前不得作出认定决定",
                )
        if case.answer_outcome == "upheld":
            raise GuardrailRefused("objection_upheld", "异议经核实成立，不得作出认定决定，请撤回案件")
        if args.get("decision_document_id") is None:
            raise GuardrailRefused("decision_document_required", "须先生成并签发认定决定书")
        start = _date_arg(args, "listing_start", "列入起始日") if args.get("listing_start") else on
        if start < on:
            raise GuardrailRefused("listing_start_in_past", "列入起始日不能早于决定日")
        months = args.get("listing_months", list_type.listing_months_min if list_type.fixed_period else None)
        if not isinstance(months, int) or isinstance(months, bool):
            raise GuardrailRefused(
                "listing_months_required",
                f"请确定列入期限（{list_type.listing_months_min}至{list_type.listing_months_max}个月）",
            )
        if not list_type.listing_months_min <= months <= list_type.listing_months_max:
            raise GuardrailRefused(
                "listing_months_out_of_range",
                f"列入期限必须在{list_type.listing_months_min}至{list_type.listing_months_max}个月之间",
            )
        end = add_months(start, months) - dt.timedelta(days=1)
        new = replace(case, decided_on=on, decision_document_id=int(args["decision_document_id"]),
                      listing_start=start, listing_end=end)
        facts = {"listing_start": start.isoformat(), "listing_end": end.isoformat(), "listing_months": months}

    elif act is Action.list:
        if case.decision_document_id is None or case.decided_on is None:
            raise GuardrailRefused("decision_required", "未作出认定决定，不得列入名单")
        if case.notice_served_on is None:
            raise GuardrailRefused("notice_required", "未经事先告知，不得列入名单")
        start = _need(case.listing_start, "列入起始日")
        if on < case.decided_on:
            raise GuardrailRefused("list_before_decision", "列入日期不能早于决定日期")
        facts = {"listing_start": start.isoformat(),
                 "listing_end": case.listing_end.isoformat() if case.listing_end else None}

    elif act is Action.remove:
        reason = args.get("reason")
        if reason not in REMOVAL_REASONS:
            raise GuardrailRefused("invalid_removal_reason", f"移出原因必须是：{'、'.join(f'{k}（{v}）' for k, v in REMOVAL_REASONS.items())}")
        if reason == "period_expired" and case.listing_end is not None and on <= case.listing_end:
            raise GuardrailRefused("period_not_expired", f"列入期限至{case.listing_end.isoformat()}，尚未届满")
        limits = list_type.guard.removal
        extra: dict[str, Any] = {}
        if reason == "conditions_met":
            codes = {c.code for c in list_type.removal_conditions}
            if "conditions_met" not in codes:
                raise GuardrailRefused("no_early_removal", "该名单的认定标准未规定提前移出条件")
            _text(args, "explanation", "符合移出条件的说明")
            start = _need(case.listing_start, "列入起始日")
            # a removal another procedure decided (e.g. a repair decision, ``end_listing``) was checked there
            if args.get("decided_elsewhere"):
                limits = replace(limits, early_after_months=None, after_correction_months=None)
            if limits.early_after_months and on < add_months(start, limits.early_after_months):
                raise GuardrailRefused(
                    "early_removal_too_soon",
                    f"列入满{limits.early_after_months}个月（{add_months(start, limits.early_after_months).isoformat()}）"
                    f"后方可申请提前移出（{limits.basis}）")
            if limits.after_correction_months:
                if args.get("corrected_on") in (None, ""):
                    raise GuardrailRefused(
                        "correction_date_required",
                        f"提前移出须填写改正日期：改正之日起满{limits.after_correction_months}个月方可移出（{limits.basis}）")
                corrected = _date_arg(args, "corrected_on", "改正日期")
                if corrected < start:
                    raise GuardrailRefused("correction_before_listing",
                                           f"须在列入期间改正（列入起始日{start.isoformat()}）（{limits.basis}）")
                earliest = add_months(corrected, limits.after_correction_months)
                if on < earliest:
                    raise GuardrailRefused(
                        "correction_period_not_passed",
                        f"自改正之日起满{limits.after_correction_months}个月（{earliest.isoformat()}）后方可申请提前移出"
                        f"（{limits.basis}）")
                extra["corrected_on"] = corrected.isoformat()
        if limits.stop_publication_workdays:
            # 令第44号 第十八条 / 法释〔2017〕7号 第十条: stop publication within N working days
            due = add_workdays(on, limits.stop_publication_workdays)
            extra.update({"stop_publication_due": due.date.isoformat(), "stop_publication_basis": limits.basis})
        new = replace(case, removed_on=on, removal_reason=reason)
        facts = {"reason": reason, "reason_name": REMOVAL_REASONS[reason], **extra}

    elif act is Action.withdraw:
        _text(args, "explanation", "撤回理由")

    new = replace(new, state=to_state)
    return Step(new, act, case.state, to_state, on, facts)


# ============================================================================ guardrails
ACCEPTED_DOCUMENT_TYPES = {
    # records.rules.DocumentType values that are legally effective documents (49号 §（二）)
    "judicial_judgment", "arbitral_award", "administrative_penalty", "administrative_ruling",
    "administrative_decision", "other_statutory",
}


@dataclass(frozen=True)
class RecordFacts:
    id: int
    subject_key: str
    document_type: str
    document_number: str
    issuing_authority: str
    effective_date: dt.date
    status: str
    is_minor: bool = False
    force_majeure: bool = False
    non_intentional: bool = False
    minor_violation: bool = False
    #: the department that determined the record (its issuing authority until records carry one)
    department: str | None = None
    catalog_item: str = ""
    catalog_item_name: str | None = None
    severity: str = "general"


#: 49号 §（二）: 生效的司法裁判文书和仲裁文书 are a basis whoever determines the list
JUDICIAL_DOCUMENT_TYPES = frozenset({"judicial_judgment", "arbitral_award"})


def proposal_denial(
    *, list_type: ListType, actor_region: str | None, actor_fields: frozenset[str], subject_region: str | None,
) -> tuple[str, str] | None:
    """Who may propose a listing under ``list_type`` (pure): ``(code, Chinese reason)`` of a refusal, or None.

    - 国办发〔2020〕49号 §（八）: 县级以上（含县级）有关部门 — an actor without a region has no level;
      the list type may raise the minimum (``min_authority_level``) → ``listing.authority_too_low``;
    - 淮政办发〔2021〕13号 §三(一) 谁认定、谁负责: only a department of the list type's competent fields
      → ``listing.not_competent``;
    - a local list type (49号 §（七）: set by local regulation) applies in its region only — both the
      acting department and the subject must lie in it → ``listing.list_type_other_region``.
    """
    what = f"认定“{list_type.name}”"
    denial = level_denial(actor_region, list_type.min_authority_level, what)
    if denial is not None:
        return "listing.authority_too_low", denial
    denial = competence_denial(actor_fields, list_type.competent_fields, what)
    if denial is not None:
        return "listing.not_competent", denial
    if list_type.scope != "national":
        assert actor_region is not None  # level_denial refused an actor without a region
        if not list_type.applies_to_region(actor_region):
            return ("listing.list_type_other_region",
                    f"名单“{list_type.name}”仅适用于行政区划{list_type.scope}，本单位（行政区划{actor_region}）不能认定")
        if subject_region is not None and not list_type.applies_to_region(subject_region):
            return ("listing.list_type_other_region",
                    f"名单“{list_type.name}”仅适用于行政区划{list_type.scope}，该信用主体不在其范围内")
    return None


def record_basis_denial(records: list[RecordFacts], department: str | None) -> str | None:
    """谁认定、谁负责 (淮政办发〔2021〕13号 §三(一)): a department determines on the records of its own
    decisions; an effective judgment or arbitral award (49号 §（二）) is a basis for any department."""
    for r in records:
        if r.document_type in JUDICIAL_DOCUMENT_TYPES:
            continue
        if r.department != department:
            return (f"记录{r.id}由{r.department or '未载明的部门'}认定，不是本部门（{department or '未设定'}）作出的决定，"
                    "不能作为本部门认定的依据（谁认定、谁负责；生效的司法裁判文书和仲裁文书除外）")
    return None


def check_proposal(
    *,
    list_type: ListType,
    records: list[RecordFacts],
    subject_key: str,
    on: dt.date,
    minor: bool = False,
) -> tuple[str, ...]:
    """Guardrails on the basis of a case; returns the 宽容审慎 flags that need a justification.

    - 49号 §（二）/ 淮政办发 §三(二): at least one active record of the subject citing a legally
      effective document, effective on or before ``on``;
    - §（七）: the list type's standard is in force on ``on``.

    Who may propose (level, field, territory, own records) is :func:`proposal_denial` and
    :func:`record_basis_denial`, decided by the use case's door.
    """
    if not list_type.in_force(on):
        raise GuardrailRefused(
            "list_type_not_in_force", f"名单“{list_type.name}”的认定标准在{on.isoformat()}不在施行期内"
        )
    if not records:
        raise GuardrailRefused("record_required", "认定严重失信主体名单必须以具有法律效力的文书所载失信行为记录为依据，请选择记录")
    flags: list[str] = []
    for r in records:
        if r.subject_key != subject_key:
            raise GuardrailRefused("record_other_subject", f"记录{r.id}不属于该信用主体")
        if r.status != "active":
            raise GuardrailRefused("record_not_active", f"记录{r.id}状态为“{r.status}”，不能作为认定依据")
        if r.document_type not in ACCEPTED_DOCUMENT_TYPES or not r.document_number.strip():
            raise GuardrailRefused("record_without_document", f"记录{r.id}未载明具有法律效力的文书，不能作为认定依据")
        if r.effective_date > on:
            raise GuardrailRefused("document_not_effective", f"记录{r.id}所依据的文书在{on.isoformat()}尚未生效")
        unfit = basis_record_denial(list_type.guard.basis_records, record_id=r.id, catalog_item=r.catalog_item,
                                    severity=r.severity, item_name=r.catalog_item_name)
        if unfit is not None:
            raise GuardrailRefused("record_not_qualifying", unfit)
        for flag in LENIENCY_FLAGS:
            # minority is a fact of the resident ID (``minor``), never the record's checkbox
            if flag != "is_minor" and getattr(r, flag) and flag not in flags:
                flags.append(flag)
    forbidden = minor_denial(list_type.guard.minors, list_type.name, minor)
    if forbidden is not None:
        raise GuardrailRefused("minor_forbidden", forbidden)
    if minor:
        flags.insert(0, "is_minor")
    return tuple(flags)


def interview_kind(kind: Kind) -> str:
    """发改办财金〔2018〕893号 §三: 提示性约谈 for key-attention lists, 警示性约谈 for blacklists."""
    return "prompting" if kind is Kind.key_attention else "warning"


INTERVIEW_NAMES = {"prompting": "提示性约谈", "warning": "警示性约谈"}


class RectificationStatus(StrEnum):
    """限期整改 order status (发改办财金〔2018〕893号 §二); CHECK ck_rectification_orders_status."""

    open = "open"  # 整改期内
    completed = "completed"  # 已完成整改
    not_completed = "not_completed"  # 未完成整改


class InterviewOutcome(StrEnum):
    """约谈 outcome (893号 §三); CHECK ck_listing_interviews_outcome."""

    held = "held"
    refused = "refused"
    not_cooperating = "not_cooperating"


INTERVIEW_OUTCOMES: dict[str, str] = {InterviewOutcome.held: "已约谈", InterviewOutcome.refused: "拒绝约谈",
                                      InterviewOutcome.not_cooperating: "不配合约谈"}


def deadline_status(due: dt.date, on: dt.date) -> str:
    if due < on:
        return "overdue"
    if due == on:
        return "due_today"
    return "open"
