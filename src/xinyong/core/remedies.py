"""救济途径 of a decision: the review body and the time limits, as printed on decision documents.

国办发〔2020〕49号 §（八）: a decision document states its 救济措施. Rules on lists say only that the party
may 依法申请行政复议或者提起行政诉讼 (市场监督管理总局令第44号 第二十三条); who reviews and within what time
come from 行政复议法 and 行政诉讼法, carried as data in ``rules/national/remedies/remedies.yaml`` with their
verification flags. A people's court's decision (失信被执行人名单) is reviewed by the court's own 复议
(法释〔2017〕7号 第十二条), never by 行政复议.

Pure: the text is built from the authority's name and region code; nothing reads the clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from xinyong.core.regions import NATIONAL_DIVISION, division_info, division_name
from xinyong.core.rulefiles import RuleError, read_rule_file, rule_roots

KIND = "remedies"


@dataclass(frozen=True, slots=True)
class Citation:
    law: str
    article: str
    basis_verified: bool
    doc_number: str | None = None

    def cite(self) -> str:
        number = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.law}》{number}{self.article}"


@dataclass(frozen=True, slots=True)
class RemedyLaw:
    review: Citation
    review_days: int
    review_body: Citation
    upper_authority_markers: tuple[str, ...]
    body_articles: tuple[str, str, str]  # local government, State Council department, next-higher authority
    litigation: Citation
    litigation_months: int
    court_article: str
    court_markers: tuple[str, ...]
    court_review: Citation
    court_review_days: int
    court_review_body: str

    def unverified(self) -> list[str]:
        """The statutory elements not yet checked against an official text (shown to officers)."""
        named = (("行政复议期限", self.review), ("行政复议机关", self.review_body),
                 ("行政诉讼期限", self.litigation), ("人民法院复议", self.court_review))
        return [f"{name}：{c.cite()}" for name, c in named if not c.basis_verified]


def _section(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise RuleError(f"{where}: 缺少 {key}")
    return value


def _citation(raw: Mapping[str, Any], where: str) -> Citation:
    law, article, verified = raw.get("law"), raw.get("article"), raw.get("basis_verified")
    if not isinstance(law, str) or not law.strip() or not isinstance(article, str) or not article.strip():
        raise RuleError(f"{where}: 必须写明法律名称（law）和条款（article）")
    if not isinstance(verified, bool):
        raise RuleError(f"{where}: 必须注明 basis_verified（true 或 false）")
    number = raw.get("doc_number")
    return Citation(law.strip(), article.strip(), verified, str(number).strip() if number else None)


def _positive(raw: Mapping[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleError(f"{where}: {key} 必须是正整数（当前为“{value}”）")
    return value


def _markers(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: {key} 必须是非空的名称列表")
    return tuple(v.strip() for v in value)


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: 缺少 {key}")
    return value.strip()


def parse_remedies(raw: Any, origin: str) -> RemedyLaw:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{origin}: 文件内容必须是一个映射")
    adm = _section(raw, "administrative", origin)
    review = _section(adm, "review", f"{origin} administrative")
    body = _section(adm, "review_body", f"{origin} administrative")
    lit = _section(adm, "litigation", f"{origin} administrative")
    court = _section(raw, "court", origin)
    court_review = _section(court, "review", f"{origin} court")
    court_body = court_review.get("body")
    if not isinstance(court_body, str) or not court_body.strip():
        raise RuleError(f"{origin} court review: 必须写明复议机关（body）")
    court_article = lit.get("court_article")
    if not isinstance(court_article, str) or not court_article.strip():
        raise RuleError(f"{origin} administrative litigation: 必须写明管辖法院的条款（court_article）")
    return RemedyLaw(
        review=_citation(review, f"{origin} administrative review"),
        review_days=_positive(review, "days", f"{origin} administrative review"),
        review_body=_citation(body, f"{origin} administrative review_body"),
        upper_authority_markers=_markers(body, "upper_authority_markers", f"{origin} review_body"),
        body_articles=(_text(body, "local_article", origin), _text(body, "national_article", origin),
                       _text(body, "upper_article", origin)),
        litigation=_citation(lit, f"{origin} administrative litigation"),
        litigation_months=_positive(lit, "months", f"{origin} administrative litigation"),
        court_article=court_article.strip(),
        court_markers=_markers(court, "authority_markers", f"{origin} court"),
        court_review=_citation(court_review, f"{origin} court review"),
        court_review_days=_positive(court_review, "days", f"{origin} court review"),
        court_review_body=court_body.strip(),
    )


def load_remedies(roots: Iterable[Path]) -> RemedyLaw:
    """``<root>/national/remedies/remedies.yaml``; a later root's file replaces an earlier one."""
    found: RemedyLaw | None = None
    for root in roots:
        path = root / "national" / KIND / "remedies.yaml"
        if path.exists():
            found = parse_remedies(read_rule_file(path), path.name)
    if found is None:
        raise RuleError("remedies.yaml: 未找到救济途径数据（national/remedies/remedies.yaml）")
    return found


@lru_cache(maxsize=1)
def remedy_law() -> RemedyLaw:
    return load_remedies(rule_roots())


def reset() -> None:
    remedy_law.cache_clear()


# --- the text ------------------------------------------------------------------------------------


def is_court(authority: str, law: RemedyLaw) -> bool:
    return any(m in authority for m in law.court_markers)


def review_body(authority: str, region_code: str | None, law: RemedyLaw) -> tuple[str, str]:
    """The 行政复议机关 of a decision made by ``authority`` of ``region_code`` and the article naming it."""
    local, national, upper = law.body_articles
    if any(m in authority for m in law.upper_authority_markers):
        return f"{authority}的上一级主管部门", upper
    if not region_code or region_code == NATIONAL_DIVISION or division_info(region_code) is None:
        return authority, national  # a State Council department reviews its own decisions
    return f"{division_name(region_code)}人民政府", local


def remedy_paragraphs(authority: str, region_code: str | None, law: RemedyLaw | None = None) -> list[str]:
    """The 救济措施 paragraph(s): body, time limit and citation of each remedy."""
    law = law or remedy_law()
    if is_court(authority, law):
        c = law.court_review
        return [f"你（单位）对本决定不服申请纠正被驳回的，可以自驳回决定书送达之日起{law.court_review_days}日"
                f"内向{law.court_review_body}申请复议；复议期间，不停止原决定的执行（{c.cite()}）。"]
    body, article = review_body(authority, region_code, law)
    return [
        f"你（单位）如不服本决定，可以自收到本决定书之日起{law.review_days}日内向{body}"
        f"申请行政复议（{law.review.cite()}、{article}），或者自收到本决定书之日起"
        f"{law.litigation_months}个月内向{authority}所在地有管辖权的人民法院提起行政诉讼"
        f"（{law.litigation.cite()}、{law.court_article}）。",
    ]
