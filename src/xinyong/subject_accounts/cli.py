"""`xinyong subject-accounts ...`: an officer issues a one-time code at the window (acting as the platform,
registered in the access log like every access)."""

from __future__ import annotations

import json

import typer

from xinyong.core.errors import DomainError

app = typer.Typer(help="信用主体账户：签发一次性注册验证码", no_args_is_help=True)


@app.command("issue-code")
def issue_code(code: str = typer.Argument(..., help="信用主体的统一社会信用代码或公民身份号码")) -> None:
    """签发一次性验证码（只显示一次；此前未使用的验证码作废）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.subject_accounts import service

    try:
        issued = service.issue_code(SYSTEM, code)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(issued, ensure_ascii=False, indent=2))
