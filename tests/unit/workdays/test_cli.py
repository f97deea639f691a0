"""`xinyong workdays add DATE N`: first line is the date (plus ` provisional`), exit 0; bad input exit 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from xinyong.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["workdays", "add", *args])
    return result.exit_code, result.stdout, result.stderr


def test_known_year_prints_the_date_only() -> None:
    code, out, _ = _run("2026-09-30", "3")
    assert code == 0
    assert out.splitlines()[0] == "2026-10-10"


def test_unknown_year_prints_provisional_on_the_same_line() -> None:
    code, out, err = _run("2026-12-30", "5")
    assert code == 0
    assert out.splitlines()[0] == "2027-01-07 provisional"
    assert "2027" in err and "暂定" in err


def test_zero_returns_the_start_date() -> None:
    code, out, _ = _run("2026-10-03", "0")
    assert (code, out.splitlines()[0]) == (0, "2026-10-03")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("2026-13-01", "1"), "日期无效"),
        (("2026/10/01", "1"), "日期格式错误"),
        (("tomorrow", "1"), "日期格式错误"),
        (("2026-10-01", "-3"), "负数"),
        (("2026-10-01", "abc"), "整数"),
        (("2026-10-01", "1.5"), "整数"),
        (("2026-10-01", "99999999"), "不能超过"),
        (("9999-12-30", "5"), "超出"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message(args: tuple[str, str], needle: str) -> None:
    code, out, err = _run(*args)
    assert code == 2
    assert needle in err
    assert out == ""


def test_check_command_explains_the_day() -> None:
    result = runner.invoke(app, ["workdays", "check", "2026-02-14"])
    assert result.exit_code == 0
    assert "工作日" in result.stdout and "调休上班" in result.stdout
