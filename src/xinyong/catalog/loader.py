"""Load the catalog YAML shipped in the package (and any extra folder named by XINYONG_RULES_DIR)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


def catalog_files(root: Path) -> list[Path]:
    files = sorted((root / "national" / "catalog").glob("*.yaml"))
    files += sorted((root / "local").glob("*/catalog/*.yaml"))
    return files


def load_catalog_file(path: Path) -> CatalogVersion:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: YAML 格式错误：{exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{path.name}: 文件内容必须是一个映射")
    version = parse_catalog(raw, path.name)
    if version.region != "national" and path.parent.parent.name != version.region:
        raise RuleError(f"{path.name}: 地区代码 {version.region} 与所在目录 {path.parent.parent.name} 不一致")
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
