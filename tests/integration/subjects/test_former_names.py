"""An organisation's former name (曾用名) is entered through the API or the command line, by whoever
maintains the organisation's data, and name screening finds the organisation by it."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import resident_id, uscc
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.subjects import service as subjects

OLD = "淮安市旧街商贸有限公司"
NEW = "淮安市新桥商贸有限公司"


def test_a_former_name_entered_through_the_api_is_found_by_screening(client: Any, api_key: Any) -> None:
    rng = random.Random(2718)
    code = uscc(rng)
    with unit_of_work() as s:
        subjects.register(s, code, NEW)
    with unit_of_work() as s:
        region = subjects.require(s, code).region_code
    office = api_key("credit_office", region=region)
    r = client.post(f"/api/v1/subjects/{code}/former-names", json={"name": OLD, "until": "2024-05-01"},
                    headers=office)
    assert r.status_code == 201, r.text
    assert r.json()["former_names"] == [OLD]
    again = client.post(f"/api/v1/subjects/{code}/former-names", json={"name": OLD}, headers=office)
    assert again.status_code == 201 and again.json()["added"] is False  # recorded once
    same = client.post(f"/api/v1/subjects/{code}/former-names", json={"name": NEW}, headers=office)
    assert same.status_code == 422 and "现用名称相同" in same.json()["error"]["message"]

    hits = client.get("/api/v1/screen/name", params={"q": OLD}, headers=api_key("implementing_unit")).json()["hits"]
    assert hits[0]["subject"]["code"] == code and hits[0]["matched_former_name"]


def test_former_names_are_kept_by_the_organisations_own_authorities(client: Any, api_key: Any) -> None:
    rng = random.Random(2719)
    code, person = uscc(rng), resident_id(rng)
    with unit_of_work() as s:
        subjects.register(s, code, NEW)
        subjects.register(s, person, "张三")
    elsewhere = api_key("credit_office", region="110000")
    r = client.post(f"/api/v1/subjects/{code}/former-names", json={"name": OLD}, headers=elsewhere)
    assert r.status_code == 403
    with unit_of_work() as s:
        denied = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "subject.write",
                                                        AccessLogEntry.allowed.is_(False))).all()
    assert denied
    assert client.post(f"/api/v1/subjects/{code}/former-names", json={"name": OLD},
                       headers=api_key("implementing_unit")).status_code == 403
    admin = api_key("admin")
    r = client.post(f"/api/v1/subjects/{person}/former-names", json={"name": "张叁"}, headers=admin)
    assert r.status_code == 422 and "组织" in r.json()["error"]["message"]


def test_the_command_line_records_a_former_name(db_url: str) -> None:
    rng = random.Random(2720)
    code = uscc(rng)
    with unit_of_work() as s:
        subjects.register(s, code, NEW)
    done = CliRunner().invoke(app, ["subject", "former-name", code, OLD, "--until", "2024-05-01"])
    assert done.exit_code == 0, done.output
    assert OLD in done.output
    bad = CliRunner().invoke(app, ["subject", "former-name", code, OLD, "--until", "2024-13-01"])
    assert bad.exit_code == 2 and "日期" in bad.output


def test_names_registered_after_a_screening_are_found_by_the_next_one(client: Any, api_key: Any) -> None:
    """The index of names in memory is brought up to date when a subject or a former name was
    registered since it last looked, and only then."""
    unit = api_key("implementing_unit")
    assert client.get("/api/v1/screen/name", params={"q": NEW}, headers=unit).json()["hits"] == []
    code = uscc(random.Random(3141))
    with unit_of_work() as s:
        subjects.register(s, code, NEW)
    hits = client.get("/api/v1/screen/name", params={"q": NEW}, headers=unit).json()["hits"]
    assert [h["subject"]["code"] for h in hits] == [code]
    with unit_of_work() as s:
        region = subjects.require(s, code).region_code
    office = api_key("credit_office", region=region)
    assert client.post(f"/api/v1/subjects/{code}/former-names", json={"name": OLD}, headers=office).status_code == 201
    hits = client.get("/api/v1/screen/name", params={"q": OLD}, headers=unit).json()["hits"]
    assert hits[0]["subject"]["code"] == code and hits[0]["matched_former_name"]
