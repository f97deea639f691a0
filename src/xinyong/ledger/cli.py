"""`xinyong ledger …`: analyse a policy document, register it, export a unit's ledger.

``xinyong ledger analyze FILE --json`` prints one JSON object ``{"document": {...}, "clauses": [...]}``
(a public contract: each clause has text, start, end, the four answers, national_basis, local_basis,
disposition and reason; ``text == extracted_text[start:end]``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="失信约束措施清理规范台账：分析政策文件、登记文件、导出台账", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def analysis_payload(path: Path, title: str | None, on: dt.date,
                     doc_number: str | None = None) -> tuple[dict[str, Any], list[list[str]]]:
    from xinyong.ledger import rules
    from xinyong.ledger.bases import registry
    from xinyong.ledger.extract import extract_path

    extracted = extract_path(path)
    analysis = rules.analyze(extracted.text, registry(on), title=title)
    number = (doc_number or "").strip() or rules.find_doc_number(extracted.text)
    view = rules.DocumentView(
        title=analysis.title, doc_number=number,
        clauses=tuple(rules.ClauseView(
            text=c.text, credit_information=c.flags.credit_information, blacklist=c.flags.blacklist,
            punishment=c.flags.punishment, scores_individuals=c.flags.scores_individuals,
            national_basis=c.national_basis, local_basis=c.local_basis,
            fully_covered=all(c.covered.values()), proposed_disposition=c.disposition.value,
            conflicts=c.conflicts,
        ) for c in analysis.clauses),
        proposed_disposition=analysis.disposition.value,
    )
    rows = rules.ledger_rows(1, view)
    document = {
        "file": path.name,
        "title": analysis.title,
        "doc_number": number,
        "format": extracted.format,
        "content_hash": extracted.content_hash,
        "characters": len(extracted.text),
        "analysed_on": on.isoformat(),
        "includes_credit_information": analysis.includes_credit_information,
        "creates_blacklist": analysis.creates_blacklist,
        "imposes_punishment": analysis.imposes_punishment,
        "scores_individuals": analysis.scores_individuals,
        "disposition": analysis.disposition.value,
        "reason": analysis.reason,
        "ledger_rows": [dict(zip(rules.LEDGER_COLUMNS, row, strict=True)) for row in rows],
    }
    return {"document": document, "clauses": [c.as_contract() for c in analysis.clauses]}, rows


@app.command("analyze")
def analyze(
    file: Path = typer.Argument(..., help=".txt、.docx 或 .pdf 政策文件"),
    as_json: bool = typer.Option(False, "--json", help="输出一个 JSON 对象 {document, clauses}"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="把该文件的台账行写入 .xlsx"),
    title: str | None = typer.Option(None, "--title", help="文件名称（默认从正文首行识别）"),
    unit: str = typer.Option("本单位", "--unit", help="台账标题中的单位名称（--xlsx）"),
    doc_number: str | None = typer.Option(None, "--doc-number", help="文号（默认从正文首部识别，如 淮交发〔2020〕8号）"),
) -> None:
    """逐条分析政策文件：是否涉及信用信息纳入共享公开、“黑名单”、惩戒措施、以信用分对待个人，依据与处置建议。"""
    from xinyong.core import clock
    from xinyong.core.errors import DomainError
    from xinyong.ledger.xlsx import build_workbook

    try:
        if doc_number is not None and len(doc_number.strip()) > 120:
            _fail("文号过长（不超过120字）")
        payload, rows = analysis_payload(file, title, clock.today(), doc_number)
    except DomainError as exc:
        _fail(exc.message)
        return
    if xlsx is not None:
        try:
            xlsx.write_bytes(build_workbook(unit, [rows]))
        except OSError as exc:
            _fail(f"无法写入 {xlsx}：{exc.strerror}")
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    doc = payload["document"]
    typer.echo(f"文件：{doc['title']}（{doc['file']}，{doc['characters']}字）")
    typer.echo(f"文号：{doc['doc_number'] or '未识别（可用 --doc-number 填写）'}")
    typer.echo(f"处置建议：{doc['disposition']}　{doc['reason']}")
    if not payload["clauses"]:
        typer.echo("未发现涉及失信约束措施的条款。")
    for i, c in enumerate(payload["clauses"], start=1):
        marks = "、".join(name for key, name in (
            ("includes_credit_information", "信用信息纳入共享公开"), ("creates_blacklist", "黑名单认定"),
            ("imposes_punishment", "惩戒措施"), ("scores_individuals", "以信用分对待个人")) if c[key])
        typer.echo(f"\n[{i}] 位置 {c['start']}–{c['end']}　{marks}")
        typer.echo(f"    {c['text']}")
        typer.echo(f"    国家层面依据：{c['national_basis'] or '无'}")
        typer.echo(f"    地方性法规依据：{c['local_basis'] or '无'}")
        typer.echo(f"    处置：{c['disposition']}　{c['reason']}")
    if xlsx is not None:
        typer.echo(f"\n台账已写入：{xlsx}（{len(rows)}行，每项措施一行）")


@app.command("register")
def register(
    file: Path = typer.Argument(..., help=".txt、.docx 或 .pdf 政策文件"),
    unit: str = typer.Option(..., "--unit", help="台账所属单位（已登记单位的主体编号或准确的部门名称）"),
    title: str | None = typer.Option(None, "--title", help="文件名称"),
    doc_number: str | None = typer.Option(None, "--doc-number", help="文号"),
    issuing_unit: str | None = typer.Option(None, "--issuing-unit", help="制发单位"),
    issued_on: str | None = typer.Option(None, "--issued-on", help="印发日期 YYYY-MM-DD"),
) -> None:
    """以已登记单位的身份把政策文件登记到其台账，打印分析结果 JSON。"""
    from xinyong.core.errors import DomainError
    from xinyong.ledger import service
    from xinyong.ledger.extract import extract_path

    try:
        day = dt.date.fromisoformat(issued_on) if issued_on else None
    except ValueError:
        _fail(f"印发日期格式错误：{issued_on}（应为YYYY-MM-DD）")
        return
    try:
        result = service.register_document(
            service.unit_actor(unit), service.DocumentInput(None, title, doc_number, issuing_unit, day), extract_path(file),
            filename=file.name,
        )
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    result.pop("clauses", None)
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command("export")
def export(
    unit: str = typer.Argument(..., help="已登记单位的主体编号或准确的部门名称"),
    out: Path = typer.Argument(..., help="输出的 .xlsx 文件"),
) -> None:
    """以已登记单位的身份导出其失信约束措施台账（.xlsx，附件样表格式）。"""
    from xinyong.core.errors import DomainError
    from xinyong.ledger import service

    try:
        _, data = service.export_xlsx(service.unit_actor(unit), None)
    except DomainError as exc:
        _fail(exc.message, 1)
        return
    out.write_bytes(data)
    typer.echo(f"已导出：{out}")
