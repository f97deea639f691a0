"""`xinyong disclosure ...`: disclosure deadlines, automatic end of publication, share scopes."""

from __future__ import annotations

import datetime as dt
import json

import typer

from xinyong.core.errors import DomainError

app = typer.Typer(help="信息公开与共享", no_args_is_help=True)


def _day(value: str | None) -> dt.date:
    from xinyong.core import clock

    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"日期格式错误“{value}”，应为YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None


@app.command("late")
def late(
    on: str | None = typer.Option(None, "--on", help="统计日期（默认今天）"),
    department: str | None = typer.Option(None, "--department", help="只看该部门"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """列出未在7个工作日内公开的行政处罚信息（发改办财金〔2018〕893号 §四），按部门分组。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure import service

    day = _day(on)
    try:
        groups = service.late_publications(SYSTEM, on=day, department=department).departments
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"as_of": day.isoformat(), "departments": groups}, ensure_ascii=False))
        return
    if not groups:
        typer.echo(f"截至{day.isoformat()}，没有逾期公开的行政处罚信息。")
        return
    for g in groups:
        typer.echo(f"{g['department']}：{g['count']}条")
        for r in g["items"]:
            typer.echo(
                f"  {r['document_number']}  决定{r['decision_date']}  期限{r['due_on']}"
                f"{'（暂定）' if r['due_provisional'] else ''}  公开{r['disclosed_on'] or '未公开'}"
                f"  {r['state_name']}  超期{r['days_late']}天"
            )


@app.command("end-expired")
def end_expired(on: str | None = typer.Option(None, "--on", help="日期（默认今天）")) -> None:
    """最长公示期届满的信息停止公示（记录状态改为“已终止公示”）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure import service

    try:
        ended = service.expire_publications(SYSTEM, on=_day(on))
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"停止公示{len(ended)}条记录" + (f"：{', '.join(map(str, ended))}" if ended else ""))


@app.command("grant-scope")
def grant_scope(
    principal_id: int = typer.Argument(..., help="部门或平台账户编号"),
    scopes: list[str] = typer.Argument(..., help="共享范围，如 government national_platform"),
) -> None:
    """登记部门或平台的共享范围（替换原有登记）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure import service

    try:
        done = service.set_share_scopes(SYSTEM, principal_id, scopes, by="命令行")
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"账户{principal_id}的共享范围：{'、'.join(done)}")


@app.command("objections")
def objections(
    department: str | None = typer.Option(None, "--department", help="只看该认定部门"),
    overdue: bool = typer.Option(False, "--overdue", help="只列超过答复期限仍未答复的"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """列出异议及答复期限（默认10个工作日，淮政办发〔2021〕13号 §四(一)）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure import service

    try:
        rows = service.list_objections(SYSTEM, department=department, status="open" if overdue else None,
                                       overdue=overdue)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo("没有符合条件的异议。")
    for r in rows:
        flag = "（已超期）" if r["overdue"] else ("（逾期答复）" if r["answered_late"] else "")
        typer.echo(f"异议{r['id']}  {r['department']}  记录{r['record_id']}  提出{r['filed_on']}  期限{r['due_on']}"
                   f"  {r['status_name']}{flag}")


# --- reporting upward (国办发〔2020〕49号 §（五）) ------------------------------------------------------

export_app = typer.Typer(help="按国家数据标准的列导出信息（上报省级平台和“信用中国”）", no_args_is_help=True)
upstream_app = typer.Typer(help="向上级平台上报：接收通道与回执", no_args_is_help=True)


@export_app.command("shuanggongshi")
def export_shuanggongshi(
    kind: str = typer.Option(..., "--kind", help="penalty（行政处罚）或 licensing（行政许可）"),
    start: str = typer.Option(..., "--from", help="决定日期起（YYYY-MM-DD）"),
    end: str = typer.Option(..., "--to", help="决定日期止（YYYY-MM-DD，含当日）"),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx 或 csv"),
    encoding: str = typer.Option("utf-8", "--encoding", help="CSV 编码：utf-8（带BOM）或 gbk"),
    out: str | None = typer.Option(None, "--out", help="输出文件（默认按类别和期间命名，写在当前目录）"),
) -> None:
    """导出某期间的双公示信息（行政许可、行政处罚），列名与国家数据标准一致，个人信息按目录脱敏。"""
    from pathlib import Path

    from xinyong.core.access import SYSTEM
    from xinyong.disclosure.export import export_shuanggongshi as run

    try:
        done = run(SYSTEM, kind, _day(start), _day(end), fmt=fmt, encoding=encoding)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    target = Path(out or done.filename)
    target.write_bytes(done.data)
    typer.echo(f"已导出{done.rows}条到 {target}")


@upstream_app.command("connect")
def upstream_connect(
    url: str | None = typer.Option(None, "--url", help="接收地址（默认取 XINYONG_UPSTREAM_URL）"),
) -> None:
    """登记（或更改）上级平台的接收地址；首次登记时显示签名密钥（只显示一次）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure.upstream import connect

    try:
        done = connect(SYSTEM, url)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"上级平台接收地址：{done['url']}")
    if done["secret"]:
        typer.echo(f"签名密钥（只显示一次，请交给上级平台用于验证签名）：{done['secret']}")


@upstream_app.command("receipts")
def upstream_receipts(
    state: str | None = typer.Option(None, "--state", help="pending（待发送）、retrying（发送失败）或 delivered（已确认）"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """列出上报的条目及其回执（上级平台的回执编号和确认时间）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.disclosure.upstream import list_receipts

    try:
        found = list_receipts(SYSTEM, state=state)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"counts": found.counts, "receipts": found.rows}, ensure_ascii=False))
        return
    typer.echo(f"待发送{found.counts['pending']}条，发送失败{found.counts['retrying']}条，已确认{found.counts['delivered']}条")
    for r in found.rows:
        typer.echo(f"{r['changed_on']}  {r['kind_name']}{r['action_name']}  {r['document_number']}  {r['state_name']}"
                   f"  尝试{r['attempts']}次" + (f"  回执{r['ack_id']}（{r['acknowledged_at']}）" if r["ack_id"] else ""))
