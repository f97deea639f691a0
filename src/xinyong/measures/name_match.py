"""The parts of a Chinese organisation name and a score that weighs them (pure, no I/O).

A registered name is read as 行政区划 + 字号 + 行业 + 组织形式 (+ 分支机构), e.g.
淮安市 | 正阳 | 物业管理 | 有限公司, or 江苏正阳物业管理有限公司 | 涟水分公司 for a branch. Two names
that share region, industry and form but not the 字号 are different organisations, so the 字号 carries
most of the weight: 淮安市涟水物业管理有限公司 against 淮安市正阳物业管理有限公司 scores ≈0.3, not 0.99.

- :func:`split_name` reads the parts (region names from GB/T 2260, :func:`xinyong.measures.names.region_names`;
  the industry words of :data:`INDUSTRY_WORDS`; the forms of :data:`xinyong.measures.names.ORG_SUFFIXES`).
  The industry words are read from the end first; the region prefix is then stripped from the front
  while at least two characters are left, so a region-like word just before the industry stays the
  字号 (淮安市涟水物业: 涟水 is a county's name used as a trade name).
- :func:`parts_score` compares two split names: 1.0 only for identical normalised names; otherwise at
  most 0.99, weighted by :data:`WEIGHTS`. Regions are compatible when one name's regions are contained
  in the other's (淮安 / 江苏省淮安市 / (淮安)), so a region written differently costs nothing, and a
  different region costs its weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from xinyong.measures.names import ORG_SUFFIXES, _region_set, normalise_name, strip_region_prefixes

#: weight of each part in :func:`parts_score` (sum 1)
WEIGHTS = {"trade": 0.62, "industry": 0.12, "region": 0.14, "form": 0.04, "branch": 0.08}
#: a non-identical name scores at most this (1.0 means: the normalised names are the same)
NEAR = 0.99

#: industry / business-line words that end a trade name (行业或经营特点), longest matched first; two may
#: follow each other (网络 + 科技)
INDUSTRY_WORDS: tuple[str, ...] = tuple(sorted({
    "物业管理", "物业服务", "物业", "建筑工程", "建设工程", "建筑安装", "安装工程", "建筑劳务", "工程", "建筑",
    "建设", "建工", "市政工程", "市政", "园林绿化", "园林", "绿化", "装饰工程", "装饰设计", "装饰", "装潢",
    "设计", "科技", "信息技术", "网络科技", "电子科技", "生物科技", "农业科技", "环保科技", "智能科技",
    "技术", "信息", "网络", "软件", "数据", "电子", "电器", "电气", "自动化", "通信", "贸易", "商贸", "商务",
    "实业", "投资管理", "投资", "资产管理", "房地产开发", "房地产", "置业", "地产", "餐饮管理", "餐饮",
    "酒店管理", "酒店", "文化传媒", "文化传播", "传媒", "文化", "广告", "管理咨询", "咨询", "企业管理", "管理",
    "物流", "运输", "汽车运输", "货运", "机械设备", "机械", "设备", "化工", "医药", "药业", "药房",
    "大药房", "医疗器械", "医疗", "食品", "农业", "农产品", "养殖", "种植", "能源", "新能源", "电力",
    "环保", "环境工程", "环境", "教育科技", "教育", "培训", "劳务", "人力资源", "家政服务", "家政", "保洁",
    "安防", "消防", "制造", "纺织", "服装", "服饰", "家具", "印刷", "包装", "塑料", "塑业", "钢结构", "钢铁",
    "材料", "建材", "新材料", "五金", "汽车销售", "汽车服务", "汽车", "商店", "超市", "旅游", "旅行社",
    "会计师", "律师", "资产评估", "评估", "检测", "监理", "工程监理", "造价咨询", "招标代理", "服务",
    "供应链", "电子商务", "进出口", "金属", "矿业", "水泥", "混凝土", "商品混凝土", "石材", "茶叶", "酒业",
    "粮油", "水产", "畜牧", "生物", "制药", "健康", "医院", "诊所", "学校", "幼儿园", "集团",
}, key=len, reverse=True))
#: suffixes of a branch (分支机构) after the parent's name
BRANCH_WORDS: tuple[str, ...] = ("分公司", "分店", "分厂", "分部", "营业部", "办事处", "分所", "支公司", "分行",
                                 "支行")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_LEVEL = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|省|市|区|县|盟|旗)$")
#: organisation forms that mean the same legal form (有限公司 = 有限责任公司, 公司法 第七条); the mixed
#: 股份有限责任公司 (no form of its own, see :data:`xinyong.measures.names.ORG_SUFFIXES`) is read as 股份有限公司
_FORM_FAMILY = {"有限责任公司": "有限公司", "股份公司": "股份有限公司", "股份有限责任公司": "股份有限公司"}


@dataclass(frozen=True, slots=True)
class NameParts:
    norm: str  #: :func:`xinyong.measures.names.normalise_name` of the whole name
    regions: tuple[str, ...]  #: region names found (prefix and bracketed), short forms
    trade: str  #: 字号
    industry: str  #: 行业 words
    form: str  #: 组织形式 (有限公司 …), family form
    branch: str  #: the branch part (涟水分公司), empty for a head office

    @property
    def core(self) -> str:
        """字号 + 行业: what the name index compares first."""
        return self.trade + self.industry


def _short(region: str) -> str:
    short = _LEVEL.sub("", region)
    return short if len(short) >= 2 else region


_INDUSTRY_SET = frozenset(INDUSTRY_WORDS)
_INDUSTRY_LENGTHS = tuple(sorted({len(w) for w in INDUSTRY_WORDS}, reverse=True))


def _industry_suffix(text: str) -> str:
    """The longest of :data:`INDUSTRY_WORDS` that ``text`` ends with, or ``""`` (a set lookup per
    word length instead of an ``endswith`` per word)."""
    for size in _INDUSTRY_LENGTHS:
        if size <= len(text) and text[-size:] in _INDUSTRY_SET:
            return text[-size:]
    return ""


def _strip_industry(text: str) -> tuple[str, str]:
    industry = ""
    for _ in range(2):
        word = _industry_suffix(text)
        if not word:
            break
        text, industry = text[: -len(word)], word + industry
    return text, industry


def _split_branch(text: str) -> tuple[str, str]:
    for word in BRANCH_WORDS:
        if text.endswith(word):
            head = text[: -len(word)]
            cut = max((head.rfind(s) + len(s) for s in ORG_SUFFIXES if s in head), default=-1)
            if 0 < cut < len(head) + 1:
                return head[:cut], head[cut:] + word
            return head, word
    return text, ""


@lru_cache(maxsize=65_536)
def split_name(name: str) -> NameParts:
    """The parts of an organisation name (see the module docstring)."""
    norm = normalise_name(name)
    regions_found: list[str] = []
    region_set = _region_set()
    text, branch = _split_branch(norm)

    def bracket(m: re.Match[str]) -> str:
        inner = m.group(1)
        if inner in region_set:
            regions_found.append(_short(inner))
            return ""
        return inner

    text = _BRACKETED.sub(bracket, text)
    form = ""
    for suffix in ORG_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text, form = text[: -len(suffix)], suffix
            break
    text, industry = _strip_industry(text)
    prefix, text = strip_region_prefixes(text)
    trade = text
    if not trade:
        trade, industry = industry, ""
    regions = tuple(dict.fromkeys([_short(r) for r in prefix] + regions_found))
    return NameParts(norm=norm, regions=regions, trade=trade, industry=industry,
                     form=_FORM_FAMILY.get(form, form), branch=branch)


def _ratio(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b)) / 100.0


def _regions_agree(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 1.0  # a name written without its region is not a different organisation
    sa, sb = set(a), set(b)
    if sa <= sb or sb <= sa:
        return 1.0
    return 0.5 if sa & sb else 0.0


def parts_score(q: NameParts, c: NameParts) -> float:
    """Similarity in 0–1: 1.0 for identical normalised names, at most :data:`NEAR` otherwise."""
    if q.norm == c.norm:
        return 1.0
    trade = _ratio(q.trade, c.trade)
    industry = 1.0 if q.industry == c.industry else (
        0.6 if not q.industry or not c.industry else _ratio(q.industry, c.industry))
    form = 1.0 if (q.form == c.form or not q.form or not c.form) else 0.5
    branch = 1.0 if q.branch == c.branch else (0.3 if not q.branch or not c.branch else _ratio(q.branch, c.branch))
    total = (WEIGHTS["trade"] * trade + WEIGHTS["industry"] * industry
             + WEIGHTS["region"] * _regions_agree(q.regions, c.regions) + WEIGHTS["form"] * form
             + WEIGHTS["branch"] * branch)
    return round(min(NEAR, total * NEAR), 4)


def name_score(query: str, candidate: str) -> float:
    """:func:`parts_score` of two names as typed."""
    return parts_score(split_name(query), split_name(candidate))
