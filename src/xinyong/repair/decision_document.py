"""The 信用修复决定书 of a decided part: the same document as HTML and as PDF
(:mod:`xinyong.core.official_document`), rendered from the part's stored decision, so a reprint always
shows what was decided.

Its sections: 申请事项; 依据 (the repair rule and its conditions — 令第36号 as reported: 达到最短公示期限、
纠正失信行为并完全履行义务、公开作出信用承诺); 决定 (准予: what the repair does, 令第36号 第三条 终止公示、停止
共享和使用; 不予: the reason and what to do before applying again); 救济措施 (review body and time limits,
:mod:`xinyong.core.remedies`). Repair is free of charge and one application takes effect everywhere
(国办发〔2020〕49号 §（十二）; 令第36号 第三条).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.core.errors import Conflict
from xinyong.core.official_document import OfficialDocument, Section, date_zh
from xinyong.core.remedies import remedy_paragraphs
from xinyong.repair import rules as R
from xinyong.repair.loader import repair_rules
from xinyong.repair.models import RepairApplication, RepairPart
from xinyong.repair.shared import subject_card, subject_region

TITLE = "信用修复决定书"
NUMBER_FORMAT = "信用修复〔{year}〕{id:04d}号"

TARGET_KIND = {"record": R.TargetKind.catalog_item, "listing": R.TargetKind.list_type}
TARGET_NAMES = {"record": "失信行为信息", "listing": "严重失信主体名单列入"}

FREE_AND_EVERYWHERE = ("本决定同步推送至各相关信用信息系统和共享单位，一次修复、全网生效，无需另行申请；"
                       "信用修复不收取任何费用（国办发〔2020〕49号§（十二））。")


def number_of(part: RepairPart) -> str:
    """The 文号: the one the department gave, else one derived from the part."""
    assert part.decided_on is not None
    return part.decision_number or NUMBER_FORMAT.format(year=part.decided_on.year, id=part.id)


def _region(session: Session, part: RepairPart, app: RepairApplication) -> str | None:
    """The region of the determining department: the record's region, else the subject's."""
    if part.target_kind == "record":
        from xinyong.records import service as records

        rec = records.get(session, part.target_id)
        if rec is not None and rec.region_code:
            return str(rec.region_code)
    return subject_region(session, app.subject_key)


def build(session: Session, part: RepairPart, app: RepairApplication) -> OfficialDocument:
    """The decision document of a decided part (409 while it is still pending)."""
    if part.status == R.PartStatus.pending.value or part.decided_on is None:
        raise Conflict("repair_part_undecided", "该事项尚未作出决定，暂无信用修复决定书")
    card = subject_card(session, app.subject_key) or {}
    region = _region(session, part, app)
    rule = repair_rules().find(TARGET_KIND[part.target_kind], part.target_code, region)
    return compose(
        department=part.department, subject_name=str(card.get("name") or app.applicant_name),
        subject_code=str(card.get("code") or ""), number=number_of(part), filed_on=app.filed_on,
        application=app.number, target_kind=part.target_kind, target_label=part.target_label, rule=rule,
        granted=part.status == R.PartStatus.granted.value,
        outcome=R.Outcome(part.outcome) if part.outcome else None, reason=part.reason, remedy=part.remedy,
        decided_on=part.decided_on, region=region,
    )


def compose(*, department: str, subject_name: str, subject_code: str, number: str, filed_on: dt.date,
            application: str, target_kind: str, target_label: str, rule: R.RepairRule | None, granted: bool,
            outcome: R.Outcome | None, reason: str | None, remedy: str | None, decided_on: dt.date,
            region: str | None) -> OfficialDocument:
    """The document itself, from plain values (pure)."""
    addressee = subject_name + (f"（{subject_code}）" if subject_code else "") + "："
    matter = [f"你（单位）于{date_zh(filed_on)}提出信用修复申请（申请号{application}），申请修复以下"
              f"{TARGET_NAMES.get(target_kind, '信息')}：{target_label}。"]
    basis = []
    if rule is not None:
        basis.append(f"修复规则：{rule.name}，依据{rule.cite()}。")
        basis.append("修复条件：" + "；".join(R.CONDITION_NAMES[c] for c in R.Condition if c in rule.conditions) + "。")
    basis.append("国家发展改革委令第36号第三条：信用修复后，有关方面按照规定终止公示、停止共享和使用失信信息，"
                 "同步依法依规解除失信惩戒措施。")
    if granted:
        what = R.OUTCOME_NAMES[outcome] if outcome else ""
        decision = [f"经核实，你（单位）符合信用修复条件。本机关决定准予信用修复：{what}，"
                    f"自{date_zh(decided_on)}起生效。", FREE_AND_EVERYWHERE]
    else:
        decision = [f"经核实，你（单位）不符合信用修复条件，本机关决定不予信用修复。理由：{reason or ''}",
                    f"整改后可再次申请：{remedy or ''}"]
    sections = (
        Section("一、申请事项", tuple(matter)),
        Section("二、依据", tuple(basis)),
        Section("三、决定", tuple(decision)),
        Section("四、救济措施", tuple(remedy_paragraphs(department, region))),
    )
    return OfficialDocument(authority=department, title=TITLE, number=number, addressee=addressee,
                            sections=sections, issued_on=decided_on)
