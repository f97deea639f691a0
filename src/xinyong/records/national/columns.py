"""The columns of the 双公示 exchange standard (行政处罚信息 / 行政许可信息) and how a table is recognised (pure).

The column names are those departments' spreadsheets carry to the provincial platform and 信用中国
(the 双公示 exchange standard: 行政处罚信息 and 行政许可信息 table definitions of the systems reporting to the
national platform — the standard's own text was not found; the names below agree across those systems).
A header cell is compared after NFKC normalisation (full-width brackets and underscores fold to their
ASCII forms) with spaces removed, so “行政相对人代码_1（统一社会信用代码）” and
“行政相对人代码_1(统一社会信用代码)” are the same column.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class TableKind(StrEnum):
    penalty = "penalty"  # 行政处罚信息
    licensing = "licensing"  # 行政许可信息


TABLE_NAMES = {TableKind.penalty: "行政处罚信息", TableKind.licensing: "行政许可信息"}

# --- the columns (field name → header of the 双公示 exchange standard) -----------------------------
SUBJECT_COLUMNS: dict[str, str] = {
    "subject_name": "行政相对人名称",
    "subject_category": "行政相对人类别",
    "uscc": "行政相对人代码_1（统一社会信用代码）",
    "business_registration": "行政相对人代码_2（工商注册号）",
    "organisation_code": "行政相对人代码_3（组织机构代码）",
    "tax_registration": "行政相对人代码_4（税务登记号）",
    "institution": "行政相对人代码_5（事业单位证书号）",
    "social_organisation": "行政相对人代码_6（社会组织登记证号）",
    "legal_representative": "法定代表人",
    "legal_representative_id_type": "法定代表人证件类型",
    "legal_representative_id": "法定代表人身份证号",
    "id_type": "证件类型",
    "id_number": "证件号码",
}

PENALTY_COLUMNS: dict[str, str] = {
    **SUBJECT_COLUMNS,
    "document_number": "行政处罚决定书文号",
    "violation_type": "违法行为类型",
    "violation_facts": "违法事实",
    "penalty_basis": "处罚依据",
    "penalty_category": "处罚类别",
    "penalty_content": "处罚内容",
    "fine_amount": "罚款金额（万元）",
    "confiscation_amount": "没收违法所得、没收非法财物的金额（万元）",
    "licence_affected": "暂扣或吊销证照名称及编号",
    "decision_date": "处罚决定日期",
    "penalty_effective_to": "处罚有效期",
    "publication_end": "公示截止期",
    "issuing_authority": "处罚机关",
    "authority_uscc": "处罚机关统一社会信用代码",
    "data_source": "数据来源单位",
    "data_source_uscc": "数据来源单位统一社会信用代码",
    "remarks": "备注",
}

LICENSING_COLUMNS: dict[str, str] = {
    **SUBJECT_COLUMNS,
    "document_name": "行政许可决定文书名称",
    "document_number": "行政许可决定文书号",
    "category": "许可类别",
    "licence_name": "许可证书名称",
    "licence_number": "许可编号",
    "content": "许可内容",
    "decision_date": "许可决定日期",
    "valid_from": "有效期自",
    "valid_to": "有效期至",
    "issuing_authority": "许可机关",
    "authority_uscc": "许可机关统一社会信用代码",
    "status": "当前状态",
    "data_source": "数据来源单位",
    "data_source_uscc": "数据来源单位统一社会信用代码",
    "usage_scope": "信息使用范围",
    "remarks": "备注",
}

COLUMNS = {TableKind.penalty: PENALTY_COLUMNS, TableKind.licensing: LICENSING_COLUMNS}

#: columns without which a table cannot be imported at all
REQUIRED: dict[TableKind, tuple[str, ...]] = {
    TableKind.penalty: ("subject_name", "document_number", "decision_date", "issuing_authority"),
    TableKind.licensing: ("subject_name", "document_number", "decision_date", "issuing_authority", "content"),
}

#: other spellings seen in practice (a short header for the USCC column, 罚款金额 without its unit …)
SYNONYMS: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "行政相对人代码1(统一社会信用代码)": "uscc",
    "罚款金额": "fine_amount",
    "罚款金额(万元)": "fine_amount",
    "没收违法所得、没收非法财物的金额": "confiscation_amount",
    "处罚决定书文号": "document_number",
    "许可决定文书号": "document_number",
    "决定日期": "decision_date",
    "身份证号": "id_number",
    "法定代表人证件号码": "legal_representative_id",
}


def fold(header: str) -> str:
    """A header cell in comparable form: NFKC (full-width → half-width), no spaces, no BOM."""
    return "".join(unicodedata.normalize("NFKC", header).replace("\ufeff", "").split())


_INDEX: dict[TableKind, dict[str, str]] = {
    kind: {**{fold(h): f for f, h in cols.items()}, **{fold(s): f for s, f in SYNONYMS.items() if f in cols}}
    for kind, cols in COLUMNS.items()
}


def recognise(header: list[str]) -> TableKind | None:
    """行政处罚 or 行政许可 by the headers only that table has (its document number column)."""
    folded = {fold(h) for h in header}
    if fold(PENALTY_COLUMNS["document_number"]) in folded or fold("处罚决定书文号") in folded:
        return TableKind.penalty
    if fold(LICENSING_COLUMNS["document_number"]) in folded or fold("许可决定文书号") in folded:
        return TableKind.licensing
    return None


def field_positions(kind: TableKind, header: list[str]) -> dict[str, int]:
    """Field name → column position (the first column of that name wins; unknown columns are ignored)."""
    index = _INDEX[kind]
    out: dict[str, int] = {}
    for pos, cell in enumerate(header):
        name = index.get(fold(cell))
        if name is not None and name not in out:
            out[name] = pos
    return out


def missing_columns(kind: TableKind, positions: dict[str, int]) -> list[str]:
    """The headers of required columns the table lacks (Chinese)."""
    cols = COLUMNS[kind]
    missing = [cols[f] for f in REQUIRED[kind] if f not in positions]
    if not any(f in positions for f in ("uscc", "business_registration", "organisation_code", "tax_registration",
                                        "institution", "social_organisation", "id_number")):
        missing.append(f"{cols['uscc']}（或其他行政相对人代码、证件号码）")
    return missing
