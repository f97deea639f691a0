"""救济途径 data: the shipped file loads, a broken one is refused, and the text names body and time limits."""

from __future__ import annotations

from typing import Any

import pytest

from xinyong.core.remedies import load_remedies, parse_remedies, remedy_paragraphs, review_body
from xinyong.core.rulefiles import RULES_ROOT, RuleError, read_rule_file

SHIPPED = RULES_ROOT / "national" / "remedies" / "remedies.yaml"


def _raw() -> dict[str, Any]:
    raw = read_rule_file(SHIPPED)
    assert isinstance(raw, dict)
    return raw


def test_shipped_remedies_load_and_flag_what_is_unverified() -> None:
    law = load_remedies([RULES_ROOT])
    assert law.review_days == 60 and law.litigation_months == 6 and law.court_review_days == 10
    assert [u.split("：")[0] for u in law.unverified()] == ["行政复议期限", "行政复议机关", "行政诉讼期限"]


@pytest.mark.parametrize(("path", "value", "message"), [
    (("administrative", "review", "days"), 0, "正整数"),
    (("administrative", "review", "basis_verified"), "yes", "basis_verified"),
    (("administrative", "litigation", "law"), "", "法律名称"),
    (("administrative", "review_body", "upper_authority_markers"), [], "名称列表"),
    (("court", "review", "body"), "", "复议机关"),
])
def test_a_broken_file_is_refused(path: tuple[str, ...], value: Any, message: str) -> None:
    raw = _raw()
    node = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(RuleError, match=message):
        parse_remedies(raw, "remedies.yaml")


def test_the_review_body_follows_the_authority() -> None:
    law = parse_remedies(_raw(), "remedies.yaml")
    assert review_body("淮安市市场监督管理局", "320800", law) == ("江苏省淮安市人民政府", "第二十四条")
    assert review_body("国家税务总局淮安市税务局", "320800", law)[0] == "国家税务总局淮安市税务局的上一级主管部门"
    assert review_body("国家市场监督管理总局", "100000", law) == ("国家市场监督管理总局", "第二十五条")
    [text] = remedy_paragraphs("淮安市清江浦区人民法院", "320812", law)
    assert "10日内向上一级人民法院申请复议" in text and "行政复议" not in text
