"""Test helpers for the console: create an account and sign a TestClient in (usable by every capability).

    from tests.integration.security.helpers import console_login
    actor_id = console_login(client, "credit_office", department="淮安市信用办")
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from xinyong.core.accounts import create_account
from xinyong.core.crypto import subject_key as key_of
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role

PASSWORD = "correct-horse-42"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_account(role: str = "credit_office", *, username: str | None = None, password: str = PASSWORD,
                 name: str | None = None, department: str | None = None, region: str | None = None,
                 subject_code: str | None = None) -> tuple[str, int]:
    """Create a console account; returns (username, principal_id)."""
    username = username or f"u{uuid.uuid4().hex[:10]}"
    key = None
    if subject_code is not None:
        from xinyong.subjects.rules import identify

        key = key_of(identify(subject_code).code)
    with unit_of_work() as s:
        acc = create_account(
            s, name=name or f"测试{role}", role=Role(role), username=username, password=password,
            department=department if department is not None else (None if role == "subject" else f"测试部门-{role}"),
            region_code=region, subject_key=key,
        )
        return username, acc.principal_id


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in page"
    return match.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD, next_: str = "/console") -> Any:
    page = client.get("/console/login", headers={"accept": "text/html"})
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "next": next_, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def console_login(client: Any, role: str = "credit_office", **kwargs: Any) -> int:
    """Create an account of ``role`` and sign ``client`` in; returns the principal id."""
    username, principal_id = make_account(role, **kwargs)
    response = sign_in(client, username)
    assert response.status_code == 303, response.text
    return principal_id


def form_token(client: Any, path: str = "/console") -> str:
    """The CSRF token of the signed-in session (read from a console page)."""
    return csrf_from(client.get(path, headers={"accept": "text/html"}).text)
