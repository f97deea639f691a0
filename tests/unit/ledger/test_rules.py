"""Pure rules of the cleanup ledger: splitting with offsets, the notice's sample rows, bases, ledger rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.core.rulefiles import RULES_ROOT
from xinyong.ledger import bases
from xinyong.ledger.bases import BasisError, Question, capability_bases, parse_legal_bases, registry
from xinyong.ledger.milestones import load_plans, plan_for
from xinyong.ledger.rules import (
    LEDGER_COLUMNS,
    LOW_SCORE_RULE,
    ClauseView,
    Disposition,
    DocumentView,
    ProgressStatus,
    analyze,
    classify,
    guess_title,
    ledger_rows,
    milestone_status,
    split_clauses,
    submission_problems,
)

ON = dt.date(2025, 6, 30)

#: 大高信办字〔2021〕1号 附件《XXX单位失信约束措施台账》 — the three sample rows as printed:
#: (name, 相关内容摘要, 是否涉及信用信息纳入共享公开, 是否涉及“黑名单”认定, 是否涉及失信惩戒措施, 处置方式 printed)
SAMPLE_ROWS = [
    ("XX区个人信用积分管理办法",
     "在行政审批过程中，可通过市公共信用信息平台查询行政相对人的个人信用积分和信用等级，实施守信激励和失信惩戒",
     True, False, True, "保留"),
    ("XX区垃圾分类管理办法",
     "将违反本办法受到行政处罚的行为信息记入企业和个人信用记录，其中严重的列入“黑名单”",
     True, True, False, "修订"),
    ("XX区交通运输局关于加强交通信用管理的通知",
     "将行人闯红灯受到行政处罚的行为信息记入个人信用记录，其中严重的列入“黑名单，禁止驾驶营运车辆",
     True, True, True, "相关内容删除"),
]


@pytest.mark.parametrize(("title", "summary", "info", "blacklist", "punishment", "printed"), SAMPLE_ROWS)
def test_sample_rows_of_the_notice(title: str, summary: str, info: bool, blacklist: bool, punishment: bool,
                                   printed: str) -> None:
    result = analyze(summary, registry(ON), title=title)
    assert result.clauses, "the sample's summary is a credit measure"
    assert result.includes_credit_information is info
    assert result.creates_blacklist is blacklist
    assert result.imposes_punishment is punishment
    row = ledger_rows(1, DocumentView(
        title=title, doc_number=None,
        clauses=tuple(ClauseView(
            text=c.text, credit_information=c.flags.credit_information, blacklist=c.flags.blacklist,
            punishment=c.flags.punishment, scores_individuals=c.flags.scores_individuals,
            national_basis=c.national_basis, local_basis=c.local_basis, fully_covered=all(c.covered.values()),
            proposed_disposition=c.disposition.value, conflicts=c.conflicts) for c in result.clauses),
        proposed_disposition=result.disposition.value))[0]
    assert row[2:5] == ["是" if info else "否", "是" if blacklist else "否", "是" if punishment else "否"]
    if printed == "保留":
        # the sample marks a personal credit-score scheme used to punish as 保留; the notice itself forbids it
        assert result.disposition is not Disposition.keep
        assert all(LOW_SCORE_RULE in c.conflicts for c in result.clauses)
        assert LOW_SCORE_RULE in result.reason
        assert row[6] == ("是" if row[8] != "无" else "否")
    else:
        # the other two rows: the list / the measure has no basis, so neither is kept; the information part
        # (行政处罚信息) is in the national catalog, and a row that lists that basis says 是 (the columns agree)
        assert row[7] == "否"
        assert row[6] == ("是" if "国办发〔2020〕49号" in row[8] else "否")
        assert "“黑名单”认定" not in row[8] and "失信惩戒措施：" not in row[8]
        assert result.disposition.value == printed


def test_offsets_on_real_prose() -> None:
    text = (
        "XX市社会信用管理办法\n\n第一章　总则\n\n第五条　将违反本办法受到行政处罚的行为信息记入企业和个人信用记录，"
        "其中\n严重的列入“黑名单”。\n第六条　对有下列情形之一的个人，列入失信人员名单：\n（一）闯红灯三次以上的；\n"
        "（二）拒不参加垃圾分类的。\n第七条　本办法自印发之日起施行。\n"
    )
    segs = split_clauses(text)
    assert [text[s.start:s.end] for s in segs][:2] == ["XX市社会信用管理办法", "第一章　总则"]
    merged = next(s for s in segs if "下列情形" in text[s.start:s.end])
    assert text[merged.start:merged.end].endswith("（二）拒不参加垃圾分类的。")  # lead-in merged with its items
    wrapped = next(s for s in segs if "第五条" in text[s.start:s.end])
    assert text[wrapped.start:wrapped.end].endswith("严重的列入“黑名单”。")  # hard wrap joined
    result = analyze(text, registry(ON))
    assert result.title == "XX市社会信用管理办法"
    for c in result.clauses:
        assert text[c.start:c.end] == c.text
    assert len(result.clauses) == 2 and all(c.flags.blacklist for c in result.clauses)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "第三条 ", "（一）", "1.", "将闯红灯行为记入个人信用记录", "，", "。", "；", "：", "\n", "\n\n", "  ",
    "列入黑名单", "禁止驾驶营运车辆", "信用积分低于60分的市民不得申请公租房", "\t", "“", "”", "本办法自印发之日起施行",
]), max_size=40))
def test_offsets_always_quote_the_text(parts: list[str]) -> None:
    text = "".join(parts)
    previous_end = 0
    for s in split_clauses(text):
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end].strip() == text[s.start:s.end]
        previous_end = s.end
    for c in analyze(text, registry(ON), title="测试").clauses:
        assert text[c.start:c.end] == c.text


@pytest.mark.parametrize("clause", [
    "不得以低信用分为由，对个人实施惩戒。",
    "任何部门（单位）不得强制要求金融机构、信用服务机构、行业协会商会、新闻媒体等惩戒失信主体。",
    "符合修复条件的，要按照有关规定及时将其移出严重失信主体名单，终止共享公开相关失信信息。",
    "加快推进社会信用体系建设，营造诚实守信的社会氛围。",
    "四、依法依规实施失信惩戒",
])
def test_principles_and_headings_are_not_measures(clause: str) -> None:
    assert not classify(clause, title="实施方案").any()


def test_using_a_list_is_not_creating_one_and_scores_of_enterprises_are_not_individuals() -> None:
    used = classify("对列入失信被执行人名单的企业，不得参加政府采购活动。")
    assert used.punishment and not used.blacklist
    created = classify("对欠缴物业费的业主，列入小区失信业主名单。")
    assert created.blacklist
    enterprise = classify("对信用等级为D级的企业，依法依规实施严格监管，取消其评优评先资格。")
    assert enterprise.punishment and not enterprise.scores_individuals
    person = classify("对信用等级为D级的个人，取消其评优评先资格。")
    assert person.scores_individuals and person.punishment


def test_statutory_measure_is_kept_and_local_regulation_is_recognised() -> None:
    reg = registry(ON)
    kept = analyze("供应商提供虚假材料谋取中标、成交的，列入不良行为记录名单，在一至三年内禁止参加政府采购活动。",
                   reg, title="XX市政府采购管理办法")
    assert kept.disposition is Disposition.keep
    assert "政府采购法" in (kept.clauses[0].national_basis or "")
    cited = analyze("依据《辽宁省公共信用信息管理条例》，将行政处罚信息归集至市公共信用信息平台。", reg, title="办法")
    assert "辽宁省公共信用信息管理条例" in (cited.clauses[0].local_basis or "")
    assert "依据待核实" in (cited.clauses[0].local_basis or "")


def test_guess_title() -> None:
    assert guess_title("\n\nXX区人民政府办公室\n\n关于印发XX区个人信用积分管理办法的通知\n\n各街道：") == \
        "关于印发XX区个人信用积分管理办法的通知"


def test_ledger_row_has_the_fourteen_columns_and_decisions_win() -> None:
    assert len(LEDGER_COLUMNS) == 14
    assert LEDGER_COLUMNS[3] == "是否涉及“黑名单”认定"
    clause = ClauseView(
        text="将行人闯红灯信息记入个人信用记录。", credit_information=True, blacklist=False, punishment=False,
        scores_individuals=False, national_basis=None, local_basis=None, fully_covered=False,
        proposed_disposition="相关内容删除", decided_disposition="废止", decided_national_basis=False,
    )
    doc = DocumentView(title="《XX通知》", doc_number="X〔2021〕1号", clauses=(clause,),
                       proposed_disposition="相关内容删除", completion_due=dt.date(2021, 1, 31),
                       responsible_unit="XX区交通运输局", responsible_person="张三，科长", phone="84799216")
    row, = ledger_rows(3, doc)
    assert len(row) == 14
    assert row[:2] == ["3", "《XX通知》(X〔2021〕1号)"]
    assert row[9:] == ["废止", "2021年1月31日", "XX区交通运输局", "张三，科长", "84799216"]
    dismissed = DocumentView(title="X", doc_number=None, clauses=(ClauseView(**{**clause.__dict__, "dismissed": True}),),
                             proposed_disposition="相关内容删除")
    assert ledger_rows(1, dismissed)[0][2] == "否" and dismissed.disposition == "保留"


def test_milestones_follow_the_notice() -> None:
    dalian = plan_for(load_plans([RULES_ROOT]), "210211")
    assert dalian is not None and dalian.source == "大高信办字〔2021〕1号"
    assert [(m.name, m.due_date) for m in dalian.milestones] == [
        ("梳理自查", dt.date(2021, 1, 29)), ("整改方案", dt.date(2021, 3, 18)), ("全面完成", dt.date(2021, 10, 18))]
    due = dt.date(2021, 1, 29)
    assert milestone_status(due, dt.date(2021, 1, 29), dt.date(2021, 5, 1)) is ProgressStatus.done
    assert milestone_status(due, dt.date(2021, 2, 1), dt.date(2021, 5, 1)) is ProgressStatus.done_late
    assert milestone_status(due, None, dt.date(2021, 1, 20)) is ProgressStatus.pending
    assert milestone_status(due, None, dt.date(2021, 1, 30)) is ProgressStatus.overdue
    assert submission_problems("self_review", [], set(), dalian.milestones) == ["台账中还没有登记任何文件"]
    assert "请先报送“梳理自查”" in submission_problems("rectification_plan", [], set(), dalian.milestones)


def test_legal_bases_file_is_sourced_and_unverified_entries_are_flagged() -> None:
    raw = yaml.safe_load(bases.LEGAL_BASES_FILE.read_text(encoding="utf-8"))
    parsed, terms, serious, minor = parse_legal_bases(raw)
    assert len(parsed) >= 25 and terms and serious and minor
    assert all(b.source for b in parsed)
    unverified = {b.id for b in parsed if not b.basis_verified}
    assert {"liaoning-public-credit-information", "optimise-business-environment"} <= unverified
    assert all("（依据待核实）" in b.cite() for b in parsed if not b.basis_verified)
    assert any(Question.punishment in b.covers for b in parsed)


@pytest.mark.parametrize(("mutation", "message"), [
    (lambda e: e.pop("basis_verified"), "basis_verified"),
    (lambda e: e.update(level="decree"), "层级"),
    (lambda e: e.pop("source"), "来源"),
    (lambda e: e.update(topics=None, citation_only=False), "citation_only"),
])
def test_legal_bases_validation(mutation, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(bases.LEGAL_BASES_FILE.read_text(encoding="utf-8"))
    mutation(raw["bases"][0])
    with pytest.raises(BasisError, match=message):
        parse_legal_bases(raw)


def test_other_capabilities_data_is_optional(tmp_path: Path) -> None:
    assert capability_bases(tmp_path) == []
    (tmp_path / "national" / "list_types").mkdir(parents=True)
    (tmp_path / "national" / "list_types" / "broken.yaml").write_text("{not: [valid", encoding="utf-8")
    (tmp_path / "national" / "list_types" / "odd.yaml").write_text("- just a string\n", encoding="utf-8")
    assert capability_bases(tmp_path) == []


#: 淮政办发〔2021〕13号 §二—§四 (seeds/004), a real implementing plan: it restates 国办发〔2020〕49号 and
#: creates no measure of its own, so nothing may be proposed for deletion or repeal.
HUAIAN_EXCERPT = """二、全面开展失信约束措施清理规范工作

