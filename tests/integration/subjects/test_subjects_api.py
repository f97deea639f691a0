from __future__ import annotations

import json
import os
import random
import subprocess
import sys

from sqlalchemy import select

from tests.factories import department_headers, record_json, resident_id, uscc
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def test_register_link_and_credit_file_gathers_linked_persons(client, api_key) -> None:
    admin = api_key("admin")
    rng = random.Random(5)
    org, person = uscc(rng), resident_id(rng)
    r = client.post("/api/v1/subjects", json={"code": org.lower(), "name": "淮安市恒达商贸有限公司"}, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["region_name"] == "江苏省淮安市清江浦区"
    link = client.post(f"/api/v1/subjects/{org}/links", headers=admin, json={
        "person_code": person, "person_name": "王伟", "role": "legal_representative", "start_date": "2020-01-01"})
    assert link.status_code == 201, link.text
    dup = client.post(f"/api/v1/subjects/{org}/links", headers=admin, json={
        "person_code": person, "person_name": "王伟", "role": "legal_representative", "start_date": "2020-01-01"})
    assert dup.status_code == 409
    # a record against the person shows up in the organisation's file, under the link
    rec = client.post("/api/v1/records", headers=department_headers("淮安市清江浦区人民法院"), json=record_json(
        subject_code=person, subject_name="王伟", catalog_item="judicial-dishonest-debtor",
        document_type="judicial_judgment", document_number="（2025）苏0812执123号", issuing_authority="淮安市清江浦区人民法院"))
    assert rec.status_code == 201, rec.text
    file = client.get(f"/api/v1/subjects/{org}?purpose=licensing", headers=admin).json()
    assert file["subject"]["name"] == "淮安市恒达商贸有限公司"
    [linked] = file["links"]
    assert linked["role_name"] == "法定代表人"
    assert linked["other"]["code"].count("*") == 10  # the person's ID is masked
    assert [r["document_number"] for r in linked["sections"]["records"]] == ["（2025）苏0812执123号"]
    assert person not in json.dumps(file, ensure_ascii=False)
    # the read was registered, under the keyed hash and the stated purpose
    with unit_of_work() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "credit_file.read")).all()
    assert entries[-1].purpose == "licensing" and entries[-1].allowed and entries[-1].subject_key
    assert org not in (entries[-1].subject_key or "")


def test_invalid_code_error_names_the_check(client, api_key) -> None:
    r = client.post("/api/v1/subjects", json={"code": "91110000600037341X", "name": "某公司"}, headers=api_key())
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_code_check_digit"
    assert "校验码" in r.json()["error"]["message"]


def test_bad_purpose_and_unknown_subject(client, api_key) -> None:
    admin = api_key()
    assert client.get("/api/v1/subjects/91110000600037341L?purpose=curiosity", headers=admin).status_code == 422
    assert client.get("/api/v1/subjects/91110000600037341L", headers=admin).status_code == 404


def test_denial_is_logged_even_though_request_fails(client, api_key) -> None:
    unit = api_key("implementing_unit")
    r = client.post("/api/v1/records", json=record_json(), headers=unit)
    assert r.status_code == 403
    with unit_of_work() as s:
        denied = s.scalars(select(AccessLogEntry).where(AccessLogEntry.allowed.is_(False))).all()
    assert any(e.action == "record.write" and e.role == "implementing_unit" for e in denied)


def test_cli_subject_check_exit_codes(db_url) -> None:
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
    ok = subprocess.run([sys.executable, "-m", "xinyong.cli", "subject", "check", "９１１１００００６０００３７３４１ｌ"],
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == {"code": "91110000600037341L", "kind": "organisation", "valid": True, "reason": None}
    bad = subprocess.run([sys.executable, "-m", "xinyong.cli", "subject", "check", "110105194912310021"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1
    out = json.loads(bad.stdout)
    assert out["valid"] is False and "校验码" in out["reason"] and out["kind"] == "individual"


def test_demo_generates_valid_linked_data(db_url) -> None:
    from xinyong.demo.generate import generate_into_database

    totals = generate_into_database(60, 2.0, seed=1)
    assert totals["subjects"] >= 60 and totals["records"] > 60 and totals["links"] > 20
    again = generate_into_database(60, 2.0, seed=1, if_empty=True)
    assert again["skipped"] is True
