"""Shared set-up for listing integration tests: a subject with a record and a determining department."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from tests.factories import record_input, resident_id, uscc
from xinyong.core.access import Actor
from xinyong.core.authority import infer_fields
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
                 region_code=region, fields=frozenset(infer_fields(department)))


def second_officer(department: str = DEPT, region: str = REGION) -> Actor:
    """Another officer of the same department: the four-eyes approver of a decision."""
    return Actor(id=None, name=f"{department}审核人", role=Role.determining_department, department=department,
                 region_code=region, fields=frozenset(infer_fields(department)))


def approve_api(client: Any, case_id: int, department: str = DEPT, region: str = REGION, *,
                on: str | None = None) -> dict[str, Any]:
    """四眼审核 through the API by a second officer (a new principal) of the same department."""
    from tests.factories import department_headers

    body: dict[str, Any] = {"opinion": "经审核，事实清楚、依据充分，同意作出认定决定"}
    if on:
        body["on"] = on
    r = client.post(f"/api/v1/listing/cases/{case_id}/approval", json=body,
                    headers=department_headers(department, region=region))
    assert r.status_code == 200, r.text
    return dict(r.json())


def make_subject(seed: int = 7, *, link_person: bool = True, **record_overrides: Any) -> Setup:
    rng = random.Random(seed)
    code = uscc(rng, region="320812")
    person = resident_id(rng, region="320812") if link_person else None
    with unit_of_work() as s:
        result = records.ingest(s, record_input(subject_code=code, subject_name=f"淮安示例建筑劳务有限公司{seed}",
                                                summary="拖欠农民工工资，经责令限期支付逾期仍未支付",
                                                **{"issuing_authority": DEPT, **record_overrides}))
        if person:
            subjects.link_person(s, code, person, "张三", "legal_representative", dt.date(2020, 1, 1))
        return Setup(code, result.record.subject_key, result.record.id, person)


def listed_case(seed: int, *, start: dt.date = dt.date(2026, 9, 1)) -> tuple[int, Setup]:
    """A case walked to ``listed`` through the service (no objection)."""
    from xinyong.listing import service

    setup = make_subject(seed)
    actor = officer()
    with unit_of_work() as s:
        case = service.propose(s, actor, subject_code=setup.code, list_type_id="migrant-wage-arrears",
                               record_ids=[setup.record_id], reason="拖欠农民工工资", on=start)
        service.serve_notice(s, actor, case.id, objection_window_end=start + dt.timedelta(days=10),
                             version=case.version, on=start)
        service.approve(s, second_officer(), case.id, opinion="同意", on=start + dt.timedelta(days=11))
        service.decide(s, actor, case.id, version=case.version, on=start + dt.timedelta(days=11))
        service.list_subject(s, actor, case.id, version=case.version, on=start + dt.timedelta(days=12))
        return case.id, setup
