"""Load the repair rules shipped in the package (and any folder named by XINYONG_RULES_DIR)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from xinyong.catalog.loader import catalogs, check_region_folder, read_rule_file, rule_files, rule_roots
from xinyong.catalog.rules import RuleError
from xinyong.repair.rules import (
    PeriodRegime,
    RepairRule,
    RepairRules,
    TimeLimits,
    check_targets,
    parse_periods_document,
    parse_rules_document,
)


def load_rules(roots: Iterable[Path], catalog_codes: set[str], list_type_ids: set[str] | None) -> RepairRules:
    """Read ``<root>/national/repair/*.yaml`` and ``<root>/local/<region>/repair/*.yaml``."""
    rules: list[RepairRule] = []
    regimes: list[PeriodRegime] = []
    limits: TimeLimits | None = None
    for root in roots:
        for path in rule_files(root, "repair"):
            raw = read_rule_file(path)
            if path.name == "periods.yaml":
                found, limits = parse_periods_document(raw, path.name)
                regimes = found  # a later root replaces the periods wholesale
                continue
            region, parsed = parse_rules_document(raw, path.name)
            check_region_folder(path, region)
            for rule in parsed:
                rules = [r for r in rules if not (r.kind is rule.kind and r.target == rule.target
                                                  and r.region == rule.region)]
                rules.append(rule)
    if limits is None or not regimes:
        raise RuleError("repair/periods.yaml: 缺少最短公示期和办理时限规定")
    check_targets(rules, catalog_codes, list_type_ids)
    return RepairRules(tuple(rules), tuple(regimes), limits)




def _list_type_ids() -> set[str]:
    """Ids of the serious dishonest list types (the listing capability's data)."""
    from xinyong.listing.loader import list_types

    loaded = list_types()
    return {t.id for t in loaded.types} | {i.id for i in loaded.incomplete}


@lru_cache(maxsize=1)
def repair_rules() -> RepairRules:
    """The repair rules of this process, validated once against the catalog and the list types."""
    codes = {item.code for _, item in catalogs().all_items()}
    return load_rules(rule_roots(), codes, _list_type_ids())


def reset() -> None:
    repair_rules.cache_clear()
