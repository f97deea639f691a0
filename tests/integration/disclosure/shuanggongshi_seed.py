"""Seed data for the 双公示 tests: penalty records with the national detail columns, and licences.

The detail columns and the licences table belong to the records capability (records_0003); a test may
write them directly, as the national import does, where no service writes them one by one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from tests.integration.disclosure.seed import add_record
from xinyong.catalog.loader import catalogs
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.records.models import Licence, Record
from xinyong.subjects import service as subjects

PENALTY_DETAIL: dict[str, Any] = {
    "violation_type": "食品安全违法行为",
    "violation_facts": "当事人销售超过保质期的食品，货值金额三千元",
    "penalty_basis": "《中华人民共和国食品安全法》第一百二十四条第一款",
    "penalty_category": "警告；罚款",
    "penalty_content": "警告，并处罚款五万元",
    "fine_amount": Decimal("5"),
    "authority_uscc": "11320800MB1234567X",
    "data_source": "淮安市市场监督管理局",
    "data_source_uscc": "11320800MB1234567X",
    "legal_representative": "王建国",
}


def penalty(code: str, name: str, number: str, *, decided: dt.date | None = None,
            **detail: Any) -> int:
    """A penalty record with the 行政处罚信息 columns (PENALTY_DETAIL unless overridden)."""
    rid = add_record(code, name, "admin-penalty", number, decided=decided,
                     summary=str(detail.get("penalty_content", PENALTY_DETAIL["penalty_content"])))
    with unit_of_work() as s:
        s.execute(update(Record).where(Record.id == rid).values(**{**PENALTY_DETAIL, **detail}))
    return rid


def licence(code: str, name: str, number: str, *, decided: dt.date | None = None, **fields: Any) -> int:
    decided = decided or clock.today() - dt.timedelta(days=30)
    with unit_of_work() as s:
        subject, _ = subjects.register(s, code, name)
        found = catalogs().find_item("admin-license", decided, subject.region_code)
        assert found is not None
        version, item = found
        row = Licence(
            subject_key=subject.subject_key, catalog_item=item.code, catalog_id=version.catalog_id,
            catalog_edition=version.edition, region_code=subject.region_code,
            subject_category="法人及非法人组织", legal_representative="王建国",
            document_name="食品经营许可决定书", document_number=number, category="approval",
            licence_name="食品经营许可证", licence_number="JY13208120012345", content="预包装食品销售（含冷藏冷冻食品）",
            decision_date=decided, valid_from=decided, valid_to=decided.replace(year=decided.year + 5),
            issuing_authority="淮安市清江浦区行政审批局", authority_uscc="11320812MB7654321Y", status="valid",
            data_source="淮安市清江浦区行政审批局", data_source_uscc="11320812MB7654321Y",
            department="淮安市清江浦区行政审批局", created_at=clock.now(), **fields,
        )
        s.add(row)
        s.flush()
        return row.id
