"""Load list types from rules/national/list_types/ and rules/local/<region>/list_types/ (and the same
folders under XINYONG_RULES_DIR), validated by :func:`xinyong.listing.rules.parse_list_type`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from xinyong.catalog.loader import RULES_ROOT, rule_files, rule_roots
from xinyong.listing.rules import IncompleteListType, ListType, ListTypeError, ListTypeSet, parse_list_type

__all__ = ["RULES_ROOT", "list_type_files", "list_types", "load_list_types", "reset_list_types"]


def list_type_files(root: Path) -> list[tuple[Path, str]]:
    """Each list-type file with its region: ``national`` or the ``local/<region>/`` folder it sits in."""
    return [(p, p.parent.parent.name) for p in rule_files(root, "list_types")]


def load_list_types(roots: list[Path] | None = None) -> ListTypeSet:
    """Every list type; any invalid active file refuses the whole load with a Chinese message."""
    by_id: dict[str, ListType | IncompleteListType] = {}
    for root in roots or rule_roots():
        for path, region in list_type_files(root):
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ListTypeError(f"{path.name}：YAML 格式错误：{exc}") from None
            parsed = parse_list_type(raw, path.name, region)
            by_id[parsed.id] = parsed  # a later root (XINYONG_RULES_DIR) replaces the shipped one
    types = tuple(t for t in by_id.values() if isinstance(t, ListType))
    incomplete = tuple(t for t in by_id.values() if isinstance(t, IncompleteListType))
    return ListTypeSet(types, incomplete)


@lru_cache(maxsize=1)
def list_types() -> ListTypeSet:
    return load_list_types()


def reset_list_types() -> None:
    list_types.cache_clear()
