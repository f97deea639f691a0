"""Shared set-up for listing integration tests: a subject with a record and a determining department."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from tests.factories import record_input, resident_id, uscc
from xinyong.core.access import Actor
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role
from xinyong.records import service as records
from xinyong.subjects import service as subjects

DEPT = "淮安市人力资源和社会保障局"
REGION = "320800"  # 淮安市 (prefecture level)


@dataclass
class Setup:
    code: str
    subject_key: str
    record_id: int
    person_code: str | None = None


def officer(department: str = DEPT, region: str = REGION) -> Actor:
    return Actor(id=None, name=f"{department}经办人", role=Role.determining_department, department=department,
                 region_code=region)


def make_subject(seed: int = 7, *, link_person: bool = True, **record_overrides: Any) -> Setup:
    rng = random.Random(seed)
    code = uscc(rng, region="320812")
    person = resident_id(rng, region="320812") if link_person else None
    with unit_of_work() as s:
        result = records.ingest(s, record_input(subject_code=code, subject_name=f"淮安示例建筑劳务有限公司{seed}",
                                                summary="拖欠农民工工资，经责令限期支付逾期仍未支付",
                                                **record_overrides))
        if person:
            subjects.link_person(s, code, person, "张三", "legal_representative", dt.date(2020, 1, 1))
        return Setup(code, result.record.subject_key, result.record.id, person)
