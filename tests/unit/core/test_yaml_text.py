"""Rule files parsed by libyaml give the values PyYAML's own parser gives (xinyong.core.yaml_text)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xinyong.core import yaml_text
from xinyong.core.rulefiles import RULES_ROOT, RuleError, read_rule_file

SHIPPED = sorted(RULES_ROOT.rglob("*.y*ml"))


def test_the_shipped_rule_files_are_found() -> None:
    assert len(SHIPPED) >= 10


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(RULES_ROOT)))
def test_every_shipped_rule_file_reads_as_pyyaml_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_text.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_c_parser_is_used_where_pyyaml_has_it() -> None:
    assert yaml_text.SAFE_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_python_objects_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml_text.safe_load("x: !!python/object/apply:os.system ['true']")


def test_a_syntax_error_still_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("items: [a, b\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"broken\.yaml: YAML 格式错误"):
        read_rule_file(bad)
