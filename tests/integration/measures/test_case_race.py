"""Two responses to one joint-punishment case at once, on two real connections (both databases): exactly
one wins, the other gets 409, and the history holds exactly one response. The state change itself is a
conditional update (``… WHERE status = …``): a writer holding a stale status changes nothing."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, uscc
from tests.integration.measures.units import register_last
from xinyong.core.access import Actor, actor_of
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict
from xinyong.core.models import Principal
from xinyong.measures import cases
from xinyong.measures.models import CaseEvent, PunishmentCase

UNIT = "淮安市公共资源交易中心"
ROUNDS = 4


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results = ["?"] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            calls[i]()
            results[i] = "ok"
        except Conflict as exc:
            results[i] = f"409:{exc.code}" if exc.status == 409 else f"status:{exc.status}"
        except Exception as exc:  # pragma: no cover - reported in the assertion
            results[i] = f"error:{type(exc).__name__}:{exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return results


def _setup(client: Any) -> tuple[Actor, list[int]]:
    body = record_json(subject_code=uscc(random.Random(8801)), subject_name="并发响应示例有限公司", severity="serious")
    assert client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"])).status_code == 201
    make_api_key("implementing_unit", department=UNIT)
    unit_id = register_last()
    with unit_of_work() as s:
        principal = s.get(Principal, unit_id)
        assert principal is not None
        unit = actor_of(principal)
    office = {"X-API-Key": make_api_key("credit_office", department="淮安市发展和改革委员会")}
    ids = []
    for _ in range(ROUNDS):
        r = client.post("/api/v1/punishment-cases", json={
            "code": body["subject_code"], "measure": "procurement-major-violation", "matter": "procurement_bidding",
            "unit_id": unit_id}, headers=office)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return unit, ids


def _events(case_id: int, action: str) -> int:
    with unit_of_work() as s:
        return len(list(s.scalars(select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.action == action))))


def test_two_responses_racing_exactly_one_wins(client: Any, backend: str) -> None:
    unit, ids = _setup(client)
    for case_id in ids:
        results = _race([
            lambda cid=case_id: cases.respond(unit, cid, applied=True),
            lambda cid=case_id: cases.respond(unit, cid, applied=False, reason="该主体未参与本单位采购活动"),
        ])
        assert sorted(r.split(":")[0] for r in results) == ["409", "ok"], (backend, results)
        assert _events(case_id, "responded") == 1
        with unit_of_work() as s:
            case = s.get(PunishmentCase, case_id)
            assert case is not None and case.status == "responded"
        # and the two feedbacks racing after it
        results = _race([lambda cid=case_id: cases.feedback(unit, cid, result="已在采购资格审查中执行"),
                         lambda cid=case_id: cases.feedback(unit, cid, result="已执行")])
        assert sorted(r.split(":")[0] for r in results) == ["409", "ok"], (backend, results)
        assert _events(case_id, "feedback") == 1


def test_a_stale_status_changes_nothing(client: Any) -> None:
    unit, ids = _setup(client)
    case_id = ids[0]
    cases.respond(unit, case_id, applied=True)
    with unit_of_work() as s:
        case = s.get(PunishmentCase, case_id)
        assert case is not None
        with pytest.raises(Conflict) as refused:  # a writer that still believes the case is 'initiated'
            cases._advance(s, case, "initiated", {"applied": False}, "响应")
        assert refused.value.status == 409
    with unit_of_work() as s:
        case = s.get(PunishmentCase, case_id)
        assert case is not None and case.applied is True
