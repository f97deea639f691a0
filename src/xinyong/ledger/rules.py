"""Clause analysis of local policy documents for the cleanup ledger (失信约束措施台账). Pure: no I/O.

What the analysis answers for every clause (大高信办字〔2021〕1号 附件; 淮政办发〔2021〕13号 §二):

(a) does it bring information into credit records, share or disclose it (信用信息纳入共享公开);
(b) does it create a blacklist or any list of dishonest subjects (“黑名单”认定), also in disguise
    (不良记录库, 列入诚信档案 …);
(c) does it impose a punishment measure (失信惩戒措施: 限制、禁止、取消资格、不予、从严审查 …);
(d) does it use a credit score or grade to treat individuals (信用分、积分、信用等级 … 对个人).

Then it looks for a national basis (法律、行政法规、党中央、国务院政策文件) and a local-regulation basis
in the :class:`~xinyong.ledger.bases.Registry` and proposes a disposition with its reason:

- 国办发〔2020〕49号 §（一）: information enters credit records only on a law, a regulation or a central
  policy document, under the catalog; local supplementary catalogs rest on local regulations.
- §（六）/（七）: list fields only with such a basis and only for grave matters; a list applied only
  locally needs a local regulation for its standard.
- §（九）: punishment measures must cite a law, a regulation or a central policy document directly;
  大高信办字〔2021〕1号 一（三）: 不得以低信用分为由，对个人实施惩戒.
- §（十）: no measures beyond those; §（十六）: minor acts are to be treated leniently.

The text is split into clauses that keep their character offsets into the text given, so that
``text[start:end]`` is exactly the clause quoted.

The analysis is split along its concepts; this module runs it over a document and keeps the ledger
form and the milestones, and re-exports the public names of the parts for existing callers:

- :mod:`xinyong.ledger.clauses` — splitting with offsets;
- :mod:`xinyong.ledger.classification` — the four questions (a)–(d);
- :mod:`xinyong.ledger.bases` — the registry of bases and matching a clause against it;
- :mod:`xinyong.ledger.disposition` — the disposition of a clause and of a document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from xinyong.ledger.bases import (  # noqa: F401  (re-exported: the public names of the analysis)
    RESTATEMENT_THRESHOLD,
    SENTENCE_RESTATEMENT_THRESHOLD,
    BasisMatch,
    Registry,
    cited_titles,
    find_bases,
)
from xinyong.ledger.classification import Flags, classify  # noqa: F401
from xinyong.ledger.clauses import MAX_CLAUSE, Segment, _lines, compact, split_clauses  # noqa: F401
from xinyong.ledger.disposition import (
    LOW_SCORE_RULE,
    LOW_SCORE_SOURCE,
    SEVERITY,
    ClauseResult,
    Disposition,
    _join,
    decide,
    document_disposition,
    escalate_to_repeal,
)

# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentAnalysis:
    title: str
    clauses: tuple[ClauseResult, ...]
    disposition: Disposition
    reason: str

    @property
    def includes_credit_information(self) -> bool:
        return any(c.flags.credit_information for c in self.clauses)

    @property
    def creates_blacklist(self) -> bool:
        return any(c.flags.blacklist for c in self.clauses)

    @property
    def imposes_punishment(self) -> bool:
        return any(c.flags.punishment for c in self.clauses)

    @property
    def scores_individuals(self) -> bool:
        return any(c.flags.scores_individuals for c in self.clauses)

    @property
    def has_national_basis(self) -> bool:
        """Every measure the document contains rests on a national basis (ledger column 是否有国家层面依据)."""
        return bool(self.clauses) and not any(c.conflicts for c in self.clauses) and all(
            c.national_basis and all(c.covered.values()) for c in self.clauses
        )

    @property
    def has_local_basis(self) -> bool:
        return bool(self.clauses) and not any(c.conflicts for c in self.clauses) and any(
            c.local_basis for c in self.clauses
        ) and all(all(c.covered.values()) for c in self.clauses)

    @property
    def basis_text(self) -> str:
        parts = [p for c in self.clauses for p in (c.national_basis, c.local_basis) if p]
        return _join(parts) or "无"

    @property
    def summary(self) -> str:
        return "；".join(c.text for c in self.clauses)


def guess_title(text: str) -> str:
    """A document title from its first lines (the line naming 办法/通知/规定 …), else the first line."""
    lines = [compact(text[a:b]) for a, b in _lines(text)]
    lines = [ln for ln in lines if ln][:12]
    for ln in lines:
        if re.search(r"(办法|通知|规定|意见|方案|细则|决定|条例|制度)》?$", ln) and len(ln) <= 80:
            return ln.strip("《》")
    return lines[0][:80] if lines else ""


def analyze(text: str, registry: Registry, *, title: str | None = None) -> DocumentAnalysis:
    """Every clause touching one of the four questions, with bases and a proposed disposition."""
    doc_title = title if title is not None else guess_title(text)
    document_citations = cited_titles(doc_title)
    results: list[ClauseResult] = []
    for seg in split_clauses(text):
        clause = text[seg.start:seg.end]
        context = text[seg.article_start:seg.start][-300:] if seg.article_start < seg.start else ""
        flags = classify(clause, title=doc_title, context=context)
        if not flags.any():
            continue
        results.append(decide(clause, flags, title=doc_title, context=context,
                              document_citations=document_citations, registry=registry,
                              start=seg.start, end=seg.end))
    results = escalate_to_repeal(doc_title, results)
    return DocumentAnalysis(doc_title, tuple(results), *document_disposition(doc_title, results))


# --- the ledger (台账) -------------------------------------------------------------------------

#: The columns of the ledger form, verbatim from 大高信办字〔2021〕1号 附件《XXX单位失信约束措施台账》.
LEDGER_COLUMNS: tuple[str, ...] = (
    "序号",
    "规章、规范性文件或其他文件名称(含文号)",
    "是否涉及信用信息纳入共享公开",
    "是否涉及“黑名单”认定",
    "是否涉及失信惩戒措施",
    "相关内容摘要",
    "是否有国家层面依据",
    "是否有地方性法规依据",
    "依据的具体内容",
    "处置方式",
    "完成时间",
    "责任单位",
    "责任人姓名及职务",
    "电话",
)

#: 附件 注1–3 (printed under the form).
LEDGER_NOTES: tuple[str, ...] = (
    "注：1. “是否有国家层面依据”栏，是指是否有法律、行政法规或者党中央、国务院政策文件的依据。",
    "2. “依据的具体内容”栏，填写相关依据的某条某款及其具体表述。",
    "3. “处置方式”栏，如完全符合《指导意见》要求，无需修订可填“保留”；如有明确依据，仅需对相关内容进行修订即可的填“修订”；"
    "如目前缺乏依据，但计划通过立法明确依据的填“立法”；如目前缺乏依据考虑废止的填“废止”。",
)


@dataclass(frozen=True)
class ClauseView:
    """A stored clause: the proposal and the officer's decision (plain data for the ledger rules)."""

    text: str
    credit_information: bool
    blacklist: bool
    punishment: bool
    scores_individuals: bool
    national_basis: str | None
    local_basis: str | None
    fully_covered: bool
    proposed_disposition: str
    conflicts: tuple[str, ...] = ()
    dismissed: bool = False
    decided_disposition: str | None = None
    decided_national_basis: bool | None = None
    decided_local_basis: bool | None = None
    decided_basis_text: str | None = None

    @property
    def disposition(self) -> str:
        return self.decided_disposition or self.proposed_disposition

    # The columns agree (大高信办字〔2021〕1号 附件 注1–2): 是否有国家层面依据 is 是 exactly when 依据的具体内容
    # lists a national basis, and 是否有地方性法规依据 exactly when it lists a local regulation. An officer's
    # decision replaces the proposal's answer; a “否” drops the proposal's bases of that kind from the text.

    @property
    def has_national_basis(self) -> bool:
        if self.decided_national_basis is not None:
            return self.decided_national_basis
        return bool(self.national_basis)

    @property
    def has_local_basis(self) -> bool:
        if self.decided_local_basis is not None:
            return self.decided_local_basis
        return bool(self.local_basis)

    @property
    def basis_text(self) -> str | None:
        if self.decided_basis_text:
            return self.decided_basis_text
        parts = [self.national_basis if self.decided_national_basis is not False else None,
                 self.local_basis if self.decided_local_basis is not False else None]
        return _join(p for p in parts if p)

    @property
    def has_basis(self) -> bool:
        return self.has_national_basis or self.has_local_basis


