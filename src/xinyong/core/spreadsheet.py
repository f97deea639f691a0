"""Spreadsheet safety: text a user typed is written to CSV/XLSX as text, never as a formula.

A spreadsheet program treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
one that begins with a tab or carriage return) as a formula: ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0``
in a name or a summary would run when an officer opens the export (CSV/formula injection). Every export
passes user text through :func:`safe_cell`, which prefixes such a value with an apostrophe — the
spreadsheet convention for "this is text" — and removes control characters no cell may hold (an XLSX
writer refuses them). Numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

#: first characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: characters an XLSX cell cannot hold (tab and line breaks can)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_illegal(value: str) -> str:
    """``value`` without the control characters no cell may hold."""
    return _ILLEGAL.sub("", value)


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet will show it as text."""
    value = strip_illegal(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A cell value for csv.writer or openpyxl: strings made safe, None as empty, numbers, dates and
    booleans unchanged, anything else written as its (safe) text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    return safe_text(str(value))


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would read this cell text as a formula (what :func:`safe_text` prevents)."""
    return cell.startswith(FORMULA_STARTS)
