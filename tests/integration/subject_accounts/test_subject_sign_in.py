"""Citizens and companies get in: a one-time code from the office, self-registration, sign-in at /my
(not the staff sign-in), rate-limited attempts, and a subject sees only its own file."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.integration.subject_accounts.conftest import (
    COMPANY,
    HTML,
    Company,
    add_company,
    issue_in_console,
    login,
    office_browser,
    register,
)
from xinyong.app import create_app
from xinyong.core import clock
from xinyong.core.access import SYSTEM
from xinyong.core.db import unit_of_work
from xinyong.subject_accounts import service
from xinyong.subject_accounts.models import EnrolmentCode, SubjectAccount


def _at(day: dt.date, hour: int) -> None:
    installed = clock.installed()
    assert isinstance(installed, clock.SetClock)
    installed.set_today(day, hour=hour)


def test_my_sends_to_the_subject_sign_in_not_the_staff_one(client: Any) -> None:
    r = client.get("/my", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/my/login?next=%2Fmy"
    page = client.get("/my/login", headers=HTML)
    assert "信用主体登录" in page.text and "工作人员使用本人账户登录" not in page.text
    # staff pages still go to the staff sign-in
    assert client.get("/console", headers=HTML, follow_redirects=False).headers["location"].startswith("/console/login")


def test_register_with_a_one_time_code_sign_in_and_see_only_the_own_file(client: Any, company: Company,
                                                                          api_key: Any) -> None:
    other = add_company(client, api_key("admin"), 99, name="另一家商贸有限公司")
    office = office_browser()
    one_time = issue_in_console(office, company.code)
    with unit_of_work() as s:  # only a keyed hash is kept
        hashes = list(s.scalars(select(EnrolmentCode.code_hash)))
    assert len(hashes) == 1 and one_time.replace("-", "") not in hashes[0] and len(hashes[0]) == 40
    browser = TestClient(create_app())
    r = register(browser, company.code, one_time.lower())  # typed in small letters: still the code
    assert r.status_code == 303 and r.headers["location"] == "/my"
    mine = browser.get("/my", headers=HTML)
    assert mine.status_code == 200 and COMPANY in mine.text and company.document_number in mine.text
    assert other.document_number not in mine.text
    # another company's record is not reachable by its id
    assert browser.get(f"/my/objections/new?record_id={other.record_id}", headers=HTML).status_code == 403
    # the code was single use
    again = register(TestClient(create_app()), company.code, one_time)
    assert again.status_code == 422 and "验证码已使用" in again.text
    # sign in later with the code and the password; a wrong password is refused
    later = TestClient(create_app())
    assert login(later, company.code, "wrong-password-1").status_code == 401
    ok = login(later, company.code)
    assert ok.status_code == 303 and ok.headers["location"] == "/my"
    assert COMPANY in later.get("/my", headers=HTML).text


def test_a_code_expires_is_bound_to_its_subject_and_resets_a_password(client: Any, company: Company,
                                                                       api_key: Any) -> None:
    other = add_company(client, api_key("admin"), 99, name="另一家商贸有限公司")
    code = service.issue_code(SYSTEM, company.code)["code"]
    # another subject's code with this one-time code: refused
    assert register(TestClient(create_app()), other.code, code).status_code == 422
    _at(dt.date(2026, 11, 28), 11)  # 73 hours later
    assert register(TestClient(create_app()), company.code, code).status_code == 422
    fresh = service.issue_code(SYSTEM, company.code)["code"]
    assert register(TestClient(create_app()), company.code, fresh).status_code == 303
    # a new code sets a new password for the same account
    reset = service.issue_code(SYSTEM, company.code)["code"]
    assert register(TestClient(create_app()), company.code, reset, password="new-password-77").status_code == 303
    assert login(TestClient(create_app()), company.code).status_code == 401
    assert login(TestClient(create_app()), company.code, "new-password-77").status_code == 303
    with unit_of_work() as s:
        assert len(list(s.scalars(select(SubjectAccount)))) == 1


def test_failed_attempts_are_limited(client: Any, company: Company) -> None:
    code = service.issue_code(SYSTEM, company.code)["code"]
    for _ in range(5):
        assert register(TestClient(create_app()), company.code, "AAAAA-AAAAA").status_code == 422
    blocked = register(TestClient(create_app()), company.code, code)  # even the right code waits
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.text
    _at(dt.date(2026, 11, 25), 11)  # an hour later (the window is 15 minutes)
    assert register(TestClient(create_app()), company.code, code).status_code == 303


def test_an_officer_issues_codes_from_the_command_line_and_only_in_the_territory(client: Any, company: Company) -> None:
    from typer.testing import CliRunner

    from xinyong.cli import app

    out = CliRunner().invoke(app, ["subject-accounts", "issue-code", company.code])
    assert out.exit_code == 0, out.output
    import json

    issued = json.loads(out.output)
    assert issued["subject_name"] == COMPANY and len(issued["code"]) == 11 and issued["expires_at"] == "2026-11-28 10:00"
    # an office of another city may not issue a code for a 淮安 company
    from xinyong.core.access import Actor
    from xinyong.core.errors import Forbidden
    from xinyong.core.policy import Role

    nanjing = Actor(id=None, name="南京市信用办", role=Role.credit_office, department="南京市信用办", region_code="320100")
    try:
        service.issue_code(nanjing, company.code)
    except Forbidden as exc:
        assert "320100" in exc.message
    else:
        raise AssertionError("an office outside the territory issued a code")
    subject_page = TestClient(create_app())
    assert subject_page.get("/console/subject-accounts", headers=HTML, follow_redirects=False).status_code == 303


def test_public_page_leads_a_subject_to_prefilled_objection_and_repair(client: Any, company: Company) -> None:
    from xinyong.subjects.service import require

    with unit_of_work() as s:
        ref = require(s, company.code).subject_key
    public = client.get(f"/public/subjects/{ref}", headers=HTML)
    assert public.status_code == 200
    assert "/my/go?do=objection&amp;document=" in public.text and "/my/go?do=repair&amp;document=" in public.text
    browser = TestClient(create_app())
    go = browser.get(f"/my/go?do=objection&document={company.document_number}", headers=HTML, follow_redirects=False)
    assert go.status_code == 303 and go.headers["location"].startswith("/my/login?next=")
    target = unquote(go.headers["location"].split("next=", 1)[1])
    assert register(browser, company.code, service.issue_code(SYSTEM, company.code)["code"]).status_code == 303
    to_form = browser.get(target, headers=HTML, follow_redirects=False)
    assert to_form.headers["location"] == f"/my/objections/new?record_id={company.record_id}"
    form = browser.get(to_form.headers["location"], headers=HTML)
    assert form.status_code == 200 and company.document_number in form.text
    repair = browser.get(f"/my/go?do=repair&document={company.document_number}", headers=HTML, follow_redirects=False)
    assert repair.headers["location"] == f"/console/repair/apply?target=record:{company.record_id}"
    apply = browser.get(repair.headers["location"], headers=HTML)
    assert f'value="record:{company.record_id}" checked' in apply.text
    unknown = browser.get("/my/go?do=objection&document=不存在的文书号", headers=HTML)
    assert unknown.status_code == 404