@dataclass(frozen=True)
class DocumentView:
    title: str
    doc_number: str | None
    clauses: tuple[ClauseView, ...]
    proposed_disposition: str
    decided_disposition: str | None = None
    completion_due: dt.date | None = None
    completed_on: dt.date | None = None
    responsible_unit: str | None = None
    responsible_person: str | None = None
    phone: str | None = None

    @property
    def live_clauses(self) -> tuple[ClauseView, ...]:
        return tuple(c for c in self.clauses if not c.dismissed)

    @property
    def disposition(self) -> str:
        if self.decided_disposition:
            return self.decided_disposition
        live = self.live_clauses
        if not live:
            return Disposition.keep.value if self.clauses else self.proposed_disposition
        return max((c.disposition for c in live), key=lambda d: SEVERITY[Disposition(d)])

    def name_with_number(self) -> str:
        name = self.title if self.title.startswith("《") else f"《{self.title}》"
        return f"{name}({self.doc_number})" if self.doc_number else name


def decision_denial(view: ClauseView) -> str | None:
    """Why the effective answers of a clause may not stand together (Chinese), or None.

    - a measure with neither a national nor a local-regulation basis is never 保留 (附件 注3: 保留 only
      when it fully complies; 国办发〔2020〕49号 §（九）);
    - a score-based punishment of a person is never 保留 (大高信办字〔2021〕1号 一（三）);
    - 是 for a basis needs the provision in 依据的具体内容 (附件 注2: 填写相关依据的某条某款及其具体表述).
    """
    if view.dismissed:
        return None
    if view.disposition == Disposition.keep.value and view.conflicts:
        return f"该条款以个人信用分实施惩戒，与“{LOW_SCORE_RULE}”相抵触（{LOW_SCORE_SOURCE}），不能保留"
    if view.disposition == Disposition.keep.value and not view.has_basis:
        return "没有国家层面依据或地方性法规依据的措施不能保留：请选择修订、立法、废止或相关内容删除"
    if (view.has_national_basis or view.has_local_basis) and not view.basis_text:
        return "认定有依据时，请填写依据的具体内容（某条某款及其具体表述）"
    return None


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


