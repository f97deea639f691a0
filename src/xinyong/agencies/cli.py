"""`xinyong agencies ...`: the registry of credit service agencies and their supervision. Commands act as
the platform (SYSTEM) through the use cases of :mod:`xinyong.agencies.service`, logged like every access."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import typer

from xinyong.core.errors import DomainError

app = typer.Typer(help="信用服务机构监管：名录、资质、暂停、信用档案、更正删除申请与督办", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(call: Callable[[Any], Any]) -> None:
    from xinyong.core.access import SYSTEM

    try:
        typer.echo(json.dumps(call(SYSTEM), ensure_ascii=False, indent=2))
    except DomainError as exc:
        _fail(exc.message)


def _day(value: str | None, label: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{label}格式错误：“{value}”，应为 YYYY-MM-DD", 2)
        raise AssertionError from None


def _need_day(value: str, label: str) -> dt.date:
    day = _day(value, label)
    if day is None:
        _fail(f"请填写{label}", 2)
        raise AssertionError
    return day


@app.command("list")
def list_cmd() -> None:
    """名录：机构、资质及有效期、状态。"""
    from xinyong.agencies import service
    from xinyong.core.access import Purpose

    _run(lambda a: service.list_agencies(a, purpose=Purpose.supervision))


@app.command("add")
def add(name: str = typer.Argument(..., help="机构名称"),
        uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码"),
        filing_number: str = typer.Option(..., "--filing-number", help="备案编号"),
        region: str | None = typer.Option(None, "--region", help="监管地行政区划代码")) -> None:
    """将信用服务机构登记入名录。"""
    from xinyong.agencies import service

    _run(lambda a: service.register_agency(a, name=name, uscc=uscc, filing_number=filing_number, region_code=region))


@app.command("qualify")
def qualify(agency_id: int = typer.Argument(..., help="机构编号"),
            name: str = typer.Option(..., "--name", help="资质名称"),
            certificate: str = typer.Option(..., "--certificate", help="资质证书编号"),
            issued_by: str = typer.Option(..., "--issued-by", help="发证机关"),
            valid_from: str = typer.Option(..., "--from", help="有效期起 YYYY-MM-DD"),
            valid_until: str | None = typer.Option(None, "--until", help="有效期止 YYYY-MM-DD（长期有效不填）")) -> None:
    """登记机构资质及其有效期。"""
    from xinyong.agencies import service

    start, end = _need_day(valid_from, "有效期起"), _day(valid_until, "有效期止")
    _run(lambda a: service.add_qualification(a, agency_id, name=name, certificate_number=certificate,
                                             issued_by=issued_by, valid_from=start, valid_until=end))


@app.command("suspend")
def suspend(agency_id: int = typer.Argument(..., help="机构编号"),
            reason: str = typer.Option(..., "--reason", help="暂停理由")) -> None:
    """暂停机构：其出具的信用报告在信用修复中不予采用。"""
    from xinyong.agencies import service

    _run(lambda a: service.change_status(a, agency_id, active=False, reason=reason))


@app.command("reinstate")
def reinstate(agency_id: int = typer.Argument(..., help="机构编号"),
              reason: str = typer.Option("", "--reason", help="恢复理由")) -> None:
    """恢复被暂停的机构。"""
    from xinyong.agencies import service

    _run(lambda a: service.change_status(a, agency_id, active=True, reason=reason))


@app.command("file")
def credit_file(agency_id: int = typer.Argument(..., help="机构编号")) -> None:
    """机构信用档案：资质、暂停记录、投诉、查处、整改、更正删除申请、信用修复中使用的信用报告。"""
    from xinyong.agencies import service

    _run(lambda a: service.agency_file(a, agency_id))


@app.command("entry")
def entry(agency_id: int = typer.Argument(..., help="机构编号"),
          kind: str = typer.Option(..., "--kind", help="complaint（投诉）或 finding（查处认定）"),
          on: str = typer.Option(..., "--on", help="日期 YYYY-MM-DD"),
          summary: str = typer.Option(..., "--summary", help="事由"),
          source: str | None = typer.Option(None, "--source", help="投诉人或查处单位")) -> None:
    """记入投诉或查处认定。"""
    from xinyong.agencies import service

    day = _need_day(on, "日期")
    _run(lambda a: service.record_entry(a, agency_id, kind=kind, occurred_on=day, summary=summary, source=source))


@app.command("rectify")
def rectify(agency_id: int = typer.Argument(..., help="机构编号"),
            requirement: str = typer.Option(..., "--requirement", help="整改要求"),
            deadline: str = typer.Option(..., "--deadline", help="整改期限 YYYY-MM-DD"),
            finding: int | None = typer.Option(None, "--finding", help="所依据的查处认定编号")) -> None:
    """责令整改。"""
    from xinyong.agencies import service

    day = _need_day(deadline, "整改期限")
    _run(lambda a: service.order_rectification(a, agency_id, requirement=requirement, deadline=day,
                                               finding_id=finding))


@app.command("request")
def request(agency_id: int = typer.Argument(..., help="机构编号"),
            subject: str = typer.Option(..., "--subject", help="申请主体的统一社会信用代码或公民身份号码"),
            kind: str = typer.Option(..., "--kind", help="correction（更正）或 deletion（删除）"),
            ground: str = typer.Option("error", "--ground", help="申请理由：error（信息错误）、trade_secret（涉及商业秘密）、privacy（涉及个人隐私）、other_rights（侵犯其他合法权益）"),
            information: str = typer.Option(..., "--information", help="机构掌握的相关信息"),
            change: str = typer.Option(..., "--change", help="请求更正或删除的内容")) -> None:
    """窗口代为登记主体的更正、删除申请。"""
    from xinyong.agencies import service

    _run(lambda a: service.file_request(a, subject, agency_id=agency_id, kind=kind, ground=ground,
                                        information=information, requested_change=change))


@app.command("answer")
def answer(request_id: int = typer.Argument(..., help="申请编号"),
           answer: str = typer.Option(..., "--answer", help="机构答复：corrected（已更正）、deleted（已删除）、refused（不予更正删除）"),
           text: str = typer.Option(..., "--text", help="机构答复内容"),
           on: str = typer.Option(..., "--on", help="答复日期 YYYY-MM-DD")) -> None:
    """登记机构对申请的答复。"""
    from xinyong.agencies import service

    day = _need_day(on, "答复日期")
    _run(lambda a: service.record_agency_answer(a, request_id, answer=answer, text=text, answered_on=day))


@app.command("supervise")
def supervise(request_id: int = typer.Argument(..., help="申请编号"),
              outcome: str = typer.Option(..., "--outcome", help="confirmed（予以确认）或 ordered（责令整改）"),
              note: str = typer.Option(..., "--note", help="督办意见"),
              deadline: str | None = typer.Option(None, "--deadline", help="责令整改的期限 YYYY-MM-DD")) -> None:
    """信用办督办并办结申请。"""
    from xinyong.agencies import service

    day = _day(deadline, "整改期限")
    _run(lambda a: service.supervise_request(a, request_id, outcome=outcome, note=note, rectification_deadline=day))


@app.command("overdue")
def overdue() -> None:
    """逾期事项：机构逾期未答复、信用办督办逾期、逾期未完成的整改。退出码 3 表示有逾期事项。"""
    from xinyong.agencies import service
    from xinyong.core.access import SYSTEM

    try:
        queue = service.supervision_queue(SYSTEM)
    except DomainError as exc:
        _fail(exc.message)
        return
    late = {"requests": queue["overdue_requests"], "rectifications": queue["overdue_rectifications"]}
    typer.echo(json.dumps(late, ensure_ascii=False, indent=2))
    if late["requests"] or late["rectifications"]:
        raise typer.Exit(3)
