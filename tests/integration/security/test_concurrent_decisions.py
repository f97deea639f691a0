"""Two officers cannot both win: simultaneous conflicting decisions on both databases.

For each decision, :data:`PAIRS` pairs of conflicting requests are started together (two threads released
by one barrier, each request on its own database connection). Exactly one of each pair wins (200), the
other gets a 409 with the current state in Chinese, and what is stored agrees with the winner: a granted
repair part and a repaired record, a refused part and a record still in force; an upheld objection and a
revoked record, a rejected objection and a record in force.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key
from tests.integration.disclosure.seed import add_record, company
from tests.integration.repair.conftest import World, part, world  # noqa: F401  (the repair fixture)
from tests.races import simultaneously
from xinyong.core.db import unit_of_work
from xinyong.disclosure.models import Objection
from xinyong.records import service as records
from xinyong.repair.models import RepairPart

PAIRS = 10
OWNER = "淮安市市场监督管理局"


def _race(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run both requests at the same instant; return their responses in order."""
    a, b = simultaneously(first, second)
    return a, b


def _one_winner(a: Any, b: Any, code: str) -> int:
    """Exactly one 200 and one 409 naming the current state; the index of the winner."""
    statuses = sorted([a.status_code, b.status_code])
    assert statuses == [200, 409], (a.status_code, a.text, b.status_code, b.text)
    loser = a if a.status_code == 409 else b
    error = loser.json()["error"]
    assert error["code"] == code and error["message"] and error["details"]["status"]
    return 0 if a.status_code == 200 else 1


def test_repair_grant_and_refusal_of_one_part_never_both_win(world: World) -> None:  # noqa: F811
    world.commit()
    ids = []
    for i in range(PAIRS):
        rec = world.record(document_number=f"淮市监罚〔2025〕{700 + i}号")
        filed = world.apply([part("record", rec)])
        assert filed.status_code == 201, filed.text
        ids.append((filed.json()["parts"][0]["id"], rec))
    winners = {"granted": 0, "refused": 0}
    for n, (pid, rec) in enumerate(ids):
        url = f"/api/v1/repair/parts/{pid}/decision"
        grant = partial(world.client.post, url, headers=world.samr, json={"grant": True})
        refuse = partial(world.client.post, url, headers=world.samr, json={
            "grant": False, "reason": "材料不全", "remedy": "补齐缴款凭证后可再次申请"})
        pair = (grant, refuse) if n % 2 == 0 else (refuse, grant)
        a, b = _race(*pair)
        won = pair[_one_winner(a, b, "repair_part_decided")]
        expected = "granted" if won is grant else "refused"
        winners[expected] += 1
        with unit_of_work() as s:
            stored = s.get(RepairPart, pid)
            assert stored is not None and stored.status == expected
            record = records.get(s, rec)
            assert record is not None
            # the part and the record agree: never a refused part with a repaired record
            assert record.status == ("repaired_shielded" if expected == "granted" else "active"), (expected, record.status)
    assert sum(winners.values()) == PAIRS


