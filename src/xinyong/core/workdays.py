"""Working days (工作日) in China's calendar: weekends, statutory holidays and adjusted working days.

Deadlines in the credit procedures are counted in working days, e.g. the 10 working days an
authority has to answer an objection (淮政办发〔2021〕13号 §四(一)). Which days are working days is
decided once a year by the State Council General Office notice on holiday arrangements.

Sources, in order of precedence for a given year:

1. ``rules/national/holidays/<year>.yaml`` (and the same folder under ``XINYONG_RULES_DIR``): the
   notice transcribed as data, validated at load. Adding a newly published year is a pure data change.
2. the ``chinesecalendar`` package (it raises ``NotImplementedError`` outside its range; caught).
3. otherwise the year is *unknown*: weekends plus the fixed-date statutory holidays of
   ``rules/national/holidays/fixed.yaml`` (元旦 1 January, 劳动节 1–2 May, 国庆节 1–3 October). The
   lunar holidays and the adjusted working days cannot be derived without the notice, so every
   answer touching such a year is marked ``provisional``.

Conventions:

- ``add_workdays(start, n)``: the start day is not counted; the result is the n-th working day after
  ``start``. ``n == 0`` returns ``start`` unchanged (even when it is a rest day) and is never
  provisional, because no day was counted. ``n < 0`` is refused.
- ``workdays_between(a, b)``: the number of working days ``d`` with ``a < d <= b`` (negative when
  ``b < a``), so ``workdays_between(s, add_workdays(s, n).date) == n`` for every ``n >= 0``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from xinyong.core import yaml_text
from xinyong.core.errors import ValidationFailed

HOLIDAYS_SUBDIR = Path("national") / "holidays"
SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"
MAX_WORKDAYS = 10_000  # about forty years; anything longer is a typing error, not a deadline
_YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
_WEEKEND = (5, 6)


class CalendarDataError(ValidationFailed):
    """A holiday schedule file is malformed or inconsistent."""

    def __init__(self, message: str) -> None:
        super().__init__("calendar.invalid_data", message)


class WorkdayInputError(ValidationFailed):
    """Bad input for a working-day computation."""

    def __init__(self, message: str) -> None:
        super().__init__("workdays.invalid_input", message)


@dataclass(frozen=True)
class HolidaySchedule:
    """One year's State Council holiday notice, as data."""

    year: int
    notice: str
    source: str
    doc_no: str | None
    doc_no_verified: bool
    issued: date | None
    holidays: dict[date, str]
    working_days: frozenset[date]


@dataclass(frozen=True)
class FixedHoliday:
    month: int
    day: int
    name: str
    verified: bool


@dataclass(frozen=True)
class DayInfo:
    """What one calendar day is, and how sure we are."""

    day: date
    workday: bool
    provisional: bool
    #: "schedule" (our data), "chinese_calendar" (the package) or "provisional" (weekends + fixed)
    source: str
    #: holiday name, or "调休上班" for an adjusted working day, or None for an ordinary day
    label: str | None = None


@dataclass(frozen=True)
class WorkdayResult:
    """The answer of ``add_workdays``: the date and whether an unknown year was crossed."""

    date: date
    provisional: bool
    provisional_years: tuple[int, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.date.isoformat()} provisional" if self.provisional else self.date.isoformat()


# ---------------------------------------------------------------------------------------- loading
def _as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarDataError(f"{where}：日期“{value}”无效，应为 YYYY-MM-DD")


