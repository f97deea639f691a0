"""Chinese organisation-name normalisation and fuzzy matching for screening by name.

An implementing unit types a name as it appears on a bid or an application; the registered name may
differ in region prefix (江苏省淮安市…, 淮安…), organisation-form suffix (有限公司 / 有限责任公司 /
股份有限公司 …), brackets (（淮安）/ (淮安)), full-width characters and spacing. :func:`core_name`
reduces a name to its distinctive part; :func:`match_score` compares two names in 0–1 with
rapidfuzz. Region names come from the GB/T 2260 table shipped with python-stdnum (the same table
as :mod:`xinyong.core.regions`). Traditional characters are folded to simplified ones with zhconv
(正陽物業 → 正阳物业), so a name typed in either script normalises to the same text.

The weighing of the parts of a name (字号 over region prefix and industry/form suffix) is in
:mod:`xinyong.measures.name_match`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xinyong.core.text import to_halfwidth

#: organisation-form suffixes, longest first (a suffix is removed once, at the end of the name).
#: 股份有限责任公司 is no form of 公司法 but is often written for 股份有限公司 on bids and forms: without it
#: the 股份 of such a query stays in the 字号 and the company it means is not found
ORG_SUFFIXES: tuple[str, ...] = tuple(sorted((
    "股份有限责任公司", "股份有限公司", "有限责任公司", "有限公司", "股份公司",
    "股份合作公司", "有限合伙企业", "普通合伙企业", "合伙企业", "个人独资企业", "有限合伙", "普通合伙",
    "农民专业合作社", "专业合作社", "合作社", "总公司", "公司", "事务所", "个体工商户",
), key=len, reverse=True))
_BRACKETS = re.compile(r"[(\[【〔{<《]([^)\]】〕}>》]*)[)\]】〕}>》]")
_NOISE = re.compile(r"[\s\u3000·.,，、'\"“”‘’\-—–_/\\:：;；!！?？*&＆]+")
_YEARS = re.compile(r"^\[[0-9]*-[0-9]*\]")
_LEVEL_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                   "地区", "省", "市", "区", "县", "盟", "旗")


@lru_cache(maxsize=1)
def region_names() -> tuple[str, ...]:
    """Every GB/T 2260 division name and its short form (淮安市 → 淮安), longest first."""
    from stdnum import numdb

    names: set[str] = set()

    def walk(nodes: list[tuple[int, str, str, dict[str, str], list]]) -> None:
        for _length, _lo, _hi, props, children in nodes:
            for value in props.values():
                for part in str(value).split(","):
                    name = _YEARS.sub("", part).strip()
                    if not name or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                        continue
                    names.add(name)
                    for suffix in _LEVEL_SUFFIXES:
                        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                            names.add(name[: -len(suffix)])
                            break
            walk(children)

    walk(numdb.get("cn/loc").prefixes)
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _region_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in region_names()}, reverse=True))


def region_prefix(text: str) -> str:
    """The longest division name (or short form) that ``text`` starts with, or ``""``.

    One set lookup per distinct name length (fifteen) rather than a regular expression alternating
    over thousands of names, which cost ≈10 µs a call: a screening by name splits every candidate
    it rescores."""
    names = _region_set()
    for size in _region_lengths():
        if size <= len(text) and text[:size] in names:
            return text[:size]
    return ""


def strip_region_prefixes(text: str) -> tuple[list[str], str]:
    """The division names at the front of ``text`` (江苏省淮安市清江浦区…), nested up to four deep and
    stripped while at least two characters remain, and what is left: ``(names, rest)``."""
    found: list[str] = []
    for _ in range(4):
        prefix = region_prefix(text)
        if not prefix or len(text) - len(prefix) < 2:
            break
        found.append(prefix)
        text = text[len(prefix):]
    return found, text


@lru_cache(maxsize=1)
def _region_set() -> frozenset[str]:
    return frozenset(region_names())


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (zhconv's zh-cn table; other text is left as it is)."""
    # imported on first use: zhconv loads its table through pkg_resources (a tenth of a second), which a
    # command that never reads a name (a file of codes screened) need not wait for
    import zhconv

    return str(zhconv.convert(text, "zh-cn"))


def normalise_name(name: str) -> str:
    """Full-width → half-width, traditional → simplified, lower-case Latin, no spaces or punctuation,
    one kind of bracket, no empty brackets."""
    text = to_simplified(to_halfwidth(name)).lower()
    text = text.replace("（", "(").replace("）", ")")
    return _NOISE.sub("", text).replace("()", "")


def core_name(name: str) -> str:
    """The distinctive part of an organisation name: without region prefixes, organisation-form
    suffix and bracketed region names (其他括号内容保留，去掉括号)."""
    text = normalise_name(name)
    regions = _region_set()

    def bracket(m: re.Match[str]) -> str:
        inner = m.group(1)
        return "" if inner in regions or not inner else inner

    text = _BRACKETS.sub(bracket, text)
    for suffix in ORG_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    _regions, text = strip_region_prefixes(text)
    return text or normalise_name(name)


def match_score(query: str, candidate: str) -> float:
    """Similarity 0–1 of two organisation names (1.0 when their normalised forms are identical; the
    字号 weighed over region and suffix, :func:`xinyong.measures.name_match.name_score`)."""
    from xinyong.measures.name_match import name_score

    return name_score(query, candidate)
