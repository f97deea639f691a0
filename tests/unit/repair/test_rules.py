"""Repair rules: validation at load and the pure assessment (dates are arguments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.catalog.loader import RULES_ROOT, catalogs
from xinyong.catalog.rules import RuleError
from xinyong.repair import rules as R
from xinyong.repair.loader import load_rules, repair_rules

CODES = {item.code for _, item in catalogs().all_items()}
ALL = frozenset({R.Condition.act_corrected, R.Condition.effects_removed, R.Condition.obligations_performed})


def _rule(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "kind": "catalog_item", "target": "admin-penalty", "name": "行政处罚信息", "repairable": True,
        "basis": [{"title": "信用修复管理办法", "level": "departmental_rule", "basis_verified": False}],
        "conditions": ["act_corrected", "commitment"],
    }
    raw.update(overrides)
    return raw


def _parse(**overrides: Any) -> R.RepairRule:
    return R.parse_rule(_rule(**overrides), "test.yaml", "national", "test.yaml")


def test_shipped_rules_load_and_cover_every_dishonesty_item() -> None:
    rules = repair_rules()
    dishonesty = {item.code for _, item in catalogs().all_items() if item.records_dishonesty}
    covered = {r.target for r in rules.rules if r.kind is R.TargetKind.catalog_item}
    assert dishonesty <= covered
    lists = {r.target for r in rules.rules if r.kind is R.TargetKind.list_type}
    assert "court-dishonest-debtor" in lists and len(lists) == 10
    # every shipped rule is repairable: no law or central policy declaring otherwise was found
    assert all(r.repairable for r in rules.rules)
    assert all(R.Condition.min_period in r.conditions for r in rules.rules)


def test_list_types_match_the_list_type_data() -> None:
    from xinyong.listing.loader import list_types

    loaded = list_types()
    ids = {t.id for t in loaded.types} | {i.id for i in loaded.incomplete}
    ours = {r.target for r in repair_rules().rules if r.kind is R.TargetKind.list_type}
    assert ours == ids


def test_non_repairable_needs_a_law_or_central_policy_basis() -> None:
    with pytest.raises(RuleError, match="non_repairable_basis"):
        _parse(repairable=False)
    with pytest.raises(RuleError, match="层级不合格"):
        _parse(repairable=False, non_repairable_basis=[
            {"title": "某部门规章", "level": "departmental_rule", "basis_verified": True}])
    rule = _parse(repairable=False, non_repairable_basis=[
        {"title": "某法律", "level": "law", "article": "第九条", "basis_verified": False}])
    assert not rule.repairable and rule.non_repairable_basis[0].article == "第九条"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"conditions": ["pay_fee"]}, "未知的修复条件"),
    ({"outcome": "forget"}, "未知的修复结果"),
    ({"outcome": "remove_from_list"}, "目录项信息"),
    ({"kind": "list_type", "outcome": "delete"}, "名单类型"),
    ({"min_months": -1}, "整数"),
    ({"time_limit_workdays": 0}, "整数"),
    ({"basis": []}, "缺少纳入依据"),
    ({"kind": "person"}, "kind"),
])
def test_bad_rules_do_not_load(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        _parse(**overrides)


def test_rule_naming_unknown_catalog_item_does_not_load(tmp_path: Path) -> None:
    shipped = RULES_ROOT / "national" / "repair" / "time_limits.yaml"
    (tmp_path / "national" / "repair").mkdir(parents=True)
    (tmp_path / "national" / "repair" / "time_limits.yaml").write_text(shipped.read_text(encoding="utf-8"),
                                                                       encoding="utf-8")
    (tmp_path / "national" / "repair" / "x.yaml").write_text(
        yaml.safe_dump({"rules": [_rule(target="jaywalking")]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="jaywalking"):
        load_rules([tmp_path], CODES, None, repair_rules().regimes)


def test_missing_time_limits_do_not_load(tmp_path: Path) -> None:
    (tmp_path / "national" / "repair").mkdir(parents=True)
    with pytest.raises(RuleError, match=r"time_limits\.yaml"):
        load_rules([tmp_path], CODES, None, repair_rules().regimes)


@pytest.mark.parametrize(("day", "code", "regime", "minimums"), [
    # before 2025-06-22 令2023年第58号 (administrative-penalty information only): 3 months for every class
    (dt.date(2025, 6, 21), "admin-penalty", "ndrc-order-58", {"minor": 3, "general": 3, "serious": 3}),
    (dt.date(2025, 6, 21), None, None, None),
    # 2025-06-22 … 2026-03-31: 58号 and 国办发〔2025〕22号 in force; the later-issued 22号 applies
    (dt.date(2025, 7, 1), "admin-penalty", "gbf-2025-22", {"minor": 0, "general": 3, "serious": 12}),
    (dt.date(2026, 3, 31), None, "gbf-2025-22", {"minor": 0, "general": 3, "serious": 12}),
    # from 2026-04-01 令第36号 (58号 repealed; 36号 issued after 22号)
    (dt.date(2026, 4, 1), "admin-penalty", "ndrc-order-36", {"minor": 0, "general": 3, "serious": 12}),
    (dt.date(2023, 4, 30), None, None, None),
])
def test_regime_by_date(day: dt.date, code: str | None, regime: str | None,
                        minimums: dict[str, int] | None) -> None:
    found = repair_rules().regime_on(day, code)
    assert (found.id if found else None) == regime
    assert (found.min_months if found else None) == minimums


def _target(severity: str = "general", day: dt.date = dt.date(2026, 1, 10), **kw: Any) -> R.Target:
    return R.Target(kind=R.TargetKind.catalog_item, code="admin-penalty", severity=severity,
                    document_date=day, **kw)


def _evidence(**kw: Any) -> R.Evidence:
    values: dict[str, Any] = {"declared": ALL, "commitment_on": dt.date(2026, 5, 1)}
    values.update(kw)
    return R.Evidence(**values)


@pytest.mark.parametrize(("severity", "on", "ok"), [
    ("general", dt.date(2026, 4, 9), False),   # 3 months from 2026-01-10 end on 2026-04-10
    ("general", dt.date(2026, 4, 10), True),
    ("serious", dt.date(2026, 11, 23), False),  # 12 months → 2027-01-10
    ("serious", dt.date(2027, 1, 10), True),
    ("minor", dt.date(2026, 5, 1), True),       # 轻微: 法定责任履行完毕即可申请
])
def test_minimum_period_by_severity(severity: str, on: dt.date, ok: bool) -> None:
    rules = repair_rules()
    rule = rules.find(R.TargetKind.catalog_item, "admin-penalty", "320812")
    result = R.assess(rule, _target(severity), _evidence(), rules, on)
    assert result.ok is ok
    if not ok:
        assert result.problems[0].code == "min_period_not_elapsed"
        assert result.problems[0].retry_on == result.earliest


def test_under_order_58_every_class_waits_three_months() -> None:
    rules = repair_rules()
    rule = rules.find(R.TargetKind.catalog_item, "admin-penalty", None)
    early = R.assess(rule, _target("serious", dt.date(2025, 3, 1)), _evidence(commitment_on=dt.date(2025, 6, 10)),
                     rules, dt.date(2025, 6, 20))
    assert early.ok and early.min_months == 3


def test_from_2025_06_22_the_later_issued_22_sets_the_minimum() -> None:
    """58号 is in force until 2026-04-01, but from 2025-06-22 国办发〔2025〕22号 (issued later) applies: a serious
    record waits 12 months, no longer 3 (the platform's reading of the one period regime)."""
    rules = repair_rules()
    rule = rules.find(R.TargetKind.catalog_item, "admin-penalty", None)
    later = R.assess(rule, _target("serious", dt.date(2025, 6, 1)), _evidence(commitment_on=dt.date(2025, 7, 1)),
                     rules, dt.date(2025, 9, 1))
    assert [p.code for p in later.problems] == ["min_period_not_elapsed"]
    assert later.min_months == 12 and later.earliest == dt.date(2026, 6, 1)
    assert "国办发〔2025〕22号" in later.problems[0].reason


def test_default_conditions_are_those_of_36_ling() -> None:
    """令第36号: minimum period, corrected and obligations met, a public commitment — and nothing else."""
    rule = R.parse_rule({k: v for k, v in _rule().items() if k != "conditions"}, "t.yaml", "national", "t.yaml")
    assert rule.conditions == R.DEFAULT_CONDITIONS
    shipped = repair_rules().rules
    assert all(R.Condition.credit_report not in r.conditions for r in shipped)
    assert all(R.Condition.training not in r.conditions for r in shipped)
    catalog = [r for r in shipped if r.kind is R.TargetKind.catalog_item and r.target != "judicial-dishonest-debtor"]
    assert all(r.conditions >= R.DEFAULT_CONDITIONS for r in catalog)


def test_a_paid_credit_report_is_never_a_condition() -> None:
    with pytest.raises(RuleError, match="付费"):
        _parse(conditions=["act_corrected", "commitment", "credit_report"])


def test_training_only_where_the_data_asks_and_it_is_free() -> None:
    with pytest.raises(RuleError, match="免费"):
        _parse(conditions=["act_corrected", "training"])
    with pytest.raises(RuleError, match="免费"):
        _parse(conditions=["act_corrected", "training"], training_free_of_charge=False)
    rule = _parse(conditions=["act_corrected", "training"], training_free_of_charge=True)
    rules = repair_rules()
    target = _target("serious", dt.date(2024, 1, 1))
    on = dt.date(2026, 11, 23)
    short = R.assess(rule, target, _evidence(declared=ALL, training_hours=Decimal("2.5")), rules, on)
    assert [p.code for p in short.problems] == ["insufficient_training"]
    assert "补足0.5学时" in short.problems[0].remedy
    assert R.assess(rule, target, _evidence(declared=ALL, training_hours=Decimal(3)), rules, on).ok


def test_samr_list_follows_ling_44() -> None:
    """令第44号 第十六条: 列入满一年, obligations performed, harm and bad effects removed; 第十七条: 守信承诺书,
    decided within 15 working days; no training, no credit report."""
    rules = repair_rules()
    rule = rules.find(R.TargetKind.list_type, "samr-serious-illegal", None)
    assert rule is not None and rule.min_months == 12 and rule.time_limit_workdays == 15
    assert rule.conditions == R.DEFAULT_CONDITIONS | {R.Condition.effects_removed}
    target = R.Target(kind=R.TargetKind.list_type, code="samr-serious-illegal", severity="serious",
                      document_date=dt.date(2026, 1, 10))
    early = R.assess(rule, target, _evidence(declared=ALL, commitment_on=dt.date(2026, 2, 1)), rules,
                     dt.date(2027, 1, 9))
    assert [p.code for p in early.problems] == ["min_period_not_elapsed"] and early.earliest == dt.date(2027, 1, 10)
    due = R.assess(rule, target, _evidence(declared=ALL, commitment_on=dt.date(2026, 2, 1)), rules,
                   dt.date(2027, 1, 10))
    assert due.ok
    missing = R.assess(rule, target, _evidence(declared=ALL - {R.Condition.effects_removed},
                                               commitment_on=dt.date(2026, 2, 1)), rules, dt.date(2027, 1, 10))
    assert [p.code for p in missing.problems] == ["missing_effects_removed"]


def test_period_from_correction_date() -> None:
    rules = repair_rules()
    rule = rules.find(R.TargetKind.list_type, "migrant-wage-arrears", None)
    target = R.Target(kind=R.TargetKind.list_type, code="migrant-wage-arrears", severity="serious",
                      document_date=dt.date(2024, 1, 1), corrected_on=dt.date(2026, 8, 1))
    early = R.assess(rule, target, _evidence(), rules, dt.date(2026, 11, 23))
    assert [p.code for p in early.problems] == ["min_period_not_elapsed"] and early.earliest == dt.date(2027, 2, 1)
    no_date = R.Target(kind=R.TargetKind.list_type, code="migrant-wage-arrears", severity="serious",
                       document_date=dt.date(2024, 1, 1))
    assert "missing_correction_date" in {p.code for p in R.assess(rule, no_date, _evidence(), rules,
                                                                     dt.date(2026, 11, 23)).problems}


def test_commitment_must_postdate_the_document() -> None:
    rules = repair_rules()
    rule = rules.find(R.TargetKind.catalog_item, "admin-penalty", None)
    old = R.assess(rule, _target(), _evidence(commitment_on=dt.date(2025, 1, 1)), rules, dt.date(2026, 11, 23))
    assert [p.code for p in old.problems] == ["missing_commitment"]


def test_no_rule_and_inactive_target() -> None:
    rules = repair_rules()
    assert R.assess(None, _target(), _evidence(), rules, dt.date(2026, 11, 23)).problems[0].code == "no_repair_rule"
    rule = rules.find(R.TargetKind.catalog_item, "admin-penalty", None)
    gone = R.assess(rule, _target(status_active=False), _evidence(), rules, dt.date(2026, 11, 23))
    assert gone.problems[0].code == "not_active"


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 10, 1), 3, dt.date(2027, 1, 1)),
    (dt.date(2026, 3, 10), 12, dt.date(2027, 3, 10)),
])
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert R.add_months(day, months) == expected


def test_local_rule_overrides_national_for_its_region() -> None:
    rules = repair_rules()
    local = R.parse_rule(_rule(min_months=6), "l.yaml", "320800", "l.yaml")
    merged = R.RepairRules((*rules.rules, local), rules.regimes, rules.time_limits)
    assert merged.find(R.TargetKind.catalog_item, "admin-penalty", "320812") is local
    assert merged.find(R.TargetKind.catalog_item, "admin-penalty", "110105") is not local
