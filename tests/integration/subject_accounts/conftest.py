"""Fixtures: a company with a record on the public page, and the credit office that issues codes."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import department_headers, record_json, uscc
from tests.integration.security.helpers import csrf_from, make_account, sign_in
from xinyong.app import create_app

HTML = {"accept": "text/html"}
COMPANY = "淮安市示例商贸有限公司"
PASSWORD = "company-pass-2026"


@dataclass
class Company:
    code: str
    record_id: int
    document_number: str


def add_company(client: Any, admin: dict[str, str], seed: int, name: str = COMPANY) -> Company:
    code = uscc(random.Random(seed))
    r = client.post("/api/v1/subjects", json={"code": code, "name": name}, headers=admin)
    assert r.status_code == 201, r.text
    body = record_json(subject_code=code, subject_name=name, document_number=f"淮市监罚〔2026〕{seed}号",
                       decision_date=dt.date(2026, 10, 10), effective_date=dt.date(2026, 10, 20))
    rec = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert rec.status_code == 201, rec.text
    return Company(code, int(rec.json()["id"]), body["document_number"])


def office_browser() -> TestClient:
    c = TestClient(create_app())
    username, _ = make_account("credit_office", department="淮安市信用办", region="320800")
    assert sign_in(c, username).status_code == 303
    return c


def issue_in_console(office: TestClient, code: str) -> str:
    page = office.get("/console/subject-accounts", headers=HTML)
    assert page.status_code == 200
    r = office.post("/console/subject-accounts", headers=HTML, data={"csrf_token": csrf_from(page.text), "code": code})
    assert r.status_code == 200, r.text
    found = re.search(r'id="issued-code">([A-Z0-9-]+)<', r.text)
    assert found, r.text
    return found.group(1)


def register(client: TestClient, code: str, one_time: str, password: str = PASSWORD) -> Any:
    page = client.get("/my/register", headers=HTML)
    return client.post("/my/register", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "code": code, "one_time_code": one_time,
        "password": password, "password2": password, "next": "/my"})


def login(client: TestClient, code: str, password: str = PASSWORD, next_: str = "/my") -> Any:
    page = client.get(f"/my/login?next={next_}", headers=HTML)
    return client.post("/my/login", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "code": code, "password": password, "next": next_})


@pytest.fixture
def company(client: Any, api_key: Callable[..., dict[str, str]]) -> Company:
    return add_company(client, api_key("admin"), 2026)