def test_objection_upheld_and_rejected_never_both_win(client: Any) -> None:
    org = company(seed=83, name="淮安市并发异议示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    owner = department_headers(OWNER)
    objections = []
    for i in range(PAIRS):
        rid = add_record(org.code, org.name, "admin-penalty", f"淮市监罚〔2026〕83{i:02d}号")
        r = client.post("/api/v1/self/objections", headers=me,
                        data={"record_id": str(rid), "reason": "处罚对象错误，并非本公司所为"})
        assert r.status_code == 201, r.text
        objections.append((r.json()["id"], rid))
    for n, (oid, rid) in enumerate(objections):
        url = f"/api/v1/disclosure/objections/{oid}/answer"
        upheld = partial(client.post, url, headers=owner, json={
            "outcome": "upheld", "answer": "经核实主体认定错误，撤销该记录"})
        rejected = partial(client.post, url, headers=owner, json={
            "outcome": "rejected", "answer": "经核实认定无误，维持该记录"})
        pair = (upheld, rejected) if n % 2 == 0 else (rejected, upheld)
        a, b = _race(*pair)
        won = pair[_one_winner(a, b, "objection_already_answered")]
        expected = "upheld" if won is upheld else "rejected"
        with unit_of_work() as s:
            stored = s.scalar(select(Objection).where(Objection.id == oid))
            assert stored is not None and stored.status == "answered" and stored.outcome == expected
            record = records.get(s, rid)
            assert record is not None
            assert record.status == ("revoked" if expected == "upheld" else "active"), (expected, record.status)


def test_two_withdrawals_of_one_record_never_both_apply(client: Any) -> None:
    org = company(seed=84, name="淮安市并发撤回示例有限公司")
    owner = department_headers(OWNER)
    ids = [add_record(org.code, org.name, "admin-penalty", f"淮市监罚〔2026〕84{i:02d}号") for i in range(PAIRS)]
    for n, rid in enumerate(ids):
        url = f"/api/v1/records/{rid}/withdrawal"
        revoke = partial(client.post, url, headers=owner, json={"kind": "revoked", "reason": "自行更正"})
        annul = partial(client.post, url, headers=owner, json={
            "kind": "annulled", "reason": "处罚决定已被复议机关撤销"})
        pair = (revoke, annul) if n % 2 == 0 else (annul, revoke)
        a, b = _race(*pair)
        won = pair[_one_winner(a, b, "record_already_withdrawn")]
        with unit_of_work() as s:
            record = records.get(s, rid)
            assert record is not None and record.status == ("revoked" if won is revoke else "annulled")


def test_an_upheld_objection_and_a_repair_grant_of_one_record_never_both_apply(world: World) -> None:  # noqa: F811
    """Two different decisions on one record: an upheld objection revokes it, a repair grant shields it.
    Whichever comes second must not overwrite the first."""
    world.commit()
    owner = world.samr
    cases = []
    for i in range(PAIRS):
        rec = world.record(document_number=f"淮市监罚〔2025〕{800 + i}号")
        filed = world.apply([part("record", rec)])
        assert filed.status_code == 201, filed.text
        o = world.client.post("/api/v1/self/objections", headers=world.subject,
                              data={"record_id": str(rec), "reason": "处罚对象错误，并非本公司所为"})
        assert o.status_code == 201, o.text
        cases.append((filed.json()["parts"][0]["id"], o.json()["id"], rec))
    for pid, oid, rec in cases:
        grant = partial(world.client.post, f"/api/v1/repair/parts/{pid}/decision", headers=owner,
                        json={"grant": True})
        uphold = partial(world.client.post, f"/api/v1/disclosure/objections/{oid}/answer",
                         headers=owner, json={"outcome": "upheld", "answer": "经核实主体认定错误，撤销该记录"})
        g, u = _race(grant, uphold)
        assert u.status_code == 200, u.text  # an upheld objection always applies
        with unit_of_work() as s:
            record = records.get(s, rec)
            stored = s.get(RepairPart, pid)
            assert record is not None and stored is not None
            assert record.status == "revoked", record.status  # never overwritten by the repair
            if g.status_code == 200:
                # the repair came first; the revocation followed it
                assert stored.status == "granted"
            else:
                assert g.status_code in (409, 422), g.text
                assert stored.status != "granted"


def test_two_revocations_of_one_consent_leave_one(client: Any) -> None:
    import datetime as dt

    from tests.integration.disclosure.seed import person
    from xinyong.core import clock
    from xinyong.disclosure.models import ConsentRecord

    p = person(seed=85, name="欧阳并发")
    me = {"X-API-Key": make_api_key("subject", subject_key=p.key)}
    ends = (clock.today() + dt.timedelta(days=180)).isoformat()
    for _ in range(PAIRS):
        given = client.post("/api/v1/self/consents", headers=me, json={
            "purpose": "public_disclosure", "method": "online_confirmation", "scope": ["admin-penalty"],
            "ends_on": ends})
        assert given.status_code == 201, given.text
        url = f"/api/v1/self/consents/{given.json()['id']}/revoke"
        a, b = _race(partial(client.post, url, headers=me), partial(client.post, url, headers=me))
        assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
        with unit_of_work() as s:
            row = s.get(ConsentRecord, given.json()["id"])
            assert row is not None and row.revoked_on == clock.today()
