"""The disposition proposed for a clause and for a document (保留、修订、立法、废止、相关内容删除). Pure.

- 国办发〔2020〕49号 §（一）: information enters credit records only on a law, a regulation or a central
  policy document, under the catalog; local supplementary catalogs rest on local regulations.
- §（六）/（七）: list fields only with such a basis and only for grave matters; a list applied only
  locally needs a local regulation for its standard.
- §（九）: punishment measures must cite a law, a regulation or a central policy document directly;
  大高信办字〔2021〕1号 一（三）: 不得以低信用分为由，对个人实施惩戒.
- §（十）: no measures beyond those; §（十六）: minor acts are to be treated leniently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from xinyong.ledger.bases import (
    QUESTION_NAMES,
    BasisMatch,
    PersonMeasure,
    Question,
    Registry,
    cited_titles,
    counts_as_national,
    find_bases,
)
from xinyong.ledger.classification import Flags
from xinyong.ledger.clauses import compact


class Disposition(StrEnum):
    keep = "保留"
    revise = "修订"
    legislate = "立法"
    repeal = "废止"
    delete = "相关内容删除"


#: how far a disposition goes, for the document's row (the strongest clause decides)
SEVERITY = {
    Disposition.keep: 0, Disposition.revise: 1, Disposition.legislate: 2,
    Disposition.delete: 3, Disposition.repeal: 4,
}

LOW_SCORE_RULE = "不得以低信用分为由，对个人实施惩戒"
LOW_SCORE_SOURCE = "大高信办字〔2021〕1号 一（三）"


# --- disposition -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClauseResult:
    text: str
    start: int
    end: int
    flags: Flags
    national_basis: str | None
    local_basis: str | None
    disposition: Disposition
    reason: str
    conflicts: tuple[str, ...] = ()
    covered: dict[str, bool] = field(default_factory=dict)

    def as_contract(self) -> dict[str, object]:
        """The public JSON shape of a clause (`xinyong ledger analyze --json`)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "includes_credit_information": self.flags.credit_information,
            "creates_blacklist": self.flags.blacklist,
            "imposes_punishment": self.flags.punishment,
            "scores_individuals": self.flags.scores_individuals,
            "national_basis": self.national_basis,
            "local_basis": self.local_basis,
            "disposition": self.disposition.value,
            "reason": self.reason,
        }


def _field_hits(text: str, registry: Registry) -> list[str]:
    return [k for group in registry.serious_fields.values() for k in group if k in text]


def _minor_hits(text: str, registry: Registry) -> list[str]:
    return [k for k in registry.minor_matters if k in text]


#: restrictions of movement and consumption (出行、乘坐飞机/高铁、高消费、出境) on a subject or the persons behind it
_TRAVEL_OR_CONSUMPTION = re.compile(
    r"(乘坐|搭乘|购买)[^，。；]{0,10}(飞机|民航|航班|高铁|动车|列车|轮船|软卧|头等舱|商务座|机票|车票)|"
    r"(飞机|民航|高铁|动车|列车软卧|轮船二等以上)|高消费|非生活和工作必需的?消费|星级(以上)?(宾馆|酒店)|高尔夫|"
    r"旅游度假|出境|交通出行|(子女)[^，。；]{0,8}(高收费|私立)"
)
_PERSONS_BEHIND = re.compile(
    r"(法定代表人|主要负责人|实际控制人|负责人|董事|监事|高级管理人员|直接负责的主管人员|直接责任人员|家庭成员|配偶|子女|亲属)"
)


def _carrying_measures(text: str, registry: Registry) -> list[PersonMeasure]:
    persons = bool(_PERSONS_BEHIND.search(text))
    return [pm for pm in registry.person_measures if (pm.reaches_persons or not persons)
            and any(key in text for key in pm.list_keys)]


