"""What may be shown to whom: the one place that decides disclosure and sharing (pure; date passed in).

DESIGN.md principle 3: nothing public is computed anywhere but here. Every page, public API and
sharing API hands a record (or listing) with its catalog item, the date and the viewer to
:func:`decide_record` / :func:`decide_listing` and shows only the fields these return.

Legal bases (国办发〔2020〕49号 = "49号"; 发改办财金〔2018〕893号 = "893号"):
- 49号 §（三）/§（四）: whether an item is shareable / disclosable, and in what scope, is fixed in the
  catalog; disclosure may not infringe trade secrets or personal privacy; personal information is
  disclosed only with a law, a regulation or a State Council decision/order as basis, or the
  person's consent, and after masking (``xinyong.core.masking``).
- 49号 §（五）: the platform's disclosure is kept consistent with the determining department's in
  content and period (the period comes from the catalog item and the repair rules, counted from the
  document's date; publication ends automatically at the maximum).
- 49号 §（十一）: repaired information is ended, marked, shielded or deleted as the repair decided.
- 49号 §（十四）: consent states purpose, method and scope; no lifetime or blanket consent.
- 893号 §四: administrative penalties public within 7 working days of the decision; trade secrets and
  personal privacy technically processed before publication.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xinyong.catalog.rules import BasisLevel, CatalogItem, RuleError, ShareScope
from xinyong.core.authority import authority_level, identity_denial, territory_denial
from xinyong.core.dates import add_months
from xinyong.core.errors import ValidationFailed
from xinyong.core.masking import mask_name, scrub_identifiers, scrub_name
from xinyong.records.rules import Severity

# --- viewers -----------------------------------------------------------------------------------


class ViewerKind(StrEnum):
    public = "public"  # 社会公众（门户网站、公开接口）
    department = "department"  # 共享：部门、平台、实施单位
    subject = "subject"  # 信用主体本人


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    share_scopes: frozenset[ShareScope] = frozenset()
    subject_key: str | None = None


PUBLIC_VIEWER = Viewer(ViewerKind.public)

SHARE_SCOPE_NAMES: dict[ShareScope, str] = {
    ShareScope.government: "政务部门",
    ShareScope.national_platform: "全国信用信息共享平台",
    ShareScope.enterprise_publicity: "国家企业信用信息公示系统",
    ShareScope.implementing_units: "失信惩戒实施单位",
    ShareScope.financial_institutions: "金融机构",
}

#: scopes whose receivers are not government bodies: an individual's information goes there only
#: with consent (49号 §（十四）; 个人信息保护法 §23 separate consent before providing to another processor)
NON_GOVERNMENT_SCOPES = frozenset({ShareScope.financial_institutions})


# --- consent -----------------------------------------------------------------------------------


class ConsentPurpose(StrEnum):
    public_disclosure = "public_disclosure"  # 向社会公开
    sharing = "sharing"  # 向共享范围内的单位提供
    collection = "collection"  # 归集、使用


CONSENT_PURPOSE_NAMES = {
    ConsentPurpose.public_disclosure: "向社会公开",
    ConsentPurpose.sharing: "向共享范围内的单位提供",
    ConsentPurpose.collection: "归集和使用",
}


class ConsentMethod(StrEnum):
    written = "written"  # 书面签字
    electronic_signature = "electronic_signature"  # 电子签名
    online_confirmation = "online_confirmation"  # 本人登录后在线确认


CONSENT_METHOD_NAMES = {
    ConsentMethod.written: "书面签字",
    ConsentMethod.electronic_signature: "电子签名",
    ConsentMethod.online_confirmation: "本人登录后在线确认",
}

#: scope words that mean "everything": refused as a blanket consent (49号 §（十四）)
BLANKET_SCOPES = frozenset({"*", "all", "any", "全部", "所有", "一切", "全部信息", "所有信息"})


@dataclass(frozen=True)
class Consent:
    subject_key: str
    purpose: ConsentPurpose
    method: ConsentMethod
    scope: frozenset[str]  # catalog item codes
    starts_on: dt.date
    ends_on: dt.date
    revoked_on: dt.date | None = None

    def covers(self, item_code: str, purpose: ConsentPurpose, on: dt.date) -> bool:
        """In force on ``on`` (revoked or expired consent stops use at once) for this item and purpose."""
        if self.revoked_on is not None and on >= self.revoked_on:
            return False
        return self.purpose is purpose and item_code in self.scope and self.starts_on <= on <= self.ends_on


#: the longest consent period the platform registers. 国办发〔2020〕49号 §（十四） forbids a lifetime consent
#: (一次授权终身收集使用) but names no maximum; this is a configured value (XINYONG_CONSENT_MAX_YEARS),
#: basis_verified: false.
CONSENT_MAX_YEARS = 5


def check_consent(
    *,
    purpose: str,
    method: str,
    scope: Iterable[str],
    starts_on: dt.date,
    ends_on: dt.date | None,
    known_items: Iterable[str],
    today: dt.date,
    max_years: int = CONSENT_MAX_YEARS,
) -> tuple[ConsentPurpose, ConsentMethod, frozenset[str]]:
    """Accept a consent request or refuse it with the reason (49号 §（十四）); the end date lies at most
    ``max_years`` after today (see :data:`CONSENT_MAX_YEARS`)."""
    try:
        why = ConsentPurpose(purpose)
    except ValueError:
        allowed = "、".join(f"{p.value}（{n}）" for p, n in CONSENT_PURPOSE_NAMES.items())
        raise ValidationFailed("consent_invalid_purpose", f"授权目的“{purpose}”无效，可选：{allowed}") from None
    try:
        how = ConsentMethod(method)
    except ValueError:
        allowed = "、".join(f"{m.value}（{n}）" for m, n in CONSENT_METHOD_NAMES.items())
        raise ValidationFailed("consent_invalid_method", f"授权方式“{method}”无效，可选：{allowed}") from None
    if ends_on is None:
        raise ValidationFailed(
            "consent_without_end",
            "授权必须写明截止日期：禁止一次授权终身收集使用个人信用信息（国办发〔2020〕49号 §（十四））",
        )
    items = [s.strip() for s in scope if s and s.strip()]
    if not items or any(s.lower() in BLANKET_SCOPES for s in items):
        raise ValidationFailed(
            "consent_blanket_scope",
            "授权范围必须逐项列明公共信用信息目录项，不得概括授权（国办发〔2020〕49号 §（十四））",
        )
    known = set(known_items)
    unknown = sorted(set(items) - known)
    if unknown:
        raise ValidationFailed("consent_unknown_item", f"授权范围中的目录项不存在：{'、'.join(unknown)}")
    if set(items) >= known:
        raise ValidationFailed(
            "consent_blanket_scope",
            "授权范围覆盖全部目录项，属于概括授权，不予登记（国办发〔2020〕49号 §（十四））",
        )
    if ends_on < starts_on:
        raise ValidationFailed("consent_bad_period", "授权截止日期不能早于开始日期")
    if ends_on < today:
        raise ValidationFailed("consent_already_expired", "授权截止日期已过，无需登记")
    latest = add_months(today, 12 * max_years)
    if ends_on > latest:
        raise ValidationFailed(
            "consent_too_long",
            f"授权截止日期不得晚于{latest.isoformat()}（平台允许的最长授权期限为{max_years}年；"
            "禁止一次授权终身收集使用个人信用信息，国办发〔2020〕49号 §（十四））",
        )
    return why, how, frozenset(items)


def has_consent(consents: Sequence[Consent], item_code: str, purpose: ConsentPurpose, on: dt.date) -> bool:
    return any(c.covers(item_code, purpose, on) for c in consents)


def has_statutory_basis(item: CatalogItem) -> bool:
    """49号 §（四）: a law or a regulation (verified) as basis for disclosing personal information.

    A State Council decision or order would also qualify, but the catalog has no such level; central
    policy documents (e.g. 49号 itself) do not, so such items need the person's consent.
    """
    return any(
        b.basis_verified and b.level in (BasisLevel.law, BasisLevel.administrative_regulation, BasisLevel.local_regulation)
        for b in item.basis
    )


# --- disclosure periods ------------------------------------------------------------------------
#
# The one period regime (rules/national/periods/regimes.yaml), read by these rules and by the repair
# rules (minimum period before repair) through xinyong.disclosure.loader.period_regimes().

#: the precedence rule the regimes file must state (see :func:`regime_in_force`)
PRECEDENCE = "latest_issued_in_force"


@dataclass(frozen=True)
class PeriodClass:
    min_months: int
    max_months: int
    published: bool


@dataclass(frozen=True)
class PeriodRegime:
    """The publicity periods by severity of one document, applying ``in_force <= day < repealed_from``."""

    id: str
    title: str
    doc_number: str
    level: BasisLevel
    issued: dt.date | None
    in_force: dt.date
    repealed_from: dt.date | None
    basis_verified: bool
    applies_to: frozenset[str] | None  # None = every item that records dishonesty
    classes: Mapping[Severity, PeriodClass]
    article: str | None = None
    note: str | None = None

    def applies_on(self, on: dt.date) -> bool:
        return self.in_force <= on and (self.repealed_from is None or on < self.repealed_from)

    def covers(self, item_code: str | None) -> bool:
        """Governs the information of ``item_code`` (``None``: information of no particular item)."""
        return self.applies_to is None or (item_code is not None and item_code in self.applies_to)

    def applies(self, item: CatalogItem) -> bool:
        return item.records_dishonesty and self.covers(item.code)

    @property
    def min_months(self) -> dict[str, int]:
        """Minimum period (months) by severity: the repair rules' view of the regime."""
        return {sev.value: cls.min_months for sev, cls in self.classes.items()}

    def period(self, severity: str) -> PeriodClass:
        """The class of ``severity``; an unknown severity is treated as 一般."""
        try:
            return self.classes[Severity(severity)]
        except ValueError:
            return self.classes[Severity.general]

    def cite(self) -> str:
        text = f"《{self.title}》（{self.doc_number}）" + (f" §{self.article}" if self.article else "")
        return text if self.basis_verified else text + "（期限条文待核实）"


