"""The Chinese names of the platform's codes: one place for what a person reads instead of a code.

Pages never show an internal code (an action such as ``measures.case_read``, a status such as
``repaired_shielded``, a role, a purpose): the template filter ``zh`` (:mod:`xinyong.web.templating`)
looks the code up here. The kernel names its own vocabularies (actions, roles, purposes); every
capability's closed vocabularies (record statuses, listing states, list types …) are registered by the
composition root (``VOCABULARIES`` in :mod:`xinyong.composition`) from the name tables the capability
already keeps, so a name is written once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from xinyong.core.access import PURPOSE_NAMES_ZH
from xinyong.core.policy import ROLE_NAMES_ZH

#: every action of the policy (``xinyong.core.policy.ALLOWED``) and of the access log, in Chinese;
#: a test checks that each action the policy lists is named here
ACTION_NAMES_ZH: dict[str, str] = {
    "subject.check": "核验信用主体",
    "subject.read": "查看信用主体",
    "subject.write": "登记信用主体",
    "subject.link": "登记关联人员",
    "credit_file.read": "查阅信用档案",
    "catalog.read": "查看公共信用信息目录",
    "record.write": "记录失信行为",
    "record.read": "查看失信行为记录",
    "record.import": "批量导入失信行为记录",
    "record.withdraw": "撤回失信行为记录",
    "listing.types": "查看名单类型",
    "listing.read": "查看名单认定案件",
    "listing.deadlines": "查看名单办理期限",
    "listing.document": "查看名单认定文书",
    "listing.propose": "提出列入名单",
    "listing.notice": "送达拟列入告知",
    "listing.justify": "登记陈述申辩",
    "listing.objection": "登记名单异议",
    "listing.answer": "答复名单异议",
    "listing.decide": "作出列入决定",
    "listing.list": "列入名单",
    "listing.remove": "移出名单",
    "listing.withdraw": "撤销名单认定",
    "listing.amend": "变更名单列入期限",
    "listing.rectify": "责令限期整改",
    "listing.interview": "信用约谈",
    "listing.review": "名单复核",
    "listing.approve": "审核列入决定",
    "listing.consent": "上一级部门同意列入",
    "listing.nonconforming": "清理不符合规定的名单",
    "listing.voided": "查看已失效的名单",
    "listing.expire": "名单期满自动移出",
    "disclosure.public_read": "查询公示信息",
    "disclosure.share": "共享信用信息",
    "disclosure.share_scope.manage": "管理共享范围",
    "disclosure.self_read": "查询本人信用信息",
    "disclosure.objection.file": "提出异议",
    "disclosure.objection.read": "查看异议",
    "disclosure.objection.answer": "答复异议",
    "disclosure.consent.write": "登记授权同意",
    "disclosure.consent.read": "查看授权同意",
    "disclosure.deadline.read": "查看公示期限",
    "disclosure.expire": "公示期满自动终止",
    "repair.apply": "申请信用修复",
    "repair.read": "查看信用修复申请",
    "repair.decide": "办理信用修复",
    "repair.oversee": "督办信用修复",
    "repair.support": "信用修复辅助材料",
    "repair.training.record": "登记信用修复培训",
    "repair.agency.read": "查看信用服务机构",
    "repair.agency.manage": "管理信用服务机构",
    "repair.commitment.public_read": "查询信用承诺",
    "ledger.read": "查看清理台账",
    "ledger.write": "登记清理台账",
    "ledger.decide": "作出清理处理意见",
    "ledger.submit": "报送清理台账",
    "ledger.rollup": "汇总清理台账",
    "ledger.manage": "管理清理工作",
    "measures.read": "查看惩戒措施清单",
    "measures.check": "核查惩戒措施",
    "measures.screen": "惩戒对象筛查",
    "measures.case_open": "发起联合惩戒",
    "measures.case_read": "查看联合惩戒案件",
    "measures.case_respond": "响应和反馈联合惩戒",
    "measures.case_typical": "标记典型案例",
    "push.manage": "管理推送渠道",
    "push.read": "查看推送情况",
    "measures.unit_manage": "管理实施单位名录",
    "measures.unit_read": "查看实施单位名录",
    "push.own_read": "查看本单位接收情况",
    "principal.manage": "管理账户",
    "access_log.read": "查询使用登记审查",
    "disclosure.export": "导出双公示信息",
    "disclosure.upstream.read": "查看向上报送回执",
    "disclosure.upstream.manage": "管理向上报送通道",
    "agency.read": "查看信用服务机构",
    "agency.manage": "管理信用服务机构名录",
    "agency.file.read": "查阅信用服务机构信用档案",
    "agency.supervise": "监管信用服务机构",
    "agency.request.file": "向信用服务机构申请更正删除",
    "agency.request.read": "查看本人的更正删除申请",
    "agency.request.answer": "登记信用服务机构的答复",
    "subject_account.code.issue": "签发信用主体注册码",
    "statistics.read": "查看统计评估",
    "statistics.rows": "查看统计明细",
    "statistics.typical.read": "查看典型案例",
    "statistics.typical.mark": "标记典型案例",
    "statistics.typical.publish": "发布典型案例",
    "statistics.typical.public_read": "查看公开的典型案例",
    "ops.job_runs.read": "查看定时任务运行记录",
    # entries of the access log that are not use cases of the policy
    "subject_account.register": "信用主体注册账户",
    "subject_account.sign_in": "信用主体登录",
    "push.provide_identity": "推送时提供主体身份",
    "console.login": "登录控制台",
    "console.logout": "退出控制台",
}

_lock = threading.Lock()
#: kind → code → Chinese name; the kernel's kinds first, the capabilities' added by the composition root
_KINDS: dict[str, dict[str, str]] = {
    "action": dict(ACTION_NAMES_ZH),
    "role": {r.value: n for r, n in ROLE_NAMES_ZH.items()},
    "purpose": {p.value: n for p, n in PURPOSE_NAMES_ZH.items()},
    "allowed": {"True": "允许", "False": "拒绝"},
}


def _key(code: Any) -> str:
    return str(code.value) if isinstance(code, Enum) else str(code)


def register(kind: str, names: Mapping[Any, str] | Callable[[], Mapping[Any, str]]) -> None:
    """Add a capability's names of one kind (``record_status``, ``listing_state`` …); a callable is read
    now (list types come from rule files)."""
    table = names() if callable(names) else names
    with _lock:
        _KINDS.setdefault(kind, {}).update({_key(k): str(v) for k, v in table.items()})


def kinds() -> dict[str, dict[str, str]]:
    return {k: dict(v) for k, v in _KINDS.items()}


def name_of(code: Any, kind: str | None = None) -> str:
    """The Chinese name of ``code`` (of ``kind`` when given, else of the first kind that knows it);
    a value that is no code (a name, a number, a sentence) is returned as it is."""
    if code is None:
        return ""
    key = _key(code)
    if kind is not None:
        found = _KINDS.get(kind, {}).get(key)
        if found is not None:
            return found
    for table in _KINDS.values():
        if key in table:
            return table[key]
    return key


def action_zh(action: str) -> str:
    """An action's Chinese name (the 403 message names the operation with it)."""
    return ACTION_NAMES_ZH.get(action, action)


def is_code(text: str) -> bool:
    """Whether a shown text is one of the platform's codes (the page checks use this)."""
    return any(text in table for table in _KINDS.values() if table is not _KINDS["allowed"])
