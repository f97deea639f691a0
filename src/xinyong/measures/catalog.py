"""Load the measure lists shipped in the package (and any extra folder named by XINYONG_RULES_DIR).

``national/measures/*.yaml`` hold national lists, ``local/<region>/measures/*.yaml`` the local
supplementary lists (国办发〔2020〕49号 §（九）: 各地可依据地方性法规…制定补充清单). A record trigger must
name a catalog item that records dishonesty (49号 §（一）): checked here against the catalogs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from xinyong.catalog.loader import catalogs, check_region_folder, read_rule_file, rule_files, rule_roots
from xinyong.catalog.rules import CatalogSet
from xinyong.measures.joint_rules import StagePeriod, parse_deadlines
from xinyong.measures.rules import MeasureList, MeasureSet, RuleError, parse_measure_list


def measure_files(root: Path) -> list[Path]:
    return rule_files(root, "measures")


def load_measure_file(path: Path) -> MeasureList:
    raw = read_rule_file(path)
    if not isinstance(raw, dict):
        raise RuleError(f"{path.name}: 文件内容必须是一个映射")
    lst = parse_measure_list(raw, path.name)
    check_region_folder(path, lst.region)
    return lst


def check_record_triggers(measures: MeasureSet, cats: CatalogSet | None = None) -> None:
    cats = cats if cats is not None else catalogs()
    dishonesty = {i.code for _v, i in cats.all_items() if i.records_dishonesty}
    for m in measures.all():
        for t in m.records:
            if t.catalog_item not in dishonesty:
                raise RuleError(
                    f"{m.list_id} ({m.code}): 触发目录项“{t.catalog_item}”不是记录失信行为的公共信用信息目录项"
                )


def load_measures(roots: list[Path] | None = None, cats: CatalogSet | None = None) -> MeasureSet:
    """Every measure list under ``roots``; record triggers checked against ``cats`` (default: this process's)."""
    lists: list[MeasureList] = []
    for root in roots or rule_roots():
        lists.extend(load_measure_file(p) for p in measure_files(root))
    measures = MeasureSet(tuple(lists))
    check_record_triggers(measures, cats)
    load_deadlines(roots)  # the periods of 发起—响应—反馈 are measures data too: checked at start with the lists
    return measures


def load_deadlines(roots: list[Path] | None = None) -> dict[str, StagePeriod]:
    """The working-day periods of 响应 and 反馈 (``national/joint_punishment/deadlines.yaml``; a local
    ``local/<region>/joint_punishment/deadlines.yaml`` found later replaces it)."""
    found: dict[str, StagePeriod] | None = None
    for root in roots or rule_roots():
        for path in rule_files(root, "joint_punishment"):
            if path.name == "deadlines.yaml":
                found = parse_deadlines(read_rule_file(path), path.name)
    if found is None:
        raise RuleError("缺少联合惩戒响应、反馈期限数据（joint_punishment/deadlines.yaml）")
    return found


@lru_cache(maxsize=1)
def measure_set() -> MeasureSet:
    """The measure lists of this process, validated once."""
    return load_measures()
