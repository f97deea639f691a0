"""Pure definitions of the statistics: the period, the figures and their names, rates, the list-time
distribution and the anonymising of typical cases. No database, no clock: dates are arguments.

Bases: 发改办财金〔2018〕893号 §十九 (统计限期整改、约谈、培训、信用承诺、信用报告、信用修复、联合惩戒等
情况，按地区、部门开展第三方评估); 国办发〔2020〕49号 §（七） (定期评估名单认定标准的执行情况);
893号 §四 (行政处罚信息自作出决定之日起7个工作日内公开).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xinyong.core.authority import NATIONAL_REGION
from xinyong.core.errors import ValidationFailed
from xinyong.core.masking import mask_name, scrub_identifiers

#: 893号 §四: 行政处罚信息自作出行政处罚决定之日起7个工作日内上网公开
PENALTY_WORKDAYS = 7
#: the catalog item of administrative penalties (records' ``catalog_item``)
PENALTY_ITEM = "admin-penalty"
#: the longest period one request may cover (a ten-year window keeps every query bounded)
MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def months(self) -> list[str]:
        out: list[str] = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def period(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period asked for; without dates, the calendar year to ``today``."""
    end = end or today
    start = start or dt.date(end.year, 1, 1)
    if start > end:
        raise ValidationFailed("statistics.period", "统计期间的开始日期不能晚于结束日期")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("statistics.period", "统计期间最长十年，请缩短期间")
    return Period(start, end)


REGION_RE = re.compile(r"^\d{6}$")


def check_region(region: str | None) -> str | None:
    if region in (None, ""):
        return None
    if not REGION_RE.match(region):
        raise ValidationFailed("statistics.region", "行政区划代码应为6位数字")
    return region


def child_level(region: str | None) -> int:
    """How many leading digits name the next level of regions inside ``region`` (its ranked table):
    the whole country → provinces (2), a province → cities (4), a city or county → counties (6)."""
    if region is None or region == NATIONAL_REGION:
        return 2
    if region.endswith("0000"):
        return 4
    return 6


def rate(numerator: int, denominator: int) -> float | None:
    """A share in per cent, one decimal; None when there is nothing to count (shown as “—”)."""
    if denominator <= 0:
        return None
    return round(100.0 * numerator / denominator, 1)


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    unit: str = "件"


FIGURES: dict[str, FigureDef] = {f.key: f for f in (
    FigureDef("records.total", "失信行为记录"),
    FigureDef("penalties.total", "行政处罚决定"),
    FigureDef("penalties.on_time", "7个工作日内公开"),
    FigureDef("penalties.late", "超过7个工作日公开"),
    FigureDef("listings.opened", "立案拟列入"),
    FigureDef("listings.noticed", "送达告知书"),
    FigureDef("listings.decided", "作出认定决定"),
    FigureDef("listings.decided_after_window", "异议期届满后作出决定"),
    FigureDef("listings.removed", "移出名单"),
    FigureDef("listings.repaired", "经信用修复移出"),
    FigureDef("listing_objections.received", "认定异议（陈述申辩）"),
    FigureDef("listing_objections.answered", "已答复"),
    FigureDef("listing_objections.on_time", "按期答复"),
    FigureDef("listing_objections.upheld", "异议成立"),
    FigureDef("objections.filed", "信用记录异议"),
    FigureDef("objections.answered", "已答复"),
    FigureDef("objections.on_time", "按期答复"),
    FigureDef("objections.overdue", "逾期未答复"),
    FigureDef("objections.upheld", "异议成立"),
    FigureDef("repair.applications", "信用修复申请"),
    FigureDef("repair.decided", "已决定事项"),
    FigureDef("repair.granted", "准予修复"),
    FigureDef("repair.refused", "不予修复"),
    FigureDef("repair.on_time", "按期决定"),
    FigureDef("repair.overdue", "逾期未决定"),
    FigureDef("commitments.total", "信用承诺"),
    FigureDef("trainings.total", "信用修复培训（人次）", "人次"),
    FigureDef("reports.total", "信用报告"),
    FigureDef("interviews.total", "约谈"),
    FigureDef("interviews.prompting", "提示性约谈"),
    FigureDef("interviews.warning", "警示性约谈"),
    FigureDef("interviews.refused", "拒绝或不配合约谈"),
    FigureDef("rectifications.ordered", "限期整改"),
    FigureDef("rectifications.completed", "完成整改"),
    FigureDef("rectifications.completed_on_time", "按期完成整改"),
    FigureDef("rectifications.not_completed", "未完成整改"),
    FigureDef("rectifications.overdue", "逾期未确认"),
    FigureDef("punishment.initiated", "发起联合惩戒"),
    FigureDef("punishment.responded", "已响应"),
    FigureDef("punishment.responded_on_time", "按期响应"),
    FigureDef("punishment.feedback", "已反馈"),
    FigureDef("punishment.feedback_on_time", "按期反馈"),
    FigureDef("punishment.overdue", "逾期未响应"),
    FigureDef("screening.queries", "核查查询"),
    FigureDef("typical.published", "已公布典型案例"),
)}