def regime_in_force(regimes: Sequence[PeriodRegime], on: dt.date, item_code: str | None = None) -> PeriodRegime | None:
    """The regime whose classes apply on ``on`` to the information of ``item_code``.

    The platform's reading (not verified against any legal text): the regimes in force on ``on`` are
    those with ``in_force <= on < repealed_from``; of those covering the information, the one issued
    last applies (a regime whose date of issue was not found ranks by its ``in_force``). So from
    2025-06-22 to 2026-03-31 国办发〔2025〕22号 (the later-issued central policy document) prevails over
    令2023年第58号, and from 2026-04-01 令第36号 (issued 2025-11-20 to implement 22号, same classes) applies.
    """
    candidates = [r for r in regimes if r.applies_on(on) and r.covers(item_code)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.issued or r.in_force, r.in_force))


def _rule_date(value: Any, where: str, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"{where}: {name} 日期“{value}”无效，应为 YYYY-MM-DD") from None


def parse_regime(r: Any, where: str) -> PeriodRegime:
    if not isinstance(r, Mapping):
        raise RuleError(f"{where}: 必须是映射")
    for key in ("id", "title", "doc_number", "level", "in_force", "applies_to", "classes"):
        if r.get(key) in (None, ""):
            raise RuleError(f"{where}: 缺少 {key}")
    if not isinstance(r.get("basis_verified"), bool):
        raise RuleError(f"{where}: 必须注明 basis_verified（true 或 false）")
    try:
        level = BasisLevel(str(r["level"]))
    except ValueError:
        raise RuleError(f"{where}: 文件层级“{r['level']}”无效") from None
    classes: dict[Severity, PeriodClass] = {}
    raw_classes = r["classes"]
    if not isinstance(raw_classes, Mapping) or set(raw_classes) != {s.value for s in Severity}:
        raise RuleError(f"{where}: classes 必须分别给出 minor、general、serious 三类的公示期限")
    for sev in Severity:
        c = raw_classes[sev.value]
        if not isinstance(c, Mapping):
            raise RuleError(f"{where}: {sev.value} 公示期限必须是映射")
        lo, hi, published = c.get("min_months"), c.get("max_months"), c.get("published")
        if (isinstance(lo, bool) or isinstance(hi, bool) or not isinstance(lo, int) or not isinstance(hi, int)
                or not 0 <= lo <= hi):
            raise RuleError(f"{where}: {sev.value} 公示期限无效（最短“{lo}”个月，最长“{hi}”个月）")
        if not isinstance(published, bool):
            raise RuleError(f"{where}: {sev.value} 必须注明 published（true 或 false）")
        classes[sev] = PeriodClass(lo, hi, published)
    applies = r["applies_to"]
    if applies != "all" and (not isinstance(applies, list) or not applies):
        raise RuleError(f"{where}: applies_to 须为 all 或目录项代码列表")
    in_force = _rule_date(r["in_force"], where, "in_force")
    repealed = _rule_date(r["repealed_from"], where, "repealed_from") if r.get("repealed_from") else None
    if repealed is not None and repealed <= in_force:
        raise RuleError(f"{where}: 废止日期必须晚于施行日期")
    issued = _rule_date(r["issued"], where, "issued") if r.get("issued") else None
    if issued is not None and issued > in_force:
        raise RuleError(f"{where}: 发布日期不能晚于施行日期")
    return PeriodRegime(
        id=str(r["id"]), title=str(r["title"]), doc_number=str(r["doc_number"]), level=level,
        issued=issued, in_force=in_force, repealed_from=repealed, basis_verified=r["basis_verified"],
        applies_to=None if applies == "all" else frozenset(str(a) for a in applies), classes=classes,
        article=str(r["article"]) if r.get("article") else None, note=r.get("note"),
    )


