"""Who may reach a unit's ledger (大高信办字〔2021〕1号 附件: 本单位失信约束措施台账; 淮政办发〔2021〕13号
六（二）: 各级信用管理部门对本区域内……加强规范指导): the unit itself, the credit office of its region
and above, an administrator. Every refusal is a 403 and an access-log entry with allowed=False."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.integration.ledger.test_ledger_api import TRAFFIC
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

UNIT_A = "淮安市清江浦区交通运输局"
UNIT_B = "淮安市清江浦区生态环境局"


def denials(action: str, department: str) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.department == department,
            AccessLogEntry.allowed.is_(False))))


def register(client: Any, headers: dict[str, str], **extra: Any) -> Any:
    return client.post("/api/v1/ledger/documents", json={"text": TRAFFIC, **extra}, headers=headers)


def test_another_unit_can_neither_read_nor_decide(client: Any, api_key: Any) -> None:
    a = api_key("implementing_unit", department=UNIT_A)
    b = api_key("implementing_unit", department=UNIT_B)
    r = register(client, a)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["unit_name"] == UNIT_A
    clause = doc["clauses"][0]["id"]

    r = client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=b)
    assert r.status_code == 403 and "本单位" in r.json()["error"]["message"]
    [read] = denials("ledger.read", UNIT_B)
    assert read.detail["document_id"] == doc["id"] and read.reason

    r = client.put(f"/api/v1/ledger/clauses/{clause}/decision", json={"confirm": True}, headers=b)
    assert r.status_code == 403
    [decide] = denials("ledger.decide", UNIT_B)
    assert decide.detail["clause_id"] == clause
    r = client.patch(f"/api/v1/ledger/documents/{doc['id']}", json={"phone": "0517-1"}, headers=b)
    assert r.status_code == 403 and len(denials("ledger.write", UNIT_B)) == 1

    # naming another unit in free text does not make its ledger B's
    r = client.get("/api/v1/ledger/ledger", params={"unit": UNIT_A}, headers=b)
    assert r.status_code == 403 and len(denials("ledger.read", UNIT_B)) == 2
    r = register(client, b, unit_name=UNIT_A)
    assert r.status_code == 403 and len(denials("ledger.write", UNIT_B)) == 2
    # nothing changed: the clause is still undecided, B's ledger is empty
    assert client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=a).json()["undecided_count"] == 2
    assert client.get("/api/v1/ledger/documents", headers=b).json()["documents"] == []


def test_credit_office_oversees_its_region_only(client: Any, api_key: Any) -> None:
    unit = api_key("implementing_unit", department=UNIT_A, region="320812")  # 清江浦区, in 淮安市
    assert register(client, unit).status_code == 201

    nanjing = api_key("credit_office", department="南京市信用办", region="320100")
    r = client.get("/api/v1/ledger/ledger", params={"unit": UNIT_A}, headers=nanjing)
    assert r.status_code == 403 and "320812" in r.json()["error"]["message"]
    [entry] = denials("ledger.read", "南京市信用办")
    assert entry.detail["unit"] == UNIT_A
    roll = client.get("/api/v1/ledger/rollup", headers=nanjing).json()
    assert [u["unit_name"] for u in roll["units"]] == []

    huaian = api_key("credit_office", department="淮安市信用办", region="320800")
    r = client.get("/api/v1/ledger/ledger", params={"unit": UNIT_A}, headers=huaian)
    assert r.status_code == 200 and {row["document_id"] for row in r.json()["rows"]} == {r.json()["rows"][0]["document_id"]}
    doc_id = r.json()["rows"][0]["document_id"]
    assert client.get(f"/api/v1/ledger/documents/{doc_id}", headers=huaian).status_code == 200
    roll = client.get("/api/v1/ledger/rollup", headers=huaian).json()
    assert [u["unit_name"] for u in roll["units"]] == [UNIT_A]
    # overseeing is reading: the decisions stay the unit's own
    clause = client.get(f"/api/v1/ledger/documents/{doc_id}", headers=huaian).json()["clauses"][0]["id"]
    r = client.put(f"/api/v1/ledger/clauses/{clause}/decision", json={"confirm": True}, headers=huaian)
    assert r.status_code == 403 and len(denials("ledger.decide", "淮安市信用办")) == 1
    # an administrator reaches every unit
    admin = api_key("admin")
    assert client.get("/api/v1/ledger/ledger", params={"unit": UNIT_A}, headers=admin).status_code == 200


def test_registering_for_a_unit_names_a_registered_one(client: Any, api_key: Any) -> None:
    office = api_key("credit_office", department="淮安市信用办", region="320800")
    r = register(client, office, unit_name="淮安市不存在的局")
    assert r.status_code == 422 and "未找到已登记的单位“淮安市不存在的局”" in r.json()["error"]["message"]
    r = client.get("/api/v1/ledger/ledger", params={"unit": "淮安市不存在的局"}, headers=office)
    assert r.status_code == 422

    api_key("implementing_unit", department=UNIT_A, region="320812")
    r = register(client, office, unit_name=UNIT_A)
    assert r.status_code == 201 and r.json()["unit_name"] == UNIT_A
    # the unit finds it in its own ledger
    unit = api_key("implementing_unit", department=UNIT_A, region="320812")
    assert [d["id"] for d in client.get("/api/v1/ledger/documents", headers=unit).json()["documents"]] \
        == [r.json()["id"]]


def test_an_administrator_names_the_unit_by_principal_id(client: Any, api_key: Any) -> None:
    from xinyong.core.models import Principal

    api_key("implementing_unit", department=UNIT_B, region="320812")
    with unit_of_work() as s:
        pid = s.scalar(select(Principal.id).where(Principal.department == UNIT_B))
    admin = api_key("admin")
    r = register(client, admin, unit_name=str(pid))
    assert r.status_code == 201 and r.json()["unit_name"] == UNIT_B
    r = register(client, admin, unit_name="999999")
    assert r.status_code == 422 and "未找到已登记的单位" in r.json()["error"]["message"]
