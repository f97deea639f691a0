"""CLI for listing: `xinyong workdays add DATE N`, `xinyong deadlines`, `xinyong listing ...`.

Only translates: the decisions are in xinyong.core.workdays and the use cases of xinyong.listing.service,
called as the platform (SYSTEM) — the operator's batch jobs and look-ups, each logged by its use case.
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


# ------------------------------------------------------------------------------------------ listing
listing_app = typer.Typer(help="严重失信主体名单：名单类型、认定案件、期限", no_args_is_help=True)


def _on(value: str | None) -> date:
    from xinyong.core import clock

    return parse_iso_date(value) if value else clock.today()


def deadlines(
    on: str | None = typer.Option(None, "--on", help="基准日期 YYYY-MM-DD，默认今天"),
    within: int = typer.Option(30, "--within", min=0, max=3650, help="列出多少天内到期的事项"),
    department: str | None = typer.Option(None, "--department", help="只看某认定部门"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出认定程序中已逾期和即将到期的事项（异议期限、异议答复、整改期限、列入期满）。"""
    import json

    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    day = _on(on)
    try:
        rows = service.deadlines_for(SYSTEM, day, within_days=within)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    if department:
        rows = [r for r in rows if r["department"] == department]
    if as_json:
        typer.echo(json.dumps({"on": day.isoformat(), "deadlines": rows}, ensure_ascii=False, indent=2))
        return
    overdue = [r for r in rows if r["status"] == "overdue"]
    due = [r for r in rows if r["status"] != "overdue"]
    typer.echo(f"基准日期：{day.isoformat()}　已逾期：{len(overdue)}　{within}天内到期：{len(due)}")
    for title, group in (("已逾期", overdue), ("即将到期", due)):
        if not group:
            continue
        typer.echo(f"【{title}】")
        for r in group:
            flag = "（暂定）" if r.get("provisional") else ""
            typer.echo(f"  {r['due']}{flag}  {r['kind_name']}  案件{r['case_id']}  {r['subject_name']}  {r['department']}")


@listing_app.command("types")
def types_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """列出可用的名单类型，以及因缺少必备要素而不可用的名单类型及原因。"""
    import json

    from xinyong.listing.loader import list_types
    from xinyong.listing.rules import KIND_NAMES

    try:
        ts = list_types()
    except DomainError as exc:
        _fail(f"名单类型数据无法加载：{exc.message}")
        return
    if as_json:
        typer.echo(json.dumps({"types": [t.summary() for t in ts.types],
                               "incomplete": [t.summary() for t in ts.incomplete]}, ensure_ascii=False, indent=2))
        return
    typer.echo("可用于认定的名单类型：")
    for t in ts.types:
        extra = f"（未核实要素：{'、'.join(t.unverified)}）" if t.unverified else ""
        typer.echo(f"  {t.id}  {t.name}  [{KIND_NAMES[t.kind]}]  {t.standard.citation()}{extra}")
    typer.echo("不可用（缺少必备要素）：")
    for i in ts.incomplete:
        typer.echo(f"  {i.id}  {i.name}：{'；'.join(i.missing)}")


@listing_app.command("show")
def show_cmd(case_id: int) -> None:
    """打印一个认定案件（JSON，含历史记录、文书、整改和约谈）。"""
    import json

    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    try:
        out = service.read_case(SYSTEM, case_id)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@listing_app.command("expire")
def expire_cmd(on: str | None = typer.Option(None, "--on", help="基准日期，默认今天")) -> None:
    """将列入期限已届满的名单移出（每日运行）；打印移出的案件编号。"""
    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    try:
        done = service.expire_listings(SYSTEM, _on(on))
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(f"已移出 {len(done)} 个期满案件" + (f"：{', '.join(str(i) for i in done)}" if done else ""))


@listing_app.command("nonconforming-apply")
def nonconforming_apply_cmd(on: str | None = typer.Option(None, "--on", help="基准日期，默认今天")) -> None:
    """过渡期清理（国办发〔2020〕49号）：已到停止适用日期的不符合要求名单，移出其列入、撤回未结案件（每日运行）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    try:
        done = service.apply_nonconforming(SYSTEM, _on(on))
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    count = sum(len(d["voided"]) for d in done)
    typer.echo(f"已执行 {len(done)} 项不符合要求名单的停止适用，停止案件 {count} 件")


@listing_app.command("voided")
def voided_cmd() -> None:
    """过渡期清理报告：被标记为不符合国办发〔2020〕49号要求的名单及其已停止适用的案件。"""
    from xinyong.core.access import SYSTEM
    from xinyong.listing import service

    report = service.voided_report(SYSTEM)
    if not report["reviews"]:
        typer.echo("尚无被标记为不符合要求的名单")
        return
    for r in report["reviews"]:
        state = f"已于{r['applied_on']}执行" if r["applied_on"] else "尚未到期"
        typer.echo(f"{r['list_type_name']}（行政区划{r['region_code']}）：自{r['effective_on']}停止适用，{state}；理由：{r['reason']}")
        for v in r["voided"]:
            typer.echo(f"  案件{v['case_id']} {v['subject_name']}（{v['department']}）于{v['ended_on']}停止")