def parse_periods(raw: Any, origin: str) -> tuple[PeriodRegime, ...]:
    """Validate a period-regime file: each document once, with the precedence rule stated."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("regimes"), list) or not raw["regimes"]:
        raise RuleError(f"{origin}: 缺少 regimes 列表")
    if raw.get("precedence") != PRECEDENCE:
        raise RuleError(f"{origin}: 须写明适用规则 precedence: {PRECEDENCE}（同日施行多个规定时适用最后发布者）")
    out = tuple(parse_regime(r, f"{origin} regimes[{i}]") for i, r in enumerate(raw["regimes"]))
    seen: set[str] = set()
    for reg in out:
        if reg.id in seen or reg.doc_number in {o.doc_number for o in out if o.id != reg.id}:
            raise RuleError(f"{origin}: {reg.doc_number}（{reg.id}）重复列出，每个文件只能列出一次")
        seen.add(reg.id)
    return out


@dataclass(frozen=True)
class Window:
    """The disclosure period of one record: public on ``starts <= day < ends`` (when ``published``)."""

    starts: dt.date
    min_ends: dt.date
    ends: dt.date
    min_months: int
    max_months: int
    published: bool
    regime: str | None

    def open_on(self, on: dt.date) -> bool:
        return self.published and self.starts <= on < self.ends


def disclosure_window(
    item: CatalogItem, severity: str, decision_date: dt.date, on: dt.date, regimes: Sequence[PeriodRegime]
) -> Window | None:
    """The stricter of the catalog item's period and the repair rules' period for the severity.

    The regime in force on the viewing day ``on`` applies (publication follows the rule now in force);
    the period counts from the document's date (令第36号 news: 自司法、行政公务文书认定之日起; 令第58号:
    行政处罚作出时间). ``None`` when the item is not disclosable at all.
    """
    if not item.disclosable or item.disclosure_period is None:
        return None
    lo, hi = item.disclosure_period.min_months, item.disclosure_period.max_months
    published = True
    regime_id = None
    regime = regime_in_force(regimes, on, item.code) if item.records_dishonesty else None
    if regime is not None:
        cls = regime.period(severity)
        hi = min(hi, cls.max_months)
        lo = min(max(lo, cls.min_months), hi)
        published = cls.published
        regime_id = regime.id
    return Window(
        starts=decision_date, min_ends=add_months(decision_date, lo), ends=add_months(decision_date, hi),
        min_months=lo, max_months=hi, published=published, regime=regime_id,
    )


def publication_ends(window: Window, supplied: Any) -> dt.date:
    """公示截止期: the determining department's own end of publication (the 双公示 column) when it is
    earlier than the platform's period, else the period's end — the platform never shows a record longer
    than its department does, nor longer than the maximum (49号 §（五）: 内容、期限一致)."""
    if isinstance(supplied, str) and supplied:
        try:
            supplied = dt.date.fromisoformat(supplied)
        except ValueError:
            supplied = None
    if isinstance(supplied, dt.date) and supplied < window.ends:
        return supplied
    return window.ends


# --- record statuses (repair outcomes) ---------------------------------------------------------

#: a withdrawn record (xinyong.records.events.RecordWithdrawn) no longer rests on a legally effective
#: document: ``revoked`` by its determining department (异议成立或自行更正, 淮政办发〔2021〕13号 §四(一)),
#: ``annulled`` when the document itself was revoked, confirmed unlawful or void. It is neither
#: disclosed nor shared (国办发〔2020〕49号 §（二）: 以具有法律效力的文书为依据); the subject still sees it, marked.
WITHDRAWN_STATUSES = frozenset({"revoked", "annulled"})
#: 49号 §（十一）: 终止共享公开相关失信信息，或者对相关失信信息进行标注、屏蔽或删除
HIDDEN_FROM_PUBLIC = frozenset({"repaired_shielded", "repaired_deleted", "disclosure_ended", *WITHDRAWN_STATUSES})
#: 令第36号 §三 停止共享和使用 after repair; a withdrawn record was never a valid basis
HIDDEN_FROM_SHARING = frozenset({"repaired_shielded", "repaired_deleted", *WITHDRAWN_STATUSES})
STATUS_MARKS = {
    "repaired_marked": "已信用修复",
    "repaired_shielded": "已信用修复（已屏蔽）",
    "repaired_deleted": "已信用修复（已删除）",
    "disclosure_ended": "已终止公示",
    "revoked": "已撤销",
    "annulled": "已撤销（文书被撤销、确认违法或者无效）",
}
DISPUTED_MARK = "异议处理中"


# --- facts handed in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectFacts:
    subject_key: str
    kind: str  # organisation / individual_business / individual
    name: str
    display_code: str

    @property
    def individual(self) -> bool:
        return self.kind == "individual"


@dataclass(frozen=True)
class RecordFacts:
    id: int
    subject_key: str
    catalog_item: str
    decision_date: dt.date
    severity: str
    status: str
    is_minor: bool
    #: every field of the record as stored (``records.service.describe`` plus any extra fields)
    fields: Mapping[str, Any]


#: allow-lists: a field not named here never leaves through that channel
PUBLIC_RECORD_FIELDS = (
    "catalog_item", "catalog_item_name", "document_type_name", "document_number",
    "issuing_authority", "decision_date", "summary", "severity_name",
    # 数据来源 (the determining department that supplied it), shown beside every row as 信用中国 does
    "department", "data_source",
    # 行政处罚信息 columns of the 双公示 exchange standard (records_0003): what 信用中国 shows of a penalty
    "violation_type", "violation_facts", "penalty_basis", "penalty_category", "penalty_content", "fine_amount",
    "confiscation_amount", "licence_affected", "penalty_effective_to", "publication_end",
)
SHARE_RECORD_FIELDS = (
    "id", "catalog_item", "catalog_item_name", "catalog", "document_type", "document_type_name",
    "document_number", "issuing_authority", "decision_date", "effective_date", "summary", "severity",
    "severity_name", "force_majeure", "non_intentional", "minor_violation", "status",
)
#: free-text fields scrubbed of resident IDs and mobile numbers on every channel but the subject's own
FREE_TEXT_FIELDS = frozenset({"summary", "violation_facts", "penalty_content", "content", "remarks"})


@dataclass
class Decision:
    visible: bool
    reason: str | None = None  # machine code of why it is hidden
    fields: dict[str, Any] = field(default_factory=dict)
    marks: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    window: Window | None = None


REASONS_ZH = {
    "catalog_item_unknown": "目录项不在公共信用信息目录内",
    "not_disclosable": "目录项不予公开",
    "not_shareable": "目录项不予共享",
    "out_of_share_scope": "不在该目录项的共享范围内",
    "status_hidden": "信息已终止公示、屏蔽、删除或撤销",
    "minor_person": "涉及未成年人的信息不予公开",
    "not_yet_effective": "尚未到公示起始日",
    "period_ended": "公示期已届满，自动停止公示",
    "not_published_class": "轻微失信信息原则上不予公示",
    "no_basis_or_consent": "公开个人信息既无法律、法规依据也无本人有效授权",
    "not_own_record": "不是本人的信息",
}


def _masked_fields(
    values: Mapping[str, Any], allowed: Sequence[str], item: CatalogItem, subject: SubjectFacts
) -> tuple[dict[str, Any], list[str], list[str]]:
    out: dict[str, Any] = {}
    masked: list[str] = []
    confidential = item.confidential_fields
    withheld = sorted(k for k in values if k not in allowed or k in confidential)
    for key in allowed:
        if key in confidential or key not in values:
            continue
        value = values[key]
        if key in FREE_TEXT_FIELDS and isinstance(value, str):
            clean = scrub_identifiers(value)
            if subject.individual:
                clean = scrub_name(clean, subject.name)
            if clean != value:
                masked.append(key)
            value = clean
        out[key] = value
    return out, masked, withheld


def _sharing_refusal(item: CatalogItem, viewer: Viewer, subject: SubjectFacts, consents: Sequence[Consent],
                     on: dt.date, *, hidden: bool = False) -> str | None:
    """Why a department may not receive an item's information (None: it may): the item not shared, the
    receiver outside its share scope, the information hidden by its status, or a person's information
    going only to receivers outside government without the person's consent (49号 §（十四））."""
    if not item.shareable:
        return "not_shareable"
    scopes = viewer.share_scopes & item.share_scope
    if not scopes:
        return "out_of_share_scope"
    if hidden:
        return "status_hidden"
    if subject.individual and scopes <= NON_GOVERNMENT_SCOPES and not has_consent(
            consents, item.code, ConsentPurpose.sharing, on):
        return "no_basis_or_consent"
    return None


