"""``xinyong audit``: integrate queued entries, seal checkpoints, export them, verify chains and
checkpoints (against a witness, one month at a time)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="审计链：编入排队条目、封存检查点、导出、校验（防篡改）", no_args_is_help=True)


@app.command("sequence")
def sequence(
    loop: float = typer.Option(0.0, "--loop", help="每隔多少秒重复一次（0：只运行一次）"),
) -> None:
    """把排队中的查询使用登记编入审计链，到期时封存并签名检查点，发布到见证。"""
    import time

    from xinyong.core.audit.sequencer import SequencerRefused, sequence_pending, unsequenced_backlog
    from xinyong.core.db import unit_of_work

    while True:
        try:
            done = sequence_pending()
        except SequencerRefused as exc:
            typer.echo(f"拒绝编入：{exc}。请先运行 xinyong audit verify", err=True)
            raise typer.Exit(1) from None
        with unit_of_work() as s:
            waiting, oldest = unsequenced_backlog(s)
        typer.echo(json.dumps({"sequenced": done, "waiting": waiting, "oldest_seconds": round(oldest, 1)},
                              ensure_ascii=False), nl=True)
        if loop <= 0:
            return
        time.sleep(loop)


@app.command("seal")
def seal() -> None:
    """为自上次检查点以来新增的条目封存检查点（Merkle 根 + Ed25519 签名）。"""
    from xinyong.core.audit.checkpoints import SealRefused, seal_all
    from xinyong.core.db import unit_of_work

    from xinyong.core.audit.sequencer import publish_pending

    try:
        with unit_of_work() as s:
            sealed = seal_all(s)
        publish_pending()
    except SealRefused as exc:
        typer.echo(f"拒绝封存：审计链已不完整（{exc}），请先运行 xinyong audit verify", err=True)
        raise typer.Exit(1) from None
    for item in sealed:
        typer.echo(json.dumps({"chain": item.chain, "tree_size": item.tree_size, "root_hash": item.root_hash},
                              ensure_ascii=False))
    if not sealed:
        typer.echo("没有需要封存的新条目")


@app.command("export")
def export(
    file: Path = typer.Argument(..., help="导出文件（JSON），请另行保存在平台之外"),
    entries: bool = typer.Option(True, "--entries/--no-entries", help="同时导出每条条目的哈希（便于精确定位篡改）"),
) -> None:
    """导出已签名的检查点、公钥（以及条目哈希），供在平台之外留存和日后比对。"""
    from xinyong.core.audit.verify import export_all
    from xinyong.core.db import get_engine

    with get_engine().connect() as conn:
        data = export_all(conn, with_entries=entries)
    file.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    typer.echo(json.dumps({"file": str(file), "checkpoints": len(data["checkpoints"]),
                           "entries": {k: len(v) for k, v in data["entries"].items()}}, ensure_ascii=False))


@app.command("verify")
def verify(
    against: str | None = typer.Option(None, "--against",
                                       help="见证（检查点 JSON lines 文件或 http(s) 地址）或此前导出的文件：同时比对"),
    month: str | None = typer.Option(None, "--month", help="只校验某月（YYYY-MM，按协调世界时）的查询使用登记"),
    public_key: list[str] = typer.Option([], "--public-key", help="另行信任的公钥（base64 或文件）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON 报告"),
) -> None:
    """重算哈希链和检查点；完整时退出码0，发现篡改时报告第一处并退出码1。"""
    from xinyong.core.audit.partitions import parse_month
    from xinyong.core.audit.verify import load_against, verify_all
    from xinyong.core.db import get_engine

    exported = None
    if against is not None:
        try:
            exported = load_against(against)
        except (OSError, ValueError) as exc:
            typer.echo(f"无法读取见证或导出文件：{exc}", err=True)
            raise typer.Exit(2) from None
    try:
        first_day = parse_month(month) if month else None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    with get_engine().connect() as conn:
        report = verify_all(conn, extra_keys=public_key, export=exported, month=first_day)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for c in report.chains:
            typer.echo(f"{c.chain}: {c.entries} 条，已核对检查点 {c.checkpoints} 个，排队中 {c.unsequenced} 条，"
                       f"问题 {len(c.problems)} 处")
        first = report.first
        if first is None:
            typer.echo("审计链完整")
        else:
            typer.echo(f"发现篡改。第一处：{first.describe()}")
            for p in report.problems:
                if p is not first:
                    typer.echo(f"  另：{p.describe()}")
    raise typer.Exit(0 if report.ok else 1)
