"""Load the one period regime: ``rules/national/periods/*.yaml`` (and the same folder under
``XINYONG_RULES_DIR``), validated by :func:`xinyong.disclosure.rules.parse_periods`.

Both the disclosure rules (how long information is public) and the repair rules (the minimum period
before repair) read the regimes from here; a later root replaces a regime of the same id.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from xinyong.core.rulefiles import RuleError, read_rule_file, rule_files, rule_roots
from xinyong.disclosure.rules import PeriodRegime, parse_periods

PERIODS_KIND = "periods"


def load_period_regimes(roots: Iterable[Path] | None = None) -> tuple[PeriodRegime, ...]:
    """Every period regime, sorted by the day it took effect; no regime at all is a :class:`RuleError`."""
    by_id: dict[str, PeriodRegime] = {}
    for root in roots if roots is not None else rule_roots():
        for path in rule_files(root, PERIODS_KIND):
            if path.parent.name != PERIODS_KIND or path.parent.parent.name != "national":
                raise RuleError(f"{path.name}: 公示期限规定只能放在 national/periods/ 下")
            for regime in parse_periods(read_rule_file(path), path.name):
                by_id[regime.id] = regime
    if not by_id:
        raise RuleError("periods/regimes.yaml: 未找到公示期限规定（national/periods/*.yaml）")
    return tuple(sorted(by_id.values(), key=lambda r: (r.in_force, r.id)))


@lru_cache(maxsize=1)
def period_regimes() -> tuple[PeriodRegime, ...]:
    """The period regimes of this process, validated once."""
    return load_period_regimes()


def reset() -> None:
    period_regimes.cache_clear()
