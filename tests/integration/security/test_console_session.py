from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.integration.security.helpers import PASSWORD, form_token, make_account, sign_in
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry, ConsoleAccount, ConsoleSession

HTML = {"accept": "text/html"}


def test_console_redirects_to_login_then_signs_in_and_out(client) -> None:
    r = client.get("/console?tab=x", headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/console/login?next=%2Fconsole%3Ftab%3Dx"
    username, pid = make_account("credit_office", name="王芳")
    r = sign_in(client, username, next_="/console")
    assert r.status_code == 303 and r.headers["location"] == "/console"
    page = client.get("/console", headers=HTML)
    assert page.status_code == 200 and "王芳" in page.text and "退出登录" in page.text
    r = client.post("/console/logout", data={"csrf_token": form_token(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 303
    with unit_of_work() as s:
        actions = [e.action for e in s.scalars(select(AccessLogEntry).where(AccessLogEntry.principal_id == pid))]
    # the console home reads the officer's work through each capability's use case: registered too
    assert [a for a in actions if a.startswith("console.")] == ["console.login", "console.logout"]
    assert "listing.deadlines" in actions


def test_api_style_request_without_session_is_401(client) -> None:
    r = client.get("/console", headers={"accept": "application/json"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "console_login_required"


def test_wrong_password_and_lockout_after_five_failures(client) -> None:
    username, _ = make_account("determining_department")
    for _ in range(4):
        r = sign_in(client, username, "wrong-password-1")
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = sign_in(client, username, "wrong-password-1")
    assert r.status_code == 401 and "锁定" in r.text
    r = sign_in(client, username, PASSWORD)  # right password, but locked
    assert r.status_code == 401 and "锁定" in r.text
    with unit_of_work() as s:
        acc = s.scalar(select(ConsoleAccount).where(ConsoleAccount.username == username))
        assert acc is not None and acc.locked_until is not None
        acc.locked_until = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # the lock has run out
    assert sign_in(client, username, PASSWORD).status_code == 303
    with unit_of_work() as s:
        denied = s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == "console.login", AccessLogEntry.allowed.is_(False))).all()
    assert len(denied) == 6


def test_unknown_user_is_refused_without_revealing_it(client) -> None:
    r = sign_in(client, "nobody-here", PASSWORD)
    assert r.status_code == 401 and "用户名或密码错误" in r.text


def test_login_without_csrf_token_is_refused(client) -> None:
    username, _ = make_account("credit_office")
    r = client.post("/console/login", data={"username": username, "password": PASSWORD},
                    headers=HTML, follow_redirects=False)
    assert r.status_code == 403
    assert "表单已失效" in r.text


def test_logout_needs_the_session_csrf_token(client) -> None:
    username, _ = make_account("credit_office")
    assert sign_in(client, username).status_code == 303
    r = client.post("/console/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 200


def test_session_expires(client) -> None:
    username, _ = make_account("credit_office")
    assert sign_in(client, username).status_code == 303
    with unit_of_work() as s:
        for row in s.scalars(select(ConsoleSession)):
            row.expires_at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 303


def test_open_redirect_is_refused(client) -> None:
    username, _ = make_account("credit_office")
    r = sign_in(client, username, next_="//evil.example/x")
    assert r.status_code == 303 and r.headers["location"] == "/console"


@pytest.mark.parametrize("password", ["short1", "onlyletterslong", "1234567890123"])
def test_weak_passwords_are_refused(db_url, password) -> None:
    from xinyong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        make_account("credit_office", password=password)
