"""One validation of every kind of rule data, at ``xinyong init`` and at start-up (DESIGN.md principle 1).

:func:`validate_all` loads, from the rule roots (``src/xinyong/rules/`` and ``XINYONG_RULES_DIR``), the
catalogs, the list types, the measure lists, the period regime, the repair rules, the holidays, the
legal bases and the competent fields, and stops at the first problem with a :class:`RuleError` whose
message names the file. It sits above the capabilities (the kernel xinyong.core imports none of them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from xinyong.core.errors import DomainError
from xinyong.core.rulefiles import RuleError, read_rule_file, rule_roots

T = TypeVar("T")


@dataclass(frozen=True)
class RuleSummary:
    """What was loaded, for ``xinyong init`` to report."""

    catalog_versions: int
    catalog_items: int
    list_types: int
    measures: int
    period_regimes: int
    repair_rules: int
    holiday_years: int
    legal_bases: int
    fields: int
    #: regions with a clean-up milestone plan (rules/local/<region>/ledger/milestones.yaml)
    ledger_milestone_plans: int = 0


def _checked(kind: str, load: Callable[[], T]) -> T:
    """Run one loader; any refusal becomes a :class:`RuleError` (messages already name the file)."""
    try:
        return load()
    except RuleError:
        raise
    except (DomainError, ValueError) as exc:  # CalendarDataError, BasisError
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        raise RuleError(message if ".yaml" in message or ".yml" in message else f"{kind}: {message}") from exc


def _legal_bases(roots: list[Path]) -> int:
    from xinyong.ledger.bases import parse_legal_bases

    count = 0
    for root in roots:
        path = root / "national" / "legal_bases.yaml"
        if path.exists():
            count = len(parse_legal_bases(read_rule_file(path))[0])
    if not count:
        raise RuleError("legal_bases.yaml: 未找到法律依据表（national/legal_bases.yaml）")
    return count


def _fields(roots: list[Path]) -> int:
    from xinyong.core.authority import parse_fields

    found: dict[str, object] = {}
    for root in roots:
        path = root / "national" / "fields" / "fields.yaml"
        if path.exists():
            found.update(parse_fields(read_rule_file(path), path.name))
    if not found:
        raise RuleError("fields.yaml: 未找到职能领域数据")
    return len(found)


def validate_all(roots: list[Path] | None = None) -> RuleSummary:
    """Load and check every kind of rule data; the first problem raises :class:`RuleError` naming its file."""
    from xinyong.catalog.loader import load_catalogs
    from xinyong.core.remedies import load_remedies
    from xinyong.core.workdays import load_calendar
    from xinyong.disclosure.loader import load_period_regimes
    from xinyong.ledger.milestones import load_plans
    from xinyong.listing.loader import load_list_types
    from xinyong.measures.catalog import load_measures
    from xinyong.repair.loader import load_rules

    where = list(roots) if roots is not None else rule_roots()
    fields = _checked("fields", lambda: _fields(where))  # catalog items name competent fields
    catalogs = _checked("catalog", lambda: load_catalogs(where))
    list_types = _checked("list_types", lambda: load_list_types(where))
    measures = _checked("measures", lambda: load_measures(where, catalogs))
    regimes = _checked("periods", lambda: load_period_regimes(where))
    codes = {item.code for _, item in catalogs.all_items()}
    type_ids = {t.id for t in list_types.types} | {t.id for t in list_types.incomplete}
    repair = _checked("repair", lambda: load_rules(where, codes, type_ids, regimes))
    calendar = _checked("holidays", lambda: load_calendar(where))
    bases = _checked("legal_bases", lambda: _legal_bases(where))
    milestone_plans = _checked("ledger", lambda: len(load_plans(where)))
    _checked("remedies", lambda: load_remedies(where))  # the 救济途径 printed on decision documents
    return RuleSummary(
        catalog_versions=len(catalogs.versions),
        catalog_items=sum(len(v.items) for v in catalogs.versions),
        list_types=len(list_types.types),
        measures=len(list(measures.all())),
        period_regimes=len(regimes),
        repair_rules=len(repair.rules),
        holiday_years=len(calendar.known_years()),
        legal_bases=bases,
        fields=fields,
        ledger_milestone_plans=milestone_plans,
    )