（一）梳理规范现行制度。按照《指导意见》明确的公共信用信息纳入范围和失信行为认定标准，以及国家发展改革委办公厅《关于开展失信约束措施清理规范工作的通知》（发改办财金〔2021〕15号）明确的具体清理规范范围，对全市范围内涉及公共信用信息纳入、共享和公开以及失信行为认定、严重失信主体名单认定、失信惩戒措施等制度文件进行全面清理规范。对符合法律、行政法规和党中央、国务院政策文件和地方性法规的，予

以保留，对不符合要求的，按规定予以修订或废止。（市发展改革委、市司法局牵头，市相关部门按职责分工负责，各县区分别负责）

（二）严格规范失信行为认定依据。行政机关及法律、法规授权的具有管理公共事务职能的组织等（以下统称行政机关）认定失信行为必须以具有法律效力的文书为依据。可认定失信行为的依据包括：生效的司法裁判文书和仲裁文书、行政处罚和行政裁决等行政行为决定文书，以及法律、法规或者党中央、国务院政策文件规定可作为失信行为认定依据的其他文书。各级行政机关依法依规认定失信行为后应当如实记录失信信息，并及时将认定的失信信息共享至市信用信息共享平台。（市相关部门按职责分工负责，各县区分别负责）

（三）严格限定严重失信主体名单范围。严重失信主体名单的认定范围，应限制为严重危害人民群众身体健康和生命安全、严重破坏市场公平竞争秩序和社会正常秩序、拒不履行法定义务严重影响司法机关和行政机关公信力、拒不履行国防义务等严重失信行为的责任主体。任何部门（单位）不得擅自增加或扩展严重失信主体名单设列领域和范围。（市相关部门按职责分工负责，各县区分别负责）

