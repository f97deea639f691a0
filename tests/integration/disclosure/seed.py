"""Seed data for the disclosure tests: subjects and records through the records service."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tests.factories import record_input, resident_id, uscc
from xinyong.core import clock
from xinyong.core.crypto import subject_key as key_of
from xinyong.core.db import unit_of_work
from xinyong.records import service as records
from xinyong.subjects.rules import identify

DOC_TYPES = {
    "judicial-judgment": "judicial_judgment",
    "judicial-dishonest-debtor": "judicial_judgment",
    "admin-penalty": "administrative_penalty",
    "admin-ruling": "administrative_ruling",
}


@dataclass
class Seeded:
    code: str
    name: str
    key: str
    record_ids: dict[str, int] = field(default_factory=dict)


def add_record(code: str, name: str, item: str, number: str, *, decided: dt.date | None = None,
               severity: str = "general", summary: str = "销售不符合食品安全标准的食品，罚款五万元",
               authority: str = "淮安市市场监督管理局", is_minor: bool = False) -> int:
    decided = decided or clock.today() - dt.timedelta(days=20)
    with unit_of_work() as s:
        result = records.ingest(s, record_input(
            subject_code=code, subject_name=name, catalog_item=item,
            document_type=DOC_TYPES.get(item, "administrative_decision"), document_number=number,
            issuing_authority=authority, decision_date=decided, effective_date=decided, summary=summary,
            severity=severity, is_minor=is_minor,
        ))
        return result.record.id


def company(seed: int = 7, name: str = "淮安市清江浦区示例商贸有限公司") -> Seeded:
    code = uscc(random.Random(seed))
    s = Seeded(code, name, key_of(identify(code).code))
    s.record_ids["penalty"] = add_record(code, name, "admin-penalty", f"淮市监罚〔2026〕{seed}01号")
    s.record_ids["inspection"] = add_record(code, name, "admin-inspection", f"淮市监检〔2026〕{seed}02号",
                                            summary="监督检查发现问题（内部）")
    s.record_ids["old"] = add_record(code, name, "admin-penalty", f"淮市监罚〔2024〕{seed}03号",
                                     decided=dt.date(2024, 6, 3))
    return s


def person(seed: int = 11, name: str = "欧阳娜娜") -> Seeded:
    code = resident_id(random.Random(seed), "320812", dt.date(1986, 3, 7))
    s = Seeded(code, name, key_of(identify(code).code))
    s.record_ids["penalty"] = add_record(
        code, name, "admin-penalty", f"淮市监罚〔2026〕{seed}11号",
        summary=f"{name}（身份证{code}，手机13912345678）无证经营，罚款二千元")
    s.record_ids["debtor"] = add_record(
        code, name, "judicial-dishonest-debtor", f"（2026）苏0812执{seed}号", authority="淮安市清江浦区人民法院",
        summary=f"被执行人{name}有履行能力而拒不履行生效法律文书确定的义务，联系电话13912345678")
    return s
