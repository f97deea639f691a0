"""Chinese organisation-name normalisation for screening by name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.measures.names import core_name, match_score, normalise_name


@pytest.mark.parametrize("name", [
    "江苏省淮安市清江浦区示例商贸有限公司",
    "淮安示例商贸有限责任公司",
    "示例商贸（淮安）股份有限公司",
    "示例商贸(淮安)有限公司",
    "  示例 商贸 有限公司 ",
    "ＳＨＩＬＩ示例商贸有限公司".replace("ＳＨＩＬＩ", ""),
])
def test_region_prefix_suffix_brackets_and_spacing_are_removed(name: str) -> None:
    assert core_name(name) == "示例商贸"


def test_full_width_latin_and_digits_are_folded() -> None:
    assert normalise_name("ＡＢＣ１２３科技（北京）有限公司") == "abc123科技(北京)有限公司"
    assert core_name("ＡＢＣ１２３科技（北京）有限公司") == "abc123科技"


def test_non_region_bracket_content_is_kept_and_short_names_survive() -> None:
    assert core_name("示例（集团）有限公司") == "示例集团"
    assert core_name("和县") == "和县"  # never stripped down to nothing


def test_scores() -> None:
    assert match_score("示例商贸有限公司", "示例商贸有限公司") == 1.0
    assert match_score("江苏省淮安市示例商贸有限公司", "示例商贸（淮安）有限责任公司") == 0.99
    close = match_score("示例商贸有限公司", "示例商务有限公司")
    far = match_score("示例商贸有限公司", "远方重工机械有限公司")
    assert 0.6 < close < 0.99 and far < 0.3
    # the 字号 decides: same region, industry and form but another 字号 is far
    assert match_score("淮安市正阳物业管理有限公司", "淮安市涟水物业管理有限公司") < 0.5


def test_name_index_prefilter_and_full_scan_fallback() -> None:
    from xinyong.measures.name_index import NameIndex
    from xinyong.measures.name_match import split_name

    index = NameIndex()
    for i, name in enumerate(["示例商贸有限公司", "示例商务有限公司", "远方重工有限公司", "abc有限公司"]):
        parts = split_name(name)
        index.add(f"k{i}", parts.norm, parts.core)
    assert [h.subject_key for h in index.search("示例商贸有限公司", 5, 0.6)] == ["k0", "k1"]
    # "acb" shares no bigram with "abc" but is similar enough: found by the fallback scan
    assert [h.subject_key for h in index.search("acb有限公司", 5, 0.6)] == ["k3"]
    assert index.search("完全不同", 5, 0.6) == []


def test_every_exact_name_is_returned_whatever_the_limit() -> None:
    from xinyong.measures.name_index import NameIndex
    from xinyong.measures.name_match import split_name

    index = NameIndex()
    for i, name in enumerate(["淮安市正阳物业管理有限公司", "淮安市涟水物业管理有限公司", "淮安市正陽物業管理有限公司",
                              "淮安市正阳物业管理有限公司"]):
        parts = split_name(name)
        index.add(f"k{i}", parts.norm, parts.core)
    hits = index.search("淮安市正阳物业管理有限公司", 1, 0.6)
    assert sorted(h.subject_key for h in hits) == ["k0", "k2", "k3"]
    assert all(h.exact for h in hits)


def test_traditional_characters_fold_to_simplified() -> None:
    assert normalise_name("淮安市正陽物業管理有限公司") == normalise_name("淮安市正阳物业管理有限公司")


@pytest.mark.parametrize(("query", "registered"), [
    ("北京市朝阳区新华商贸股份有限责任公司", "北京市朝阳区新华商贸股份有限公司"),
    ("深圳市源富建筑劳务股份有限责任公司", "深圳市源富建筑劳务股份有限公司"),
    ("海恒信息技术股份有限责任公司北京分公司", "海恒信息技术股份有限公司北京分公司"),
])
def test_the_mixed_form_written_for_a_joint_stock_company_finds_it(query: str, registered: str) -> None:
    """股份有限责任公司 is written for 股份有限公司: read as that form, the rest of the name parses alike."""
    from xinyong.measures.name_index import NameIndex
    from xinyong.measures.name_match import split_name

    q, r = split_name(query), split_name(registered)
    assert (q.regions, q.trade, q.industry, q.form, q.branch) == (r.regions, r.trade, r.industry, r.form, r.branch)
    if not r.branch:
        assert core_name(query) == core_name(registered)
    index = NameIndex()
    for i, name in enumerate([registered, "北京市朝阳区远方重工股份有限公司"]):
        parts = split_name(name)
        index.add(f"k{i}", parts.norm, parts.core)
    hits = index.search(query, 5, 0.6)
    assert [h.subject_key for h in hits][:1] == ["k0"] and 0.9 <= hits[0].score < 1.0


def _texts() -> st.SearchStrategy[str]:
    """Texts made of division names, industry words and other characters, in any order."""
    from xinyong.measures.name_match import INDUSTRY_WORDS
    from xinyong.measures.names import region_names

    piece = st.one_of(st.sampled_from(region_names()), st.sampled_from(INDUSTRY_WORDS),
                      st.text(alphabet="淮安正阳物业省市区县新华商贸abc", max_size=3))
    return st.lists(piece, max_size=5).map("".join)


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_region_prefix_is_the_longest_division_name_the_text_starts_with(text: str) -> None:
    from xinyong.measures.names import region_names, region_prefix

    longest = next((n for n in region_names() if text.startswith(n)), "")  # region_names: longest first
    assert region_prefix(text) == longest


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_industry_suffix_is_the_longest_industry_word_the_text_ends_with(text: str) -> None:
    from xinyong.measures.name_match import INDUSTRY_WORDS, _industry_suffix

    assert _industry_suffix(text) == next((w for w in INDUSTRY_WORDS if text.endswith(w)), "")
