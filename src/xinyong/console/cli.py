"""CLI of principals' credentials: console accounts, API key listing and revocation.

Registered under ``xinyong principal`` (see cli.py). It only translates; decisions live in
:mod:`xinyong.core.accounts` and :mod:`xinyong.core.access`.
"""

from __future__ import annotations

import json

import typer

from xinyong.core.redact import install as install_log_redaction

install_log_redaction()  # the CLI imports this module: no ID or mobile number reaches a log
principal_extra = typer.Typer()


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


PASSWORD_ENV = "XINYONG_PASSWORD"


def _read_password(given: str | None, from_stdin: bool) -> str:
    """The password: one line of standard input (``--password-stdin``), the option, the environment
    (XINYONG_PASSWORD), or typed twice at the terminal without echo."""
    import getpass
    import os
    import sys

    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            _fail("标准输入中没有密码")
        return line
    if given:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        _fail(f"请输入密码：在终端运行，或使用 --password-stdin、环境变量 {PASSWORD_ENV}")
    for _attempt in range(3):
        first = getpass.getpass("密码（输入时不显示）：")
        if first and first == getpass.getpass("再次输入密码："):
            return first
        typer.echo("两次输入不一致或为空，请重新输入。", err=True)
    _fail("密码输入失败")
    raise AssertionError("unreachable")


