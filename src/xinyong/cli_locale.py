"""The command line's own words in Chinese: the texts of Click and Typer (Usage, Options, Commands,
"Show this message and exit.", "Missing option", the type names shown as metavars, ...), in one place.

Click marks these texts for gettext (``from gettext import gettext as _`` in each module) but ships no
catalogue; Typer from 0.2x carries its own copy of Click (``typer._click``) with the texts written in. So
:func:`install` does both, in one place: it points each module's ``_`` and ``ngettext`` at the tables below
(Click, older Typer), sets Typer's help-panel constants (``typer.rich_utils``), and wraps the few spots of
``typer._click`` and ``typer.core`` that write English (the usage prefix, the help option's text, the
metavars ``<int>``, the error messages). Called once by :mod:`xinyong.cli` before any command is built.
Texts not in the tables are shown unchanged; ``tests/unit/cli/test_help_chinese.py`` walks every command's
help and fails on English framework text.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Any

#: English text (as marked for gettext in click/typer) → Chinese
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Positional arguments": "位置参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Aborted!": "已中止！",
    "deprecated": "已弃用",
    "Missing command.": "缺少子命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Value must be an iterable.": "取值必须是可迭代的。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "required": "必填",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Repeat for confirmation": "再次输入以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
}

#: (singular, plural) → the same two forms in Chinese, with the same placeholders
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("多余的参数（{args}）", "多余的参数（{args}）"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("选项 {name!r} 需要取值。", "选项 {name!r} 需要 {nargs} 个取值。"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("是否想输入 {possibility}？", "（是否想输入以下之一：{possibilities}？）"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} 不是 {choice}。", "{value!r} 不是可选值 {choices} 之一。"),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} 不符合格式 {format}。", "{value!r} 不符合格式 {formats} 中的任何一种。"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("需要 {nargs} 个值，实际给出 1 个。", "需要 {nargs} 个值，实际给出 {len} 个。"),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("需要 {len_type} 个值，实际给出 {len_value} 个。", "需要 {len_type} 个值，实际给出 {len_value} 个。"),
}

#: Typer's help panels (typer.rich_utils constants, evaluated when Typer is imported)
RICH_TEXTS: dict[str, str] = {
    "DEPRECATED_STRING": "（已弃用）",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行[blue]“{command_path} {help_option}”[/]查看帮助。",
}

#: the type names Click shows as metavars (TEXT, INTEGER, ...) and in its error messages
TYPE_NAMES: dict[str, str] = {
    "StringParamType": "文本",
    "IntParamType": "整数",
    "FloatParamType": "数值",
    "BoolParamType": "是/否",
    "UUIDParameterType": "UUID",
    "IntRange": "整数",
    "FloatRange": "数值",
    "DateTime": "日期时间",
    "File": "文件",
}

_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
            "click.termui", "click.types", "click.utils", "typer.core", "typer.main", "typer.rich_utils")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


_installed = False


def install() -> None:
    """Put the Chinese texts in place (idempotent)."""
    global _installed
    if _installed:
        return
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module some click/typer version lacks
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    rich_utils = importlib.import_module("typer.rich_utils")
    for constant, text in RICH_TEXTS.items():
        if hasattr(rich_utils, constant):
            setattr(rich_utils, constant, text)
    try:
        types = importlib.import_module("click.types")
    except ImportError:  # pragma: no cover - Typer without Click
        types = None
    for cls_name, zh in TYPE_NAMES.items():
        cls = getattr(types, cls_name, None)
        if cls is not None:
            cls.name = zh
    _install_vendored()
    _installed = True


# --- Typer's own copy of Click (typer._click, Typer >= 0.2x): texts written in, wrapped here ----------

USAGE_PREFIX = "用法："
HELP_OPTION_TEXT = "显示本帮助并退出。"

#: metavar labels (``<int>``) → Chinese
METAVARS: dict[str, str] = {
    "str": "文本", "text": "文本", "int": "整数", "float": "数值", "bool": "是/否", "int range": "整数",
    "float range": "数值", "path": "路径", "file": "文件", "directory": "目录", "datetime": "日期时间",
    "Path": "路径", "UUID": "UUID", "list[str]": "文本列表", "list[int]": "整数列表",
}

#: the usage line's placeholders
USAGE_WORDS: list[tuple[str, str]] = [("COMMAND [ARGS]...", "命令 [参数]..."), ("[OPTIONS]", "[选项]")]

#: error messages of typer._click (English pattern → Chinese), applied in order
ERROR_PATTERNS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in (
    (r"^Missing argument (.+?)\.(.*)$", r"缺少参数 \1。\2"),
    (r"^Missing option (.+?)\.(.*)$", r"缺少选项 \1。\2"),
    (r"^Missing parameter: (.+)$", r"缺少参数：\1"),
    (r"^Missing (\w+) (.+?)\.(.*)$", r"缺少\1 \2。\3"),
    (r"^Missing (\w+)\.$", r"缺少\1。"),
    (r"^No such option: (.+?)(?: \(Possible options: (.+)\))?$", r"没有选项 \1"),
    (r"^No such command (.+?)\.$", r"没有命令 \1。"),
    (r"^Missing command\.$", "缺少子命令。"),
    (r"^Invalid value for (.+?): (.+)$", r"\1 的取值无效：\2"),
    (r"^Invalid value: (.+)$", r"取值无效：\1"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数（\1）"),
    (r"^Option (.+?) does not take a value\.$", r"选项 \1 不接受取值。"),
    (r"^Option (.+?) requires (?:an argument|\d+ arguments)\.$", r"选项 \1 需要取值。"),
    (r"^Could not open file (.+?): (.+)$", r"无法打开文件 \1：\2"),
)]

#: value errors inside "Invalid value ...: <message>"
VALUE_PATTERNS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in (
    (r"(.+?) is not a valid (integer|int)\.?", r"\1 不是有效的整数。"),
    (r"(.+?) is not a valid (float)\.?", r"\1 不是有效的数值。"),
    (r"(.+?) is not a valid boolean.*", r"\1 不是有效的是/否值。"),
    (r"(.+?) is not in the range (.+?)\.", r"\1 不在范围 \2 内。"),
    (r"(.+?) is not one of (.+?)\.", r"\1 不是可选值 \2 之一。"),
    (r"(.+?) is not (.+?)\.", r"\1 不是 \2。"),
    (r"(.+?) does not exist\.", r"\1 不存在。"),
    (r"(.+?) is a directory\.", r"\1 是目录。"),
    (r"(.+?) is a file\.", r"\1 是文件。"),
    (r"(.+?) does not match the formats? (.+?)\.", r"\1 不符合格式 \2。"),
    (r"^(File|Path|Directory) ", r"路径 "),
    # the value checks of newer Typer (pydantic's wording)
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid number.*", "应为数值"),
    (r"Input should be a valid boolean.*", "应为是或否"),
    (r"Input should be a valid (date|datetime).*", "应为有效的日期"),
    (r"Input should be greater than or equal to (.+)", r"应不小于 \1"),
    (r"Input should be greater than (.+)", r"应大于 \1"),
    (r"Input should be less than or equal to (.+)", r"应不大于 \1"),
    (r"Input should be less than (.+)", r"应小于 \1"),
    (r"Input should be (.+)", r"应为 \1"),
)]


def translate_error(message: str) -> str:
    """A typer._click error message in Chinese (unknown ones unchanged)."""
    head, _sep, rest = message.partition("\n")
    for pattern, replacement in ERROR_PATTERNS:
        if pattern.match(head):
            head = pattern.sub(replacement, head)
            break
    for pattern, replacement in VALUE_PATTERNS:
        head = pattern.sub(replacement, head)
    return head + (_sep + rest if _sep else "")


def _metavar(label: str | None) -> str | None:
    if not label or not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    return f"<{METAVARS.get(inner, inner)}>"


def _wrap(owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(owner, name, None)
    if original is None or getattr(original, "_xinyong_zh", False):
        return
    wrapped = make(original)
    wrapped._xinyong_zh = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapped)


def _install_vendored() -> None:
    try:
        formatting = importlib.import_module("typer._click.formatting")
        decorators = importlib.import_module("typer._click.decorators")
        exceptions = importlib.import_module("typer._click.exceptions")
        typer_core = importlib.import_module("typer.core")
    except ImportError:  # older Typer: Click's gettext texts above are enough
        return

    def usage(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> Any:
            for english, chinese in USAGE_WORDS:
                args = args.replace(english, chinese)
            return original(self, prog, args, USAGE_PREFIX if prefix is None else prefix)
        return write_usage

    _wrap(formatting.HelpFormatter, "write_usage", usage)

    def help_option(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def make(param_decls: list[str]) -> Callable[[Any], Any]:
            decorate = original(param_decls)

            def apply(command: Any) -> Any:
                command = decorate(command)
                command.params[-1].help = HELP_OPTION_TEXT
                return command
            return apply
        return make

    _wrap(decorators, "help_option", help_option)

    def display(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def display_type(self: Any, ctx: Any) -> Any:
            return _metavar(original(self, ctx))
        return display_type

    _wrap(typer_core._TyperParameter, "display_type", display)

    def message(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def format_message(self: Any) -> str:
            return translate_error(original(self))
        return format_message

    for cls in vars(exceptions).values():
        if isinstance(cls, type) and issubclass(cls, exceptions.ClickException) and "format_message" in vars(cls):
            _wrap(cls, "format_message", message)
