"""Passwords on the command line: typed without echo (twice) at a terminal; scripts give them on standard
input (--password-stdin) or in XINYONG_PASSWORD; none of them is printed."""

from __future__ import annotations

import getpass
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.core.accounts import sign_in
from xinyong.core.db import unit_of_work

runner = CliRunner()
ACCOUNT = ["principal", "account", "赵敏", "--role", "credit_office", "--username", "zhaomin"]


def _signs_in(username: str, password: str) -> bool:
    with unit_of_work() as s:
        return sign_in(s, username, password).ok


def test_password_from_standard_input(db_url: str) -> None:
    result = runner.invoke(app, [*ACCOUNT, "--password-stdin"], input="stdin-pass-2026\n")
    assert result.exit_code == 0, result.output
    assert "stdin-pass-2026" not in result.output
    assert _signs_in("zhaomin", "stdin-pass-2026")
    reset = runner.invoke(app, ["principal", "password", "zhaomin", "--password-stdin"], input="newer-pass-2026\n")
    assert reset.exit_code == 0, reset.output
    assert _signs_in("zhaomin", "newer-pass-2026") and not _signs_in("zhaomin", "stdin-pass-2026")


def test_password_from_the_environment(db_url: str) -> None:
    result = runner.invoke(app, ACCOUNT, env={"XINYONG_PASSWORD": "env-pass-2026x"})
    assert result.exit_code == 0, result.output
    assert _signs_in("zhaomin", "env-pass-2026x")


def test_without_a_terminal_and_no_password_it_says_how(db_url: str) -> None:
    result = runner.invoke(app, ACCOUNT, input="", env={"XINYONG_PASSWORD": ""})
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


def test_typed_at_a_terminal_without_echo_and_confirmed(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["first-try-2026", "typo-2026", "typed-pass-2026", "typed-pass-2026"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "", stream: Any = None) -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)  # getpass: the terminal's no-echo input
    monkeypatch.delenv("XINYONG_PASSWORD", raising=False)

    class Tty:
        def isatty(self) -> bool:
            return True

        def readline(self) -> str:  # pragma: no cover - never read: the password is typed
            return ""

    monkeypatch.setattr(sys, "stdin", Tty())
    from xinyong.console.cli import _read_password

    assert _read_password(None, False) == "typed-pass-2026"
    assert prompts == ["密码（输入时不显示）：", "再次输入密码：", "密码（输入时不显示）：", "再次输入密码："]
