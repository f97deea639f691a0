"""Pure parts of the statistics: period, rates, medians, buckets, anonymising, charts, the evaluator's policy."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.errors import ValidationFailed
from xinyong.core.policy import ALLOWED, Role, is_allowed
from xinyong.statistics import charts, rules


def test_period_defaults_to_the_year_so_far_and_refuses_nonsense() -> None:
    p = rules.period(None, None, dt.date(2026, 11, 25))
    assert (p.start, p.end) == (dt.date(2026, 1, 1), dt.date(2026, 11, 25))
    assert p.months()[0] == "2026-01" and p.months()[-1] == "2026-11" and len(p.months()) == 11
    assert rules.Period(dt.date(2025, 12, 5), dt.date(2026, 2, 1)).months() == ["2025-12", "2026-01", "2026-02"]
    with pytest.raises(ValidationFailed):
        rules.period(dt.date(2026, 5, 1), dt.date(2026, 4, 1), dt.date(2026, 11, 25))
    with pytest.raises(ValidationFailed):
        rules.period(dt.date(2000, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 11, 25))


def test_rate_and_child_levels() -> None:
    assert rules.rate(2, 3) == 66.7 and rules.rate(0, 0) is None and rules.rate(5, 5) == 100.0
    assert [rules.child_level(r) for r in (None, "100000", "320000", "320800", "320812")] == [2, 2, 4, 6, 6]


@given(st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=60))
def test_median_matches_the_definition(values: list[int]) -> None:
    s = sorted(values)
    m = rules.median(s)
    assert m is not None
    assert sum(v < m for v in s) <= len(s) / 2 and sum(v > m for v in s) <= len(s) / 2


@given(st.integers(min_value=0, max_value=20000))
def test_every_duration_falls_in_exactly_one_bucket(days: int) -> None:
    label = rules.bucket_of(days)
    assert label in [b for _u, b in rules.DURATION_BUCKETS]
    assert (label == "不满6个月") == (days < 183)


def test_anonymise_removes_names_codes_and_ids() -> None:
    text = "张三丰（身份证320812198506150012，手机13912345678）系淮安市某某商贸有限公司91320812MA1XXXXX7K的法定代表人"
    out = rules.anonymise(text, names=["张三丰"], codes=["320812198506150012"], person=True)
    assert "张三丰" not in out and "320812198506150012" not in out and "13912345678" not in out
    assert "91320812MA1XXXXX7K" not in out and out.startswith("张**")
    org = rules.anonymise("淮安市某某商贸有限公司被列入名单", names=["淮安市某某商贸有限公司"], codes=[], person=False)
    assert org == "某单位被列入名单"


def test_charts_are_valid_svg_with_escaped_labels() -> None:
    svg = charts.bars([("2026-01", 3), ("<b>", 0)], title="每月记录 & 处罚", y_label="件数")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "<b>" not in svg and "&lt;b&gt;" in svg
    assert len([e for e in root.iter() if e.tag.endswith("rect")]) == 2
    rates = charts.rate_bars([("按期率", 95.0), ("无数据的", None), ("低", 10.0)], title="按期率")
    ET.fromstring(rates)
    assert 'class="bar good"' in rates and 'class="bar bad"' in rates and "无数据" in rates
    assert "style=" not in svg + rates and "<script" not in svg + rates


def test_the_evaluator_reads_statistics_and_nothing_else() -> None:
    mine = {action for action, roles in ALLOWED.items() if Role.evaluator in roles}
    assert mine == {"statistics.read", "statistics.rows", "statistics.typical.read", "statistics.typical.public_read"}
    assert not is_allowed("evaluator", "statistics.typical.mark") and not is_allowed("evaluator", "record.read")
