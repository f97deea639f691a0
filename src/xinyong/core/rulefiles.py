"""The one home of rule-file mechanics: where rule data lives, how a file is read, the one error type.

Rule data (catalog, list types, measures, repair rules, the period regime, holidays, legal bases,
competent fields) is YAML under ``src/xinyong/rules/`` — ``national/<kind>/`` and
``local/<region code>/<kind>/`` — plus any extra folder named by ``XINYONG_RULES_DIR``, layered over
the shipped one. Each capability parses its own kind; a file that must not load raises
:class:`RuleError`, and ``xinyong init`` and start-up validate every kind through
``xinyong.rules_check.validate_all`` (DESIGN.md principle 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from xinyong.core import yaml_text
from xinyong.core.config import get_settings

RULES_ROOT = Path(__file__).resolve().parent.parent / "rules"


class RuleError(ValueError):
    """A rule file that must not load. The message names the file, the item and the problem."""


def rule_roots() -> list[Path]:
    roots = [RULES_ROOT]
    extra = get_settings().rules_dir
    if extra:
        roots.append(Path(extra))
    return roots


def rule_files(root: Path, kind: str) -> list[Path]:
    """``<root>/national/<kind>/*.yaml`` then ``<root>/local/<region>/<kind>/*.yaml``."""
    files = sorted((root / "national" / kind).glob("*.yaml"))
    files += sorted((root / "local").glob(f"*/{kind}/*.yaml"))
    return files


def read_rule_file(path: Path) -> Any:
    """The parsed YAML of a rule file; a syntax error is a :class:`RuleError` naming the file."""
    try:
        return yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: YAML 格式错误：{exc}") from None


def check_region_folder(path: Path, region: str) -> None:
    """A local rule file must sit under local/<its own region code>/."""
    if region != "national" and path.parent.parent.name != region:
        raise RuleError(f"{path.name}: 地区代码 {region} 与所在目录 {path.parent.parent.name} 不一致")
