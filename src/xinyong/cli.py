"""The `xinyong` command line. It only translates: every decision is in the capabilities."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from xinyong import cli_locale, composition

cli_locale.install()  # Click's and Typer's own texts in Chinese (before any command is built)

app = typer.Typer(
    help="Xinyong（信用）公共信用信息平台命令行",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
subject_app = typer.Typer(help="信用主体", no_args_is_help=True)


class _ImportGroup(TyperGroup):
    """`xinyong import FILE` imports a file (a 双公示 table recognised by its headers, or the platform's own
    columns); `xinyong import records FILE` stays as it was."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(help="批量导入：xinyong import FILE（行政处罚、行政许可“双公示”表或平台自有列）", no_args_is_help=True,
                         cls=_ImportGroup)
principal_app = typer.Typer(help="部门、单位和账户（API密钥）", no_args_is_help=True)
app.add_typer(subject_app, name="subject")
app.add_typer(import_app, name="import")
app.add_typer(principal_app, name="principal")
composition.add_cli(app, {"principal": principal_app})


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.command()
def init() -> None:
    """创建或迁移 XINYONG_DATABASE_URL 指定的数据库，并校验加载全部规则数据。"""
    from xinyong.core.db import database_url
    from xinyong.core.migrate import upgrade
    from xinyong.core.rulefiles import RuleError
    from xinyong.rules_check import validate_all

    try:
        loaded = validate_all()
    except RuleError as exc:
        _fail(f"规则数据无法加载：{exc}")
        return
    upgrade()
    typer.echo(f"数据库已就绪：{_safe_url(database_url())}")
    typer.echo(f"目录版本：{loaded.catalog_versions}，目录项：{loaded.catalog_items}")
    typer.echo(
        f"名单类型：{loaded.list_types}，惩戒措施：{loaded.measures}，公示期限规定：{loaded.period_regimes}，"
        f"修复规则：{loaded.repair_rules}，节假日年份：{loaded.holiday_years}，法律依据：{loaded.legal_bases}，"
        f"职能领域：{loaded.fields}"
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, envvar="XINYONG_WORKERS",
        help="工作进程数；不写时 PostgreSQL 为处理器核数，SQLite 为 1"),
) -> None:
    """启动平台（网页与 API）。"""
    import uvicorn

    from xinyong.core.audit.sequencer import start_background
    from xinyong.core.db import database_url

    url = database_url()
    count = workers or default_workers(url)
    # integrates the access log's queued entries (XINYONG_AUDIT_SEQUENCE_SECONDS), once: with several
    # workers a thread of this process, uvicorn's supervisor, which answers no requests (its workers
    # are spawned and do not inherit the thread); with one worker on PostgreSQL a process of its own,
    # so that its rounds do not hold up requests (SequencerProcess); on SQLite, the embedded database
    # of one machine, a thread of the server as before
    start_background(process_target=_sequencer_process if count == 1 and url.startswith("postgresql") else None)
    # forwarded headers are believed only when configured (XINYONG_TRUST_PROXY), by the app itself
    if count == 1:
        from xinyong.app import create_served_app

        uvicorn.run(create_served_app(), host=host, port=port, log_level="info", proxy_headers=False)
        return
    # several processes share the listening socket; uvicorn's supervisor restarts a worker that dies.
    # the only background work `serve` starts is the sequencer above, in this process; the outbox is
    # delivered by `xinyong push run`, started once by the operator's scheduler
    uvicorn.run("xinyong.app:create_served_app", factory=True, host=host, port=port, workers=count,
                log_level="info", proxy_headers=False)


