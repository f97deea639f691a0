"""Cell values of the 双公示 exchange tables: dates in the usual Chinese forms, amounts in 万元 (pure).

Each parser keeps a small cache of the strings it has seen: a file repeats the same few hundred dates
and amounts, so a million rows cost a few hundred parses (the import's “vectorised” normalisation).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from xinyong.core.errors import DomainError

#: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日 (one-digit month and day allowed), optional time after
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
#: Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29)
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: serial numbers taken for dates in a workbook: 1954-10-... to 2119-... (anything else is not a date)
EXCEL_SERIALS = range(20_000, 80_000)
#: words meaning “no end date” in 有效期至 / 处罚有效期 / 公示截止期
NO_END = frozenset({"长期", "长期有效", "永久", "无", "无期限", "9999-12-31", "9999/12/31", "99991231"})
DATE_FORMS = "2026-11-20、2026/11/20、2026.11.20、2026年11月20日或20261120"

_date_cache: dict[str, dt.date] = {}
_amount_cache: dict[str, Decimal] = {}


def parse_date(value: Any, label: str) -> dt.date:
    """A date cell: a date/datetime (XLSX), an Excel serial number (XLSX), or text in one of DATE_FORMS."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if int(value) in EXCEL_SERIALS:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DomainError("invalid_date", f"{label}“{value}”不是有效日期（应为{DATE_FORMS}）")
    text = str(value)
    cached = _date_cache.get(text)
    if cached is not None:
        return cached
    s = text.strip()
    m = _DATE.match(s) or _COMPACT.match(s)
    try:
        if m is None:
            raise ValueError
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DomainError("invalid_date", f"{label}“{s}”不是有效日期（应为{DATE_FORMS}）") from None
    if len(_date_cache) > 50_000:
        _date_cache.clear()
    _date_cache[text] = day
    return day


def parse_optional_date(value: Any, label: str) -> dt.date | None:
    """An optional date; empty or a “no end” word (长期 …) is None."""
    if value is None:
        return None
    if isinstance(value, str):
        s = value.strip()
        if not s or s in NO_END:
            return None
    return parse_date(value, label)


def parse_amount(value: Any, label: str) -> Decimal | None:
    """An amount in 万元 (a number, optionally followed by 万元); empty is None; negative is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DomainError("invalid_amount", f"{label}“{value}”不是有效的金额")
    if isinstance(value, (int, float)):
        text = repr(value)
    else:
        text = str(value).strip()
        if not text:
            return None
    cached = _amount_cache.get(text)
    if cached is not None:
        return cached
    s = text.replace(",", "").replace("，", "")
    if s.endswith("万元"):
        s = s[:-2].strip()
    try:
        amount = Decimal(s)
    except InvalidOperation:
        raise DomainError("invalid_amount", f"{label}“{text}”不是有效的金额（单位：万元）") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError("invalid_amount", f"{label}“{text}”不是有效的金额（单位：万元）")
    if amount >= Decimal("1e12"):
        raise DomainError("invalid_amount", f"{label}“{text}”超出可记录的范围（单位：万元）")
    amount = amount.quantize(Decimal("0.000001"))
    if len(_amount_cache) > 50_000:
        _amount_cache.clear()
    _amount_cache[text] = amount
    return amount


def text_of(value: Any) -> str:
    """A cell as trimmed text (an XLSX number stays as written: 12.0 → “12”)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
