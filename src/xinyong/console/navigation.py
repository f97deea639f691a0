"""The console's navigation: ONE list of pages, each with the action that opens it.

A signed-in officer sees the top-level entries whose action their role may perform
(:func:`xinyong.core.policy.is_allowed`), once each, in one row; the page they are on shows the entries
of its section as a second row, and the console home (``/console``) lists every entry of the role. A new
page is one line here: ``NavItem("标签", "/console/…", "<action>", parent="/console/<section>")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xinyong.core.access import Actor
from xinyong.core.policy import is_allowed


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    #: the action the page's use case performs; None: every signed-in person
    action: str | None
    #: the url of the top-level entry this page belongs to; None: a top-level entry
    parent: str | None = None


_LISTING, _SCREEN, _CASES = "/console/listing", "/console/screen", "/console/cases"
_OBJECTIONS, _REPAIR, _LEDGER = "/console/disclosure/objections", "/console/repair", "/console/ledger"
_STATISTICS, _AGENCIES, _DATA = "/console/statistics", "/console/agencies", "/console/disclosure/export"

NAVIGATION: list[NavItem] = [
    NavItem("工作台", "/console", None),
    NavItem("信用档案", "/console/subjects", "credit_file.read"),
    NavItem("查阅信用档案", "/console/subjects", "credit_file.read", parent="/console/subjects"),
    NavItem("名单认定", _LISTING, "listing.read"),
    NavItem("认定案件", _LISTING, "listing.read", parent=_LISTING),
    NavItem("提出列入", "/console/listing/new", "listing.propose", parent=_LISTING),
    NavItem("到期事项", "/console/listing/deadlines", "listing.deadlines", parent=_LISTING),
    NavItem("上一级同意", "/console/listing/consent", "listing.consent", parent=_LISTING),
    NavItem("名单类型", "/console/listing/types", "listing.read", parent=_LISTING),
    NavItem("过渡期清理", "/console/listing/voided", "listing.voided", parent=_LISTING),
    NavItem("惩戒核查", _SCREEN, "measures.screen"),
    NavItem("逐一核查", _SCREEN, "measures.screen", parent=_SCREEN),
    NavItem("批量筛查", "/console/screen/batch", "measures.screen", parent=_SCREEN),
    NavItem("措施清单", "/console/measures", "measures.check", parent=_SCREEN),
    NavItem("联合惩戒", _CASES, "measures.case_read"),
    NavItem("惩戒案例", _CASES, "measures.case_read", parent=_CASES),
    NavItem("发起联合惩戒", "/console/cases/new", "measures.case_open", parent=_CASES),
    NavItem("逾期案例", "/console/cases/overdue", "measures.case_read", parent=_CASES),
    NavItem("地区汇总", "/console/cases/regions", "measures.case_typical", parent=_CASES),
    NavItem("实施单位名录", "/console/units", "measures.unit_read", parent=_CASES),
    NavItem("定向推送", "/console/push", "push.read", parent=_CASES),
    NavItem("公开与异议", _OBJECTIONS, "disclosure.deadline.read"),
    NavItem("异议答复", _OBJECTIONS, "disclosure.deadline.read", parent=_OBJECTIONS),
    NavItem("逾期公示", "/console/disclosure/late", "disclosure.deadline.read", parent=_OBJECTIONS),
    NavItem("信用修复", _REPAIR, "repair.read"),
    NavItem("修复申请", _REPAIR, "repair.read", parent=_REPAIR),
    NavItem("修复培训", "/console/repair/training", "repair.training.record", parent=_REPAIR),
    NavItem("清理台账", _LEDGER, "ledger.read"),
    NavItem("本单位台账", _LEDGER, "ledger.read", parent=_LEDGER),
    NavItem("台账汇总", "/console/ledger/rollup", "ledger.rollup", parent=_LEDGER),
    NavItem("导出双公示信息", _DATA, "disclosure.export", parent=_OBJECTIONS),
    NavItem("导入双公示信息", "/console/records/import", "record.import", parent=_OBJECTIONS),
    NavItem("向上报送回执", "/console/disclosure/upstream", "disclosure.upstream.read", parent=_OBJECTIONS),
    NavItem("统计评估", _STATISTICS, "statistics.read"),
    NavItem("统计图表", _STATISTICS, "statistics.read", parent=_STATISTICS),
    NavItem("名单标准评估", "/console/statistics/list-standards", "statistics.read", parent=_STATISTICS),
    NavItem("典型案例", "/console/statistics/typical-cases", "statistics.typical.read", parent=_STATISTICS),
    NavItem("信用服务机构", _AGENCIES, "agency.manage", parent=_REPAIR),
    NavItem("机构监管事项", "/console/agencies/supervision", "agency.supervise", parent=_REPAIR),
    NavItem("信用主体账户", "/console/subject-accounts", "subject_account.code.issue", parent="/console/subjects"),
    NavItem("我的信用记录", "/my", "disclosure.self_read"),
    NavItem("向信用服务机构申请更正删除", "/my/agency-requests", "agency.request.read", parent="/my"),
    NavItem("登记审查", "/console/access-log", "access_log.read"),
    NavItem("查询使用登记审查", "/console/access-log", "access_log.read", parent="/console/access-log"),
    NavItem("定时任务", "/console/ops/jobs", "ops.job_runs.read", parent="/console/access-log"),
]


@dataclass(frozen=True)
class NavView:
    """What a page shows: the top row, the current section's row, and the current entry."""

    top: list[NavItem] = field(default_factory=list)
    section: list[NavItem] = field(default_factory=list)
    current: str | None = None


def allowed(actor: Actor | None, items: list[NavItem] | None = None) -> list[NavItem]:
    """The entries the actor's role may open (none for someone not signed in)."""
    if actor is None:
        return []
    return [i for i in (NAVIGATION if items is None else items)
            if i.action is None or is_allowed(actor.role, i.action)]


def _matches(url: str, path: str) -> bool:
    return path == url or path.startswith(url.rstrip("/") + "/")


def view(actor: Actor | None, path: str) -> NavView:
    """The navigation of ``actor`` on the page at ``path``."""
    mine = allowed(actor)
    top = [i for i in mine if i.parent is None]
    # the entry the page belongs to: the longest url that is the path or a prefix of it
    candidates = [i for i in mine if _matches(i.url, path)]
    here = max(candidates, key=lambda i: len(i.url), default=None)
    section_url = None if here is None else (here.parent or here.url)
    section = [i for i in mine if section_url is not None and i.parent == section_url]
    current = None if here is None else here.url
    return NavView(top=top, section=section if len(section) > 1 else [], current=current)
