"""Pure rules of agency supervision: which reports are refused, which deadlines are overdue, the data."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.agencies import rules
from xinyong.agencies.loader import load_time_limits
from xinyong.core.rulefiles import RULES_ROOT, RuleError

D = dt.date


def test_a_suspended_agency_report_is_refused_with_its_reason_in_chinese() -> None:
    q = [rules.Qualification("信用评级", D(2020, 1, 1), None)]
    why = rules.report_refusal("甲信用公司", "suspended", "出具虚假报告", q, D(2026, 11, 1))
    assert why == "信用服务机构“甲信用公司”已被暂停：出具虚假报告，其出具的信用报告不予采用"
    assert rules.report_refusal("甲信用公司", "active", None, q, D(2026, 11, 1)) is None


def test_a_report_issued_outside_every_qualification_is_refused() -> None:
    q = [rules.Qualification("信用评级", D(2020, 1, 1), D(2025, 12, 31))]
    why = rules.report_refusal("乙公司", "active", None, q, D(2026, 1, 1))
    assert why is not None and "2026-01-01" in why and "没有有效资质" in why
    assert rules.report_refusal("乙公司", "active", None, q, D(2025, 12, 31)) is None
    # an agency registered before qualifications were kept is judged on its status only
    assert rules.report_refusal("丙公司", "active", None, [], D(2026, 1, 1)) is None


@given(st.dates(), st.integers(min_value=0, max_value=400), st.one_of(st.none(), st.integers(0, 400)))
def test_qualification_in_force_exactly_within_its_dates(start: dt.date, probe: int, length: int | None) -> None:
    end = None if length is None else start + dt.timedelta(days=length)
    try:
        day = start + dt.timedelta(days=probe - 200)
    except OverflowError:
        return
    inside = day >= start and (end is None or day <= end)
    assert rules.qualification_in_force(rules.Qualification("x", start, end), day) is inside


@given(st.sampled_from(list(rules.RequestStatus)), st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
       st.integers(0, 30), st.integers(-40, 40))
def test_overdue_names_the_deadline_that_passed(status: rules.RequestStatus, answer: dt.date, gap: int,
                                                 offset: int) -> None:
    facts = rules.RequestFacts(status.value, answer, answer + dt.timedelta(days=gap))
    today = answer + dt.timedelta(days=offset)
    kind = rules.overdue_kind(facts, today)
    if status is rules.RequestStatus.closed:
        assert kind is None
    elif status is rules.RequestStatus.awaiting_agency and today > answer:
        assert kind == "agency"
    elif today > facts.supervision_deadline:
        assert kind == "office"
    else:
        assert kind is None


def test_suspension_needs_a_reason_and_a_change() -> None:
    assert rules.suspension_denial("active", suspend=True, reason=" ") == "暂停信用服务机构须写明理由"
    assert rules.suspension_denial("suspended", suspend=True, reason="x") == "该信用服务机构已处于暂停状态"
    assert rules.suspension_denial("active", suspend=False, reason="") == "该信用服务机构未被暂停，无需恢复"
    assert rules.suspension_denial("suspended", suspend=False, reason="") is None


def test_shipped_time_limits_are_data_marked_unverified() -> None:
    limits = load_time_limits([RULES_ROOT])
    assert limits.agency_answer_workdays == 10 and limits.office_supervision_workdays == 10
    assert limits.basis_verified is False and "及时" in limits.note


@pytest.mark.parametrize("raw, message", [
    ({}, "须有 time_limits"),
    ({"time_limits": {"agency_answer_workdays": 0, "office_supervision_workdays": 5, "basis": [{}]}},
     "agency_answer_workdays"),
    ({"time_limits": {"agency_answer_workdays": 5, "office_supervision_workdays": True, "basis": [{}]}},
     "office_supervision_workdays"),
    ({"time_limits": {"agency_answer_workdays": 5, "office_supervision_workdays": 5}}, "basis"),
])
def test_bad_time_limits_do_not_load(raw: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rules.parse_time_limits(raw, "time_limits.yaml")
