from __future__ import annotations

import datetime as dt

from xinyong.core.audit.review import (
    Seen,
    detect,
    flag_many_subjects,
    flag_no_case,
    flag_off_hours,
    in_office_hours,
)

CST = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.date(2026, 11, 23)


def weekdays(d: dt.date) -> bool:
    return d.weekday() < 5


def read(i: int, at: dt.datetime, *, pid: int = 1, subject: str | None = None, role: str = "implementing_unit",
         detail: dict | None = None, allowed: bool = True, action: str = "credit_file.read") -> Seen:
    return Seen(i, i, at.astimezone(dt.UTC), pid, f"单位{pid}", role, action, "joint_punishment",
                subject if subject is not None else f"s{i}", allowed, detail if detail is not None else {"case_id": "C1"})


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CST)


def test_office_hours_in_china_time() -> None:
    assert in_office_hours(at(8, 30), weekdays)
    assert in_office_hours(at(17, 59), weekdays)
    assert not in_office_hours(at(18, 0), weekdays)
    assert not in_office_hours(at(8, 29), weekdays)
    assert not in_office_hours(at(10, 0, MONDAY - dt.timedelta(days=1)), weekdays)  # Sunday
    # 00:30 UTC is 08:30 in Beijing
    assert in_office_hours(dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC), weekdays)


def test_many_subjects_in_a_short_window() -> None:
    burst = [read(i, at(10, 0) + dt.timedelta(seconds=20 * i)) for i in range(25)]  # 25 subjects in 8 min
    flags = flag_many_subjects(burst, threshold=20, window_minutes=10)
    assert len(flags) == 1
    assert flags[0].subjects == 25 and len(flags[0].entry_ids) == 25
    slow = [read(i, at(9, 0) + dt.timedelta(minutes=20 * i)) for i in range(25)]  # spread over 8 hours
    assert flag_many_subjects(slow, threshold=20, window_minutes=10) == []
    same = [read(i, at(10, 0) + dt.timedelta(seconds=i), subject="one") for i in range(50)]  # one subject
    assert flag_many_subjects(same, threshold=20, window_minutes=10) == []


def test_off_hours_reads_are_grouped_per_principal_and_day() -> None:
    entries = [read(1, at(22, 15)), read(2, at(23, 0)), read(3, at(11, 0)), read(4, at(3, 0), pid=2)]
    flags = flag_off_hours(entries, weekdays)
    assert sorted((f.principal_id, f.entry_ids) for f in flags) == [(1, [1, 2]), (2, [4])]
    # the public and subjects reading their own data are not officials
    assert flag_off_hours([read(5, at(23, 0), role="public")], weekdays) == []


def test_reads_without_a_case() -> None:
    entries = [read(1, at(10, 0), detail={}), read(2, at(10, 5), detail={"case_id": "JC-2026-7"}),
               read(3, at(10, 6), detail={"listing_id": 4}), read(4, at(10, 7), detail={"case_id": None})]
    flags = flag_no_case(entries)
    assert len(flags) == 1 and flags[0].entry_ids == [1, 4]
    # denied reads and reads that name no subject are not flagged
    assert flag_no_case([read(5, at(10, 0), detail={}, allowed=False)]) == []
    assert flag_no_case([read(6, at(10, 0), subject="", detail={})]) == []


def test_writes_are_not_reads() -> None:
    entries = [read(i, at(23, 0), detail={}, action="record.write") for i in range(3)]
    assert detect(entries, is_workday=weekdays) == []
