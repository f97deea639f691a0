"""The 信用修复决定书 states the decision both ways and prints inside the page."""

from __future__ import annotations

import datetime as dt

from tests.pdf_text import joined, runs
from xinyong.core import official_document as od
from xinyong.repair import rules as R
from xinyong.repair.decision_document import compose
from xinyong.repair.loader import repair_rules


def _doc(granted: bool) -> od.OfficialDocument:
    rule = repair_rules().find(R.TargetKind.catalog_item, "admin-penalty", "320800")
    return compose(department="淮安市市场监督管理局", subject_name="淮安市示例商贸有限公司", subject_code="91320812MA1X00000X",
                   number="淮市监修〔2026〕7号", filed_on=dt.date(2026, 11, 2), application="XF20261102000001",
                   target_kind="record", target_label="淮市监罚〔2026〕12号（淮安市市场监督管理局）", rule=rule,
                   granted=granted, outcome=R.Outcome.end_disclosure if granted else None,
                   reason=None if granted else "尚未缴清罚款", remedy=None if granted else "缴清罚款后可再次申请",
                   decided_on=dt.date(2026, 11, 5), region="320800")


def test_granted_and_refused_decisions_print_their_content() -> None:
    granted, refused = _doc(True), _doc(False)
    g = joined(od.render_pdf(granted))
    assert "准予信用修复：终止公示、停止共享和使用" in g and "不收取任何费用" in g
    assert "修复条件：达到最短公示期限；已纠正失信行为；已完全履行相关义务；公开作出信用承诺" in g
    pdf = od.render_pdf(refused)
    r = joined(pdf)
    assert "不予信用修复。理由：尚未缴清罚款" in r and "整改后可再次申请：缴清罚款后可再次申请" in r
    assert "60日内向江苏省淮安市人民政府申请行政复议" in r
    assert all(run.inside() for run in runs(pdf))
    for piece in refused.text_lines():
        assert "".join(piece.split()) in r
