"""The command line speaks Chinese: every command's ``--help`` is walked, and the framework's own English
(Usage, Options, Commands, "Show this message and exit.", type names, error messages) fails the test, as
does a command or an option without a Chinese help text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from xinyong.cli import app

CJK = re.compile(r"[\u4e00-\u9fff]")
#: English of Click/Typer that must not reach a user
FRAMEWORK_ENGLISH = re.compile(
    r"Usage:|\bOptions\b|\bCommands\b|\bArguments\b|Show this message|\[default:|\[required\]|env var:|"
    r"\bTry '|\bError\b|Missing (option|argument|parameter|command)|No such (option|command)|Invalid value|"
    r"<(int|str|text|float|bool|int range|float range|path|file|datetime)>|\[OPTIONS\]|COMMAND \[ARGS\]|"
    r"Input should be|Aborted")

runner = CliRunner()


def _click_root() -> Any:
    return typer.main.get_command(app)


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(_click_root()))


def test_the_walk_finds_every_group() -> None:
    names = {p[0] for p, _c in COMMANDS if p}
    assert {"init", "serve", "demo", "migrate", "scheduler", "keys", "listing", "principal", "screen"} <= names
    assert len(COMMANDS) > 60


@pytest.mark.parametrize("path", [p for p, _c in COMMANDS], ids=lambda p: " ".join(p) or "xinyong")
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 0, result.output
    english = FRAMEWORK_ENGLISH.findall(result.output)
    assert not english, f"English framework text in `xinyong {' '.join(path)} --help`: {english}\n{result.output}"
    assert "用法：" in result.output and "显示本帮助并退出" in result.output


def test_every_command_and_option_has_a_chinese_help() -> None:
    missing: list[str] = []
    for path, command in COMMANDS:
        where = "xinyong " + " ".join(path)
        if path and not CJK.search(command.help or command.short_help or ""):
            missing.append(f"{where}: command help")
        for param in command.params:
            is_option = getattr(param, "param_type_name", "") == "option" or type(param).__name__.endswith("Option")
            if is_option and not CJK.search(getattr(param, "help", None) or ""):
                missing.append(f"{where} {'/'.join(param.opts)}")
    assert not missing, "without a Chinese help text:\n" + "\n".join(missing)


@pytest.mark.parametrize(("args", "expected"), [
    (["principal", "create"], "缺少参数"),
    (["principal", "create", "某部门"], "缺少选项"),
    (["init", "--bogus"], "没有选项"),
    (["no-such-command"], "没有命令"),
    (["demo", "--subjects", "many"], "应为整数"),
])
def test_errors_are_chinese(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 2
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert expected in output, output
    assert not FRAMEWORK_ENGLISH.findall(output), output
