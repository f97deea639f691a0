"""Calendar arithmetic shared by every rule module (pure; no clock).

:func:`add_months` is the one month-count used by listing periods, measure durations, repair minimum
periods and disclosure windows. It replaces four identical copies (listing, measures, repair and
disclosure rules) which all agreed: the same day of the month ``months`` later; where that month is
shorter, its last day (2026-01-31 + 1 month → 2026-02-28; 2024-02-29 + 12 months → 2025-02-28).

That end-of-month rule is the platform's existing behaviour, kept as is; the documents it serves
(令第36号, 国办发〔2025〕22号, 国办发〔2020〕49号) count periods in months without saying what happens at a
month's end, and no legal text on it is cited here.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative goes back); clamped to the month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