def _public_needs_consent(item: CatalogItem, subject: SubjectFacts, consents: Sequence[Consent], on: dt.date) -> bool:
    """A person's information is public only on a statutory basis or with the person's consent."""
    return subject.individual and not has_statutory_basis(item) and not has_consent(
        consents, item.code, ConsentPurpose.public_disclosure, on)


def decide_record(
    record: RecordFacts,
    subject: SubjectFacts,
    item: CatalogItem | None,
    viewer: Viewer,
    on: dt.date,
    *,
    regimes: Sequence[PeriodRegime],
    disputed: bool = False,
    consents: Sequence[Consent] = (),
) -> Decision:
    """Whether and how ``viewer`` may see ``record`` on day ``on``."""
    if viewer.kind is ViewerKind.subject:
        if viewer.subject_key != record.subject_key:
            return Decision(False, "not_own_record")
        marks = [STATUS_MARKS[record.status]] if record.status in STATUS_MARKS else []
        if disputed:
            marks.append(DISPUTED_MARK)
        window = (
            disclosure_window(item, record.severity, record.decision_date, on, regimes) if item else None
        )
        return Decision(True, fields=dict(record.fields), marks=marks, window=window)

    if item is None:
        return Decision(False, "catalog_item_unknown")
    marks = []
    if record.status == "repaired_marked":
        marks.append(STATUS_MARKS["repaired_marked"])
    if disputed:
        marks.append(DISPUTED_MARK)

    if viewer.kind is ViewerKind.department:
        refusal = _sharing_refusal(item, viewer, subject, consents, on, hidden=record.status in HIDDEN_FROM_SHARING)
        if refusal is not None:
            return Decision(False, refusal)
        values, masked, withheld = _masked_fields(record.fields, SHARE_RECORD_FIELDS, item, subject)
        if record.status == "disclosure_ended":
            marks.append(STATUS_MARKS["disclosure_ended"])
        return Decision(True, fields=values, marks=marks, masked=masked, withheld=withheld)

    # the public
    if not item.disclosable:
        return Decision(False, "not_disclosable")
    if record.status in HIDDEN_FROM_PUBLIC:
        return Decision(False, "status_hidden")
    if record.is_minor:
        # 法释〔2016〕19号 and courts' deletion lists: 未成年人的相关信息 (../shared/reference/masking.md)
        return Decision(False, "minor_person")
    window = disclosure_window(item, record.severity, record.decision_date, on, regimes)
    if window is None:
        return Decision(False, "not_disclosable")
    if not window.published:
        return Decision(False, "not_published_class", window=window)
    if on < window.starts:
        return Decision(False, "not_yet_effective", window=window)
    ends = publication_ends(window, record.fields.get("publication_end"))
    if on >= ends:
        return Decision(False, "period_ended", window=window)
    if _public_needs_consent(item, subject, consents, on):
        return Decision(False, "no_basis_or_consent", window=window)
    values, masked, withheld = _masked_fields(record.fields, PUBLIC_RECORD_FIELDS, item, subject)
    values["disclosure_ends"] = ends.isoformat()
    return Decision(True, fields=values, marks=marks, masked=masked, withheld=withheld, window=window)


