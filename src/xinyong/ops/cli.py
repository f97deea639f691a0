"""Operations commands: ``xinyong migrate``, ``xinyong scheduler``, ``xinyong keys``."""

from __future__ import annotations

import datetime as dt
import json
import signal
from typing import Any

import typer

scheduler_app = typer.Typer(help="定时任务：列入期满移出、公示期满停止公示、推送重试、到期事项提醒", no_args_is_help=False)
keys_app = typer.Typer(help="密钥管理：生成新密钥、轮换加密密钥", no_args_is_help=True)


def migrate() -> None:
    """在迁移锁保护下把数据库升级到最新结构（多个副本同时启动时依次执行，不会重复迁移）。"""
    from xinyong.ops.locks import guarded_upgrade

    guarded_upgrade()
    typer.echo("数据库结构已是最新版本")


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"日期格式错误：“{value}”，应为 YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None


@scheduler_app.callback(invoke_without_command=True)
def scheduler(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="执行一轮到期的任务后退出"),
    poll: float = typer.Option(30.0, "--poll", min=0.5, help="两次检查之间的间隔（秒）"),
    lease: float = typer.Option(3600.0, "--lease", min=1.0, help="任务锁租期（秒，SQLite）：进程中断后租期满即可由其他进程接手"),
) -> None:
    """运行定时任务进程：每项任务在锁内执行，每天最多成功执行一次，多个进程同时运行也不会重复执行。"""
    if ctx.invoked_subcommand is not None:
        return
    from xinyong.ops import logs
    from xinyong.ops.scheduler import Scheduler

    logs.configure()
    sched = Scheduler(lease_seconds=lease)
    if once:
        outcomes = sched.tick()
        typer.echo(json.dumps([{"job": o.job, "status": o.status, "run_id": o.run_id, "result": o.result}
                               for o in outcomes], ensure_ascii=False))
        return
    stopping = {"now": False}

    def stop(_signum: int, _frame: Any) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sched.run_forever(poll_seconds=poll, stop=lambda: stopping["now"])


@scheduler_app.command("jobs")
def jobs_cmd() -> None:
    """列出定时任务及其执行时间。"""
    from xinyong.ops.jobs import JOBS

    for job in JOBS.values():
        when = f"每天 {job.daily_at:%H:%M}（北京时间）起" if job.daily_at else f"每 {job.every_seconds:g} 秒"
        typer.echo(f"{job.name}  {job.title}  {when}")


@scheduler_app.command("run")
def run_cmd(
    job: str = typer.Argument(..., help="任务名称（见 xinyong scheduler jobs）"),
    on: str | None = typer.Option(None, "--on", help="按哪一天执行 YYYY-MM-DD，默认今天"),
    force: bool = typer.Option(False, "--force", help="当天已成功执行过也再执行一次"),
) -> None:
    """立即执行一项任务（同样在锁内执行并记录）。"""
    from xinyong.core import clock
    from xinyong.ops.jobs import JOBS
    from xinyong.ops.scheduler import Scheduler

    if job not in JOBS:
        typer.echo(f"没有名为“{job}”的定时任务", err=True)
        raise typer.Exit(2)
    outcome = Scheduler().run_job(JOBS[job], _day(on) or clock.today(), force=force)
    typer.echo(json.dumps({"job": outcome.job, "status": outcome.status, "run_id": outcome.run_id,
                           "result": outcome.result}, ensure_ascii=False))
    if outcome.status == "failed":
        raise typer.Exit(1)


@scheduler_app.command("runs")
def runs_cmd(
    job: str | None = typer.Option(None, "--job", help="只看这项任务"),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="显示多少条"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """查看定时任务的运行记录（以平台管理员身份，登记查询使用日志）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.core.errors import DomainError
    from xinyong.ops import service

    try:
        rows = service.job_runs(SYSTEM, job=job, limit=limit)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("还没有运行记录。")
    for r in rows:
        typer.echo(f"{r['id']}  {r['job_title']}  {r['run_on']}  {r['status_name']}  {r['started_at']}  {r['worker']}"
                   + (f"  {r['summary']}" if r["summary"] else "") + (f"  {r['error']}" if r["error"] else ""))


@keys_app.command("generate")
def generate_cmd() -> None:
    """生成一个新密钥（32 字节随机数的 base64），用作 XINYONG_SECRET_KEY。"""
    from xinyong.ops.keys import new_key

    typer.echo(new_key())


@keys_app.command("rotate")
def rotate_cmd(
    batch: int = typer.Option(500, "--batch", min=1, max=100_000, help="每个事务处理的值数"),
) -> None:
    """用当前密钥（XINYONG_SECRET_KEY）重新加密全部加密存储的个人信息；旧密钥放在
    XINYONG_PREVIOUS_SECRET_KEYS 中用于解密，完成后即可移除。可中断后重跑。"""
    from xinyong.ops.keys import hash_key_mismatch, rotate, stale_values

    problem = hash_key_mismatch()
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(1)
    report = rotate(batch=batch)
    left = stale_values()
    typer.echo(json.dumps({"rewritten": report.rewritten, "already_current": report.current,
                           "not_under_current_key": left}, ensure_ascii=False))
    if left:
        raise typer.Exit(1)