@principal_extra.command("account")
def account(
    name: str = typer.Argument(..., help="姓名或名称，如 张三（淮安市信用办）"),
    role: str = typer.Option(..., "--role", help="角色：admin（平台管理员）、credit_office（信用办）、determining_department（认定部门）、implementing_unit（实施单位）、subject（信用主体）、evaluator（评估人员）"),
    username: str = typer.Option(..., "--username", help="登录用户名"),
    password: str | None = typer.Option(
        None, "--password", help="登录密码（至少10位，字母与数字或符号）；不给时在终端提示输入（不回显），"
        "脚本可用 --password-stdin 或环境变量 XINYONG_PASSWORD；写在命令行上的密码会留在命令历史中"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取密码（一行）"),
    department: str | None = typer.Option(None, "--department", help="所属部门"),
    region: str | None = typer.Option(None, "--region", help="行政区划代码（6位）"),
    field: list[str] | None = typer.Option(
        None, "--field", help="职能领域代码（可多次给出），如 market_regulation；不给时按部门名称推定"),
    subject_code: str | None = typer.Option(None, "--subject-code", help="信用主体本人的代码（role=subject 时必填）"),
    phone: str | None = typer.Option(None, "--phone", help="联系电话（加密保存）"),
) -> None:
    """创建控制台账户（密码以 argon2id 散列保存），打印 JSON。"""
    from xinyong.core.accounts import create_account
    from xinyong.core.crypto import subject_key
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
    secret = _read_password(password, password_stdin)
    try:
        key = None
        if subject_code:
            from xinyong.subjects.rules import identify

            key = subject_key(identify(subject_code).code)
        with unit_of_work() as s:
            acc = create_account(
                s, name=name, role=r, username=username, password=secret,
                department=department,
                region_code=region, subject_key=key, phone=phone, fields=field or None,
            )
            out = {"account_id": acc.id, "principal_id": acc.principal_id, "username": acc.username,
                   "role": r.value}
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(json.dumps(out, ensure_ascii=False))


@principal_extra.command("password")
def password(
    username: str = typer.Argument(..., help="登录用户名"),
    new_password: str | None = typer.Option(
        None, "--password", help="新密码；不给时在终端提示输入（不回显），脚本可用 --password-stdin 或环境变量 XINYONG_PASSWORD"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取新密码（一行）"),
) -> None:
    """重设控制台账户密码并解除锁定；该账户已登录的会话全部失效。"""
    from xinyong.core.accounts import set_password
    from xinyong.core.db import unit_of_work
    from xinyong.core.errors import DomainError

    secret = _read_password(new_password, password_stdin)
    try:
        with unit_of_work() as s:
            set_password(s, username, secret)
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(json.dumps({"username": username, "password_reset": True}, ensure_ascii=False))


@principal_extra.command("role")
def role(
    username: str = typer.Argument(..., help="登录用户名"),
    new_role: str = typer.Option(..., "--role", help="角色：admin（平台管理员）、credit_office（信用办）、determining_department（认定部门）、implementing_unit（实施单位）、subject（信用主体）、evaluator（评估人员）"),
    department: str | None = typer.Option(None, "--department", help="新的所属部门（不给时不变）"),
    region: str | None = typer.Option(None, "--region", help="新的行政区划代码（不给时不变）"),
) -> None:
    """变更控制台账户的角色（及部门、区划）；该账户已登录的会话全部失效，须重新登录。"""
    from xinyong.core.accounts import change_role
    from xinyong.core.db import unit_of_work
    from xinyong.core.errors import DomainError
    from xinyong.core.policy import Role
    from xinyong.core.regions import is_division

    try:
        r = Role(new_role)
    except ValueError:
        _fail(f"角色无效：{new_role}")
        return
    if region is not None and not is_division(region):
        _fail(f"行政区划代码无效：{region}")
    try:
        with unit_of_work() as s:
            change_role(s, username, r, department=department, region_code=region)
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(json.dumps({"username": username, "role": r.value, "sessions_ended": True}, ensure_ascii=False))


@principal_extra.command("list")
def list_principals(
    keys: bool = typer.Option(True, "--keys/--no-keys", help="同时列出 API 密钥（仅前缀，不含密钥本身）"),
) -> None:
    """列出部门、单位和账户，以及各自的 API 密钥状态（JSON Lines）。"""
    from sqlalchemy import select

    from xinyong.core import clock
    from xinyong.core.accounts import list_accounts
    from xinyong.core.db import unit_of_work
    from xinyong.core.models import ApiKey, Principal

    def iso(v: object) -> str | None:
        return v.isoformat() if v is not None else None  # type: ignore[attr-defined]

    with unit_of_work() as s:
        accounts = {a["principal_id"]: a["username"] for a in list_accounts(s)}
        now = clock.now()
        for p in s.scalars(select(Principal).order_by(Principal.id)):
            row: dict[str, object] = {
                "principal_id": p.id, "name": p.name, "role": p.role, "department": p.department,
                "region_code": p.region_code, "active": p.active, "username": accounts.get(p.id),
            }
            if keys:
                row["api_keys"] = [
                    {"key_id": k.id, "prefix": k.prefix, "created_at": iso(k.created_at),
                     "expires_at": iso(k.expires_at), "revoked_at": iso(k.revoked_at),
                     "usable": k.revoked_at is None and (
                         k.expires_at is None
                         or (k.expires_at if k.expires_at.tzinfo else k.expires_at.replace(tzinfo=clock.UTC)) > now)}
                    for k in s.scalars(select(ApiKey).where(ApiKey.principal_id == p.id).order_by(ApiKey.id))
                ]
            typer.echo(json.dumps(row, ensure_ascii=False))


@principal_extra.command("revoke-key")
def revoke_key(key_id: int = typer.Argument(..., help="密钥编号（key_id）")) -> None:
    """吊销 API 密钥（不可恢复）。运行中的服务在 XINYONG_AUTH_CACHE_SECONDS 秒（默认 2 秒）内拒绝该密钥。"""
    from xinyong.core.access import revoke_api_key
    from xinyong.core.db import unit_of_work
    from xinyong.core.errors import DomainError

    try:
        with unit_of_work() as s:
            revoke_api_key(s, key_id)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    typer.echo(json.dumps({"key_id": key_id, "revoked": True}, ensure_ascii=False))


access_log_app = typer.Typer(help="查询使用登记：列出、筛选、异常提示（审查）", no_args_is_help=True)


def _day(value: str | None, label: str) -> object:
    import datetime as dt

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{label}“{value}”不是有效日期（格式：2026-11-23）")
        return None


@access_log_app.command("list")
def access_log_list(
    principal: str | None = typer.Option(None, "--principal", help="查询者编号、名称或部门"),
    action: str | None = typer.Option(None, "--action", help="操作，如 credit_file.read"),
    purpose: str | None = typer.Option(None, "--purpose", help="查询目的，如 administration"),
    since: str | None = typer.Option(None, "--since", help="起始日期（含），如 2026-11-01"),
    until: str | None = typer.Option(None, "--until", help="截止日期（含）"),
    denied: bool = typer.Option(False, "--denied", help="只列出被拒绝的"),
    limit: int = typer.Option(100, "--limit", min=1, max=100_000, help="最多显示多少条"),
) -> None:
    """按条件列出登记记录（JSON Lines，最新在前）。本次查阅以“审查”目的登记。"""
    from xinyong.console.review import list_log
    from xinyong.core.access import SYSTEM
    from xinyong.core.audit.review import Filters

    f = Filters(principal=principal, action=action, purpose=purpose, since=_day(since, "起始日期"),  # type: ignore[arg-type]
                until=_day(until, "截止日期"), allowed=False if denied else None)  # type: ignore[arg-type]
    rows, total = list_log(SYSTEM, f, limit=limit, via="cli")
    for e in rows:
        typer.echo(json.dumps({
            "seq": e["seq"], "at": e["at"].isoformat(), "principal_id": e["principal_id"],
            "principal_name": e["principal_name"], "role": e["role"], "department": e["department"],
            "action": e["action"], "purpose": e["purpose"], "subject_key": e["subject_key"],
            "allowed": e["allowed"], "result_count": e["result_count"], "reason": e["reason"], "detail": e["detail"],
        }, ensure_ascii=False, default=str))
    typer.echo(f"共 {total} 条，显示 {len(rows)} 条", err=True)


@access_log_app.command("anomalies")
def access_log_anomalies(
    since: str | None = typer.Option(None, "--since", help="起始日期，默认30天前"),
    until: str | None = typer.Option(None, "--until", help="截止日期（含），默认今天"),
    threshold: int = typer.Option(20, "--threshold", min=2, help="短时间内不同主体数达到此数即提示"),
    window: int = typer.Option(10, "--window-minutes", min=1, help="时间窗口（分钟）"),
) -> None:
    """异常访问提示：短时间内查询大量主体、非工作时间查询、无案由查询（JSON Lines）。"""
    from xinyong.console.review import list_anomalies
    from xinyong.core.access import SYSTEM

    flags = list_anomalies(SYSTEM, since=_day(since, "起始日期"), until=_day(until, "截止日期"),  # type: ignore[arg-type]
                           threshold=threshold, window_minutes=window, via="cli")
    for flag in flags:
        typer.echo(json.dumps(flag.as_dict(), ensure_ascii=False))
    typer.echo(f"异常提示 {len(flags)} 条", err=True)