def _sequencer_process(interval: float, parent: int) -> None:
    """The body of the server's sequencer process (``serve``): the platform assembled in the new
    interpreter, then a round every ``interval`` seconds while the server lives."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    from xinyong.composition import assemble
    from xinyong.core.audit.sequencer import sequence_until_orphaned

    assemble()
    sequence_until_orphaned(interval, parent)


def default_workers(url: str) -> int:
    """One worker per core the process may use on PostgreSQL; one on SQLite, where every request
    that writes (each screening writes its access-log entry) takes the one database write lock, so
    more processes would only queue on it."""
    import os

    if url.startswith("sqlite"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


@app.command()
def demo(
    subjects: int = typer.Option(2000, "--subjects", min=1, help="生成的信用主体数量"),
    records_per_subject: float = typer.Option(1.5, "--records-per-subject", min=0.0, help="每个主体平均生成的失信行为记录数"),
    seed: int = typer.Option(20201218, "--seed", help="随机数种子（相同种子生成相同数据）"),
    if_empty: bool = typer.Option(False, "--if-empty", help="数据库已有主体时跳过"),
) -> None:
    """生成逼真的演示数据（主体、法定代表人、失信行为记录）写入当前数据库。"""
    from xinyong.demo.generate import generate_into_database
    from xinyong.demo.principals import ensure_demo_principals

    summary = generate_into_database(subjects, records_per_subject, seed, progress=True, if_empty=if_empty)
    if summary.get("skipped"):
        typer.echo(f"数据库已有演示数据（{summary['existing_subjects']}个信用主体），未再生成。")
    else:
        typer.echo(f"已生成{summary['subjects']}个信用主体、{summary['records']}条失信行为记录。")
    # the story is told only into the data made now, never into a database that already had subjects
    made = ensure_demo_principals(story=not summary.get("skipped"))
    if made is None:
        from xinyong.core.config import get_settings
        from xinyong.demo.accounts import credentials_path

        path = credentials_path(get_settings().database_url)
        if path.exists():
            typer.echo(f"演示账户见 {path}")
        return
    if made.story:
        typer.echo("演示经历：" + "，".join(f"{k}{v}" for k, v in made.story.items()))
    typer.echo("")
    typer.echo("\n".join(made.accounts.lines("http://127.0.0.1:8000")))
    typer.echo(f"以上账户已保存到 {made.path}（仅本机可读）。")


#: the options both import commands take
_REJECTS = typer.Option(None, "--rejects", help="拒收行写入的文件，默认 FILE.rejects.csv")
_BATCH_SIZE = typer.Option(5000, "--batch-size", min=1, max=100_000, help="每批（每个事务）的行数")
_PROGRESS = typer.Option(True, "--progress/--no-progress", help="是否显示进度条")
_OPERATOR = typer.Option(None, "--operator", help="操作员姓名，默认为操作系统用户")


@import_app.command("records")
def import_records(
    file: Path = typer.Argument(..., help="CSV、JSON Lines 或 XLSX 文件"),
    rejects: Path | None = _REJECTS,
    batch_size: int = _BATCH_SIZE,
    progress: bool = _PROGRESS,
    source: int | None = typer.Option(None, "--source", help="导入来源：作出这些文书的认定部门的账户编号（必填）"),
    operator: str | None = _OPERATOR,
) -> None:
    """批量导入某一认定部门本部门作出的文书所认定的失信行为记录：每批一个事务，按自然键幂等，登记查询使用日志，最后打印 JSON 汇总。"""
    from xinyong.records.importer import import_records

    _run_import(import_records, file, rejects=rejects, batch_size=batch_size, progress=progress, source=source,
                operator=operator)


def _run_import(importer: Any, file: Path, *, rejects: Path | None, batch_size: int, progress: bool,
                source: int | None, operator: str | None) -> None:
    """One translation of both import commands: the file checked, the importer called, its refusal shown
    (exit 2: the file itself, refused before anything was written; exit 1: the import), the summary printed."""
    from xinyong.records.importer import ImportError_, MalformedFile

    if not file.is_file():
        _fail(f"文件不存在：{file}")
    try:
        summary = importer(file, source=source, operator=operator, rejects_path=rejects,
                           batch_size=batch_size, progress=progress)
    except MalformedFile as exc:
        _fail(str(exc), 2)
        return
    except ImportError_ as exc:
        _fail(str(exc), 1)
        return
    typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False))


@import_app.command("file")
def import_file_command(
    file: Path = typer.Argument(..., help="XLSX 或 CSV（UTF-8 或 GBK）文件：行政处罚信息表、行政许可信息表或平台自有列"),
    rejects: Path | None = _REJECTS,
    batch_size: int = _BATCH_SIZE,
    progress: bool = _PROGRESS,
    source: int | None = typer.Option(None, "--source", help="导入来源：作出这些决定的部门的账户编号（必填）"),
    operator: str | None = _OPERATOR,
) -> None:
    """导入一个文件：按表头识别行政处罚信息表或行政许可信息表（“双公示”数据交换列），由生效的目录决定每行记为何种信息；每批一个事务，按文书号幂等，最后打印 JSON 汇总。"""
    from xinyong.records.national.importer import import_any

    _run_import(import_any, file, rejects=rejects, batch_size=batch_size, progress=progress, source=source,
                operator=operator)


@subject_app.command("check")
def subject_check(code: str) -> None:
    """校验代码，打印 {"code","kind","valid","reason"}；有效退出码0，无效1。"""
    from xinyong.core.codes import check_code

    result = check_code(code)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    raise typer.Exit(0 if result.valid else 1)


@subject_app.command("file")
def subject_file(code: str, purpose: str = typer.Option("administration", "--purpose", help="查询目的（登记在查询使用日志中），默认 administration（行政管理）")) -> None:
    """打印信用档案（JSON）。以平台（系统）身份查询，按查询目的登记查询使用日志。"""
    from xinyong.core.access import SYSTEM, Purpose, parse_purpose
    from xinyong.core.errors import DomainError
    from xinyong.subjects import service

    try:
        file = service.read_credit_file(SYSTEM, code, parse_purpose(purpose, Purpose.administration),
                                        detail={"channel": "cli"})
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(file, ensure_ascii=False, indent=2))


@subject_app.command("former-name")
def subject_former_name(
    code: str = typer.Argument(..., help="组织的统一社会信用代码"),
    name: str = typer.Argument(..., help="曾用名"),
    until: str | None = typer.Option(None, "--until", help="停用日期 YYYY-MM-DD（变更名称之日）"),
) -> None:
    """登记组织的曾用名：按名称筛查时，曾用名与现用名称一并匹配。以平台（系统）身份登记。"""
    import datetime as dt

    from xinyong.core.access import SYSTEM
    from xinyong.core.errors import DomainError
    from xinyong.subjects import service

    try:
        day = dt.date.fromisoformat(until) if until else None
    except ValueError:
        _fail(f"日期“{until}”无效，应为 YYYY-MM-DD", 2)
        return
    try:
        done = service.add_former_name_as(SYSTEM, code, name, day)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps(done, ensure_ascii=False))


@principal_app.command("create")
def principal_create(
    name: str = typer.Argument(..., help="名称，如 淮安市市场监督管理局"),
    role: str = typer.Option(..., "--role", help="角色：admin（平台管理员）、credit_office（信用办）、determining_department（认定部门）、implementing_unit（实施单位）、subject（信用主体）"),
    department: str | None = typer.Option(None, "--department", help="所属部门，默认与名称相同"),
    region: str | None = typer.Option(None, "--region", help="行政区划代码（6位）：认定、监管等属地权限所需"),
    field: list[str] | None = typer.Option(
        None, "--field", help="职能领域代码（可多次给出），如 market_regulation；不给时按部门名称推定"),
    days: int | None = typer.Option(365, "--days", help="密钥有效天数"),
) -> None:
    """创建部门或单位账户并签发 API 密钥（只显示一次）。"""
    from datetime import timedelta

    from xinyong.core import clock
    from xinyong.core.access import create_principal, issue_api_key
    from xinyong.core.db import unit_of_work
    from xinyong.core.errors import DomainError
    from xinyong.core.policy import Role
    from xinyong.core.regions import is_division

    try:
        r = Role(role)
    except ValueError:
        _fail(f"角色无效：{role}")
        return
    if region is not None and not is_division(region):
        _fail(f"行政区划代码无效：{region}")
        return
    try:
        with unit_of_work() as s:
            p = create_principal(s, name=name, role=r, department=department or name, region_code=region,
                                 fields=field or None)
            fields = list(p.fields)
            expires = clock.now() + timedelta(days=days) if days else None
            key = issue_api_key(s, p, expires_at=expires)
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(json.dumps({"principal_id": key.principal_id, "key_id": key.key_id, "api_key": key.token,
                           "fields": fields}, ensure_ascii=False))


def main() -> None:  # pragma: no cover
    app(sys.argv[1:])


if __name__ == "__main__":  # python -m xinyong.cli
    app()