SUMMARY_LIMIT = 600
NO_MEASURE_SUMMARY = "未发现涉及失信约束措施的内容"
NO_MEASURE_BASIS = "不涉及失信约束措施，无需依据"
#: the columns that belong to the document, merged over its measure rows in the workbook
#: (序号, 文件名称(含文号), 完成时间, 责任单位, 责任人姓名及职务, 电话)
DOCUMENT_COLUMNS: tuple[int, ...] = (0, 1, 10, 11, 12, 13)


def _summary(text: str) -> str:
    s = text.strip().rstrip("。；;")
    return s if len(s) <= SUMMARY_LIMIT else s[: SUMMARY_LIMIT - 1] + "…"


def measure_row(seq: int, doc: DocumentView, clause: ClauseView) -> list[str]:
    """The ledger row of one measure (a clause to be judged), in the column order of :data:`LEDGER_COLUMNS`.

    大高信办字〔2021〕1号 附件: each measure is judged and disposed of; the document's own cells (序号, 名称,
    完成时间, 责任单位, 责任人, 电话) repeat on every row of the document (merged in the workbook). A document
    disposition set by the officer (废止 the whole document …) applies to every measure of it.
    """
    return [
        str(seq),
        doc.name_with_number(),
        yes_no(clause.credit_information),
        yes_no(clause.blacklist),
        yes_no(clause.punishment or bool(clause.conflicts)),
        _summary(clause.text),
        yes_no(clause.has_national_basis),
        yes_no(clause.has_local_basis),
        clause.basis_text or "无",
        doc.decided_disposition or clause.disposition,
        chinese_date(doc.completion_due),
        doc.responsible_unit or "",
        doc.responsible_person or "",
        doc.phone or "",
    ]


def ledger_rows(seq: int, doc: DocumentView) -> list[list[str]]:
    """The document's rows: one per measure not dismissed; one row saying so when it has none."""
    live = doc.live_clauses
    if live:
        return [measure_row(seq, doc, c) for c in live]
    return [[
        str(seq), doc.name_with_number(), "否", "否", "否", NO_MEASURE_SUMMARY, "否", "否", NO_MEASURE_BASIS,
        doc.decided_disposition or Disposition.keep.value, chinese_date(doc.completion_due),
        doc.responsible_unit or "", doc.responsible_person or "", doc.phone or "",
    ]]


# --- the document number (文号) -----------------------------------------------------------------

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "（": "〔", "(": "〔", "{": "〔",
                           "]": "〕", "］": "〕", "】": "〕", "）": "〕", ")": "〕", "}": "〕"})
