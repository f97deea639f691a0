"""Licensing records (行政许可信息): a first-class kind of record beside dishonesty records (pure).

A licence is public credit information under the catalog item ``admin-license`` (行政许可信息,
公开 by the catalog: ``disclosable: true``); it is never a dishonest act (the item has
``records_dishonesty: false``), so it is stored in its own table (:class:`~xinyong.records.models.Licence`),
publishes its own topic ``licence.recorded`` and never reaches the measures, listings or the dishonesty
rules, which read ``records`` only.

Columns and vocabularies follow the 双公示 exchange standard (行政许可信息: 许可类别 普通、特许、认可、核准、
登记、其他; 当前状态 有效 / 无效, or 正常 / 撤销 / 异议 / 其他).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

#: the catalog item a licensing record is accepted under (national catalog 2021/2024: 行政许可信息)
LICENSING_ITEM = "admin-license"
#: the catalog item a penalty record of the national columns is accepted under (行政处罚信息)
PENALTY_ITEM = "admin-penalty"


class LicenceCategory(StrEnum):
    """许可类别 of the 双公示 exchange standard."""

    ordinary = "ordinary"  # 普通
    franchise = "franchise"  # 特许
    recognition = "recognition"  # 认可
    approval = "approval"  # 核准
    registration = "registration"  # 登记
    other = "other"  # 其他


LICENCE_CATEGORY_NAMES: dict[str, str] = {
    LicenceCategory.ordinary: "普通",
    LicenceCategory.franchise: "特许",
    LicenceCategory.recognition: "认可",
    LicenceCategory.approval: "核准",
    LicenceCategory.registration: "登记",
    LicenceCategory.other: "其他",
}


class LicenceStatus(StrEnum):
    """当前状态 as supplied by the licensing authority (双公示 exchange standard)."""

    valid = "valid"  # 有效 / 正常
    invalid = "invalid"  # 无效
    revoked = "revoked"  # 撤销
    disputed = "disputed"  # 异议
    other = "other"  # 其他


LICENCE_STATUS_NAMES: dict[str, str] = {
    LicenceStatus.valid: "有效",
    LicenceStatus.invalid: "无效",
    LicenceStatus.revoked: "已撤销",
    LicenceStatus.disputed: "有异议",
    LicenceStatus.other: "其他",
}

#: the words a file may carry in 当前状态 → status
LICENCE_STATUS_WORDS: dict[str, LicenceStatus] = {
    "有效": LicenceStatus.valid, "正常": LicenceStatus.valid, "无效": LicenceStatus.invalid,
    "撤销": LicenceStatus.revoked, "已撤销": LicenceStatus.revoked, "异议": LicenceStatus.disputed,
    "其他": LicenceStatus.other, "": LicenceStatus.valid,
}


def current_state(status: str, valid_from: dt.date | None, valid_to: dt.date | None, today: dt.date) -> str:
    """The licence's state on ``today`` in Chinese: the authority's status, and for a valid licence its
    validity period (未生效 before 有效期自, 已过期 after 有效期至)."""
    if status != LicenceStatus.valid:
        return LICENCE_STATUS_NAMES.get(status, status)
    if valid_from is not None and today < valid_from:
        return "未到有效期"
    if valid_to is not None and today > valid_to:
        return "已过有效期"
    return "有效"


def validity_denial(decision_date: dt.date, valid_from: dt.date | None, valid_to: dt.date | None,
                    today: dt.date) -> str | None:
    """Why a licence's dates cannot be accepted, or None."""
    if decision_date > today:
        return f"许可决定日期{decision_date.isoformat()}晚于今天"
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return f"有效期至（{valid_to.isoformat()}）早于有效期自（{valid_from.isoformat()}）"
    return None
