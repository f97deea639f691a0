"""Load the catalog YAML shipped in the package (and any extra folder named by XINYONG_RULES_DIR)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xinyong.catalog.rules import CatalogSet, CatalogVersion, parse_catalog
from xinyong.core.rulefiles import (  # noqa: F401  (re-exported for the other rule loaders)
    RULES_ROOT,
    RuleError,
    check_region_folder,
    read_rule_file,
    rule_files,
    rule_roots,
)


def catalog_files(root: Path) -> list[Path]:
    return rule_files(root, "catalog")


def load_catalog_file(path: Path) -> CatalogVersion:
    raw = read_rule_file(path)
    if not isinstance(raw, dict):
        raise RuleError(f"{path.name}: 文件内容必须是一个映射")
    version = parse_catalog(raw, path.name)
    check_region_folder(path, version.region)
    return version


def load_catalogs(roots: list[Path] | None = None) -> CatalogSet:
    versions: list[CatalogVersion] = []
    for root in roots or rule_roots():
        versions.extend(load_catalog_file(p) for p in catalog_files(root))
    return CatalogSet(tuple(versions))


@lru_cache(maxsize=1)
def catalogs() -> CatalogSet:
    """The catalogs of this process, validated once."""
    return load_catalogs()
