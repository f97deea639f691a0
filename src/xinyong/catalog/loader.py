"""Load the catalog YAML shipped in the package (and any extra folder named by XINYONG_RULES_DIR)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from xinyong.catalog.rules import CatalogSet, CatalogVersion, RuleError, parse_catalog
from xinyong.core.config import get_settings

RULES_ROOT = Path(__file__).resolve().parent.parent / "rules"


def rule_roots() -> list[Path]:
    roots = [RULES_ROOT]
    extra = get_settings().rules_dir
    if extra:
        roots.append(Path(extra))
    return roots


def rule_files(root: Path, kind: str) -> list[Path]:
    """``<root>/national/<kind>/*.yaml`` then ``<root>/local/<region>/<kind>/*.yaml`` (shared by the
    catalog, measure and repair loaders)."""
    files = sorted((root / "national" / kind).glob("*.yaml"))
    files += sorted((root / "local").glob(f"*/{kind}/*.yaml"))
    return files


def catalog_files(root: Path) -> list[Path]:
    return rule_files(root, "catalog")


def read_rule_file(path: Path) -> Any:
    """The parsed YAML of a rule file; a syntax error is a :class:`RuleError` naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: YAML 格式错误：{exc}") from None


def check_region_folder(path: Path, region: str) -> None:
    """A local rule file must sit under local/<its own region code>/."""
    if region != "national" and path.parent.parent.name != region:
        raise RuleError(f"{path.name}: 地区代码 {region} 与所在目录 {path.parent.parent.name} 不一致")


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