# --- licensing records (行政许可信息) ------------------------------------------------------------

#: what the public sees of a licence (行政许可信息 as 信用中国 shows it): a field not named here never leaves
PUBLIC_LICENCE_FIELDS = (
    "catalog_item", "catalog_item_name", "document_name", "document_number", "category_name", "licence_name",
    "licence_number", "content", "decision_date", "valid_from", "valid_to", "issuing_authority", "state",
    "department", "data_source",
)


#: a disclosure period this long has no end in practice (the catalog's 行政许可信息: 1200 months)
OPEN_ENDED_MONTHS = 1200


def decide_licence(
    licence: Mapping[str, Any],
    subject: SubjectFacts,
    item: CatalogItem | None,
    viewer: Viewer,
    on: dt.date,
    *,
    consents: Sequence[Consent] = (),
) -> Decision:
    """Whether and how ``viewer`` may see one licensing record (``licence``: its fields by name, with
    ``decision_date`` a date). A licence is never a dishonest act, so its period is the catalog item's
    alone (49号 §（四）: public as the catalog says; a person's licence needs a statutory basis or consent)."""
    if viewer.kind is ViewerKind.subject:
        if viewer.subject_key != subject.subject_key:
            return Decision(False, "not_own_record")
        return Decision(True, fields=dict(licence))
    if item is None:
        return Decision(False, "catalog_item_unknown")
    if viewer.kind is ViewerKind.department:
        refusal = _sharing_refusal(item, viewer, subject, consents, on)
        if refusal is not None:
            return Decision(False, refusal)
        values, masked, withheld = _masked_fields(licence, PUBLIC_LICENCE_FIELDS, item, subject)
        return Decision(True, fields=values, masked=masked, withheld=withheld)
    decided = licence["decision_date"]
    window = disclosure_window(item, Severity.general.value, decided, on, ())
    if window is None:
        return Decision(False, "not_disclosable")
    if on < window.starts:
        return Decision(False, "not_yet_effective", window=window)
    if on >= window.ends:
        return Decision(False, "period_ended", window=window)
    if _public_needs_consent(item, subject, consents, on):
        return Decision(False, "no_basis_or_consent", window=window)
    values, masked, withheld = _masked_fields(licence, PUBLIC_LICENCE_FIELDS, item, subject)
    # a period of a century is the catalog's way of saying "no end": shown as 长期, not as a date
    values["disclosure_ends"] = None if window.max_months >= OPEN_ENDED_MONTHS else window.ends.isoformat()
    return Decision(True, fields=values, masked=masked, withheld=withheld, window=window)


