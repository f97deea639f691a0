"""One validation of every kind of rule data (xinyong.rules_check.validate_all): a broken file of each
kind stops it with a RuleError naming the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from xinyong.core.rulefiles import RULES_ROOT, RuleError
from xinyong.rules_check import validate_all


def test_shipped_rules_validate() -> None:
    summary = validate_all()
    assert summary.catalog_items > 0 and summary.period_regimes == 4 and summary.repair_rules > 0
    assert summary.holiday_years >= 1 and summary.legal_bases > 0 and summary.fields > 0


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES_ROOT, root)
    return root


@pytest.mark.parametrize(("relative", "broken"), [
    ("national/catalog/2024.yaml", "items: [\n"),  # YAML syntax error
    ("national/list_types/court-dishonest-debtor.yaml", "id: court-dishonest-debtor\n"),
    ("national/measures/statutory.yaml", "list_id: x\n"),
    ("national/periods/regimes.yaml", "regimes: []\n"),
    ("national/repair/time_limits.yaml", "time_limits: {department_decision_workdays: 0}\n"),
    ("national/repair/catalog_items.yaml", "rules: [{kind: person}]\n"),
    ("national/holidays/2026.yaml", "year: 2025\n"),
    ("national/legal_bases.yaml", "bases: 1\n"),
    ("national/fields/fields.yaml", "fields: [{code: x}]\n"),
])
def test_a_broken_file_of_each_kind_names_the_file(rules_copy: Path, relative: str, broken: str) -> None:
    (rules_copy / relative).write_text(broken, encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(Path(relative).name)):
        validate_all([rules_copy])


def test_the_period_regime_must_state_its_precedence(rules_copy: Path) -> None:
    path = rules_copy / "national" / "periods" / "regimes.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("precedence: latest_issued_in_force\n", ""),
                    encoding="utf-8")
    with pytest.raises(RuleError, match="precedence"):
        validate_all([rules_copy])


def test_the_old_period_files_are_gone() -> None:
    assert not (RULES_ROOT / "national" / "repair" / "periods.yaml").exists()
    assert not (RULES_ROOT / "national" / "disclosure" / "periods.yaml").exists()
