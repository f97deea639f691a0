"""Whether a dishonesty record may be accepted (pure; the date is an argument).

国办发〔2020〕49号 §（二）: 行政机关认定失信行为必须以具有法律效力的文书为依据 — 生效的司法裁判文书
和仲裁文书、行政处罚和行政裁决等行政行为决定文书，以及法律、法规或者党中央、国务院政策文件规定
可作为失信行为认定依据的其他文书. §（一）: only under an item of the catalog in force.
§（十六）: minors, force majeure, non-intentional and minor acts are treated 宽容审慎 — their flags
are recorded so that later rules can honour them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from xinyong.catalog.rules import CatalogItem, CatalogVersion
from xinyong.core.errors import ValidationFailed


class DocumentType(StrEnum):
    judicial_judgment = "judicial_judgment"  # 生效的司法裁判文书
    arbitral_award = "arbitral_award"  # 仲裁文书
    administrative_penalty = "administrative_penalty"  # 行政处罚决定书
    administrative_ruling = "administrative_ruling"  # 行政裁决
    administrative_decision = "administrative_decision"  # 其他行政行为决定文书
    other_statutory = "other_statutory"  # 法律、法规或党中央、国务院政策文件规定的其他文书


DOCUMENT_TYPE_NAMES = {
    DocumentType.judicial_judgment: "生效的司法裁判文书",
    DocumentType.arbitral_award: "仲裁文书",
    DocumentType.administrative_penalty: "行政处罚决定书",
    DocumentType.administrative_ruling: "行政裁决文书",
    DocumentType.administrative_decision: "行政行为决定文书",
    DocumentType.other_statutory: "法律、法规或党中央、国务院政策文件规定的其他文书",
}


class Severity(StrEnum):
    minor = "minor"  # 轻微
    general = "general"  # 一般
    serious = "serious"  # 严重


SEVERITY_NAMES = {Severity.minor: "轻微", Severity.general: "一般", Severity.serious: "严重"}


class RecordStatus(StrEnum):
    """A record's status (names: records.service.RECORD_STATUSES); the database refuses any other value
    (CHECK ck_records_status). Repair outcomes: 国办发〔2020〕49号 §（十一）; withdrawal: §（二）."""

    active = "active"  # 有效
    repaired_marked = "repaired_marked"  # 已修复（标注）
    repaired_shielded = "repaired_shielded"  # 已修复（屏蔽）
    repaired_deleted = "repaired_deleted"  # 已修复（删除）
    disclosure_ended = "disclosure_ended"  # 已终止公示
    revoked = "revoked"  # 已撤销
    annulled = "annulled"  # 文书已被撤销、确认违法或者无效


@dataclass(frozen=True, slots=True)
class RecordInput:
    subject_code: str
    subject_name: str
    catalog_item: str
    document_type: str
    document_number: str
    issuing_authority: str
    decision_date: dt.date
    effective_date: dt.date
    summary: str
    severity: str = Severity.general.value
    is_minor: bool = False
    force_majeure: bool = False
    non_intentional: bool = False
    minor_violation: bool = False
    other_basis: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    #: the date of the dishonest act (age at the act is read from a resident ID); default decision_date
    act_date: dt.date | None = None


class ItemFinder(Protocol):
    """What the rule needs of the catalogs (a CatalogSet, or a memoised wrapper of one)."""

    def find_item(
        self, code: str, on: dt.date, region: str | None
    ) -> tuple[CatalogVersion, CatalogItem] | None: ...


@dataclass(frozen=True, slots=True)
class Accepted:
    version: CatalogVersion
    item: CatalogItem
    document_type: DocumentType
    severity: Severity


def check_record(rec: RecordInput, region: str, catalogs: ItemFinder, today: dt.date) -> Accepted:
    """Accept or refuse a record; the refusal names exactly what is wrong."""
    try:
        doc_type = DocumentType(rec.document_type)
    except ValueError:
        allowed = "、".join(f"{t.value}（{n}）" for t, n in DOCUMENT_TYPE_NAMES.items())
        raise ValidationFailed(
            "invalid_document_type",
            f"文书类型“{rec.document_type}”不是可认定失信行为的具有法律效力的文书，可选：{allowed}",
        ) from None
    if doc_type is DocumentType.other_statutory and not (rec.other_basis or "").strip():
        raise ValidationFailed(
            "missing_other_basis",
            "“其他文书”须写明规定其可作为失信行为认定依据的法律、法规或党中央、国务院政策文件（other_basis）",
        )
    if not rec.document_number.strip():
        raise ValidationFailed("missing_document_number", "缺少文书文号")
    if not rec.issuing_authority.strip():
        raise ValidationFailed("missing_issuing_authority", "缺少作出文书的机关")
    if not rec.summary.strip():
        raise ValidationFailed("missing_summary", "缺少失信行为内容摘要")
    if rec.decision_date > today:
        raise ValidationFailed("future_decision_date", f"文书作出日期{rec.decision_date}晚于今天")
    if rec.effective_date < rec.decision_date:
        raise ValidationFailed("effective_before_decision", "文书生效日期不能早于作出日期")
    if rec.effective_date > today:
        raise ValidationFailed(
            "not_yet_effective", f"文书尚未生效（生效日期{rec.effective_date}），不能作为认定依据"
        )
    try:
        severity = Severity(rec.severity)
    except ValueError:
        raise ValidationFailed("invalid_severity", "严重程度须为 minor（轻微）、general（一般）或 serious（严重）") from None
    found = catalogs.find_item(rec.catalog_item, rec.decision_date, region)
    if found is None:
        raise ValidationFailed(
            "catalog_item_not_in_force",
            f"目录项“{rec.catalog_item}”在{rec.decision_date}对该主体所在地区（{region}）不在生效的公共信用信息目录内，"
            "不得纳入（国办发〔2020〕49号 §（一））",
        )
    version, item = found
    if not item.records_dishonesty:
        raise ValidationFailed(
            "catalog_item_not_dishonesty",
            f"目录项“{item.name}”不记录失信行为，不能据此记录失信信息",
        )
    return Accepted(version, item, doc_type, severity)


#: document types that only a body of a given field issues: a judgment only a court (人民法院),
#: an arbitral award only an arbitration body (仲裁委员会) — 国办发〔2020〕49号 §（二） names these documents;
#: who issues them is the organisational vocabulary of ``rules/national/fields/fields.yaml``
DOCUMENT_TYPE_FIELDS: dict[DocumentType, tuple[str, ...]] = {
    DocumentType.judicial_judgment: ("court",),
    DocumentType.arbitral_award: ("arbitration",),
}


def competence_requirements(document_type: DocumentType | str, item: CatalogItem) -> list[tuple[str, tuple[str, ...]]]:
    """What a recording department's fields must cover: ``(what, fields)`` pairs, each satisfied by any
    one of its fields (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)). Empty: any determining department."""
    out: list[tuple[str, tuple[str, ...]]] = []
    try:
        doc = DocumentType(document_type)
    except ValueError:
        doc = None
    if doc is not None and doc in DOCUMENT_TYPE_FIELDS:
        out.append((f"记录{DOCUMENT_TYPE_NAMES[doc]}", DOCUMENT_TYPE_FIELDS[doc]))
    if item.competent_fields:
        out.append((f"按目录项“{item.name}”记录失信行为", item.competent_fields))
    return out


#: catalog items about list membership: views of the listing procedure's listings (国办发〔2020〕49号
#: §（八）: a list is set by a determination with its own procedure), never records a department types in
LISTING_VIEW_ITEMS = frozenset({"serious-dishonest-list"})


def listing_view_denial(item_code: str, item_name: str) -> str | None:
    """A record under a list-membership item is refused: the list procedure is its only source."""
    if item_code in LISTING_VIEW_ITEMS:
        return (f"“{item_name}”由严重失信主体名单认定程序（事先告知、异议、认定决定、列入）产生，"
                "不能作为失信行为记录直接录入；请在“名单认定”中立案办理（国办发〔2020〕49号§（八））")
    return None