# --- listings (serious dishonest lists) ---------------------------------------------------------

#: the catalog item under which listings are disclosed
LISTING_ITEM = "serious-dishonest-list"
#: fields of ``xinyong.listing.service.active_listings`` rows (plus the list type's procedure and remedies):
#: list type, determining department, decision, basis, removal conditions (49号 §（七）/§（八）)
PUBLIC_LISTING_FIELDS = (
    "list_type", "list_type_id", "list_type_name", "kind", "kind_name", "role", "determining_department", "decision_no",
    "decision_date", "basis", "start", "end", "removal_conditions", "removal_procedure", "remedies",
)
SHARE_LISTING_FIELDS = (*PUBLIC_LISTING_FIELDS, "listing_id", "case_id", "region_code")


def decide_listing(
    listing: Mapping[str, Any],
    subject: SubjectFacts,
    item: CatalogItem | None,
    viewer: Viewer,
    on: dt.date,
    *,
    consents: Sequence[Consent] = (),
) -> Decision:
    """Whether and how ``viewer`` may see one active listing (its own period is the listing's)."""
    if viewer.kind is ViewerKind.subject:
        if viewer.subject_key != subject.subject_key:
            return Decision(False, "not_own_record")
        return Decision(True, fields=dict(listing))
    if item is None:
        return Decision(False, "catalog_item_unknown")
    if viewer.kind is ViewerKind.department:
        refusal = _sharing_refusal(item, viewer, subject, consents, on)
        if refusal is not None:
            return Decision(False, refusal)
        values, masked, withheld = _masked_fields(listing, SHARE_LISTING_FIELDS, item, subject)
        return Decision(True, fields=values, masked=masked, withheld=withheld)
    if not item.disclosable:
        return Decision(False, "not_disclosable")
    if _public_needs_consent(item, subject, consents, on):
        return Decision(False, "no_basis_or_consent")
    values, masked, withheld = _masked_fields(listing, PUBLIC_LISTING_FIELDS, item, subject)
    return Decision(True, fields=values, masked=masked, withheld=withheld)


