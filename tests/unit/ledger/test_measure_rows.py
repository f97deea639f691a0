"""One ledger row per measure, the 文号, score-based punishment, measures on legal representatives, the
columns agreeing with each other, and the regions' milestone plans — pure rules on short documents."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xinyong.core.rulefiles import RULES_ROOT, RuleError
from xinyong.ledger.bases import registry
from xinyong.ledger.milestones import load_plans, parse_plan, plan_for
from xinyong.ledger.rules import (
    LOW_SCORE_RULE,
    ClauseResult,
    ClauseView,
    Disposition,
    DocumentView,
    analyze,
    decision_denial,
    find_doc_number,
    ledger_rows,
)
from xinyong.ledger.xlsx import build_workbook

ON = dt.date(2025, 6, 30)


def view_of(c: ClauseResult, **decided: object) -> ClauseView:
    return ClauseView(
        text=c.text, credit_information=c.flags.credit_information, blacklist=c.flags.blacklist,
        punishment=c.flags.punishment, scores_individuals=c.flags.scores_individuals,
        national_basis=c.national_basis, local_basis=c.local_basis, fully_covered=all(c.covered.values()),
        proposed_disposition=c.disposition.value, conflicts=c.conflicts, **decided,  # type: ignore[arg-type]
    )


def document(text: str, title: str | None = None, number: str | None = None) -> DocumentView:
    result = analyze(text, registry(ON), title=title)
    return DocumentView(title=result.title, doc_number=number if number is not None else find_doc_number(text),
                        clauses=tuple(view_of(c) for c in result.clauses),
                        proposed_disposition=result.disposition.value)


# --- 1. 文号 and one row per measure ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("淮安市交通运输局文件\n淮交发〔2020〕8号\n关于加强交通信用管理的通知\n各县区交通运输局：\n", "淮交发〔2020〕8号"),
    ("关于加强交通信用管理的通知（淮交发[2020]第08号）\n各有关单位：\n", "淮交发〔2020〕8号"),
    ("XX区人民政府办公室\n文号：X政办发（2021）12号\n关于印发XX区信用管理办法的通知\n", "X政办发〔2021〕12号"),
    ("\n\n大连高新区信用体系建设领导小组办公室\n\n大高信办字〔2021〕1号\n\n关于开展失信约束措施清理规范工作的通知\n",
     "大高信办字〔2021〕1号"),
    # a number cited in the body is another document's, not this one's
    ("关于X的通知\n根据《关于Y的通知》（大信办字〔2021〕1号）要求，现通知如下。\n", None),
    ("关于X的通知\n各单位：\n一、按要求开展工作。\n", None),
])
def test_doc_number_from_the_first_lines(text: str, expected: str | None) -> None:
    assert find_doc_number(text) == expected


def test_the_plans_own_numbers_are_found() -> None:
    # the heads of 淮政办发〔2021〕13号 and 发改办财金〔2018〕893号 as printed, with a number cited in the body
    huaian = ("\n\n淮安市人民政府办公室文件\n\n淮政办发〔2021〕13号\n\n市政府办公室 关于印发淮安市进一步完善失信约束制度"
              " 构建诚信建设长效机制实施方案的通知\n\n各县区人民政府：\n\n为深入贯彻落实《指导意见》（国办发〔2020〕49号）……\n")
    assert find_doc_number(huaian) == "淮政办发〔2021〕13号"


FIVE = (
    "XX市交通运输局文件\n"
    "X交发〔2021〕5号\n"
    "关于加强交通运输领域信用管理的通知\n"
    "各有关单位：\n"
    "一、将行人闯红灯受到行政处罚的行为信息记入个人信用记录，在“信用XX”网站公示。\n"
    "二、对列入拖欠农民工工资失信联合惩戒对象名单的运输企业，在政府采购、招投标、融资贷款等方面依法依规予以限制。\n"
    "三、个人信用积分低于600分的驾驶员，不得报名参加年度优秀驾驶员评选。\n"
    "四、对拖欠运输费用的企业，其法定代表人不得乘坐飞机、高铁。\n"
    "五、出租汽车企业一年内被投诉三次以上的，列入出租汽车失信企业名单。\n"
    "六、本通知自印发之日起施行。\n"
)


def test_five_measures_give_five_rows_under_one_document() -> None:
    doc = document(FIVE)
    rows = ledger_rows(1, doc)
    assert len(rows) == 5
    assert {r[1] for r in rows} == {"《关于加强交通运输领域信用管理的通知》(X交发〔2021〕5号)"}
    assert {r[0] for r in rows} == {"1"}
    dispositions = [r[9] for r in rows]
    assert dispositions[1] == "保留" and dispositions[2] == "相关内容删除" and dispositions[3] == "相关内容删除"
    # different dispositions are no longer merged into one cell
    assert len(set(dispositions)) >= 2 and all("；" not in d for d in dispositions)

    ws = load_workbook(io.BytesIO(build_workbook("XX市交通运输局", [rows]))).active
    assert ws is not None
    assert [ws.cell(row=r, column=10).value for r in range(3, 8)] == dispositions
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A3:A7", "B3:B7", "K3:K7", "L3:L7", "M3:M7", "N3:N7"} <= merged
    assert "F3:F7" not in merged and "J3:J7" not in merged


def test_a_document_without_measures_has_one_row_saying_so() -> None:
    rows = ledger_rows(2, document("关于召开会议的通知\n各单位：\n请准时参加会议。\n"))
    assert len(rows) == 1 and rows[0][5] == "未发现涉及失信约束措施的内容" and rows[0][2:5] == ["否", "否", "否"]


def test_cells_beginning_with_formula_characters_stay_text() -> None:
    row = ["1", "=HYPERLINK(\"x\")", "否", "否", "否", "+1", "否", "否", "-2", "保留", "", "@SUM(A1)", "", ""]
    ws = load_workbook(io.BytesIO(build_workbook("=单位", [[row]]))).active
    assert ws is not None
    for ref, value in (("B3", row[1]), ("F3", "+1"), ("I3", "-2"), ("L3", "@SUM(A1)"), ("A1", "=单位失信约束措施台账")):
        assert ws[ref].value == value and ws[ref].data_type == "s"


# --- 2. score-based punishment of persons in every form --------------------------------------------

@pytest.mark.parametrize("text", [
    "家长个人信用分低于500分的，其子女不得报名就读区内优质公办学校。",
    "学生诚信积分不足60分的，取消其当年评优评先和奖学金申请资格。",
    "求职者信用积分低于当地平均水平的，不予推荐公益性岗位。",
    "承租人信用等级为D级的，不得续租公共租赁住房。",
    "市民信用分在550分以下的，暂停其享受公共自行车免押金服务。",
    "将个人诚信分与子女入学、就业、租房、出行挂钩，实行差别化服务。",
    "村民信用积分排名末位的，不再享受村集体福利分红。",
])
def test_score_based_punishment_is_always_a_conflict_to_delete(text: str) -> None:
    result = analyze(text, registry(ON), title="XX市社会信用体系建设工作方案")
    [clause] = result.clauses
    assert clause.flags.scores_individuals and clause.flags.punishment
    assert clause.conflicts == (LOW_SCORE_RULE,)
    assert clause.disposition is Disposition.delete
    row = ledger_rows(1, DocumentView("X", None, (view_of(clause),), result.disposition.value))[0]
    assert row[4] == "是" and row[9] == "相关内容删除"


def test_score_used_only_to_reward_is_not_a_conflict() -> None:
    result = analyze("个人信用积分达到AAA级的市民，可享受图书馆免押金借阅等守信激励便利。", registry(ON),
                     title="XX市社会信用体系建设实施方案")
    [clause] = result.clauses
    assert clause.flags.scores_individuals and not clause.flags.punishment and not clause.conflicts


# --- 3. travel and consumption restrictions on legal representatives and other persons ------------

@pytest.mark.parametrize("text", [
    "对拖欠工程款的企业，其法定代表人不得乘坐飞机。",
    "对发生较大生产安全事故的企业，其主要负责人一年内不得乘坐高铁、入住星级宾馆。",
    "对恶意拖欠物业费的业主，限制其乘坐飞机、高铁等高消费行为。",
])
def test_travel_restrictions_without_a_carrying_list_are_deleted_not_legislated(text: str) -> None:
    [clause] = analyze(text, registry(ON), title="XX区关于加强信用监管的通知").clauses
    assert clause.flags.punishment
    assert clause.disposition is Disposition.delete
    assert "立法" not in clause.disposition.value and "失信被执行人名单" in clause.reason
    assert "国办发〔2020〕49号 §（九）、§（十）" in clause.reason


def test_travel_restriction_on_a_court_debtor_rests_on_the_measure_list() -> None:
    [clause] = analyze("被执行人为单位的，对其法定代表人、主要负责人限制乘坐飞机、高铁等高消费行为。",
                       registry(ON), title="XX市失信被执行人联合惩戒实施方案").clauses
    assert clause.national_basis and "限制被执行人高消费" in clause.national_basis
    assert clause.disposition is Disposition.revise  # the measure list marks that basis 待核实


# --- 4. columns that agree (properties) -------------------------------------------------------------

FRAGMENTS = [
    "个人信用积分低于600分的", "市民", "企业", "其法定代表人", "不得乘坐飞机", "不予受理", "列入失信企业名单",
    "记入个人信用记录", "在政府网站公示", "依照《保障农民工工资支付条例》第四十八条",
    "列入拖欠农民工工资失信联合惩戒对象名单", "在政府采购、招投标方面依法依规予以限制", "行人闯红灯",
    "受到行政处罚的", "不得参加政府采购活动", "失信被执行人", "限制高消费", "可享受免押金服务", "食品生产",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=6))
def test_proposals_and_rows_keep_the_columns_consistent(parts: list[str]) -> None:
    text = "，".join(parts) + "。"
    result = analyze(text, registry(ON), title="XX区信用管理办法")
    for c in result.clauses:
        if c.flags.scores_individuals and c.flags.punishment:
            assert c.conflicts and c.disposition in (Disposition.delete, Disposition.repeal)
        if c.disposition is Disposition.keep:
            assert c.national_basis or c.local_basis  # no basis is never 保留
        [row] = ledger_rows(1, DocumentView("X", None, (view_of(c),), c.disposition.value))
        assert (row[6] == "是") == bool(c.national_basis)  # a listed national basis says 是
        assert (row[7] == "是") == bool(c.local_basis)
        if row[6] == "否" and row[7] == "否":
            assert row[8] == "无" and row[9] != "保留"
        assert decision_denial(view_of(c)) is None


@settings(max_examples=80, deadline=None)
@given(
    national=st.sampled_from([None, "信用信息纳入共享公开：《某法》第一条"]),
    local=st.sampled_from([None, "失信惩戒措施：《某省条例》第二条"]),
    conflict=st.booleans(),
    decided=st.sampled_from([None, *[d.value for d in Disposition]]),
    decided_national=st.sampled_from([None, True, False]),
    basis_text=st.sampled_from([None, "《某法》第三条：……"]),
)
def test_decisions_that_pass_keep_the_columns_consistent(national: str | None, local: str | None, conflict: bool,
                                                         decided: str | None, decided_national: bool | None,
                                                         basis_text: str | None) -> None:
    view = ClauseView(
        text="条款。", credit_information=True, blacklist=False, punishment=True, scores_individuals=conflict,
        national_basis=national, local_basis=local, fully_covered=True, proposed_disposition="修订",
        conflicts=(LOW_SCORE_RULE,) if conflict else (), decided_disposition=decided,
        decided_national_basis=decided_national, decided_basis_text=basis_text,
    )
    if decision_denial(view) is not None:
        return  # the service refuses it (422) and nothing is written
    [row] = ledger_rows(1, DocumentView("X", None, (view,), "修订"))
    if row[9] == "保留":
        assert "是" in (row[6], row[7]) and not conflict
    if "是" in (row[6], row[7]):
        assert row[8] != "无"
    if decided_national is None and basis_text is None:
        assert (row[6] == "是") == bool(national)


def test_keep_without_basis_and_keep_of_a_score_punishment_are_refused() -> None:
    bare = ClauseView("条款。", True, False, True, False, None, None, False, "相关内容删除", decided_disposition="保留")
    assert "不能保留" in (decision_denial(bare) or "")
    scored = ClauseView("条款。", False, False, True, True, "《某法》", None, True, "相关内容删除",
                        conflicts=(LOW_SCORE_RULE,), decided_disposition="保留")
    assert LOW_SCORE_RULE in (decision_denial(scored) or "")
    claimed = ClauseView("条款。", True, False, False, False, None, None, False, "修订", decided_national_basis=True)
    assert "依据的具体内容" in (decision_denial(claimed) or "")


# --- 5. milestones per region ------------------------------------------------------------------------

def test_each_region_has_its_own_plan() -> None:
    plans = load_plans([RULES_ROOT])
    huaian = plan_for(plans, "320812")
    assert huaian is not None and huaian.source == "淮政办发〔2021〕13号"
    assert [(m.code, m.due_date) for m in huaian.milestones] == [("completion", dt.date(2021, 12, 31))]
    dalian = plan_for(plans, "210211")
    assert dalian is not None
    assert [m.due_date for m in dalian.milestones] == [dt.date(2021, 1, 29), dt.date(2021, 3, 18), dt.date(2021, 10, 18)]
    assert not {m.due_date for m in dalian.milestones} & {m.due_date for m in huaian.milestones}
    assert plan_for(plans, "320102") is None and plan_for(plans, None) is None


def _plan_raw() -> dict[str, object]:
    raw = yaml.safe_load((RULES_ROOT / "local" / "210200" / "ledger" / "milestones.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r.update(region="2102"), "region"),
    (lambda r: r.pop("source"), "source"),
    (lambda r: r["milestones"][0].update(code="nonsense"), "无效"),
    (lambda r: r["milestones"][1].update(due_date=dt.date(2021, 1, 1)), "顺序"),
    (lambda r: r["milestones"][0].pop("basis_verified"), "basis_verified"),
    (lambda r: r["milestones"][2].update(due_date="十月底"), "due_date"),
    (lambda r: r.update(milestones=[]), "milestones"),
])
def test_a_bad_plan_does_not_load(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _plan_raw()
    mutate(raw)
    with pytest.raises(RuleError, match=message):
        parse_plan(raw, "210200/ledger/milestones.yaml")


def test_validate_all_checks_the_plans(tmp_path: Path) -> None:
    from xinyong.rules_check import validate_all

    assert validate_all([RULES_ROOT]).ledger_milestone_plans >= 2
    folder = tmp_path / "local" / "320800" / "ledger"
    folder.mkdir(parents=True)
    raw = _plan_raw()  # 大连's plan put in 淮安's folder
    (folder / "milestones.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="210200"):
        validate_all([RULES_ROOT, tmp_path])


# --- the disposition vocabulary in the database --------------------------------------------------------

def test_disposition_enum_models_and_migration_agree() -> None:
    import importlib.util
    import re

    from sqlalchemy import CheckConstraint

    import xinyong.migrations
    from xinyong.ledger.models import LedgerClause, PolicyDocument

    path = Path(xinyong.migrations.__file__).parent / "versions" / "ledger_0004_disposition_checks.py"
    spec = importlib.util.spec_from_file_location("_ledger_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frozen = {name: tuple(values) for _t, name, _c, values in module.CHECKS}
    values = tuple(d.value for d in Disposition)
    for model in (PolicyDocument, LedgerClause):
        checks = {str(c.name): tuple(re.findall(r"'([^']*)'", str(c.sqltext)))
                  for c in model.__table__.constraints if isinstance(c, CheckConstraint)}
        for column in ("proposed_disposition", "decided_disposition"):
            name = f"ck_{model.__tablename__}_{column}"
            assert checks[name] == values and frozen[name] == values
