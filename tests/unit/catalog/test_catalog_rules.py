from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from xinyong.catalog.loader import load_catalogs
from xinyong.catalog.rules import CatalogSet, RuleError, parse_catalog

BASE: dict[str, Any] = {
    "catalog_id": "t", "title": "测试目录", "region": "national", "edition": "1", "status": "published",
    "effective_from": "2024-01-01", "source": "test",
    "items": [{
        "code": "x", "name": "行政处罚信息", "category": "行政管理信息",
        "basis": [{"title": "某法", "level": "law", "article": "第一条", "basis_verified": True}],
        "collecting_department": "某部门", "shareable": True, "share_scope": ["government"],
        "disclosable": True, "disclosure_period": {"min_months": 3, "max_months": 36},
        "concerns_individuals": True, "repairable": True, "records_dishonesty": True,
    }],
}


def make(**item_overrides: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["items"][0].update(item_overrides)
    return raw


def test_shipped_catalogs_load() -> None:
    cs = load_catalogs()
    assert {v.edition for v in cs.versions} >= {"2021", "2024"}
    in_force = cs.in_force(dt.date(2026, 11, 23), "320812")
    assert {v.catalog_id for v in in_force} == {"national-base", "huaian-supplement"}
    assert cs.in_force(dt.date(2026, 11, 23), "110105")[0].edition == "2024"
    assert cs.in_force(dt.date(2023, 1, 1), None)[0].edition == "2021"
    assert cs.in_force(dt.date(2020, 1, 1), None) == []


def test_item_without_basis_refused() -> None:
    with pytest.raises(RuleError, match="缺少纳入依据"):
        parse_catalog(make(basis=[]), "t.yaml")


@pytest.mark.parametrize("level", ["departmental_rule", "normative_document", "local_rule"])
def test_national_item_with_low_level_basis_refused(level: str) -> None:
    basis = [{"title": "某办法", "level": level, "basis_verified": True}]
    with pytest.raises(RuleError, match="层级不合格"):
        parse_catalog(make(basis=basis), "t.yaml")


def test_local_regulation_only_for_local_catalog() -> None:
    basis = [{"title": "江苏省某条例", "level": "local_regulation", "basis_verified": False}]
    with pytest.raises(RuleError):
        parse_catalog(make(basis=basis), "t.yaml")
    local = make(basis=basis)
    local["region"] = "320800"
    assert parse_catalog(local, "t.yaml").items[0].basis[0].level.value == "local_regulation"


def test_basis_verified_flag_is_mandatory() -> None:
    with pytest.raises(RuleError, match="basis_verified"):
        parse_catalog(make(basis=[{"title": "某法", "level": "law"}]), "t.yaml")


def test_disclosable_needs_period_and_shareable_needs_scope() -> None:
    with pytest.raises(RuleError, match="公示期限"):
        parse_catalog(make(disclosure_period=None), "t.yaml")
    with pytest.raises(RuleError, match="共享范围"):
        parse_catalog(make(share_scope=[]), "t.yaml")


def test_overlapping_published_versions_refused() -> None:
    a = parse_catalog(BASE, "a.yaml")
    b_raw = copy.deepcopy(BASE)
    b_raw["edition"] = "2"
    b_raw["effective_from"] = "2025-01-01"
    b = parse_catalog(b_raw, "b.yaml")
    with pytest.raises(RuleError, match="重叠"):
        CatalogSet((a, b))


def test_draft_is_never_in_force() -> None:
    raw = copy.deepcopy(BASE)
    raw["status"] = "public_comment"
    cs = CatalogSet((parse_catalog(raw, "t.yaml"),))
    assert cs.in_force(dt.date(2025, 1, 1), None) == []


def test_competent_fields_are_validated_against_the_field_list() -> None:
    assert parse_catalog(make(competent_fields=["court"]), "t.yaml").items[0].competent_fields == ("court",)
    assert parse_catalog(make(), "t.yaml").items[0].competent_fields == ()
    with pytest.raises(RuleError, match="不在职能领域清单内"):
        parse_catalog(make(competent_fields=["astrology"]), "t.yaml")
    with pytest.raises(RuleError, match="competent_fields"):
        parse_catalog(make(competent_fields="court"), "t.yaml")


def test_every_court_item_of_the_shipped_catalogs_names_the_court_field() -> None:
    items = [i for v in load_catalogs().versions for i in v.items if "人民法院" in i.collecting_department]
    assert items and all(i.competent_fields == ("court",) for i in items)