def parse_schedule(raw: Any, name: str) -> HolidaySchedule:
    """Validate one ``<year>.yaml`` mapping; raise ``CalendarDataError`` with a Chinese message."""
    if not isinstance(raw, dict):
        raise CalendarDataError(f"{name}：文件内容必须是一个映射")
    year = raw.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 9998:
        raise CalendarDataError(f"{name}：缺少或无效的年份 year")
    m = _YEAR_FILE.match(name)
    if m and int(m.group(1)) != year:
        raise CalendarDataError(f"{name}：文件名年份与 year: {year} 不一致")
    notice = raw.get("notice")
    source = raw.get("source")
    if not isinstance(notice, str) or not notice.strip():
        raise CalendarDataError(f"{name}：缺少通知名称 notice")
    if not isinstance(source, str) or not source.strip():
        raise CalendarDataError(f"{name}：缺少来源 source")
    doc_no = raw.get("doc_no")
    if doc_no is not None and not isinstance(doc_no, str):
        raise CalendarDataError(f"{name}：文号 doc_no 必须是文本或 null")
    issued = raw.get("issued")
    issued_d = _as_date(issued, f"{name} issued") if issued is not None else None
    holidays_raw = raw.get("holidays")
    if not isinstance(holidays_raw, dict) or not holidays_raw:
        raise CalendarDataError(f"{name}：缺少放假安排 holidays")
    holidays: dict[date, str] = {}
    for label, days in holidays_raw.items():
        if not isinstance(label, str) or not label.strip():
            raise CalendarDataError(f"{name}：节日名称不能为空")
        if not isinstance(days, list) or not days:
            raise CalendarDataError(f"{name}：{label} 的放假日期必须是非空列表")
        for v in days:
            d = _as_date(v, f"{name} {label}")
            if d.year != year:
                raise CalendarDataError(f"{name}：{label} 的日期 {d} 不在 {year} 年")
            if d in holidays:
                raise CalendarDataError(f"{name}：日期 {d} 重复出现在放假安排中")
            holidays[d] = label
    wd_raw = raw.get("working_days", [])
    if not isinstance(wd_raw, list):
        raise CalendarDataError(f"{name}：调休上班日 working_days 必须是列表")
    working: set[date] = set()
    for v in wd_raw:
        d = _as_date(v, f"{name} working_days")
        if d.year != year:
            raise CalendarDataError(f"{name}：调休上班日 {d} 不在 {year} 年")
        if d.weekday() not in _WEEKEND:
            raise CalendarDataError(f"{name}：调休上班日 {d} 不是周六或周日")
        if d in holidays:
            raise CalendarDataError(f"{name}：日期 {d} 既是放假日又是调休上班日")
        working.add(d)
    return HolidaySchedule(
        year=year,
        notice=notice.strip(),
        source=source.strip(),
        doc_no=doc_no,
        doc_no_verified=bool(raw.get("doc_no_verified", False)),
        issued=issued_d,
        holidays=holidays,
        working_days=frozenset(working),
    )


def parse_fixed(raw: Any, name: str = "fixed.yaml") -> tuple[FixedHoliday, ...]:
    if not isinstance(raw, dict) or not isinstance(raw.get("days"), list) or not raw["days"]:
        raise CalendarDataError(f"{name}：缺少固定日期法定节假日列表 days")
    out: list[FixedHoliday] = []
    for item in raw["days"]:
        if not isinstance(item, dict):
            raise CalendarDataError(f"{name}：每一项必须是映射")
        month, day, label = item.get("month"), item.get("day"), item.get("name")
        if not isinstance(month, int) or not isinstance(day, int) or not isinstance(label, str):
            raise CalendarDataError(f"{name}：每一项需要 month、day、name")
        try:
            date(2000, month, day)  # leap year: accepts every real month/day
        except ValueError:
            raise CalendarDataError(f"{name}：{month}月{day}日 不是有效日期") from None
        out.append(FixedHoliday(month, day, label, bool(item.get("verified", False))))
    return tuple(out)


def _roots() -> list[Path]:
    from xinyong.core.config import get_settings

    roots = [SHIPPED_RULES]
    extra = get_settings().rules_dir
    if extra:
        roots.append(Path(extra))
    return roots


def _read_yaml(path: Path) -> Any:
    try:
        return yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CalendarDataError(f"{path.name}：YAML 格式错误：{exc}") from None


@dataclass(frozen=True)
class Calendar:
    """Holiday schedules and fixed holidays, loaded and validated once."""

    schedules: dict[int, HolidaySchedule]
    fixed: tuple[FixedHoliday, ...]

    def known_years(self) -> list[int]:
        return sorted(self.schedules)


def load_calendar(roots: list[Path] | None = None) -> Calendar:
    """Load every ``<year>.yaml``; a later root (XINYONG_RULES_DIR) replaces a year of an earlier one."""
    schedules: dict[int, HolidaySchedule] = {}
    fixed: tuple[FixedHoliday, ...] = ()
    for root in roots or _roots():
        folder = root / HOLIDAYS_SUBDIR
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if _YEAR_FILE.match(path.name):
                sched = parse_schedule(_read_yaml(path), path.name)
                schedules[sched.year] = sched
            elif path.name in ("fixed.yaml", "fixed.yml"):
                fixed = parse_fixed(_read_yaml(path), path.name)
    if not fixed:
        raise CalendarDataError("缺少固定日期法定节假日数据 national/holidays/fixed.yaml")
    return Calendar(schedules, fixed)