#: 机关代字〔年份〕序号 (GB/T 9704-2012 7.2.4 发文字号 form, as local documents print it: 淮交发〔2020〕8号)
_DOC_NUMBER = re.compile(
    r"(?P<agency>[\u4e00-\u9fa5A-Za-z]{1,16}?)\s*[〔\[［【（({]\s*(?P<year>(19|20)\d{2})\s*[〕\]］】）)}]\s*"
    r"第?\s*(?P<no>\d{1,5})\s*号"
)
_CITING = re.compile(r"(根据|依据|按照|落实|贯彻|以下简称|要求)")
DOC_NUMBER_LINES = 10


def find_doc_number(text: str) -> str | None:
    """The document's own 文号 from its first lines, normalised to 〔年〕号; None when there is none.

    The 文号 stands on a line of its own under the issuing organ (大高信办字〔2021〕1号, 淮交发〔2020〕8号),
    possibly after “文号：”, or closes the title line in brackets. A number cited in running text
    (“根据……（大信办字〔2021〕1号）要求”) is someone else's document and is not taken.
    """
    lines = [compact(text[a:b]) for a, b in _lines(text)]
    lines = [ln for ln in lines if ln][:DOC_NUMBER_LINES]
    for ln in lines:
        body = re.sub(r"^(文号|发文字号|发文号)[:：]", "", ln)
        m = _DOC_NUMBER.search(body)
        if m is None:
            continue
        own_line = m.start() == 0 and len(body) - m.end() <= 2
        closes_title = (len(body) <= 90 and body[m.end():].strip("）)〕]】") == ""
                        and not _CITING.search(body[: m.start()]))
        if not (own_line or closes_title):
            continue
        agency = m.group("agency")
        if not own_line:
            agency = re.split(r"[《》“”，。、：（(]", agency)[-1]
            if not agency:
                continue
        return f"{agency}〔{m.group('year')}〕{int(m.group('no'))}号"
    return None


# --- milestones and progress -------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneSpec:
    code: str
    name: str
    due_date: dt.date
    description: str
    source: str


#: the steps a region's clean-up plan may set, in their order (大高信办字〔2021〕1号 二（一）—（三）: 梳理自查,
#: 整改方案, 全面完成; 淮政办发〔2021〕13号 一（二）1 sets only the last). Each region's dates are data:
#: ``rules/local/<region>/ledger/milestones.yaml`` (:mod:`xinyong.ledger.milestones`).
MILESTONE_ORDER: tuple[str, ...] = ("self_review", "rectification_plan", "completion")


class ProgressStatus(StrEnum):
    done = "按期完成"
    done_late = "逾期完成"
    pending = "未到期"
    overdue = "已逾期"


def milestone_status(due: dt.date, submitted_on: dt.date | None, on: dt.date) -> ProgressStatus:
    if submitted_on is not None:
        return ProgressStatus.done if submitted_on <= due else ProgressStatus.done_late
    return ProgressStatus.overdue if on > due else ProgressStatus.pending


def submission_problems(code: str, docs: list[DocumentView], submitted: set[str],
                        plan: tuple[MilestoneSpec, ...]) -> list[str]:
    """Why a unit may not yet report milestone ``code`` of its region's ``plan`` (empty: it may). Chinese."""
    problems: list[str] = []
    order = [m.code for m in plan]
    if code not in order:
        return [f"未知的工作节点“{code}”"]
    for earlier in plan[: order.index(code)]:
        if earlier.code not in submitted:
            problems.append(f"请先报送“{earlier.name}”")
    if not docs:
        problems.append("台账中还没有登记任何文件")
    if code in ("rectification_plan", "completion"):
        undecided = sum(1 for d in docs for c in d.clauses if not c.dismissed and c.decided_disposition is None)
        if undecided:
            problems.append(f"还有{undecided}处条款的处置建议未经确认或改定")
        no_due = [d.title for d in docs if d.disposition != Disposition.keep.value and d.completion_due is None]
        if no_due:
            problems.append("以下文件需整改但未填写完成时间：" + "、".join(no_due[:5]))
    if code == "completion":
        open_ = [d.title for d in docs if d.disposition != Disposition.keep.value and d.completed_on is None]
        if open_:
            problems.append("以下文件的整改尚未完成：" + "、".join(open_[:5]))
    return problems