def travel_measure_carriers(text: str, registry: Registry) -> tuple[str | None, list[str]]:
    """(the travel/consumption restriction the clause imposes or None, the lists that lawfully carry it).

    The measure list (``rules/national/measures``) carries such restrictions only for subjects on certain
    list types (失信被执行人 …) and, where it says so, their legal representatives and responsible persons;
    国办发〔2020〕49号 §（九）（十）: no measure outside the law, regulations and central policy documents.
    Returns the lists named in ``text`` that carry one of those measures (empty: none does).
    """
    m = _TRAVEL_OR_CONSUMPTION.search(text)
    if m is None:
        return None, []
    carriers = [name for pm in _carrying_measures(text, registry)
                for key, name in zip(pm.list_keys, pm.list_names, strict=True) if key in text]
    return m.group(0), list(dict.fromkeys(carriers))


def _title_key(title: str) -> str:
    """A law's title without 中华人民共和国, its edition year and 《》, for comparing citations."""
    return re.sub(r"[（(]\d{4}[）)]$", "", compact(title).strip("《》").removeprefix("中华人民共和国"))


def _carrier_names(registry: Registry) -> str:
    names = dict.fromkeys(n for pm in registry.person_measures for n in pm.list_names)
    return "、".join(names) or "（措施清单未载明）"


def _join(labels: Iterable[str]) -> str | None:
    seen = list(dict.fromkeys(labels))
    return "；".join(seen) if seen else None


