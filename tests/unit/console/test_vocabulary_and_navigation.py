"""The console's words and navigation: every action named in Chinese, one time format, one navigation
row per role without repeats."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.composition import assemble
from xinyong.console import navigation
from xinyong.core import vocabulary
from xinyong.core.access import Actor
from xinyong.core.policy import ALLOWED, Role, is_allowed
from xinyong.web.templating import bjtime, zh

CJK_START, CJK_END = "\u4e00", "\u9fff"


def _chinese(text: str) -> bool:
    return any(CJK_START <= ch <= CJK_END for ch in text)


def test_every_action_of_the_policy_has_a_chinese_name() -> None:
    missing = [a for a in ALLOWED if a not in vocabulary.ACTION_NAMES_ZH]
    assert not missing
    assert all(_chinese(n) for n in vocabulary.ACTION_NAMES_ZH.values())


def test_the_zh_filter_names_codes_of_every_registered_kind() -> None:
    assemble()
    assert zh("measures.case_read") == "查看联合惩戒案件"
    assert zh("console.login") == "登录控制台"
    assert zh("repaired_shielded", "record_status") == "已修复（屏蔽）"
    assert zh("credit_office") == "信用办"
    assert zh("administration", "purpose") == "行政管理"
    assert zh("migrant-wage-arrears", "list_type") == "拖欠农民工工资失信联合惩戒对象名单"
    assert zh("淮安市市场监督管理局") == "淮安市市场监督管理局"  # not a code: shown as it is
    assert zh(None) == ""
    for kind, table in vocabulary.kinds().items():
        untranslated = [code for code, name in table.items() if not _chinese(name)]
        assert not untranslated, (kind, untranslated)


def test_bjtime_is_one_format_in_beijing_time() -> None:
    assert bjtime(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)) == "2026-11-25 10:00"
    assert bjtime(dt.datetime(2026, 11, 25, 2, 0)) == "2026-11-25 10:00"  # naive values are UTC (storage)
    assert bjtime("2026-11-25T02:00:00+00:00") == "2026-11-25 10:00"
    assert bjtime("2026-11-25T18:30:00Z") == "2026-11-26 02:30"
    assert bjtime(dt.date(2026, 11, 25)) == "2026-11-25"
    assert bjtime("2026-11-25") == "2026-11-25"
    assert bjtime(None) == "" and bjtime("长期") == "长期"


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_bjtime_is_eight_hours_ahead_of_utc(moment: dt.datetime) -> None:
    shown = dt.datetime.strptime(bjtime(moment), "%Y-%m-%d %H:%M")
    assert shown == (moment + dt.timedelta(hours=8)).replace(second=0, microsecond=0)


def _actor(role: Role) -> Actor:
    return Actor(id=1, name="测试", role=role, department="淮安市市场监督管理局", region_code="320800")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.public])
def test_one_navigation_per_role_without_repeats(role: Role) -> None:
    view = navigation.view(_actor(role), "/console")
    urls = [i.url for i in view.top]
    assert urls[0] == "/console" and len(urls) == len(set(urls))
    assert all(i.action is None or is_allowed(role, i.action) for i in view.top)
    assert len(view.top) <= 10  # one row at 1280 px (the browser walk measures it)


def test_navigation_entries_are_known_actions_and_sections_exist() -> None:
    tops = {i.url for i in navigation.NAVIGATION if i.parent is None}
    for item in navigation.NAVIGATION:
        assert item.action is None or item.action in ALLOWED, item
        assert item.parent is None or item.parent in tops, item
    pairs = [(i.url, i.parent) for i in navigation.NAVIGATION]
    assert len(pairs) == len(set(pairs))


def test_a_page_shows_its_section() -> None:
    view = navigation.view(_actor(Role.determining_department), "/console/listing/deadlines")
    assert view.current == "/console/listing/deadlines"
    assert [i.label for i in view.section][:3] == ["认定案件", "提出列入", "到期事项"]
    assert navigation.view(_actor(Role.implementing_unit), "/console/listing").top[0].url == "/console"
    assert navigation.view(None, "/console").top == []