@lru_cache(maxsize=1)
def calendar() -> Calendar:
    return load_calendar()


def reset_calendar() -> None:
    """Forget the loaded data (tests, or after adding a year at run time)."""
    calendar.cache_clear()
    _year_table.cache_clear()


# ---------------------------------------------------------------------------------------- queries
def _package_day(d: date) -> DayInfo | None:
    """Ask chinese_calendar; None when it has no data for that year."""
    import chinese_calendar

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workday = chinese_calendar.is_workday(d)
            is_holiday, holiday_name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return None
    label: str | None = None
    if workday and d.weekday() in _WEEKEND:
        label = "调休上班"
    elif is_holiday and holiday_name:
        label = str(holiday_name)
    return DayInfo(d, bool(workday), False, "chinese_calendar", label)


@lru_cache(maxsize=256)
def _year_table(year: int) -> tuple[str, dict[date, DayInfo]]:
    """Every day of ``year`` classified; the source says which tier answered."""
    cal = calendar()
    days: dict[date, DayInfo] = {}
    first, last = date(year, 1, 1), date(year, 12, 31)
    n = (last - first).days + 1
    sched = cal.schedules.get(year)
    if sched is not None:
        for i in range(n):
            d = first + timedelta(days=i)
            if d in sched.holidays:
                days[d] = DayInfo(d, False, False, "schedule", sched.holidays[d])
            elif d in sched.working_days:
                days[d] = DayInfo(d, True, False, "schedule", "调休上班")
            else:
                days[d] = DayInfo(d, d.weekday() not in _WEEKEND, False, "schedule", None)
        return "schedule", days
    probe = _package_day(first)
    if probe is not None:
        for i in range(n):
            d = first + timedelta(days=i)
            info = _package_day(d)
            assert info is not None
            days[d] = info
        return "chinese_calendar", days
    fixed = {(f.month, f.day): f.name for f in cal.fixed}
    for i in range(n):
        d = first + timedelta(days=i)
        name = fixed.get((d.month, d.day))
        if name is not None:
            days[d] = DayInfo(d, False, True, "provisional", name)
        else:
            days[d] = DayInfo(d, d.weekday() not in _WEEKEND, True, "provisional", None)
    return "provisional", days


def day_info(d: date) -> DayInfo:
    """Classify one day, with provenance and the provisional flag."""
    return _year_table(d.year)[1][d]


def is_workday(d: date) -> bool:
    """True when ``d`` is a working day (use ``day_info`` to know whether the answer is provisional)."""
    return day_info(d).workday


def is_provisional_year(year: int) -> bool:
    """True when no published schedule for ``year`` is known (weekends + fixed holidays only)."""
    return _year_table(year)[0] == "provisional"


def year_source(year: int) -> str:
    return _year_table(year)[0]


def _step(d: date, delta: int) -> date:
    try:
        return d + timedelta(days=delta)
    except OverflowError:
        raise WorkdayInputError("日期超出可计算范围") from None


def add_workdays(start: date, n: int) -> WorkdayResult:
    """The n-th working day after ``start`` (start not counted). See the module docstring for n == 0."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise WorkdayInputError("工作日天数必须是整数")
    if n < 0:
        raise WorkdayInputError("工作日天数不能为负数")
    if n > MAX_WORKDAYS:
        raise WorkdayInputError(f"工作日天数不能超过 {MAX_WORKDAYS}")
    if n == 0:
        return WorkdayResult(start, False, ())
    d = start
    count = 0
    unknown: set[int] = set()
    while count < n:
        d = _step(d, 1)
        if d.year > 9998:
            raise WorkdayInputError("日期超出可计算范围")
        info = day_info(d)
        if info.provisional:
            unknown.add(d.year)
        if info.workday:
            count += 1
    return WorkdayResult(d, bool(unknown), tuple(sorted(unknown)))


def workdays_between(a: date, b: date) -> int:
    """Working days ``d`` with ``a < d <= b``; negative when ``b < a``."""
    if b < a:
        return -workdays_between(b, a)
    count = 0
    d = a
    while d < b:
        d = d + timedelta(days=1)
        if day_info(d).workday:
            count += 1
    return count


def workdays_between_detail(a: date, b: date) -> tuple[int, bool]:
    """Like ``workdays_between``, plus whether any counted span lies in an unknown year."""
    lo, hi = (a, b) if a <= b else (b, a)
    provisional = any(is_provisional_year(y) for y in range(lo.year, hi.year + 1)) if lo < hi else False
    return workdays_between(a, b), provisional
