"""CLI of principals' credentials: console accounts, API key listing and revocation.

Registered under ``xinyong principal`` (see cli.py). It only translates; decisions live in
:mod:`xinyong.console.accounts` and :mod:`xinyong.core.access`.
"""

from __future__ import annotations

import json

import typer

principal_extra = typer.Typer()


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@principal_extra.command("account")
def account(
    name: str = typer.Argument(..., help="姓名或名称，如 张三（淮安市信用办）"),
    role: str = typer.Option(..., "--role", help="admin/credit_office/determining_department/implementing_unit/subject"),
    username: str = typer.Option(..., "--username", help="登录用户名"),
    password: str = typer.Option(..., "--password", help="登录密码（至少10位，字母与数字或符号）"),
    department: str | None = typer.Option(None, "--department", help="所属部门"),
    region: str | None = typer.Option(None, "--region", help="行政区划代码（6位）"),
    subject_code: str | None = typer.Option(None, "--subject-code", help="信用主体本人的代码（role=subject 时必填）"),
) -> None:
    """创建控制台账户（密码以 argon2id 散列保存），打印 JSON。"""
    from xinyong.console.accounts import create_account
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
    try:
        key = None
        if subject_code:
            from xinyong.subjects.rules import identify

            key = subject_key(identify(subject_code).code)
        with unit_of_work() as s:
            acc = create_account(
                s, name=name, role=r, username=username, password=password,
                department=department,
                region_code=region, subject_key=key,
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
    new_password: str = typer.Option(..., "--password", help="新密码"),
) -> None:
    """重设控制台账户密码并解除锁定。"""
    from xinyong.console.accounts import set_password
    from xinyong.core.db import unit_of_work
    from xinyong.core.errors import DomainError

    try:
        with unit_of_work() as s:
            set_password(s, username, new_password)
    except DomainError as exc:
        _fail(exc.message)
        return
    typer.echo(json.dumps({"username": username, "password_reset": True}, ensure_ascii=False))


@principal_extra.command("list")
def list_principals(
    keys: bool = typer.Option(True, "--keys/--no-keys", help="同时列出 API 密钥（仅前缀，不含密钥本身）"),
) -> None:
    """列出部门、单位和账户，以及各自的 API 密钥状态（JSON Lines）。"""
    from sqlalchemy import select

    from xinyong.console.accounts import list_accounts
    from xinyong.core import clock
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
    """吊销 API 密钥（立即生效，不可恢复）。"""
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