（四）严格规范严重失信主体名单认定标准、移出条件、程序以及救济措施。市和各县区行政机关认定严重失信主体名单、移出条件、程序以及救济措施，应严格按照法律、行政法规或者党中央、国务院政策文件统一的认定标准规范实施。（市相关部

门按职责分工负责，各县区分别负责）

三、规范公共信用信息纳入范围和程序

（一）明确公共信用信息的纳入、共享、公开范围。严格以法律、行政法规和党中央、国务院政策文件为依据，将行政机关掌握的特定行为信息纳入公共信用信息。实行公共信用信息目录管理，对纳入目录的公共信用信息应当明确是否可公开、可共享以及共享范围、公示期限等。（市相关部门按职责分工负责，各县区分别负责）

（二）规范公共信用信息共享公开管理。建立完善信用信息共享机制，推动市信用信息共享平台与省信用信息共享平台、国家企业信用信息公示系统（江苏）以及相关部门、各县区信用信息系统实现互联互通、数据共享，逐步做到“一口采集、充分共享”。统筹公共信用信息公开渠道，各行政机关按照政府信息公开或其他有关规定，在本部门网站、本级政府网站或其他指定的网站公开相关信息，“信用淮安”网站、国家企业信用信息公示系统（江苏）要按照有关规定，将所归集的应当公开的公共信用信息进行统一公开，并与相关行政机关公开的内容、期限保持一致。公开个人相关信息的，必须有明确的法律、法规或者国务院决定、命令作为依据或经本人同意，并进行必要脱敏处理。（市发展改革委、市市场监管局牵头，市相关部门按职责分工负责，各县区分别负责）

