"""Load list types from rules/national/list_types/ and rules/local/<region>/list_types/ (and the same
folders under XINYONG_RULES_DIR), validated by :func:`xinyong.listing.rules.parse_list_type`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from xinyong.catalog.loader import RULES_ROOT, rule_files, rule_roots
from xinyong.core import yaml_text
from xinyong.listing.rules import IncompleteListType, ListType, ListTypeError, ListTypeSet, parse_list_type

__all__ = ["RULES_ROOT", "list_type_files", "list_types", "load_list_types", "merge", "reset_list_types"]


def list_type_files(root: Path) -> list[tuple[Path, str]]:
    """Each list-type file with its region: ``national`` or the ``local/<region>/`` folder it sits in."""
    return [(p, p.parent.parent.name) for p in rule_files(root, "list_types")]


def merge(base: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    """``local`` over ``base``: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in local.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path) -> Any:
    try:
        return yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ListTypeError(f"{path.name}：YAML 格式错误：{exc}") from None


def load_list_types(roots: list[Path] | None = None) -> ListTypeSet:
    """Every list type; any invalid active file refuses the whole load with a Chinese message.

    A file under ``rules/local/<region>/list_types/`` with ``extends: <national id>`` completes or
    overrides that national list type for its region (a credit office's data, with ``local_basis``
    citing the local document): it is merged over the national file and loads as ``<id>@<region>``,
    validated like any other file."""
    by_id: dict[str, ListType | IncompleteListType] = {}
    raws: dict[str, dict[str, Any]] = {}
    local: list[tuple[Path, str, Any]] = []
    for root in roots or rule_roots():
        for path, region in list_type_files(root):
            raw = _read(path)
            if region != "national" and isinstance(raw, dict) and raw.get("extends"):
                local.append((path, region, raw))
                continue
            parsed = parse_list_type(raw, path.name, region)
            by_id[parsed.id] = parsed  # a later root (XINYONG_RULES_DIR) replaces the shipped one
            if isinstance(raw, dict):
                raws[parsed.id] = raw
    for path, region, raw in local:
        base = raws.get(str(raw["extends"]))
        if base is None:
            raise ListTypeError(f"{path.name}：extends 指向的全国性名单“{raw['extends']}”不存在")
        merged = merge({k: v for k, v in base.items() if k not in ("status", "missing")}, raw)
        merged.setdefault("status", "active")
        merged["id"] = f"{base['id']}@{region}"
        merged["scope"] = region
        parsed = parse_list_type(merged, path.name, region)
        by_id[parsed.id] = parsed
    types = tuple(t for t in by_id.values() if isinstance(t, ListType))
    incomplete = tuple(t for t in by_id.values() if isinstance(t, IncompleteListType))
    return ListTypeSet(types, incomplete)


@lru_cache(maxsize=1)
def list_types() -> ListTypeSet:
    return load_list_types()


def reset_list_types() -> None:
    list_types.cache_clear()
