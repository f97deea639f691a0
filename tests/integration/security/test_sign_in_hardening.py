"""Sign-in that cannot be raced or probed, on both databases.

- 50 wrong passwords at once: at most :data:`MAX_FAILURES` are checked, then the account is locked.
- An unknown user, a wrong password and a locked account get the same answer (status and message).
- A session ends when its account's password changes and when its principal's role changes.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select

from tests.integration.security.helpers import PASSWORD, make_account, sign_in
from xinyong.core import accounts
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry, ConsoleAccount
from xinyong.core.policy import Role

HTML = {"accept": "text/html"}
PARALLEL = 50


def _checked(username: str) -> list[str]:
    """Refusals after the password was actually checked (the access log keeps the real reason)."""
    with unit_of_work() as s:
        pid = s.scalar(select(ConsoleAccount.principal_id).where(ConsoleAccount.username == username))
        reasons = s.scalars(select(AccessLogEntry.reason).where(
            AccessLogEntry.principal_id == pid, AccessLogEntry.action == "console.login",
            AccessLogEntry.allowed.is_(False)))
        return [r for r in reasons if r and r.startswith("密码错误")]


def test_fifty_parallel_wrong_passwords_check_at_most_the_limit(client: Any) -> None:
    username, _ = make_account("determining_department")
    gate = threading.Barrier(PARALLEL)

    def attempt(i: int) -> accounts.SignIn:
        gate.wait()
        with unit_of_work() as s:  # each thread its own connection and transaction
            return accounts.sign_in(s, username, f"wrong-password-{i}")

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(attempt, range(PARALLEL), timeout=300))
    assert not any(r.ok for r in results)
    assert {r.message for r in results} == {accounts.REFUSED}
    checked = _checked(username)
    assert 1 <= len(checked) <= accounts.MAX_FAILURES, checked
    assert any("锁定" in r for r in checked)
    # locked: even the right password is refused, without being checked
    with unit_of_work() as s:
        assert not accounts.sign_in(s, username, PASSWORD).ok
    assert len(_checked(username)) == len(checked)


def test_unknown_user_wrong_password_and_locked_account_look_the_same(client: Any) -> None:
    username, _ = make_account("credit_office")
    unknown = sign_in(client, "no-such-officer", "wrong-password-1")
    wrong = sign_in(client, username, "wrong-password-1")
    for _ in range(accounts.MAX_FAILURES - 1):
        sign_in(client, username, "wrong-password-2")
    locked = sign_in(client, username, PASSWORD)
    answers = [unknown, wrong, locked]
    assert {r.status_code for r in answers} == {401}
    assert all(accounts.REFUSED in r.text for r in answers)
    assert not any(word in r.text for r in answers for word in ("不存在", "已锁定，请于", "已停用"))


def test_sessions_end_on_password_change(client: Any) -> None:
    username, _ = make_account("credit_office", name="李静")
    assert sign_in(client, username).status_code == 303
    assert client.get("/console", headers=HTML).status_code == 200
    with unit_of_work() as s:
        accounts.set_password(s, username, "another-horse-43")
    after = client.get("/console", headers=HTML, follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/console/login")
    assert sign_in(client, username, "another-horse-43").status_code == 303
    assert client.get("/console", headers=HTML).status_code == 200


def test_sessions_end_on_role_change(client: Any) -> None:
    username, _ = make_account("credit_office", name="周敏", region="320800")
    assert sign_in(client, username).status_code == 303
    assert client.get("/console", headers=HTML).status_code == 200
    with unit_of_work() as s:
        accounts.change_role(s, username, Role.implementing_unit, department="淮安市住房和城乡建设局")
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 303


def test_a_change_of_powers_made_elsewhere_also_ends_the_session(client: Any) -> None:
    """Powers changed without the account functions (directly on the principal) still end the session."""
    from xinyong.core.models import Principal

    username, pid = make_account("credit_office", region="320800")
    assert sign_in(client, username).status_code == 303
    with unit_of_work() as s:
        principal = s.get(Principal, pid)
        assert principal is not None
        principal.role = Role.admin.value
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 303
