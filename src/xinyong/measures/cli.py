"""CLI of the measures capability: `xinyong screen`, `xinyong push …`, `xinyong measures …`.

Only translates; decisions are in the capability. The CLI acts as the platform (SYSTEM principal)
through the same use cases as the API: every screening and every read of the measure list or of a
message's deliveries is registered in the access log with its purpose.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path

import typer

from xinyong.core.errors import DomainError

screen_app = typer.Typer(help="批量筛查（实施单位）", add_completion=False,
                         context_settings={"allow_interspersed_args": True})
push_app = typer.Typer(help="定向推送：接收方与投递进程", no_args_is_help=True)
measures_app = typer.Typer(help="失信惩戒措施清单与筛查索引", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"日期格式错误：“{value}”，应为 YYYY-MM-DD")
        raise AssertionError("unreachable") from None


@screen_app.callback(invoke_without_command=True)
def screen(
    in_file: Path = typer.Argument(..., metavar="IN.csv", help="含 code 列、name 列或两者的 CSV（UTF-8）"),
    out: Path = typer.Option(..., "--out", help="输出 CSV：保留全部输入行和列，追加 matched_code、match_score、lists、measures"),
    matter: str | None = typer.Option(None, "--matter", help="行政事项，如 procurement_bidding"),
    on: str | None = typer.Option(None, "--on", help="筛查日期 YYYY-MM-DD，默认今天"),
    region: str | None = typer.Option(None, "--region", help="实施单位所在地区（适用地方补充清单）"),
    purpose: str | None = typer.Option(None, "--purpose", help="查询目的，默认按行政事项确定"),
    chunk: int = typer.Option(125_000, "--chunk", min=100, max=1_000_000, help="每条查询登记（访问日志）涵盖的行数；SQLite 上也是每个事务处理的行数"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="是否显示进度条"),
    detail: bool = typer.Option(
        False, "--detail", help="按实施单位使用的格式输出（与输入同为 CSV 或 XLSX）：筛查状态、说明、名单和措施的中文名称、依据和截止日期；"
        "XLSX 或非 UTF-8 编码的输入自动采用此格式；每个文件最多10万行"),
) -> None:
    """按代码（精确）或名称（模糊）批量筛查适用的失信惩戒措施。"""
    if not in_file.exists():
        _fail(f"文件不存在：{in_file}")
    if detail or in_file.suffix.lower() == ".xlsx":
        _screen_detail(in_file, out, matter=matter, on=_date(on), region=region, purpose=purpose)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from xinyong.core.access import SYSTEM
    from xinyong.measures.csv_screening import screen_csv
    from xinyong.measures.screening import screening_purpose

    day = _date(on)
    try:
        why = screening_purpose(purpose, matter)  # refused before the file is read
        with Progress(TextColumn("筛查"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      disable=not progress, transient=True) as bar:
            task = bar.add_task("screen", total=None)
            stats = screen_csv(in_file, out, SYSTEM, matter=matter, on=day, region=region, purpose=why,
                               chunk=chunk, progress=lambda n: bar.advance(task, n),
                               counted=lambda rows: bar.update(task, total=rows))
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    except UnicodeDecodeError:
        # not UTF-8 (a GBK file saved by Excel), found while the file is first read, before anything is
        # screened or registered: the detailed path reads the other encodings
        _screen_detail(in_file, out, matter=matter, on=day, region=region, purpose=purpose)
        return
    typer.echo(json.dumps(stats, ensure_ascii=False))
    # the command ends here: what the batch left in memory needs no cyclic collection as the
    # interpreter exits (a third of a second after a million rows)
    gc.freeze()


def _screen_detail(in_file: Path, out: Path, *, matter: str | None, on: dt.date | None, region: str | None,
                   purpose: str | None) -> None:
    from xinyong.core.access import SYSTEM
    from xinyong.measures.batch_files import screen_file

    try:
        data, counts = screen_file(SYSTEM, in_file.read_bytes(), in_file.name, matter=matter, on=on, region=region,
                                   purpose=purpose)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    out.write_bytes(data)
    typer.echo(json.dumps(counts, ensure_ascii=False))


@push_app.command("run")
def push_run(
    once: bool = typer.Option(False, "--once", help="投递当前到期的全部消息后退出"),
    batch: int = typer.Option(100, "--batch", min=1, max=10_000, help="每次认领的投递条数"),
    lease: float = typer.Option(60.0, "--lease", min=0.5, help="认领租期（秒）：进程中断后其他进程在租期满后重发"),
    poll: float = typer.Option(2.0, "--poll", min=0.05, help="空闲时轮询间隔（秒）"),
) -> None:
    """运行推送投递进程：HMAC 签名、幂等键、指数退避重试，状态保存在数据库。"""
    from xinyong.core.delivery import run_forever, run_once

    if once:
        stats = run_once(batch=batch, lease_seconds=lease)
        typer.echo(json.dumps({"delivered": stats.delivered, "failed": stats.failed}, ensure_ascii=False))
        return
    run_forever(poll_seconds=poll, batch=batch, lease_seconds=lease)


@push_app.command("add-receiver")
def push_add_receiver(
    name: str = typer.Argument(..., help="通道名称"),
    url: str = typer.Option(..., "--url", help="Webhook 地址"),
    unit: str = typer.Option(..., "--unit", help="实施单位名称"),
    measure: list[str] = typer.Option([], "--measure", help="订阅的措施（可重复；不写为全部）"),
    region: list[str] = typer.Option([], "--region", help="订阅的地区（可重复；不写为全部）"),
    topic: list[str] = typer.Option([], "--topic", help="订阅的事件（可重复；不写为全部）"),
) -> None:
    """登记接收方并订阅（打印签名密钥，仅显示一次）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.measures.service import add_receiver

    try:
        found = add_receiver(SYSTEM, name=name, unit=unit, url=url, measures=measure, regions=region, topics=topic)
        out = {"channel": found["channel"], "secret": found["secret"], "subscription": found["subscription"]}
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(out, ensure_ascii=False))