def public_subject(subject: SubjectFacts) -> dict[str, Any]:
    """The subject's own identification as shown to the public and to sharing receivers."""
    return {
        "name": mask_name(subject.name) if subject.individual else subject.name,
        "code": subject.display_code,  # resident IDs are stored masked for display already
        "kind": subject.kind,
    }


# --- administrative-penalty disclosure deadline (893号 §四) ----------------------------------------

#: 893号 §四: 行政处罚信息应自作出行政决定之日起7个工作日内通过政府网站公开
PENALTY_ITEM = "admin-penalty"
PENALTY_DISCLOSURE_WORKDAYS = 7


class Timeliness(StrEnum):
    on_time = "on_time"  # 按期公开
    late = "late"  # 逾期公开
    overdue = "overdue"  # 已逾期，尚未公开
    pending = "pending"  # 期限内，尚未公开
    not_public = "not_public"  # 依规不予公开


TIMELINESS_NAMES = {
    Timeliness.on_time: "按期公开",
    Timeliness.late: "逾期公开",
    Timeliness.overdue: "已逾期未公开",
    Timeliness.pending: "期限内未公开",
    Timeliness.not_public: "依规不予公开",
}


def timeliness(due_on: dt.date, disclosed_on: dt.date | None, on: dt.date, *, public: bool) -> Timeliness:
    if disclosed_on is not None:
        return Timeliness.on_time if disclosed_on <= due_on else Timeliness.late
    if not public:
        return Timeliness.not_public
    return Timeliness.overdue if on > due_on else Timeliness.pending


# --- objections (异议) -------------------------------------------------------------------------

#: 淮政办发〔2021〕13号 §四(一): 当事人提出异议的，应当予以核实并在10个工作日内反馈结果
OBJECTION_WORKDAYS = 10
OBJECTION_MAX_ATTACHMENTS = 5
OBJECTION_MAX_BYTES = 5 * 1024 * 1024
OBJECTION_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}


class ObjectionOutcome(StrEnum):
    upheld = "upheld"  # 异议成立，撤销该记录
    rejected = "rejected"  # 异议不成立，维持原记录


OUTCOME_NAMES = {ObjectionOutcome.upheld: "异议成立，记录已撤销", ObjectionOutcome.rejected: "异议不成立，维持原记录"}


class ObjectionStatus(StrEnum):
    """An objection's status; the database refuses any other value (CHECK ck_disclosure_objections_status)."""

    open = "open"  # 处理中
    answered = "answered"  # 已答复


OBJECTION_STATUS_NAMES: dict[str, str] = {ObjectionStatus.open: "处理中", ObjectionStatus.answered: "已答复"}


