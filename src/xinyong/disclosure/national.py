"""双公示 in the national exchange columns: what a licensing or penalty record looks like when it is
reported upward to the provincial platform and 信用中国 (pure; no database, the date is an argument).

国办发〔2020〕49号 §（五）: the platform's disclosure is kept consistent with the determining department's
in content and period, so the export and the upstream push carry the same columns the departments'
own files carry (the exchange format of the national platforms; the standard's own text was not found,
the column names are those public reporting systems use: basis_verified false for the format itself).

Personal identifiers leave only as :data:`PERSONAL_COLUMNS` says: a natural person's name is masked, an
identity-document number is masked (the subject's code is stored masked for display already) and a
legal representative's identity document (type and number) is never sent (49号 §（四）: personal information is disclosed
only after masking; 发改办财金〔2018〕893号 §四: 个人隐私 technically processed before publication). A
column that names a catalog item's ``confidential_fields`` key is withheld.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from xinyong.catalog.rules import CatalogItem
from xinyong.core.masking import mask_name, mask_resident_id, scrub_identifiers


class ExchangeKind(StrEnum):
    penalty = "penalty"  # 行政处罚
    licensing = "licensing"  # 行政许可


KIND_NAMES = {ExchangeKind.penalty: "行政处罚", ExchangeKind.licensing: "行政许可"}
#: the catalog item whose records each exchange table carries
KIND_ITEMS = {ExchangeKind.penalty: "admin-penalty", ExchangeKind.licensing: "admin-license"}
ITEM_KINDS = {v: k for k, v in KIND_ITEMS.items()}

_CODES = (
    "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）", "行政相对人代码_3（组织机构代码）",
    "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）", "行政相对人代码_6（社会组织登记证号）",
)

#: the national column headers of the penalty table, in order (data standard as implemented publicly)
PENALTY_COLUMNS: tuple[str, ...] = (
    "行政相对人名称", "行政相对人类别", *_CODES, "法定代表人", "法定代表人证件类型", "法定代表人身份证号",
    "证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
    "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期",
    "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码",
    "备注",
)

#: the national column headers of the licensing table, in order
LICENSING_COLUMNS: tuple[str, ...] = (
    "行政相对人名称", "行政相对人类别", *_CODES, "法定代表人", "证件类型", "证件号码", "行政许可决定文书名称",
    "行政许可决定文书号", "许可类别", "许可证书名称", "许可编号", "许可内容", "许可决定日期", "有效期自", "有效期至",
    "许可机关", "许可机关统一社会信用代码", "当前状态", "数据来源单位", "数据来源单位统一社会信用代码", "信息使用范围",
    "备注",
)

COLUMNS = {ExchangeKind.penalty: PENALTY_COLUMNS, ExchangeKind.licensing: LICENSING_COLUMNS}


class Personal(StrEnum):
    mask_name = "mask_name"
    mask_id = "mask_id"
    withhold = "withhold"


#: personal identifiers and what leaves of them (49号 §（四）; the masks are xinyong.core.masking's)
PERSONAL_COLUMNS: dict[str, Personal] = {
    "法定代表人": Personal.mask_name,
    "法定代表人证件类型": Personal.withhold,
    "法定代表人身份证号": Personal.withhold,
    "证件号码": Personal.mask_id,
}

#: columns that carry free text: resident IDs and mobile numbers inside them are masked
FREE_TEXT_COLUMNS = frozenset({"违法事实", "处罚内容", "许可内容", "备注", "违法行为类型"})

#: national column → the field it comes from (the names records.national uses for the same columns); the
#: subject's name, codes and category come from the subject
FIELD_OF_COLUMN: dict[str, str] = {
    "行政相对人类别": "subject_category",
    "行政相对人代码_2（工商注册号）": "business_registration",
    "行政相对人代码_3（组织机构代码）": "organisation_code",
    "行政相对人代码_4（税务登记号）": "tax_registration",
    "行政相对人代码_5（事业单位证书号）": "institution",
    "行政相对人代码_6（社会组织登记证号）": "social_organisation",
    "法定代表人": "legal_representative",
    "法定代表人证件类型": "legal_representative_id_type",
    "法定代表人身份证号": "legal_representative_id",
    "行政处罚决定书文号": "document_number",
    "违法行为类型": "violation_type",
    "违法事实": "violation_facts",
    "处罚依据": "penalty_basis",
    "处罚类别": "penalty_category",
    "处罚内容": "penalty_content",
    "罚款金额（万元）": "fine_amount",
    "没收违法所得、没收非法财物的金额（万元）": "confiscation_amount",
    "暂扣或吊销证照名称及编号": "licence_affected",
    "处罚决定日期": "decision_date",
    "处罚有效期": "penalty_effective_to",
    "公示截止期": "publication_end",
    "处罚机关": "issuing_authority",
    "处罚机关统一社会信用代码": "authority_uscc",
    "数据来源单位": "data_source",
    "数据来源单位统一社会信用代码": "data_source_uscc",
    "备注": "remarks",
    "行政许可决定文书名称": "document_name",
    "行政许可决定文书号": "document_number",
    "许可类别": "category_name",
    "许可证书名称": "licence_name",
    "许可编号": "licence_number",
    "许可内容": "content",
    "许可决定日期": "decision_date",
    "有效期自": "valid_from",
    "有效期至": "valid_to",
    "许可机关": "issuing_authority",
    "许可机关统一社会信用代码": "authority_uscc",
    "当前状态": "status_word",
    "信息使用范围": "usage_scope",
}

#: 当前状态 in the exchange standard's own words (records.licensing.LicenceStatus → 有效 / 无效 / 撤销 / 异议 / 其他)
LICENCE_STATUS_WORDS = {"valid": "有效", "invalid": "无效", "revoked": "撤销", "disputed": "异议", "other": "其他"}

SUBJECT_CATEGORIES = {"organisation": "法人及非法人组织", "individual_business": "个体工商户", "individual": "自然人"}
DATE_COLUMNS = frozenset({"处罚决定日期", "处罚有效期", "公示截止期", "许可决定日期", "有效期自", "有效期至"})
AMOUNT_COLUMNS = frozenset({"罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）"})


@dataclass(frozen=True)
class ExchangeSubject:
    """The subject as the exchange row needs it: its display code is already masked for a person."""

    kind: str
    name: str
    display_code: str


@dataclass(frozen=True)
class ExchangeRow:
    """One exported row: the values by column, and which columns were masked or withheld."""

    values: dict[str, Any]
    masked: tuple[str, ...]
    withheld: tuple[str, ...]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _amount(value: Any) -> str:
    """An amount in 万元 as written text (no float rounding: the input's own digits)."""
    text = _text(value)
    if not text:
        return ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f")


def exchange_row(kind: ExchangeKind, fields: Mapping[str, Any], subject: ExchangeSubject,
                 item: CatalogItem | None) -> ExchangeRow:
    """The national row of one record. ``fields``: its fields by name (:data:`FIELD_OF_COLUMN`), the
    publication end (公示截止期) already the one the platform applies (49号 §（五））."""
    confidential = item.confidential_fields if item is not None else frozenset()
    individual = subject.kind == "individual"
    values: dict[str, Any] = {}
    masked: list[str] = []
    withheld: list[str] = []
    for column in COLUMNS[kind]:
        key = FIELD_OF_COLUMN.get(column)
        if column == "行政相对人名称":
            value = mask_name(subject.name) if individual else subject.name
            if individual:
                masked.append(column)
        elif column == "行政相对人类别":
            value = _text(fields.get("subject_category")) or SUBJECT_CATEGORIES.get(subject.kind, "")
        elif column == "行政相对人代码_1（统一社会信用代码）":
            value = "" if individual else subject.display_code
        elif column == "证件类型":
            value = "身份证" if individual else _text(fields.get("id_type"))
        elif column == "证件号码":
            value = subject.display_code if individual else _text(fields.get("id_number"))
        else:
            value = _text(fields.get(key)) if key else ""
        if key is not None and key in confidential and value:
            withheld.append(column)
            value = ""
        rule = PERSONAL_COLUMNS.get(column)
        if rule is Personal.withhold and value:
            withheld.append(column)
            value = ""
        elif rule is Personal.mask_name and value:
            value, was = mask_name(value), value
            if value != was:
                masked.append(column)
        elif rule is Personal.mask_id and value and "*" not in value:
            value = mask_resident_id(value)
            masked.append(column)
        if column in FREE_TEXT_COLUMNS and value:
            clean = scrub_identifiers(value)
            if clean != value:
                masked.append(column)
            value = clean
        if column in AMOUNT_COLUMNS:
            value = _amount(value)
        values[column] = value
    return ExchangeRow(values, tuple(masked), tuple(withheld))


def in_period(decision_date: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= decision_date <= end


def check_period(start: dt.date, end: dt.date) -> str | None:
    """Why the period cannot be exported (a Chinese reason), or None."""
    if end < start:
        return "截止日期不能早于起始日期"
    return None


def row_values(kind: ExchangeKind, row: ExchangeRow) -> list[Any]:
    return [row.values.get(c, "") for c in COLUMNS[kind]]


def withdrawal(kind: ExchangeKind, fields: Mapping[str, Any], *, status_name: str, reason: str,
               on: dt.date) -> dict[str, Any]:
    """What a withdrawal names: the record by its document number and authority, and why (no content)."""
    number_column = "行政处罚决定书文号" if kind is ExchangeKind.penalty else "行政许可决定文书号"
    authority_column = "处罚机关" if kind is ExchangeKind.penalty else "许可机关"
    return {
        number_column: _text(fields.get("document_number")),
        authority_column: _text(fields.get("issuing_authority")),
        "撤回原因": status_name + (f"：{scrub_identifiers(reason)}" if reason else ""),
        "撤回日期": on.isoformat(),
    }


def columns_of(kind: ExchangeKind) -> Sequence[str]:
    return COLUMNS[kind]
