"""The clean-up milestones of each region, read from ``rules/local/<region>/ledger/milestones.yaml``.

Each region's plan sets its own steps and dates (大高信办字〔2021〕1号 二（一）—（三） for 大连高新区;
淮政办发〔2021〕13号 一（二）1 for 淮安市). A unit follows the plan of the innermost region folder that
contains its registered region; a region without a plan has no milestones — never another region's dates.
The files are validated at load (:func:`load_plans`, run by ``xinyong.rules_check.validate_all``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from xinyong.core.authority import region_within
from xinyong.core.rulefiles import RuleError, check_region_folder, read_rule_file, rule_files, rule_roots
from xinyong.ledger.rules import MILESTONE_ORDER, MilestoneSpec

KIND = "ledger"
FILE_NAME = "milestones.yaml"
_CODE = re.compile(r"^[a-z][a-z_]{1,38}$")


@dataclass(frozen=True)
class MilestonePlan:
    region: str
    title: str
    source: str
    milestones: tuple[MilestoneSpec, ...]

    def spec(self, code: str) -> MilestoneSpec | None:
        return next((m for m in self.milestones if m.code == code), None)


def _text(raw: Mapping[str, Any], key: str, where: str, limit: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: 缺少 {key}")
    if len(value) > limit:
        raise RuleError(f"{where}: {key} 过长（不超过{limit}字）")
    return value.strip()


def parse_plan(raw: Any, name: str) -> MilestonePlan:
    """Validate one milestones file (pure): region, title, source, and milestones in date order."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{name}: 须为映射（region、title、source、milestones）")
    region = str(raw.get("region") or "")
    if not re.fullmatch(r"\d{6}", region):
        raise RuleError(f"{name}: region 须为6位行政区划代码")
    title = _text(raw, "title", name, 80)
    source = _text(raw, "source", name, 200)
    items = raw.get("milestones")
    if not isinstance(items, list) or not items:
        raise RuleError(f"{name}: milestones 须为非空列表")
    specs: list[MilestoneSpec] = []
    for i, item in enumerate(items):
        where = f"{name} milestones[{i}]"
        if not isinstance(item, Mapping):
            raise RuleError(f"{where}: 须为映射")
        code = str(item.get("code") or "")
        if not _CODE.match(code) or code not in MILESTONE_ORDER:
            raise RuleError(f"{where}: 工作节点代码“{code}”无效，可选：{'、'.join(MILESTONE_ORDER)}")
        if any(s.code == code for s in specs):
            raise RuleError(f"{where}: 工作节点“{code}”重复")
        due = item.get("due_date")
        if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
            raise RuleError(f"{where}: due_date 须为日期（YYYY-MM-DD）")
        if not isinstance(item.get("basis_verified"), bool):
            raise RuleError(f"{where}: 必须注明 basis_verified（true 或 false）")
        spec = MilestoneSpec(code, _text(item, "name", where, 40), due, _text(item, "description", where, 1000),
                             _text(item, "source", where, 200))
        if specs and (MILESTONE_ORDER.index(code) < MILESTONE_ORDER.index(specs[-1].code)
                      or due <= specs[-1].due_date):
            raise RuleError(f"{where}: 工作节点须按梳理自查、整改方案、全面完成的顺序，日期依次在后")
        specs.append(spec)
    return MilestonePlan(region, title, source, tuple(specs))


def load_plans(roots: Iterable[Path]) -> dict[str, MilestonePlan]:
    """Every region's plan from the rule roots (a later root replaces a region's plan)."""
    plans: dict[str, MilestonePlan] = {}
    for root in roots:
        for path in rule_files(root, KIND):
            if path.name != FILE_NAME:
                continue
            name = f"{path.parent.parent.name}/{KIND}/{path.name}"
            plan = parse_plan(read_rule_file(path), name)
            check_region_folder(path, plan.region)
            plans[plan.region] = plan
    return plans


def plan_for(plans: Mapping[str, MilestonePlan], region_code: str | None) -> MilestonePlan | None:
    """The plan of the innermost region that contains ``region_code`` (pure); None when there is none."""
    if not region_code:
        return None
    inside = [p for p in plans.values() if region_within(p.region, region_code)]
    return max(inside, key=lambda p: len(p.region.rstrip("0")), default=None)


@lru_cache(maxsize=1)
def plans() -> dict[str, MilestonePlan]:
    return load_plans(rule_roots())


def reset() -> None:
    plans.cache_clear()