#: rates shown against their deadline: (key, label, numerator, denominator, explanation)
RATES: tuple[tuple[str, str, str, str, str], ...] = (
    ("penalties", "行政处罚7个工作日内公开率", "penalties.on_time", "penalties.total",
     "行政处罚决定日起7个工作日内在平台公开的比例（发改办财金〔2018〕893号 四）"),
    ("objections", "信用记录异议按期答复率", "objections.on_time", "objections.answered",
     "已答复的异议中，在答复期限内答复的比例"),
    ("listing_objections", "认定异议按期答复率", "listing_objections.on_time", "listing_objections.answered",
     "拟列入名单的陈述申辩在答复期限内答复的比例"),
    ("repair", "信用修复按期决定率", "repair.on_time", "repair.decided", "已决定的修复事项中在办理期限内决定的比例"),
    ("punishment_response", "联合惩戒按期响应率", "punishment.responded_on_time", "punishment.responded",
     "已响应的联合惩戒中在响应期限内响应的比例（发改办财金〔2018〕893号 七）"),
    ("punishment_feedback", "联合惩戒按期反馈率", "punishment.feedback_on_time", "punishment.feedback",
     "已反馈的联合惩戒中在反馈期限内反馈的比例"),
    ("rectification", "限期整改按期完成率", "rectifications.completed_on_time", "rectifications.ordered",
     "责令限期整改的事项中在整改期限内完成整改的比例（发改办财金〔2018〕893号 二）"),
)

SEVERITY_NAMES = {"general": "一般失信", "serious": "严重失信", "minor": "轻微失信"}
PURPOSE_FALLBACK = "其他"

# --- time on the list (49号 §（七）) -----------------------------------------------------------------

#: the buckets of time on the list, in days: (upper bound exclusive or None, label)
DURATION_BUCKETS: tuple[tuple[int | None, str], ...] = (
    (183, "不满6个月"), (365, "6个月至1年"), (1095, "1年至3年"), (None, "3年以上"),
)


def bucket_of(days: int) -> str:
    for upper, label in DURATION_BUCKETS:
        if upper is None or days < upper:
            return label
    raise AssertionError("unreachable")


def median(sorted_values: list[int]) -> float | None:
    """The median of values already in order (the SQL returns the middle one or two)."""
    if not sorted_values:
        return None
    n = len(sorted_values)
    mid = n // 2
    return float(sorted_values[mid]) if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2


# --- typical cases -----------------------------------------------------------------------------------

TYPICAL_KINDS = {"record": "失信行为记录", "punishment_case": "联合惩戒案例", "listing_case": "名单认定案件"}
TYPICAL_STATUS_NAMES = {"marked": "已标记，待公布", "published": "已公布", "withdrawn": "已撤下"}
_USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")


def anonymise(text: str, *, names: list[str], codes: list[str], person: bool) -> str:
    """A typical case's text with nothing that identifies the subject: its names replaced (an
    individual's by the masked name, an organisation's by 某单位), its codes and every ID number, mobile
    number or unified social credit code removed (core.masking; 国办发〔2020〕49号 §（十三） 防止信息泄露)."""
    out = text
    for code in sorted({c for c in codes if c}, key=len, reverse=True):
        out = out.replace(code, "****")
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, mask_name(name) if person else "某单位")
    out = _USCC_RE.sub("****", out)
    return scrub_identifiers(out)


def check_typical_text(title: str, summary: str) -> tuple[str, str]:
    title, summary = title.strip(), summary.strip()
    if not 2 <= len(title) <= 100:
        raise ValidationFailed("statistics.typical_title", "典型案例标题应为2至100个字")
    if not 10 <= len(summary) <= 2000:
        raise ValidationFailed("statistics.typical_summary", "典型案例说明应为10至2000个字")
    return title, summary
