"""Recall and precision of screening by name on the labelled hard cases (data/name_cases.json, made by
data/make_name_cases.py), and the exact-name property: every subject bearing the query's normalised
name is returned, whatever the limit."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.measures.name_index import TRADE_FLOOR, NameIndex, _bigrams
from xinyong.measures.name_match import parts_score, split_name

CASES = json.loads((Path(__file__).parent / "data" / "name_cases.json").read_text(encoding="utf-8"))
#: a hit at or above this is shown as a sure match; precision counts those that are not expected
STRONG = 0.9
RECALL_FLOOR = 0.98
PRECISION_FLOOR = 0.9


def _index() -> NameIndex:
    index = NameIndex()
    for o in CASES["organisations"]:
        parts = split_name(o["name"])
        index.add(str(o["id"]), parts.norm, parts.core)
        for former in o["former"]:
            fp = split_name(former)
            index.add(str(o["id"]), fp.norm, fp.core, former=True)
    return index


def measure(limit: int = 10, cutoff: float = 0.6) -> dict[str, Any]:
    index = _index()
    found_all = strong = strong_right = 0
    misses: Counter[str] = Counter()
    for q in CASES["queries"]:
        hits = index.search(q["query"], limit, cutoff)
        got = {h.subject_key for h in hits}
        expected = {str(e) for e in q["expected"]}
        if expected <= got:
            found_all += 1
        else:
            misses[q["kind"]] += 1
        for h in hits:
            if h.score >= STRONG:
                strong += 1
                strong_right += h.subject_key in expected
    n = len(CASES["queries"])
    return {"queries": n, "recall": found_all / n, "precision": strong_right / strong if strong else 1.0,
            "misses": dict(misses)}


def test_the_labelled_set_is_large_and_covers_every_hard_case() -> None:
    kinds = Counter(q["kind"] for q in CASES["queries"])
    assert len(CASES["queries"]) >= 200
    assert set(kinds) >= {"same_name", "one_char", "region_prefix", "branch", "traditional", "full_width",
                          "former_name", "decoy", "county_trade"}


def test_recall_and_precision_floors() -> None:
    result = measure()
    assert result["recall"] >= RECALL_FLOOR, result
    assert result["precision"] >= PRECISION_FLOOR, result


def test_a_same_region_same_industry_other_trade_name_is_never_a_sure_match() -> None:
    index = _index()
    for q in CASES["queries"]:
        if not q["expected"]:  # decoys and county-name 字号 nobody bears
            assert all(h.score < STRONG for h in index.search(q["query"], 10, 0.6)), q


_NAME = st.text(alphabet="正阳华鑫瑞通宏达兴盛物业管理科技商贸淮安市有限公司（）() 　ＡＢab", min_size=2, max_size=16)


@settings(max_examples=150, deadline=None)
@given(name=_NAME, copies=st.integers(min_value=2, max_value=6), others=st.lists(_NAME, max_size=20),
       limit=st.integers(min_value=1, max_value=5))
def test_every_subject_with_the_same_normalised_name_is_returned(name: str, copies: int, others: list[str],
                                                                 limit: int) -> None:
    index = NameIndex()
    same = split_name(name)
    wanted = set()
    for i, other in enumerate(others):
        parts = split_name(other)
        index.add(f"o{i}", parts.norm, parts.core)
        if parts.norm == same.norm:
            wanted.add(f"o{i}")
    for i in range(copies):
        index.add(f"s{i}", same.norm, same.core)
        wanted.add(f"s{i}")
    if not same.norm:
        return
    hits = index.search(name, limit, 0.6)
    assert wanted <= {h.subject_key for h in hits}
    assert all(h.exact for h in hits if h.subject_key in wanted)


if __name__ == "__main__":  # the figures recorded in bench/README.md
    print(measure())


_TRADE_CHARS = "华信达丰瑞恒通泰安盛鑫源德隆宏远新光明利嘉和祥昌"


@settings(max_examples=300, deadline=None)
@given(q_trade=st.text(_TRADE_CHARS, min_size=2, max_size=4), c_trade=st.text(_TRADE_CHARS, min_size=2, max_size=4),
       industry=st.sampled_from(["科技", "商贸", "物业管理", ""]), other=st.sampled_from(["科技", "商贸", "物流", ""]),
       region=st.sampled_from(["淮安市", "江苏省淮安市", "南京市", ""]))
def test_a_name_sharing_no_character_of_the_trade_name_stays_below_the_floor(
        q_trade: str, c_trade: str, industry: str, other: str, region: str) -> None:
    """What the fallback relies on: a 字号 sharing no character with the query's scores at most
    TRADE_FLOOR, whatever region, industry and form agree."""
    q, c = split_name(f"淮安市{q_trade}{industry}有限公司"), split_name(f"{region}{c_trade}{other}有限公司")
    if set(q.trade) & set(c.trade):
        return
    assert parts_score(q, c) <= TRADE_FLOOR


def test_the_fallback_finds_a_near_name_sharing_no_bigram() -> None:
    """华信科技 against 华达科技: no shared 字号 bigram, and 科技 is shared by more names than the
    candidate step keeps; the character fallback still finds it, as comparing every name did."""
    index = NameIndex()
    index.CANDIDATES = 5  # what a million names does to a common bigram, at the scale of a test
    for i in range(40):
        parts = split_name(f"淮安市{_TRADE_CHARS[i % 20]}{_TRADE_CHARS[(i + 7) % 20]}科技有限公司")
        if not set(parts.trade) & set("华信"):  # the others share 科技 with the query, not its 字号
            index.add(f"o{i}", parts.norm, parts.core)
    target = split_name("淮安市华达科技有限公司")
    index.add("target", target.norm, target.core)
    hits = index.search("淮安市华信科技有限公司", 10, 0.6)
    assert "target" in {h.subject_key for h in hits}


def _reference_candidates(index: NameIndex, grams: set[str], limit: int) -> list[int]:
    """Most shared grams first, then index order: counted the plain way."""
    shared = {}
    for g in grams:
        for pos in index.postings.get(g, ()):
            shared[pos] = shared.get(pos, 0) + 1
    return sorted(shared, key=lambda p: (-shared[p], p))[:limit]


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.text(_TRADE_CHARS + "科技商贸", min_size=1, max_size=6), min_size=1, max_size=60),
       query=st.text(_TRADE_CHARS + "科技商贸", min_size=1, max_size=6), limit=st.integers(min_value=1, max_value=20))
def test_candidates_are_the_names_sharing_most_bigrams(names: list[str], query: str, limit: int) -> None:
    """The counters reused across queries count exactly, and are left at zero for the next query."""
    index = NameIndex()
    index.CANDIDATES = limit
    for i, core in enumerate(names):
        index.add(f"o{i}", core, core)
    for _ in range(2):  # twice: the second count starts from the counters the first one used
        assert index.candidates(query) == _reference_candidates(index, _bigrams(query), limit)
