"""Load the repair rules shipped in the package (and any folder named by XINYONG_RULES_DIR)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from xinyong.catalog.loader import catalogs, check_region_folder, read_rule_file, rule_files, rule_roots
from xinyong.catalog.rules import RuleError
from xinyong.disclosure.loader import load_period_regimes, period_regimes
from xinyong.disclosure.rules import PeriodRegime
from xinyong.repair.rules import (
    RepairRule,
    RepairRules,
    TimeLimits,
    check_targets,
    parse_rules_document,
    parse_time_limits_document,
)

TIME_LIMITS_FILE = "time_limits.yaml"


def load_rules(roots: Iterable[Path], catalog_codes: set[str], list_type_ids: set[str] | None,
               regimes: tuple[PeriodRegime, ...] | None = None) -> RepairRules:
    """Read ``<root>/national/repair/*.yaml`` and ``<root>/local/<region>/repair/*.yaml``.

    The minimum periods are the one period regime (``national/periods/``, read by
    :func:`xinyong.disclosure.loader.load_period_regimes` from the same roots unless given).
    """
    roots = list(roots)
    rules: list[RepairRule] = []
    limits: TimeLimits | None = None
    for root in roots:
        for path in rule_files(root, "repair"):
            raw = read_rule_file(path)
            if path.name == TIME_LIMITS_FILE:
                limits = parse_time_limits_document(raw, path.name)  # a later root replaces it
                continue
            region, parsed = parse_rules_document(raw, path.name)
            check_region_folder(path, region)
            for rule in parsed:
                rules = [r for r in rules if not (r.kind is rule.kind and r.target == rule.target
                                                  and r.region == rule.region)]
                rules.append(rule)
    if limits is None:
        raise RuleError(f"repair/{TIME_LIMITS_FILE}: 缺少信用修复办理时限规定")
    check_targets(rules, catalog_codes, list_type_ids)
    return RepairRules(tuple(rules), regimes if regimes is not None else load_period_regimes(roots), limits)


def _list_type_ids() -> set[str]:
    """Ids of the serious dishonest list types (the listing capability's data)."""
    from xinyong.listing.loader import list_types

    loaded = list_types()
    return {t.id for t in loaded.types} | {i.id for i in loaded.incomplete}


@lru_cache(maxsize=1)
def repair_rules() -> RepairRules:
    """The repair rules of this process, validated once against the catalog and the list types."""
    codes = {item.code for _, item in catalogs().all_items()}
    return load_rules(rule_roots(), codes, _list_type_ids(), period_regimes())


def reset() -> None:
    repair_rules.cache_clear()