@push_app.command("status")
def push_status(message_id: int = typer.Argument(...)) -> None:
    """打印一条消息各接收方的送达状态。"""
    from xinyong.core.access import SYSTEM
    from xinyong.measures.service import message_deliveries

    typer.echo(json.dumps(message_deliveries(SYSTEM, message_id), ensure_ascii=False, indent=2))


@push_app.command("receivers")
def push_receivers(channel: str | None = typer.Argument(None, help="接收方名称；不写则列出全部接收方的汇总"),
                   status: str | None = typer.Option(None, "--status", help="pending（待发送）、delivered（已送达）、failed（发送失败）")) -> None:
    """各接收方的送达情况：待发送、已送达、发送失败，尝试次数与下次重试时间。"""
    from xinyong.core.access import SYSTEM
    from xinyong.measures import deliveries

    try:
        out = (deliveries.receivers(SYSTEM) if channel is None
               else deliveries.receiver_deliveries(SYSTEM, channel, status=status))
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@push_app.command("signing-key")
def push_signing_key() -> None:
    """打印平台推送签名公钥（Ed25519），供接收方验证推送。"""
    from xinyong.measures import deliveries

    typer.echo(json.dumps(deliveries.signing_key(), ensure_ascii=False, indent=2))


@push_app.command("register-unit")
def push_register_unit(
    principal_id: int = typer.Argument(..., help="实施单位账户编号"),
    uscc: str = typer.Option(..., "--uscc", help="实施单位（机关）的统一社会信用代码"),
    region: str | None = typer.Option(None, "--region", help="行政区划代码；不写为账户的行政区划"),
    field: list[str] = typer.Option([], "--field", help="职能领域（可重复；不写为账户的职能领域）"),
    channel: str | None = typer.Option(None, "--channel", help="推送通道（接收方）名称"),
    public_key: str | None = typer.Option(None, "--public-key", help="接收完整公民身份号码所用的 X25519 公钥（Base64）"),
) -> None:
    """将实施单位登记进实施单位名录（联合惩戒只能推送给名录中的单位）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.measures.units import register_unit

    try:
        out = register_unit(SYSTEM, principal_id, authority_uscc=uscc, region_code=region, fields=field or None,
                            channel=channel, public_key=public_key)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(out, ensure_ascii=False))


@measures_app.command("list")
def measures_list(on: str | None = typer.Option(None, "--on", help="日期 YYYY-MM-DD，默认今天"),
                  region: str | None = typer.Option(None, "--region", help="地区代码（含地方补充清单）"),
                  matter: str | None = typer.Option(None, "--matter", help="行政事项，如 procurement_bidding")) -> None:
    """打印生效的措施清单（JSON Lines）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.measures.rules import RuleError
    from xinyong.measures.service import measure_list

    try:
        for m in measure_list(SYSTEM, on=_date(on), region=region, matter=matter)["measures"]:
            typer.echo(json.dumps(m, ensure_ascii=False))
    except (RuleError, DomainError) as exc:
        _fail(str(exc), 1)


@measures_app.command("reindex")
def measures_reindex(
    dirty_only: bool = typer.Option(False, "--dirty-only", help="只重算批量导入标记的主体"),
    names: bool = typer.Option(True, "--names/--no-names", help="同时同步名称索引"),
) -> None:
    """重建筛查索引（措施清单数据变更后运行）。"""

    from xinyong.core.db import unit_of_work
    from xinyong.measures import service
    from xinyong.measures.name_index import sync_names
    from xinyong.subjects.public import all_subject_keys

    rows = 0
    if dirty_only:
        with unit_of_work() as s:
            rows = service.refresh_dirty(s)
    else:
        with unit_of_work() as s:
            keys = all_subject_keys(s)
        for i in range(0, len(keys), 5000):  # one transaction per 5,000 subjects
            with unit_of_work() as s:
                rows += service.refresh_all(s, keys[i:i + 5000])
    with unit_of_work() as s:
        added = sync_names(s) if names else 0
    typer.echo(json.dumps({"index_rows": rows, "names_added": added}, ensure_ascii=False))
