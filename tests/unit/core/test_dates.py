"""The one month-count of the rule modules (xinyong.core.dates.add_months)."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.dates import add_months

DAYS = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))
MONTHS = st.integers(min_value=-600, max_value=600)


@given(DAYS, MONTHS)
def test_same_day_or_the_last_day_of_a_shorter_month(day: dt.date, months: int) -> None:
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(out.year, out.month)[1]
    assert out.day == min(day.day, last)


@given(DAYS, st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_monotonic_in_months(day: dt.date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_months(day, lo) <= add_months(day, hi)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 28)), MONTHS)
def test_round_trip_when_the_day_exists_everywhere(day: dt.date, months: int) -> None:
    if day.day <= 28:
        assert add_months(add_months(day, months), -months) == day


def test_month_ends() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 6, 22), 3) == dt.date(2025, 9, 22)


def test_the_rule_modules_use_the_one_copy() -> None:
    from xinyong.disclosure import rules as disclosure
    from xinyong.listing import rules as listing
    from xinyong.measures import rules as measures
    from xinyong.repair import rules as repair

    assert listing.add_months is measures.add_months is repair.add_months is disclosure.add_months is add_months
