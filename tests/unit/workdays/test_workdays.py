"""Working-day arithmetic: National Day, Spring Festival, adjusted working days, unknown years."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core import workdays as wd
from xinyong.core.workdays import (
    CalendarDataError,
    WorkdayInputError,
    add_workdays,
    day_info,
    is_workday,
    load_calendar,
    parse_schedule,
    workdays_between,
)


# ------------------------------------------------------------------ National Day / Mid-Autumn
def test_national_day_2026_skips_the_golden_week_and_counts_the_adjusted_saturday() -> None:
    # 国庆节 2026-10-01..07 off; 2026-10-10 (Saturday) is a working day.
    assert add_workdays(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    assert add_workdays(date(2026, 9, 30), 3).date == date(2026, 10, 10)
    assert add_workdays(date(2026, 9, 30), 4).date == date(2026, 10, 12)
    assert not add_workdays(date(2026, 9, 30), 4).provisional


def test_national_day_2025_merged_with_mid_autumn_eight_days() -> None:
    # 2025-10-01..08 off; 2025-09-28 (Sunday) and 2025-10-11 (Saturday) are working days.
    assert is_workday(date(2025, 9, 28))
    assert not is_workday(date(2025, 10, 8))
    assert add_workdays(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    assert add_workdays(date(2025, 9, 30), 1).date == date(2025, 10, 9)
    assert add_workdays(date(2025, 9, 30), 3).date == date(2025, 10, 11)


def test_objection_window_ten_working_days_across_national_day() -> None:
    # 10 working days from 2026-09-28 (Mon): 9/29, 9/30, 10/8, 10/9, 10/10, 10/12..10/16
    assert add_workdays(date(2026, 9, 28), 10).date == date(2026, 10, 16)


# ------------------------------------------------------------------ Spring Festival
def test_spring_festival_2026_adjusted_saturdays_are_working_days() -> None:
    assert is_workday(date(2026, 2, 14))  # Saturday, 调休上班
    assert is_workday(date(2026, 2, 28))  # Saturday, 调休上班
    for offset in range(9):
        assert not is_workday(date(2026, 2, 15) + timedelta(days=offset))
    assert add_workdays(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 14), 1).date == date(2026, 2, 24)
    info = day_info(date(2026, 2, 14))
    assert info.label == "调休上班" and info.source == "schedule" and not info.provisional


def test_spring_festival_2025_adjusted_sunday() -> None:
    assert is_workday(date(2025, 1, 26))  # Sunday, 调休上班
    assert not is_workday(date(2025, 1, 28))  # 除夕
    assert add_workdays(date(2025, 1, 24), 1).date == date(2025, 1, 26)
    assert add_workdays(date(2025, 1, 27), 1).date == date(2025, 2, 5)
    assert day_info(date(2025, 1, 29)).label == "春节"


def test_ordinary_weekend_is_a_rest_day() -> None:
    assert not is_workday(date(2026, 3, 7))
    assert not is_workday(date(2026, 3, 8))
    assert add_workdays(date(2026, 3, 6), 1).date == date(2026, 3, 9)


def test_new_year_2026_sunday_worked() -> None:
    assert not is_workday(date(2026, 1, 2))
    assert is_workday(date(2026, 1, 4))  # Sunday, 调休上班
    assert add_workdays(date(2025, 12, 31), 1).date == date(2026, 1, 4)


# ------------------------------------------------------------------ unknown year
def test_year_without_schedule_is_computed_and_provisional() -> None:
    assert wd.is_provisional_year(2027)
    # 2027-01-01 is a Friday: fixed statutory holiday; 2/3 Jan weekend.
    r = add_workdays(date(2026, 12, 31), 1)
    assert r.date == date(2027, 1, 4)
    assert r.provisional and r.provisional_years == (2027,)
    info = day_info(date(2027, 1, 1))
    assert not info.workday and info.provisional and info.label == "元旦"
    # National Day 2027 fixed days: 10/1 Fri, weekend, 10/3 Sunday anyway.
    assert add_workdays(date(2027, 9, 30), 1).date == date(2027, 10, 4)


def test_deadline_that_stays_in_known_years_is_not_provisional() -> None:
    r = add_workdays(date(2026, 12, 1), 10)
    assert r.date == date(2026, 12, 15)
    assert not r.provisional


def test_years_covered_by_the_package_are_not_provisional() -> None:
    # chinesecalendar covers 2004..2026; 2024 has no yaml here.
    assert wd.year_source(2024) == "chinese_calendar"
    assert not day_info(date(2024, 10, 1)).provisional
    assert not is_workday(date(2024, 10, 1))
    assert is_workday(date(2024, 10, 12))  # Saturday, 调休上班 in 2024


def test_far_past_year_is_provisional_not_a_crash() -> None:
    assert wd.is_provisional_year(1999)
    assert not is_workday(date(1999, 10, 1))


# ------------------------------------------------------------------ data agrees with the package
@pytest.mark.parametrize("year", [2025, 2026])
def test_yaml_schedule_agrees_with_chinesecalendar(year: int) -> None:
    import chinese_calendar

    d = date(year, 1, 1)
    while d.year == year:
        assert day_info(d).source == "schedule"
        assert is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


# ------------------------------------------------------------------ n == 0 and bad input
def test_zero_returns_start_unchanged_and_not_provisional() -> None:
    assert add_workdays(date(2026, 10, 3), 0).date == date(2026, 10, 3)  # even a rest day
    assert not add_workdays(date(2027, 10, 3), 0).provisional


def test_negative_or_huge_n_refused_with_chinese_message() -> None:
    with pytest.raises(WorkdayInputError, match="负数"):
        add_workdays(date(2026, 1, 1), -1)
    with pytest.raises(WorkdayInputError, match="不能超过"):
        add_workdays(date(2026, 1, 1), wd.MAX_WORKDAYS + 1)


def test_between_counts_after_start_up_to_end() -> None:
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


# ------------------------------------------------------------------ properties
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=60))
def test_result_is_a_workday_after_start_and_between_inverts(start: date, n: int) -> None:
    r = add_workdays(start, n)
    assert r.date > start
    assert is_workday(r.date)
    assert workdays_between(start, r.date) == n
    first_counted = start + timedelta(days=1)
    crosses_unknown = any(wd.is_provisional_year(y) for y in range(first_counted.year, r.date.year + 1))
    assert r.provisional == crosses_unknown


@settings(max_examples=150, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=40), k=st.integers(min_value=0, max_value=40))
def test_monotonic_and_additive(start: date, n: int, k: int) -> None:
    a = add_workdays(start, n).date
    b = add_workdays(start, n + k).date
    assert a <= b
    if k > 0:
        assert a < b
    if n > 0:
        assert add_workdays(a, k).date == b


@settings(max_examples=100, deadline=None)
@given(a=DAYS, b=DAYS)
def test_later_start_never_gives_an_earlier_deadline(a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    assert add_workdays(lo, 10).date <= add_workdays(hi, 10).date


# ------------------------------------------------------------------ data validation
def _sched(**over: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "source": "https://example.invalid/notice",
        "holidays": {"元旦": ["2027-01-01"]},
        "working_days": [],
    }
    raw.update(over)
    return raw


def test_schedule_validation_refuses_bad_data() -> None:
    with pytest.raises(CalendarDataError, match="不是周六或周日"):
        parse_schedule(_sched(working_days=["2027-01-05"]), "2027.yaml")
    with pytest.raises(CalendarDataError, match="不在 2027 年"):
        parse_schedule(_sched(holidays={"元旦": ["2026-01-01"]}), "2027.yaml")
    with pytest.raises(CalendarDataError, match="文件名年份"):
        parse_schedule(_sched(), "2028.yaml")
    with pytest.raises(CalendarDataError, match="既是放假日又是调休上班日"):
        parse_schedule(_sched(holidays={"x": ["2027-01-02"]}, working_days=["2027-01-02"]), "2027.yaml")
    with pytest.raises(CalendarDataError, match="source"):
        parse_schedule(_sched(source=""), "2027.yaml")
    with pytest.raises(CalendarDataError, match="无效"):
        parse_schedule(_sched(holidays={"元旦": ["2027-02-30"]}), "2027.yaml")


def test_a_newly_published_year_is_a_pure_data_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dropping 2027.yaml into XINYONG_RULES_DIR makes 2027 exact (hypothetical dates for the test)."""
    folder = tmp_path / "national" / "holidays"
    folder.mkdir(parents=True)
    (folder / "2027.yaml").write_text(
        yaml.safe_dump(_sched(holidays={"元旦": ["2027-01-01", "2027-01-04"]}, working_days=["2027-01-09"]),
                       allow_unicode=True),
        encoding="utf-8",
    )
    from xinyong.core.config import reset_settings

    monkeypatch.setenv("XINYONG_RULES_DIR", str(tmp_path))
    reset_settings()
    wd.reset_calendar()
    try:
        assert 2027 in load_calendar().schedules
        r = add_workdays(date(2026, 12, 31), 1)
        assert r.date == date(2027, 1, 5) and not r.provisional
        assert is_workday(date(2027, 1, 9))
    finally:
        monkeypatch.delenv("XINYONG_RULES_DIR")
        reset_settings()
        wd.reset_calendar()
    assert add_workdays(date(2026, 12, 31), 1).provisional