def decide(clause: str, flags: Flags, *, title: str, context: str, document_citations: list[str],
           registry: Registry, start: int = 0, end: int | None = None) -> ClauseResult:
    """Bases and proposed disposition of one flagged clause."""
    t = compact(clause)
    whole = t + compact(title)
    info_end = max((t.find(e) + len(e) for e in flags.evidence.get("credit_information", []) if e in t),
                   default=len(t))
    matches: dict[Question, list[BasisMatch]] = {
        q: find_bases(q, clause, title=title, context=context, document_citations=document_citations,
                      registry=registry, info_scope=t[:info_end])
        for q in flags.questions()
    }
    scope = t + compact(context) + compact(title)
    travel, carriers = travel_measure_carriers(scope, registry) if flags.punishment else (None, [])
    if travel is not None and carriers:
        # the measure list names the provision that carries the restriction; it is the basis to cite
        carrying = [pm for pm in _carrying_measures(scope, registry) if pm.basis]
        if carrying:
            matches[Question.punishment] = [
                BasisMatch(Question.punishment, None, counts_as_national(pm.basis_level, Question.punishment),
                           pm.basis_level == "local_regulation", pm.basis_verified,
                           f"{pm.basis}（失信惩戒措施清单：{pm.name}）")
                for pm in carrying
            ]
    if travel is not None and not carriers:
        # the clause restates the very provision that carries the measure (税收征收管理法 第四十四条 …)
        provided = {_title_key(pm.basis_title) for pm in registry.person_measures if pm.basis_title}
        carriers = [m.label for m in matches.get(Question.punishment, [])
                    if m.basis is not None and _title_key(m.basis.title) in provided]
    unlawful_travel = travel is not None and not carriers
    if unlawful_travel:
        # a basis found for “a punishment” is not one for this restriction: the measure list carries it
        # only for the lists it names (国办发〔2020〕49号 §（十）)
        matches[Question.punishment] = []
    national = [m for ms in matches.values() for m in ms if m.national]
    local = [m for ms in matches.values() for m in ms if m.local]
    covered = {q.value: bool(ms) for q, ms in matches.items()}
    verified = {q.value: any(m.verified for m in ms) for q, ms in matches.items()}
    missing = [q for q, ms in matches.items() if not ms]
    unverified = [q for q, ms in matches.items() if ms and not any(m.verified for m in ms)]
    fields = _field_hits(whole, registry)
    minor = _minor_hits(whole, registry)

    def label(ms: list[BasisMatch]) -> str | None:
        return _join(f"{QUESTION_NAMES[m.question]}：{m.label}" for m in ms)

    parts: list[str] = []
    involved = [QUESTION_NAMES[q] for q in flags.questions()]
    if flags.scores_individuals:
        involved.append("以信用分（积分、等级）对待个人")
    parts.append("涉及" + "、".join(involved) + "。")
    for q, ms in matches.items():
        if ms:
            parts.append(f"{QUESTION_NAMES[q]}的依据：" + "；".join(dict.fromkeys(m.label for m in ms)) + "。")
        else:
            parts.append(f"{QUESTION_NAMES[q]}未找到法律、行政法规、党中央国务院政策文件或地方性法规依据。")
    cited = [c for c in cited_titles(clause)]
    weak = [c for c in cited if re.search(r"(办法|通知|意见|方案|细则)$", c)]
    if weak and missing:
        parts.append(f"所引《{'》《'.join(weak)}》不是法律、法规或党中央、国务院政策文件，不能作为依据（国办发〔2020〕49号 §（九））。")

    conflicts: tuple[str, ...] = ()
    disposition: Disposition
    if flags.scores_individuals and flags.punishment:
        conflicts = (LOW_SCORE_RULE,)
        disposition = Disposition.delete
        parts.append(
            f"以个人信用分（积分、等级）为由实施惩戒，与“{LOW_SCORE_RULE}”相抵触（{LOW_SCORE_SOURCE}；"
            "国办发〔2020〕49号 §（九）），不得保留，应删除以信用分对个人惩戒的内容。"
        )
    elif flags.scores_individuals and not missing:
        disposition = Disposition.revise
        parts.append(
            "个人信用分（积分、等级）只可用于守信激励，不得作为对个人惩戒的理由；所用信息须在公共信用信息目录内，"
            "并明示目的、方式和范围经本人同意（国办发〔2020〕49号 §（十四））。建议修订，明确不得据此惩戒。"
        )
    elif not missing and not unverified:
        disposition = Disposition.keep
        parts.append("各项措施均有依据，可保留；执行时须直接援引所列条款（国办发〔2020〕49号 §（九））。")
    elif not missing:
        disposition = Disposition.revise
        parts.append("所列依据尚待核实；核实条款确有规定后可保留，否则按规定修订（依据的具体内容应填写某条某款及其表述）。")
    elif Question.punishment in missing and unlawful_travel:
        disposition = Disposition.delete
        persons = _PERSONS_BEHIND.search(t)
        who = f"对{persons.group(0)}等人员" if persons else ""
        parts.append(
            f"{who}限制“{travel}”等出行、消费的措施，失信惩戒措施清单只对{_carrier_names(registry)}上的主体"
            "（及清单载明的法定代表人、主要负责人）实施；本条款不以上述名单为前提，属在法律、法规和党中央、国务院"
            "政策文件规定外增设惩戒措施（国办发〔2020〕49号 §（九）、§（十）），应删除相关内容，不应通过地方立法扩展。"
        )
    elif Question.punishment in missing:
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                f"惩戒措施缺乏依据，但所涉领域（{'、'.join(fields[:3])}）属严重失信领域；如确需实施，应通过地方性法规"
                "明确依据并纳入本地失信惩戒措施补充清单（国办发〔2020〕49号 §（九）），在此之前不得实施。"
            )
        else:
            disposition = Disposition.delete
            parts.append(
                "不得在法律、法规或者党中央、国务院政策文件规定外增设惩戒措施（国办发〔2020〕49号 §（十）），"
                "应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    elif Question.blacklist in missing:
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                "名单缺乏依据；仅在本地实施的严重失信主体名单，其认定标准应当由地方性法规规定（国办发〔2020〕49号 §（七））。"
            )
        elif any(covered.values()):
            disposition = Disposition.revise
            parts.append(
                "设列名单须以法律、法规或者党中央、国务院政策文件为依据，且限于严重失信行为（国办发〔2020〕49号 §（六））；"
                "应修订，删去名单认定的内容，保留有依据的部分。"
            )
        else:
            disposition = Disposition.delete
            parts.append(
                "设列名单须以法律、法规或者党中央、国务院政策文件为依据，且限于严重失信行为（国办发〔2020〕49号 §（六）），"
                "应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    else:  # only the information part lacks a basis
        if fields and not minor:
            disposition = Disposition.legislate
            parts.append(
                "该类信息不在公共信用信息目录内；如确需纳入，可依据地方性法规制定本地补充目录（国办发〔2020〕49号 §（一））。"
            )
        elif any(covered.values()):
            disposition = Disposition.revise
            parts.append("纳入信用记录的信息须在公共信用信息目录内（国办发〔2020〕49号 §（一）），应修订。")
        else:
            disposition = Disposition.delete
            parts.append(
                "该类信息不在公共信用信息目录内，不得纳入信用记录或公开（国办发〔2020〕49号 §（一）、§（四）），应删除相关内容。"
            )
            if minor:
                parts.append(f"“{'、'.join(minor[:3])}”属轻微失信行为，应宽容审慎（国办发〔2020〕49号 §（十六））。")
    if flags.scores_individuals and not flags.punishment and missing:
        parts.append("以信用分（积分）记录个人行为，须以公共信用信息目录内、有依据的信息为限（国办发〔2020〕49号 §（一）、§（十四））。")
    _ = verified
    return ClauseResult(
        text=clause, start=start, end=start + len(clause) if end is None else end, flags=flags,
        national_basis=label(national), local_basis=label(local), disposition=disposition,
        reason="".join(parts), conflicts=conflicts, covered=covered,
    )


# --- the document -------------------------------------------------------------------------------

_DEDICATED_SCHEME = re.compile(
    r"(积分|信用分|黑名单|红黑榜|失信[^，。]{0,10}名单|不良记录|失信人员|信用等级评价)[^，。]{0,12}"
    r"(管理办法|实施办法|暂行办法|办法|实施细则|细则|规定|制度|方案)"
)


def escalate_to_repeal(title: str, results: list[ClauseResult]) -> list[ClauseResult]:
    """A document that exists only to run a credit scheme with no basis at all is to be repealed.

    大高信办字〔2021〕1号 附件 注3: 如目前缺乏依据考虑废止的填“废止”.
    """
    if not results or not _DEDICATED_SCHEME.search(compact(title)):
        return results
    if not all(r.disposition is Disposition.delete for r in results):
        return results
    if any(any(r.covered.values()) for r in results if not r.flags.scores_individuals):
        return results
    note = f"《{title}》的主要内容即为无依据的失信约束措施，删除后文件失去意义，建议整体废止（大高信办字〔2021〕1号 附件 注3）。"
    return [
        ClauseResult(r.text, r.start, r.end, r.flags, r.national_basis, r.local_basis, Disposition.repeal,
                     r.reason + note, r.conflicts, r.covered)
        for r in results
    ]


def document_disposition(title: str, results: list[ClauseResult]) -> tuple[Disposition, str]:
    """The ledger row's proposal: the strongest clause proposal decides."""
    if not results:
        return Disposition.keep, "未发现涉及信用信息纳入共享公开、“黑名单”认定、失信惩戒措施或以信用分对待个人的条款。"
    worst = max(results, key=lambda r: SEVERITY[r.disposition])
    counts: dict[str, int] = {}
    for r in results:
        counts[r.disposition.value] = counts.get(r.disposition.value, 0) + 1
    summary = "，".join(f"{k}{v}处" for k, v in counts.items())
    conflict = any(r.conflicts for r in results)
    reason = f"共{len(results)}处相关条款（{summary}）。"
    if conflict:
        reason += f"其中以个人信用分实施惩戒，与“{LOW_SCORE_RULE}”相抵触，不得保留。"
    reason += f"最需处理的条款：{worst.reason}"
    return worst.disposition, reason