四、依法依规实施失信惩戒

（一）严格履行严重失信主体名单认定程序。各级行政机关

在作出认定严重失信主体名单决定前，应当预先告知当事人作出决定的事由、依据和当事人依法享有的权利。当事人提出异议的，应当予以核实并在10个工作日内反馈结果，法规、规章另有规定的，从其规定。将失信主体列入严重失信主体名单时，要制作认定严重失信主体名单的决定文书，告知当事人作出决定的事由、依据和当事人依法享有的权利。除法律、法规和部门规章规定的外，应由县级以上（含县级）有关部门按照相关标准认定严重失信主体名单。（市相关部门按职责分工负责，各县区分别负责）

（二）依法依规审慎实施失信惩戒措施。遵循合法、关联、比例原则，根据失信行为的领域、性质、情节轻重、影响程度，依照失信惩戒措施清单，采取轻重适度的惩戒措施，确保过惩相当。对未成年人失信行为、受自然灾害或疫情等不可抗力影响导致的失信行为以及非主观故意、轻微失信行为，宽容审慎进行认定、记录和惩戒。任何部门（单位）不得强制要求金融机构、信用服务机构、行业协会商会、新闻媒体等惩戒失信主体。任何部门（单位）不得以现行规定对失信行为惩戒力度不足为由，在法律、行政法规和党中央、国务院政策文件规定外增设惩戒措施或在法定惩戒标准上加重惩戒。（市相关部门按职责分工负责，各县区分别负责）"""


def test_real_implementing_plan_restates_the_central_policy() -> None:
    result = analyze(HUAIAN_EXCERPT, registry(ON), title="淮安市进一步完善失信约束制度构建诚信建设长效机制实施方案")
    assert result.clauses, "sharing and listing procedure are credit matters"
    for c in result.clauses:
        assert HUAIAN_EXCERPT[c.start:c.end] == c.text
        assert c.disposition is Disposition.keep, c.text
        assert "国办发〔2020〕49号" in (c.national_basis or "")
    assert not any(c.flags.punishment for c in result.clauses)
