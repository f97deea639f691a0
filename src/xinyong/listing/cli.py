"""CLI for listing: `xinyong workdays add DATE N`, `xinyong deadlines`, `xinyong listing ...`.

Only translates: the decisions are in xinyong.core.workdays and xinyong.listing.service.
"""

from __future__ import annotations

import re
from datetime import date

import typer

from xinyong.core.errors import DomainError

workdays_app = typer.Typer(help="工作日计算（含法定节假日与调休）", no_args_is_help=True)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def parse_iso_date(value: str) -> date:
    """Strict YYYY-MM-DD; raises typer.Exit(2) with a Chinese message otherwise."""
    text = value.strip()
    if not _ISO.match(text):
        _fail(f"日期格式错误：“{value}”，应为 YYYY-MM-DD，例如 2026-10-01")
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"日期无效：“{value}”不是真实存在的日期")
    raise AssertionError("unreachable")


@workdays_app.command(
    "add", context_settings={"ignore_unknown_options": True, "allow_extra_args": False}
)
def workdays_add(
    start: str = typer.Argument(..., metavar="DATE", help="起算日期 YYYY-MM-DD（当日不计入）"),
    n: str = typer.Argument(..., metavar="N", help="工作日天数（非负整数）"),
) -> None:
    """打印 DATE 之后第 N 个工作日；跨越未公布放假安排的年份时同一行加 provisional。"""
    from xinyong.core.workdays import add_workdays

    d = parse_iso_date(start)
    if not re.fullmatch(r"[+-]?\d+", n.strip()):
        _fail(f"工作日天数必须是整数：“{n}”")
    try:
        result = add_workdays(d, int(n))
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(str(result))
    if result.provisional:
        years = "、".join(str(y) for y in result.provisional_years)
        typer.echo(
            f"注意：{years} 年的国务院放假安排尚未收录，仅按周末和固定日期法定节假日推算，"
            "农历节日及调休未计入，结果为暂定。",
            err=True,
        )


@workdays_app.command("check")
def workdays_check(day: str = typer.Argument(..., metavar="DATE")) -> None:
    """说明某一天是否为工作日及其依据。"""
    from xinyong.core.workdays import day_info

    info = day_info(parse_iso_date(day))
    kind = "工作日" if info.workday else "休息日"
    label = f"（{info.label}）" if info.label else ""
    source = {"schedule": "放假安排数据", "chinese_calendar": "chinesecalendar", "provisional": "暂定推算"}[
        info.source
    ]
    typer.echo(f"{info.day.isoformat()} {kind}{label} 依据：{source}" + (" provisional" if info.provisional else ""))
