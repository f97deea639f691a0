"""Screening through the API: exact by code, fuzzy by name, batch; the index follows record changes."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, mark_index_stale, record_json, uscc
from tests.statements import transactions
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def test_screen_by_code_explains_measure_and_is_logged_with_purpose(client: Any, api_key: Any, penalised: Any) -> None:
    headers = api_key("implementing_unit", department="淮安市公共资源交易中心")
    r = client.get(f"/api/v1/screen/code/{penalised['code']}", params={"matter": "procurement_bidding"},
                   headers=headers)
    assert r.status_code == 200, r.text
    hit = r.json()["hits"][0]
    assert r.json()["matched"] is True and hit["match_score"] == 1.0
    assert hit["measures"] == ["procurement-major-violation"]
    ob = hit["obligations"][0]
    assert ob["trigger"]["kind"] == "record" and ob["trigger"]["id"] == penalised["record_id"]
    assert "政府采购法》第二十二条第一款第（五）项" in ob["basis"]
    assert ob["end"] == "2028-03-10"
    # another matter: nothing applies
    other = client.get(f"/api/v1/screen/code/{penalised['code']}", params={"matter": "high_consumption"},
                       headers=headers)
    assert other.json()["hits"][0]["measures"] == []
    with unit_of_work() as s:
        entries = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")))
    assert [e.purpose for e in entries] == ["procurement", "joint_punishment"]
    assert entries[0].subject_key is not None and entries[0].result_count == 1


def test_unknown_and_malformed_codes(client: Any, api_key: Any) -> None:
    headers = api_key("implementing_unit")
    missing = client.get(f"/api/v1/screen/code/{uscc(random.Random(9))}", headers=headers)
    assert missing.status_code == 200 and missing.json()["matched"] is False
    bad = client.get("/api/v1/screen/code/91320812ABC", headers=headers)
    assert bad.status_code == 422 and "长度错误" in bad.json()["error"]["message"]
    wrong_matter = client.get(f"/api/v1/screen/code/{uscc(random.Random(9))}", params={"matter": "x"},
                              headers=headers)
    assert wrong_matter.status_code == 422 and "行政事项" in wrong_matter.json()["error"]["message"]
    assert client.get(f"/api/v1/screen/code/{uscc(random.Random(9))}").status_code == 403


def test_repaired_record_stops_triggering(client: Any, api_key: Any, penalised: Any) -> None:
    from xinyong.records.service import set_status

    headers = api_key("admin")
    with unit_of_work() as s:
        set_status(s, penalised["record_id"], "repaired_marked", "信用修复")
    r = client.get(f"/api/v1/screen/code/{penalised['code']}", headers=headers)
    assert r.json()["hits"][0]["measures"] == []


def test_screen_by_name_normalises_organisation_names(client: Any, api_key: Any, penalised: Any) -> None:
    headers = api_key("implementing_unit")
    r = client.get("/api/v1/screen/name", params={"q": "示例商贸（淮安）有限责任公司", "matter": "procurement_bidding"},
                   headers=headers)
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits and hits[0]["subject"]["code"] == penalised["code"]
    assert 0.9 <= hits[0]["match_score"] < 1.0
    assert hits[0]["measures"] == ["procurement-major-violation"]
    exact = client.get("/api/v1/screen/name", params={"q": penalised["name"]}, headers=headers)
    assert exact.json()["hits"][0]["match_score"] == 1.0
    none = client.get("/api/v1/screen/name", params={"q": "远方重工机械制造有限公司"}, headers=headers)
    assert none.json()["hits"] == []


def test_batch_api_keeps_order(client: Any, api_key: Any, penalised: Any) -> None:
    clean = record_json(subject_code=uscc(random.Random(77)), subject_name="清白贸易有限公司", severity="general")
    assert client.post("/api/v1/records", json=clean, headers=department_headers(clean["issuing_authority"])).status_code == 201
    items = [{"code": clean["subject_code"]}, {"code": uscc(random.Random(3))}, {"code": penalised["code"]},
             {"name": "示例商贸有限公司"}]
    r = client.post("/api/v1/screen/batch", json={"items": items, "matter": "procurement_bidding"},
                    headers=api_key("implementing_unit"))
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["matched_code"] for x in res] == [clean["subject_code"], "", penalised["code"], penalised["code"]]
    assert [x["measures"] for x in res] == [[], [], ["procurement-major-violation"], ["procurement-major-violation"]]
    assert res[3]["match_score"] < 1.0
    empty = client.post("/api/v1/screen/batch", json={"items": [{}]}, headers=api_key("implementing_unit"))
    assert empty.status_code == 422


def test_bulk_import_marks_subjects_and_screening_sees_them(client: Any, api_key: Any, tmp_path: Any) -> None:
    import csv

    from xinyong.core.access import create_principal
    from xinyong.core.db import unit_of_work
    from xinyong.core.policy import Role
    from xinyong.records.importer import FIELDS, import_records

    code = uscc(random.Random(4242))
    row = record_json(subject_code=code, subject_name="批量导入示例有限公司", severity="serious",
                      document_number="淮市监罚〔2025〕900号")
    path = tmp_path / "records.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerow({k: row.get(k, "") for k in FIELDS})
    with unit_of_work() as s:
        source = create_principal(s, name="淮安市市场监督管理局", role=Role.determining_department,
                                  department="淮安市市场监督管理局", region_code="320800").id
    summary = import_records(path, source=source, progress=False)
    assert summary.accepted == 1
    r = client.get(f"/api/v1/screen/code/{code}", params={"matter": "procurement_bidding"},
                   headers=api_key("implementing_unit"))
    assert r.json()["hits"][0]["measures"] == ["procurement-major-violation"]


def test_name_screening_with_extreme_min_score(client: Any, api_key: Any, penalised: Any) -> None:
    headers = api_key("implementing_unit")
    exact = client.get("/api/v1/screen/name", params={"q": penalised["name"], "min_score": 1.0}, headers=headers)
    assert exact.status_code == 200 and [h["match_score"] for h in exact.json()["hits"]] == [1.0]
    near = client.get("/api/v1/screen/name", params={"q": "示例商贸（淮安）有限公司", "min_score": 1.0}, headers=headers)
    assert near.status_code == 200 and near.json()["hits"] == []
    everything = client.get("/api/v1/screen/name", params={"q": "示例", "min_score": 0.0}, headers=headers)
    assert everything.status_code == 200


def test_a_marked_subject_is_recomputed_in_one_transaction_then_answered(client: Any, api_key: Any,
                                                                        penalised: Any) -> None:
    """The fast path reads in autocommit; a subject whose index is marked for recomputation is answered
    by the transactional path (the recomputation is a write): same answer, index rebuilt, one entry."""
    from xinyong.measures.models import ScreeningDirty, ScreeningFact

    key = mark_index_stale(penalised["code"])
    headers = api_key("implementing_unit", department="淮安市公共资源交易中心")
    r = client.get(f"/api/v1/screen/code/{penalised['code']}", params={"matter": "procurement_bidding"},
                   headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["hits"][0]["measures"] == ["procurement-major-violation"]
    with unit_of_work() as s:
        assert s.scalars(select(ScreeningDirty).where(ScreeningDirty.subject_key == key)).all() == []
        assert s.scalars(select(ScreeningFact).where(ScreeningFact.subject_key == key)).all() != []
        entries = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")))
    assert len(entries) == 1 and entries[0].result_count == 1 and entries[0].subject_key == key


def _name_entries() -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")
                              .order_by(AccessLogEntry.id)))


def test_screening_by_name_reads_without_a_transaction_once_the_names_are_current(
        client: Any, api_key: Any, penalised: Any, backend: str) -> None:
    """A subject registered since the index last looked is synced in one transaction (the sync writes);
    after that a screening by name reads in autocommit on PostgreSQL, its entry one INSERT; same answers."""
    headers = api_key("implementing_unit", department="淮安市公共资源交易中心")
    params = {"q": "示例商贸（淮安）有限责任公司", "matter": "procurement_bidding"}
    answers: list[Any] = []
    with transactions() as first:
        answers.append(client.get("/api/v1/screen/name", params=params, headers=headers))
    with transactions() as second:
        answers.append(client.get("/api/v1/screen/name", params=params, headers=headers))
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    assert answers[0].json() == answers[1].json()
    assert answers[1].json()["hits"][0]["subject"]["code"] == penalised["code"]
    assert answers[1].json()["hits"][0]["measures"] == ["procurement-major-violation"]
    assert any(first), "the new subject's name is synced in a transaction"
    if backend == "postgresql":
        assert second and not any(second), second
    # a subject registered now is found by the next screening (the index is brought up to date first)
    body = record_json(subject_code=uscc(random.Random(502)), subject_name="淮安市新登记示例建材有限公司",
                       severity="serious")
    assert client.post("/api/v1/records", json=body,
                       headers=department_headers(body["issuing_authority"])).status_code == 201
    fresh = client.get("/api/v1/screen/name", params={"q": "淮安市新登记示例建材有限公司"}, headers=headers)
    assert fresh.status_code == 200 and fresh.json()["hits"][0]["subject"]["code"] == body["subject_code"]
    entries = _name_entries()
    assert len(entries) == 3 and all(e.detail["by"] == "name" for e in entries)
    assert entries[1].result_count == len(answers[1].json()["hits"])
    assert penalised_key(penalised["code"]) in entries[1].detail["subject_keys"]


def test_a_marked_subject_found_by_name_is_recomputed_then_answered(client: Any, api_key: Any,
                                                                   penalised: Any) -> None:
    from xinyong.measures.models import ScreeningDirty

    headers = api_key("implementing_unit", department="淮安市公共资源交易中心")
    client.get("/api/v1/screen/name", params={"q": penalised["name"]}, headers=headers)  # the names synced
    key = mark_index_stale(penalised["code"])
    r = client.get("/api/v1/screen/name", params={"q": penalised["name"], "matter": "procurement_bidding"},
                   headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["hits"][0]["measures"] == ["procurement-major-violation"]
    with unit_of_work() as s:
        assert s.scalars(select(ScreeningDirty).where(ScreeningDirty.subject_key == key)).all() == []
    assert len(_name_entries()) == 2  # one per screening: the abandoned read wrote nothing


def penalised_key(code: str) -> str:
    from xinyong.core.crypto import subject_key

    return subject_key(code)