def check_objection(
    reason: str, record_status: str, owns_record: bool, has_open: bool, attachments: Sequence[tuple[str, str, int]]
) -> str:
    """Accept an objection (reason, attachments as (filename, content_type, size)) or say why not."""
    if not owns_record:
        raise ValidationFailed("objection_not_own_record", "只能对本人的信用信息提出异议")
    if record_status in WITHDRAWN_STATUSES:
        raise ValidationFailed("objection_record_revoked", "该记录已撤销，无需提出异议")
    if has_open:
        raise ValidationFailed("objection_already_open", "该记录已有正在处理的异议，请等待答复")
    text = " ".join(reason.split())
    if len(text) < 5:
        raise ValidationFailed("objection_reason_too_short", "请写明异议的事实和理由（至少5个字）")
    if len(text) > 4000:
        raise ValidationFailed("objection_reason_too_long", "异议理由过长（最多4000字）")
    if len(attachments) > OBJECTION_MAX_ATTACHMENTS:
        raise ValidationFailed("objection_too_many_files", f"附件最多{OBJECTION_MAX_ATTACHMENTS}个")
    for name, ctype, size in attachments:
        if ctype not in OBJECTION_CONTENT_TYPES:
            raise ValidationFailed(
                "objection_bad_file_type", f"附件“{name}”的类型不支持，只接受PDF、PNG、JPEG图片或纯文本"
            )
        if size == 0:
            raise ValidationFailed("objection_empty_file", f"附件“{name}”是空文件")
        if size > OBJECTION_MAX_BYTES:
            raise ValidationFailed("objection_file_too_large", f"附件“{name}”超过5MB")
    return text


def check_answer(status: str, outcome: str, answer: str) -> ObjectionOutcome:
    if status != "open":
        raise ValidationFailed("objection_not_open", "该异议已答复，不能重复答复")
    try:
        result = ObjectionOutcome(outcome)
    except ValueError:
        raise ValidationFailed(
            "objection_bad_outcome", "处理结果须为 upheld（异议成立）或 rejected（异议不成立）"
        ) from None
    if len(" ".join(answer.split())) < 5:
        raise ValidationFailed("objection_answer_too_short", "请写明核实情况和答复理由（至少5个字）")
    return result


# --- who answers and who reads an objection (谁认定、谁答复) ---------------------------------------


@dataclass(frozen=True)
class ObjectionFacts:
    """What the access decisions on an objection need to know (plain facts, no rows)."""

    subject_key: str
    #: the record's determining department (``records.department``), not its free-text issuing authority
    department: str
    #: the GB/T 2260 region of the subject (a credit office oversees the subjects of its territory)
    subject_region: str | None


@dataclass(frozen=True)
class ObjectionActor:
    role: str
    department: str | None
    region_code: str | None
    subject_key: str | None


def answer_denial(actor: ObjectionActor, objection: ObjectionFacts) -> str | None:
    """谁认定、谁答复 (淮政办发〔2021〕13号 §四(一)): only the department that determined the record answers
    an objection against it. Not another department, not the credit office, not the platform's
    administrator: the answer is the determining department's own act, and it alone can correct or
    revoke its record. The one ownership rule of objections."""
    if actor.role != "determining_department":
        return (f"只有作出该记录的认定部门（{objection.department}）可以答复此异议"
                "（谁认定、谁答复，淮政办发〔2021〕13号 §四(一)）")
    unidentified = identity_denial(actor.department, actor.region_code, "答复此异议（谁认定、谁答复，淮政办发〔2021〕13号 §四(一)）")
    if unidentified is not None:
        return unidentified
    if actor.department != objection.department:
        return (f"该异议针对{objection.department}认定的记录，本部门（{actor.department or '未设定'}）"
                "不能答复（谁认定、谁答复，淮政办发〔2021〕13号 §四(一)）")
    return None


def read_denial(actor: ObjectionActor, objection: ObjectionFacts) -> str | None:
    """Who reads an objection's text and attachments: the subject that filed it, the department that
    answers it, the platform's administrator, and — read-only oversight — a credit office whose region
    covers the subject's region (:func:`xinyong.core.authority.territory_denial`)."""
    if actor.role == "admin":
        return None
    if actor.role == "subject":
        if actor.subject_key is not None and actor.subject_key == objection.subject_key:
            return None
        return "信用主体只能查看本人提出的异议"
    if actor.role == "determining_department":
        if authority_level(actor.region_code) is None:
            return "本部门未登记行政区划代码，无法确认其为作出该记录的认定部门，不能查看该异议"
        if actor.department == objection.department:
            return None
        return f"该异议由{objection.department}答复，本部门（{actor.department or '未设定'}）不能查看"
    if actor.role == "credit_office":
        return territory_denial(actor.region_code, objection.subject_region or "", "查看该异议")
    return "无权查看该异议"
