"""`xinyong repair ...`: repair rules, the registry of credit service agencies, training records,
applications and overdue parts. Only translates around the use cases of xinyong.repair (filing, deciding, evidence).
Commands act as the platform (SYSTEM) and are registered in the access log like every other access.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import typer

from xinyong.core.errors import DomainError

app = typer.Typer(help="信用修复：修复规则、信用服务机构名录、培训登记、申请与超期事项", no_args_is_help=True)
agency_app = typer.Typer(help="具有资质的信用服务机构名录", no_args_is_help=True)
app.add_typer(agency_app, name="agency")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _out(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _day(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{label}格式错误：“{value}”，应为 YYYY-MM-DD", 2)
        raise AssertionError from None


@app.command("rules")
def rules_cmd(
    kind: str | None = typer.Option(None, "--kind", help="catalog_item 或 list_type"),
    region: str | None = typer.Option(None, "--region", help="行政区划代码：显示该地适用的规则"),
    on: str | None = typer.Option(None, "--on", help="日期（YYYY-MM-DD），决定适用的最短公示期规定"),
) -> None:
    """列出修复规则：可否修复、最短公示期、条件、办理时限、修复结果及依据。"""
    from xinyong.catalog.rules import RuleError
    from xinyong.core import clock
    from xinyong.repair import rules as R
    from xinyong.repair.loader import repair_rules

    try:
        loaded = repair_rules()
    except RuleError as exc:
        _fail(f"修复规则无法加载：{exc}", 2)
        return
    day = _day(on, "日期") if on else clock.today()
    regime = loaded.regime_on(day)
    if region:  # the rule that applies there: the narrowest local rule, else the national one
        keys = list(dict.fromkeys((r.kind, r.target) for r in loaded.rules))
        chosen_rules = [c for c in (loaded.find(k, t, region) for k, t in keys) if c is not None]
    else:
        chosen_rules = list(loaded.rules)
    rows = []
    for chosen in chosen_rules:
        if kind and chosen.kind.value != kind:
            continue
        # the period regime of this target's information (periods/regimes.yaml; 令2023年第58号 covers
        # administrative penalties only)
        own = loaded.regime_on(day, chosen.target if chosen.kind is R.TargetKind.catalog_item else None)
        months = ({"fixed": chosen.min_months} if chosen.min_months is not None
                  else dict(own.min_months) if own else None)
        rows.append({
            "kind": chosen.kind.value, "target": chosen.target, "name": chosen.name, "region": chosen.region,
            "repairable": chosen.repairable, "min_months": months,
            "period_from": chosen.period_from.value,
            "conditions": [R.CONDITION_NAMES[c] for c in R.Condition if c in chosen.conditions],
            "time_limit_workdays": chosen.time_limit_workdays or loaded.time_limits.department_decision_workdays,
            "outcome": R.OUTCOME_NAMES[chosen.outcome], "basis": chosen.cite(),
            "basis_verified": chosen.basis_verified,
            "non_repairable_basis": [b.cite() for b in chosen.non_repairable_basis],
        })
    _out({"on": day.isoformat(), "period_regime": regime.cite() if regime else None, "rules": rows})


@agency_app.command("add")
def agency_add(
    name: str = typer.Argument(..., help="机构名称"),
    uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码"),
    filing_number: str = typer.Option(..., "--filing-number", help="备案编号"),
) -> None:
    """将信用服务机构登记入名录。"""
    from xinyong.core.access import SYSTEM
    from xinyong.repair import evidence

    try:
        _out(evidence.register_agency(SYSTEM, name=name, uscc=uscc, filing_number=filing_number))
    except DomainError as exc:
        _fail(exc.message)


def _set_status(agency_id: int, active: bool, reason: str) -> None:
    from xinyong.core.access import SYSTEM
    from xinyong.repair import evidence

    try:
        _out(evidence.change_agency_status(SYSTEM, agency_id, active=active, reason=reason))
    except DomainError as exc:
        _fail(exc.message)


@agency_app.command("suspend")
def agency_suspend(
    agency_id: int = typer.Argument(..., help="机构编号"),
    reason: str = typer.Option(..., "--reason", help="暂停理由"),
) -> None:
    """暂停信用服务机构：其出具的信用报告不再作为修复条件采用。"""
    _set_status(agency_id, False, reason)


@agency_app.command("reinstate")
def agency_reinstate(
    agency_id: int = typer.Argument(..., help="机构编号"),
    reason: str = typer.Option("", "--reason", help="恢复说明"),
) -> None:
    """恢复信用服务机构。"""
    _set_status(agency_id, True, reason)


@agency_app.command("list")
def agency_list() -> None:
    """列出名录内的信用服务机构。"""
    from xinyong.core.access import SYSTEM, Purpose
    from xinyong.repair import evidence

    _out(evidence.list_agencies(SYSTEM, purpose=Purpose.supervision))


@app.command("training")
def training(
    subject_code: str = typer.Argument(..., help="主体代码"),
    hours: str = typer.Option(..., "--hours", help="学时"),
    provider: str = typer.Option(..., "--provider", help="培训举办单位"),
    attendee: str = typer.Option(..., "--attendee", help="参训人"),
    attended_on: str = typer.Option(..., "--on", help="培训日期（YYYY-MM-DD）"),
    course: str = typer.Option("信用修复专题培训", "--course", help="课程名称"),
    certificate: str | None = typer.Option(None, "--certificate", help="结业证书编号"),
) -> None:
    """登记信用修复培训（发改办财金〔2018〕893号 十：不少于3个学时）。"""
    from xinyong.core.access import SYSTEM
    from xinyong.repair import evidence

    day = _day(attended_on, "培训日期")
    try:
        _out(evidence.record_training(SYSTEM, subject_code, provider=provider, course=course, hours=hours,
                                      attended_on=day, attendee=attendee, certificate_number=certificate))
    except DomainError as exc:
        _fail(exc.message)


@app.command("candidates")
def candidates(subject_code: str = typer.Argument(..., help="主体代码")) -> None:
    """列出主体可申请修复的记录和名单、认定部门及条件预检结果。"""
    from xinyong.core.access import SYSTEM
    from xinyong.repair import filing

    try:
        _out(filing.candidates_for(SYSTEM, subject_code))
    except DomainError as exc:
        _fail(exc.message)


@app.command("show")
def show(application: str = typer.Argument(..., help="申请号（如 XF20261123000001）或编号")) -> None:
    """显示一件申请：统一状态、各事项进度与超期、尚未确认的同步渠道。"""
    from xinyong.core.access import SYSTEM
    from xinyong.repair import filing

    try:
        _out(filing.find_application(SYSTEM, application))
    except DomainError as exc:
        _fail(exc.message)


@app.command("overdue")
def overdue() -> None:
    """列出超过办理时限仍未决定的修复事项；有则退出码1。"""
    from xinyong.core.access import SYSTEM
    from xinyong.repair import deciding

    rows = [{k: v for k, v in row.items() if k != "application_id"} for row in deciding.overdue(SYSTEM)]
    _out(rows)
    raise typer.Exit(1 if rows else 0)
