"""REST API of the public credit information catalog (public: the catalog itself is published)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query

from xinyong.catalog.loader import catalogs
from xinyong.catalog.rules import BASIS_LEVEL_NAMES, CatalogItem, CatalogVersion
from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.errors import ValidationFailed
from xinyong.core.regions import is_division
from xinyong.web.deps import current_actor, requires

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog 公共信用信息目录"])


def item_json(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "basis": [
            {"title": b.title, "doc_number": b.doc_number, "article": b.article, "level": b.level.value,
             "level_name": BASIS_LEVEL_NAMES[b.level], "basis_verified": b.basis_verified, "note": b.note}
            for b in item.basis
        ],
        "collecting_department": item.collecting_department,
        "shareable": item.shareable,
        "share_scope": sorted(s.value for s in item.share_scope),
        "disclosable": item.disclosable,
        "disclosure_period": (
            {"min_months": item.disclosure_period.min_months, "max_months": item.disclosure_period.max_months}
            if item.disclosure_period else None
        ),
        "concerns_individuals": item.concerns_individuals,
        "repairable": item.repairable,
        "records_dishonesty": item.records_dishonesty,
        "note": item.note,
    }


def version_json(v: CatalogVersion, with_items: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "catalog_id": v.catalog_id, "title": v.title, "region": v.region, "edition": v.edition,
        "status": v.status.value, "effective_from": v.effective_from.isoformat(),
        "effective_to": v.effective_to.isoformat() if v.effective_to else None,
        "dates_verified": v.dates_verified, "source": v.source,
    }
    if with_items:
        out["items"] = [item_json(i) for i in v.items]
    return out


@router.get("", dependencies=[Depends(requires("catalog.read"))], summary="某日某地区生效的公共信用信息目录")
def in_force(
    on: dt.date | None = Query(default=None, alias="date", description="日期，默认今天"),
    region: str | None = Query(default=None, description="行政区划代码（GB/T 2260）"),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    if region is not None and not is_division(region):
        raise ValidationFailed("invalid_region", f"行政区划代码“{region}”无效")
    day = on or clock.today()
    versions = catalogs().in_force(day, region)
    return {"date": day.isoformat(), "region": region, "catalogs": [version_json(v) for v in versions]}


@router.get("/versions", dependencies=[Depends(requires("catalog.read"))], summary="全部目录版本")
def versions(actor: Actor = Depends(current_actor)) -> list[dict[str, Any]]:
    return [version_json(v, with_items=False) for v in catalogs().versions]
