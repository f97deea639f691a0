"""The registry of legal bases the clause analysis matches against.

Four data sources, all shipped as YAML (DESIGN.md principle 1):

- ``rules/national/legal_bases.yaml`` — the table of laws, regulations and central policy documents
  (taken from ../shared/reference/ and the seeds; unverified entries carry ``basis_verified: false``);
- the public credit information catalog (:func:`xinyong.catalog.loader.catalogs`) — whether a kind
  of information may be brought into credit records (国办发〔2020〕49号 §（一） 目录制管理);
- the serious dishonest list types (``rules/national/list_types/*.yaml``, owned by listing);
- the punishment measure list (``rules/national/measures/*.yaml``, owned by measures).

The last two are read directly and tolerated when absent or shaped differently: a file that cannot
be understood contributes nothing. :func:`registry` builds the plain-data :class:`Registry` that the
pure rules in :mod:`xinyong.ledger.rules` take as an argument; :func:`find_bases` (pure) matches one
clause against it — cited by name, restated, or on the subject it names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from xinyong.core import yaml_text
from xinyong.ledger.clauses import compact

RULES_ROOT = Path(__file__).resolve().parent.parent / "rules"
LEGAL_BASES_FILE = RULES_ROOT / "national" / "legal_bases.yaml"


class BasisError(ValueError):
    """legal_bases.yaml does not validate (message in Chinese, names the entry)."""


class Question(StrEnum):
    credit_information = "credit_information"  # 信用信息纳入、共享、公开
    blacklist = "blacklist"  # “黑名单”认定
    punishment = "punishment"  # 失信惩戒措施


QUESTION_NAMES = {
    Question.credit_information: "信用信息纳入共享公开",
    Question.blacklist: "“黑名单”认定",
    Question.punishment: "失信惩戒措施",
}

LEVELS = {
    "law": "法律",
    "administrative_regulation": "行政法规",
    "central_policy": "党中央、国务院政策文件",
    "judicial_interpretation": "司法解释",
    "departmental_rule": "部门规章",
    "local_regulation": "地方性法规",
    "local_rule": "地方政府规章",
    "normative_document": "规范性文件",
}

#: 大高信办字〔2021〕1号 附件 注1: 国家层面依据 = 法律、行政法规或者党中央、国务院政策文件.
NATIONAL_LEVELS = frozenset({"law", "administrative_regulation", "central_policy"})


def counts_as_national(level: str, question: Question) -> bool:
    """Whether a provision of ``level`` is a national basis for ``question``.

    Judicial interpretations count for the court's own list and measures (they interpret 民事诉讼法);
    departmental rules only for a list standard — 国办发〔2020〕49号 §（七）: 暂不具备条件的可由该领域
    主管（监管）部门以部门规章形式确定.
    """
    if level in NATIONAL_LEVELS or level == "judicial_interpretation":
        return True
    return level == "departmental_rule" and question is Question.blacklist


@dataclass(frozen=True, slots=True)
class Basis:
    id: str
    title: str
    level: str
    covers: frozenset[Question]
    basis_verified: bool
    origin: str  # legal_bases | catalog | list_types | measures
    aliases: tuple[str, ...] = ()
    doc_number: str | None = None
    article: str | None = None
    text: str | None = None
    topics: tuple[tuple[str, ...], ...] = ()
    citation_only: bool = False
    restates: bool = False
    region: str | None = None
    note: str | None = None
    source: str = ""

    @property
    def is_local(self) -> bool:
        return self.level == "local_regulation"

    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)

    def cite(self, *, with_text: bool = True) -> str:
        out = self.title if self.title.startswith("《") else f"《{self.title}》"
        if self.doc_number:
            out += f"（{self.doc_number}）"
        if self.article:
            out += self.article
        if with_text and self.text:
            out += f"：{self.text}"
        if not self.basis_verified:
            out += "（依据待核实）"
        return out


@dataclass(frozen=True, slots=True)
class PersonMeasure:
    """A measure of the measure list that restricts travel, consumption or exit, with the list types
    that lawfully carry it (``rules/national/measures/*.yaml``: ``matters``, ``reaches``, ``triggers``).

    ``list_keys`` are the list names without their trailing 名单/名录 (“失信被执行人”), as local documents
    name the subjects on them."""

    code: str
    name: str
    list_names: tuple[str, ...]
    list_keys: tuple[str, ...]
    reaches_persons: bool  # legal representatives / responsible persons are within its reach
    basis: str
    basis_title: str = ""
    basis_level: str = ""
    basis_verified: bool = False


@dataclass(frozen=True)
class Registry:
    """Everything the clause analysis knows about legal bases, as plain data."""

    bases: tuple[Basis, ...]
    serious_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    minor_matters: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    #: travel, consumption and exit restrictions of the measure list and the lists that carry them
    person_measures: tuple[PersonMeasure, ...] = ()

    def covering(self, question: Question) -> Iterable[Basis]:
        return (b for b in self.bases if question in b.covers)


# --- legal_bases.yaml --------------------------------------------------------------------------


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BasisError(f"{where}: 必须是非空字符串列表")
    return tuple(value)


def parse_legal_bases(raw: Any) -> tuple[tuple[Basis, ...], dict[str, tuple[str, ...]],
                                        dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Validate legal_bases.yaml: (bases, catalog_terms, serious_fields, minor_matters)."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("bases"), list):
        raise BasisError("legal_bases.yaml: 须包含 bases 列表")
    bases: list[Basis] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["bases"]):
        where = f"legal_bases.yaml bases[{i}]"
        if not isinstance(entry, Mapping):
            raise BasisError(f"{where}: 必须是映射")
        bid = entry.get("id")
        if not isinstance(bid, str) or not bid or bid in seen:
            raise BasisError(f"{where}: id 缺失或重复")
        seen.add(bid)
        where = f"legal_bases.yaml {bid}"
        title = entry.get("title")
        if not isinstance(title, str) or not title:
            raise BasisError(f"{where}: 缺少 title")
        level = entry.get("level")
        if level not in LEVELS:
            raise BasisError(f"{where}: 层级“{level}”无效")
        verified = entry.get("basis_verified")
        if not isinstance(verified, bool):
            raise BasisError(f"{where}: 必须注明 basis_verified（true 或 false）")
        try:
            covers = frozenset(Question(c) for c in _str_list(entry.get("covers"), where))
        except ValueError:
            raise BasisError(f"{where}: covers 只能是 credit_information、blacklist、punishment") from None
        topics_raw = entry.get("topics") or []
        if not isinstance(topics_raw, list):
            raise BasisError(f"{where}: topics 必须是关键词组列表")
        topics = tuple(_str_list(g, f"{where} topics") for g in topics_raw)
        citation_only = bool(entry.get("citation_only", False))
        restates = bool(entry.get("restates", False))
        if restates and not entry.get("text"):
            raise BasisError(f"{where}: restates 依据必须有原文 text")
        if not topics and not citation_only and not restates:
            raise BasisError(f"{where}: 没有 topics 的依据必须标明 citation_only 或 restates")
        if not entry.get("source"):
            raise BasisError(f"{where}: 必须注明来源 source")
        bases.append(Basis(
            id=bid, title=title, level=level, covers=covers, basis_verified=verified,
            origin="legal_bases", aliases=_str_list(entry.get("aliases"), where),
            doc_number=entry.get("doc_number"), article=entry.get("article"), text=entry.get("text"),
            topics=topics, citation_only=citation_only, restates=restates, region=entry.get("region"),
            note=entry.get("note"), source=str(entry["source"]),
        ))
    terms_raw = raw.get("catalog_terms") or {}
    if not isinstance(terms_raw, Mapping):
        raise BasisError("legal_bases.yaml: catalog_terms 必须是映射")
    catalog_terms = {str(k): _str_list(v, f"catalog_terms {k}") for k, v in terms_raw.items()}
    fields_raw = raw.get("serious_fields") or {}
    if not isinstance(fields_raw, Mapping):
        raise BasisError("legal_bases.yaml: serious_fields 必须是映射")
    serious = {str(k): _str_list(v, f"serious_fields {k}") for k, v in fields_raw.items()}
    minor = _str_list(raw.get("minor_matters"), "minor_matters")
    return tuple(bases), catalog_terms, serious, minor


@lru_cache(maxsize=1)
def _legal_bases() -> tuple[tuple[Basis, ...], dict[str, tuple[str, ...]],
                            dict[str, tuple[str, ...]], tuple[str, ...]]:
    return parse_legal_bases(yaml_text.safe_load(LEGAL_BASES_FILE.read_text(encoding="utf-8")))


# --- catalog -----------------------------------------------------------------------------------


def catalog_bases(on: dt.date, terms: Mapping[str, tuple[str, ...]]) -> list[Basis]:
    """One basis per catalog item in force on ``on`` that has words naming it."""
    from xinyong.catalog.loader import catalogs

    out: list[Basis] = []
    for version in catalogs().in_force(on, None):
        if not version.is_national:
            continue
        for item in version.items:
            words = terms.get(item.code)
            if not words:
                continue
            best = next((b for b in item.basis if b.basis_verified), item.basis[0])
            level = best.level.value
            out.append(Basis(
                id=f"catalog:{version.catalog_id}:{version.edition}:{item.code}",
                title=f"《{version.title}》“{item.name}”",
                level=level if level in LEVELS else "central_policy",
                covers=frozenset({Question.credit_information}),
                basis_verified=item.basis_verified,
                origin="catalog",
                text=f"纳入依据{best.cite()}",
                topics=(tuple(words),),
                source=version.origin or version.catalog_id,
            ))
    return out


# --- list types and measures (other capabilities' YAML, read directly) -------------------------


def _yaml_entries(folder: Path) -> list[tuple[str, Mapping[str, Any]]]:
    out: list[tuple[str, Mapping[str, Any]]] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.y*ml")):
        try:
            raw = yaml_text.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        items: list[Any]
        if isinstance(raw, list):
            items = raw
        elif isinstance(raw, Mapping):
            nested = next((raw[k] for k in ("list_types", "measures", "items", "entries")
                           if isinstance(raw.get(k), list)), None)
            items = nested if nested is not None else [raw]
        else:
            continue
        out.extend((path.name, i) for i in items if isinstance(i, Mapping))
    return out


def _basis_candidates(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = entry.get("basis", entry.get("legal_basis", entry.get("bases")))
    if isinstance(raw, Mapping):
        return [raw]
    if isinstance(raw, list):
        return [b for b in raw if isinstance(b, Mapping)]
    standard = entry.get("standard")
    if isinstance(standard, Mapping):
        return [standard]
    return []


def _best_basis(entry: Mapping[str, Any]) -> tuple[str, str, str | None, bool] | None:
    """(title, level, article, verified) of an entry's best basis, whatever its shape; None if none."""
    candidates = _basis_candidates(entry)
    if not candidates:
        return None
    candidates.sort(key=lambda b: (str(b.get("level")) not in NATIONAL_LEVELS, not b.get("basis_verified", True)))
    b = candidates[0]
    title = b.get("title") or b.get("name")
    if not isinstance(title, str) or not title:
        return None
    level = str(b.get("level") or "")
    if level not in LEVELS:
        return None  # a basis of unknown level is never counted
    verified = b.get("basis_verified")
    if not isinstance(verified, bool):
        verified = entry.get("status", "active") == "active"
    article = b.get("article") if isinstance(b.get("article"), str) else None
    return title, level, article, verified


def _main_name(name: str) -> str:
    """“政府采购严重违法失信行为记录名单（不良行为记录名单）” → the name before the parenthesis."""
    return re.split(r"[（(]", name, maxsplit=1)[0].strip()


def capability_bases(root: Path = RULES_ROOT) -> list[Basis]:
    """List types (→ blacklist, credit information) and measures (→ punishment) as bases.

    A list type matches a clause that names it (its main name, never a generic part such as
    “不良行为记录名单” that a local scheme may reuse). A measure matches only together with the list
    types that trigger it: the same restriction without its legal trigger (限制参加政府采购 for a
    jaywalker) has no basis.
    """
    out: list[Basis] = []
    list_names: dict[str, str] = {}
    for fname, entry in _yaml_entries(root / "national" / "list_types"):
        name = entry.get("name")
        if not isinstance(name, str) or len(_main_name(name)) < 6:
            continue
        lid = str(entry.get("id") or name)
        list_names[lid] = _main_name(name)
        best = _best_basis(entry)
        if best is None:
            continue
        title, level, article, verified = best
        out.append(Basis(
            id=f"list_types:{lid}", title=title, level=level,
            covers=frozenset({Question.blacklist, Question.credit_information}),
            basis_verified=verified and entry.get("status", "active") == "active", origin="list_types",
            article=article, text=f"设列{name}", topics=((_main_name(name),),),
            source=f"rules/national/list_types/{fname}",
        ))
    for fname, entry in _yaml_entries(root / "national" / "measures"):
        name = entry.get("name")
        best = _best_basis(entry)
        triggers = entry.get("triggers")
        if not isinstance(name, str) or best is None or not isinstance(triggers, Mapping):
            continue
        ids = triggers.get("list_types")
        names = tuple(list_names[i] for i in ids if i in list_names) if isinstance(ids, list) else ()
        if not names:
            continue
        title, level, article, verified = best
        out.append(Basis(
            id=f"measures:{entry.get('code') or name}", title=title, level=level,
            covers=frozenset({Question.punishment}), basis_verified=verified, origin="measures",
            article=article, text=name, topics=(names,), source=f"rules/national/measures/{fname}",
        ))
    return out


#: matters of the measure list that restrict a person's movement or consumption (出行、乘坐飞机/高铁、高消费、出境)
PERSON_MATTERS = frozenset({"high_consumption", "transport", "exit"})
PERSON_REACHES = frozenset({"legal_representative", "responsible_person"})


def _list_key(name: str) -> str:
    return re.sub(r"(名单|名录|数据库)$", "", _main_name(name))


def person_measures(root: Path = RULES_ROOT) -> list[PersonMeasure]:
    """The measures of the measure list on travel, consumption or exit, with the list types that trigger them.

    国办发〔2020〕49号 §（九）（十）: such a measure is lawful only where a law, a regulation or a central
    policy document provides it — in the measure list, only for subjects on the list types named here.
    """
    lists: dict[str, str] = {}
    for _, entry in _yaml_entries(root / "national" / "list_types"):
        name = entry.get("name")
        if isinstance(name, str) and entry.get("id"):
            lists[str(entry["id"])] = name
    out: list[PersonMeasure] = []
    for _, entry in _yaml_entries(root / "national" / "measures"):
        matters = entry.get("matters")
        name = entry.get("name")
        triggers = entry.get("triggers")
        if not isinstance(name, str) or not isinstance(matters, list) or not PERSON_MATTERS & set(map(str, matters)):
            continue
        ids = triggers.get("list_types") if isinstance(triggers, Mapping) else None
        names = tuple(lists[i] for i in ids if i in lists) if isinstance(ids, list) else ()
        if not names:
            continue
        best = _best_basis(entry)
        basis = basis_title = basis_level = ""
        basis_verified = False
        if best is not None:
            basis_title, basis_level, _, basis_verified = best
            title, _, article, verified = best
            basis = f"《{title}》{article or ''}" + ("" if verified else "（依据待核实）")
        reaches = entry.get("reaches")
        out.append(PersonMeasure(
            code=str(entry.get("code") or name), name=name, list_names=names,
            list_keys=tuple(_list_key(n) for n in names),
            reaches_persons=isinstance(reaches, list) and bool(PERSON_REACHES & set(map(str, reaches))),
            basis=basis, basis_title=basis_title, basis_level=basis_level, basis_verified=basis_verified,
        ))
    return out


@lru_cache(maxsize=1)
def _shipped_capability_bases() -> tuple[Basis, ...]:
    return tuple(capability_bases())


@lru_cache(maxsize=1)
def _shipped_person_measures() -> tuple[PersonMeasure, ...]:
    return tuple(person_measures())


def registry(on: dt.date) -> Registry:
    """The registry of legal bases as it stands on ``on`` (catalog editions depend on the date)."""
    bases, terms, serious, minor = _legal_bases()
    all_bases = [*bases, *catalog_bases(on, terms), *_shipped_capability_bases()]
    sources = tuple(sorted({b.origin for b in all_bases}))
    return Registry(tuple(all_bases), serious, minor, sources, _shipped_person_measures())


# --- matching a clause against the registry -----------------------------------------------------

_CITED = re.compile(r"《([^《》]{2,60})》")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[（(]\d{4}[〕\]）)]\d+号")
_LOCAL_PREFIX = re.compile(r"^[\u4e00-\u9fa5]{2,8}(省|市|自治区|自治州|县|区)")


def cited_titles(text: str) -> list[str]:
    return [m.group(1) for m in _CITED.finditer(compact(text))]


def _normalise_title(s: str) -> str:
    s = compact(s).strip("《》")
    return s.removeprefix("中华人民共和国")


def _basis_cited(b: Basis, titles: Iterable[str], raw: str) -> bool:
    names = {_normalise_title(n) for n in b.names()}
    if any(_normalise_title(t) in names for t in titles):
        return True
    return bool(b.doc_number and "〔" in b.doc_number and b.doc_number in raw)


RESTATEMENT_THRESHOLD = 68.0


SENTENCE_RESTATEMENT_THRESHOLD = 80.0


def _restates(b: Basis, clause: str) -> bool:
    """The clause reproduces the basis's own wording (a local document restating a central policy):
    the clause as a whole aligns with the text, or one whole sentence of the text recurs in the clause."""
    if not b.text or len(clause) < 15:
        return False
    text = compact(b.text)
    if fuzz.partial_ratio(clause, text) >= RESTATEMENT_THRESHOLD:
        return True
    sentences = [x for x in re.split(r"[。；]", text) if len(x) >= 12]
    return any(len(x) <= len(clause) and fuzz.partial_ratio(x, clause) >= SENTENCE_RESTATEMENT_THRESHOLD
               for x in sentences)


_GENERIC_BIGRAMS = frozenset({"失信", "信用", "名单", "惩戒", "依法", "予以", "限制", "不得", "列入", "措施", "方面", "有关", "相关"})


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1) if s[i].isalnum() and s[i + 1].isalnum()} - _GENERIC_BIGRAMS


def _names_measure(b: Basis, clause: str) -> bool:
    """The clause imposes (roughly) the measure the basis describes, not just any restriction."""
    wanted = _bigrams(compact(b.text or ""))
    if not wanted:
        return False
    return len(wanted & _bigrams(clause)) / len(wanted) >= 0.3


def _topic_hit(b: Basis, text: str) -> bool:
    return bool(b.topics) and all(any(k in text for k in group) for group in b.topics)


@dataclass(frozen=True)
class BasisMatch:
    question: Question
    basis: Basis | None  # None: a cited document not in the registry
    national: bool
    local: bool
    verified: bool
    label: str


def _unregistered(title: str) -> BasisMatch | None:
    """A cited law or regulation the registry does not hold: a candidate, unverified."""
    t = _normalise_title(title)
    if re.search(r"(办法|通知|意见|方案|规定|细则|决定)$", t) and not t.endswith("条例"):
        return None
    if not re.search(r"(法|条例)$", t):
        return None
    local = bool(_LOCAL_PREFIX.match(t)) and t.endswith("条例")
    label = f"《{title}》（文件引用，依据登记簿未收录，条款待核实）"
    return BasisMatch(Question.credit_information, None, national=not local, local=local, verified=False,
                      label=label)


def find_bases(question: Question, clause: str, *, title: str, context: str, document_citations: list[str],
               registry: Registry, info_scope: str | None = None) -> list[BasisMatch]:
    """Registry entries that support ``question`` for this clause: cited by name or matching its subject.

    ``info_scope``: the part of the clause that names the information being recorded (up to the
    recording phrase); catalog items are matched there only, not in what the clause does afterwards.
    """
    t = compact(clause)
    topic_text = t + compact(context) + compact(title)
    clause_titles = cited_titles(clause)
    titles = clause_titles + document_citations
    out: list[BasisMatch] = []
    seen_keys: set[tuple[str, str]] = set()
    for b in registry.covering(question):
        hit = _basis_cited(b, titles, t) and not b.restates
        if b.restates:
            hit = _restates(b, t)
        elif b.origin == "measures":
            hit = _topic_hit(b, topic_text) and _names_measure(b, t)
        elif not hit and not b.citation_only:
            text = (info_scope if info_scope is not None else t) if b.origin == "catalog" else topic_text
            hit = _topic_hit(b, text)
        if not hit:
            continue
        key = (_normalise_title(re.sub(r"[（(]\d{4}[）)]$", "", b.title)), compact(b.article or ""))
        if key in seen_keys:
            continue
        seen_keys.add(key)
        out.append(BasisMatch(question, b, counts_as_national(b.level, question), b.is_local, b.basis_verified,
                              b.cite()))
    if not out:
        for cited in clause_titles:
            m = _unregistered(cited)
            if m is not None and not any(_basis_cited(b, [cited], "") for b in registry.bases):
                out.append(BasisMatch(question, None, m.national, m.local, False, m.label))
    return out
