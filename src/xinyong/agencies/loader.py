"""Load the time limits of agency requests (``rules/national/agencies/time_limits.yaml``; a later rule root
replaces the shipped file)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from xinyong.agencies.rules import TimeLimits, parse_time_limits
from xinyong.core.rulefiles import RuleError, read_rule_file, rule_files, rule_roots

TIME_LIMITS_FILE = "time_limits.yaml"


def load_time_limits(roots: Iterable[Path]) -> TimeLimits:
    limits: TimeLimits | None = None
    for root in roots:
        for path in rule_files(root, "agencies"):
            if path.name == TIME_LIMITS_FILE:
                limits = parse_time_limits(read_rule_file(path), path.name)
    if limits is None:
        raise RuleError(f"agencies/{TIME_LIMITS_FILE}: 缺少信用服务机构更正、删除申请的办理时限")
    return limits


@lru_cache(maxsize=1)
def time_limits() -> TimeLimits:
    return load_time_limits(rule_roots())


def reset() -> None:
    time_limits.cache_clear()
