"""The same figures as a spreadsheet: CSV (UTF-8 with BOM, for Excel) and XLSX, one sheet per table.
Every cell passes :func:`xinyong.core.spreadsheet.safe_cell` (no formula from any text)."""

from __future__ import annotations

import csv
import io
from typing import Any

from xinyong.core.spreadsheet import safe_row
from xinyong.statistics import rules
from xinyong.statistics.service import Report, region_label

Table = tuple[str, list[str], list[list[Any]]]


def _dash(v: Any) -> Any:
    return "—" if v is None else v


def tables(report: Report) -> list[Table]:
    """The report as named tables (sheet name, header, rows)."""
    s = report.scope
    head = [["统计期间", s.period.label()], ["地区（含下级）", region_label(s.region)],
            ["部门", s.department or "全部部门"]]
    figures = [[rules.FIGURES[k].label, k.split(".")[0], v, rules.FIGURES[k].unit] for k, v in report.figures.items()]
    out: list[Table] = [
        ("统计范围", ["项目", "内容"], head),
        ("指标", ["指标", "类别", "数值", "单位"], figures),
        ("按期率", ["指标", "按期件数", "总件数", "按期率（%）", "说明"],
         [[r["label"], r["numerator"], r["denominator"], _dash(r["rate"]), r["explanation"]] for r in report.rates]),
        ("记录按目录项", ["目录项", "失信程度", "件数"],
         [[r["item_name"], r["severity_name"], r["count"]] for r in report.records_by_item]),
        ("名单按类型", ["名单类型", "立案", "认定", "移出", "修复移出"],
         [[r["name"], r["opened"], r["decided"], r["removed"], r["repaired"]] for r in report.listings_by_type]),
        ("核查查询", ["单位", "目的", "查询次数", "结果条数"],
         [[r["unit"], r["purpose_name"], r["count"], r["results"]] for r in report.screening]),
        ("地区排名", ["地区", "记录", "行政处罚", "按期公开", "按期公开率（%）", "认定", "联合惩戒按期响应率（%）"],
         [[r["name"], r["records_total"], r["penalties_total"], r["penalties_on_time"], _dash(r["penalty_rate"]),
           r["listings_decided"], _dash(r["response_rate"])] for r in report.regions]),
    ]
    return out


def standards_tables(data: dict[str, Any]) -> list[Table]:
    header = ["名单类型", "认定", "异议后撤销", "复议诉讼撤销", "修复移出", "提前移出", "已移出", "在列时间中位数（天）",
              *[label for _u, label in rules.DURATION_BUCKETS]]
    rows = [[r["name"], r["decided"], r["overturned_objection"], r["overturned_review"], r["repaired"],
             r["removed_early"], r["removed"], _dash(r["median_days"]), *[d["count"] for d in r["distribution"]]]
            for r in data["rows"]]
    scope = [["统计期间", f"{data['period']['from']} 至 {data['period']['to']}"], ["地区（含下级）", data["region_name"]],
             ["部门", data["department"] or "全部部门"]]
    return [("统计范围", ["项目", "内容"], scope), ("名单认定标准评估", header, rows)]


def to_csv(tabs: list[Table]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    for i, (name, header, rows) in enumerate(tabs):
        if i:
            w.writerow([])
        w.writerow(safe_row([name]))
        w.writerow(safe_row(header))
        for r in rows:
            w.writerow(safe_row(r))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(tabs: list[Table]) -> bytes:
    from openpyxl import Workbook  # imported here: a command that never writes a workbook starts faster

    wb = Workbook()
    first = True
    for name, header, rows in tabs:
        ws = wb.active if first else wb.create_sheet()
        first = False
        assert ws is not None
        ws.title = name[:31]
        ws.append(safe_row(header))
        for r in rows:
            ws.append(safe_row(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
