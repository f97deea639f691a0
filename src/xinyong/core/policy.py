"""Who may do what: one policy, deny by default (国办发〔2020〕49号 §（十三）明确信息查询使用权限).

Every action a handler guards must be listed here; an action that is not listed is refused for
everyone. Capabilities add their actions to :data:`ALLOWED`.
"""

from __future__ import annotations

from enum import StrEnum

from xinyong.core.authority import region_within


class Role(StrEnum):
    admin = "admin"  # 平台管理员
    credit_office = "credit_office"  # 信用办
    determining_department = "determining_department"  # 认定部门
    implementing_unit = "implementing_unit"  # 实施单位
    subject = "subject"  # 信用主体本人
    public = "public"  # 社会公众
    evaluator = "evaluator"  # 评估人员: reads statistics and anonymised samples only (893号 §十九 第三方评估)


ROLE_NAMES_ZH: dict[Role, str] = {
    Role.admin: "平台管理员",
    Role.credit_office: "信用办",
    Role.determining_department: "认定部门",
    Role.implementing_unit: "实施单位",
    Role.subject: "信用主体",
    Role.public: "社会公众",
    Role.evaluator: "评估人员",
}

A, CO, DD, IU, SU, PU = (
    Role.admin,
    Role.credit_office,
    Role.determining_department,
    Role.implementing_unit,
    Role.subject,
    Role.public,
)

#: action → roles allowed. Anything absent is denied.
ALLOWED: dict[str, frozenset[Role]] = {
    # subjects and credit files
    "subject.check": frozenset({A, CO, DD, IU, SU, PU}),
    "subject.read": frozenset({A, CO, DD, IU}),
    "subject.write": frozenset({A, CO, DD}),
    "subject.link": frozenset({A, CO, DD}),
    "credit_file.read": frozenset({A, CO, DD}),
    # catalog
    "catalog.read": frozenset({A, CO, DD, IU, SU, PU}),
    # dishonesty records
    "record.write": frozenset({DD}),
    "record.read": frozenset({A, CO, DD, IU}),
    "record.import": frozenset({DD}),
    "record.withdraw": frozenset({DD}),
    # serious dishonest lists (xinyong.listing): the determining department acts on its own cases
    "listing.types": frozenset({A, CO, DD, IU, SU, PU}),
    "listing.read": frozenset({A, CO, DD}),
    "listing.deadlines": frozenset({A, CO, DD}),
    "listing.document": frozenset({A, CO, DD}),
    "listing.propose": frozenset({DD}),
    "listing.notice": frozenset({DD}),
    "listing.justify": frozenset({DD}),
    "listing.objection": frozenset({DD}),
    "listing.answer": frozenset({DD}),
    "listing.decide": frozenset({DD}),
    "listing.list": frozenset({DD}),
    "listing.remove": frozenset({DD}),
    "listing.withdraw": frozenset({DD}),
    "listing.amend": frozenset({DD}),
    "listing.rectify": frozenset({DD}),
    "listing.interview": frozenset({DD}),
    "listing.review": frozenset({DD}),
    "listing.approve": frozenset({DD}),  # 四眼审核: a second officer of the department
    "listing.consent": frozenset({DD}),  # 上一级同意: the same-field department one level up
    "listing.nonconforming": frozenset({A, CO}),  # 国办发〔2020〕49号 过渡期清理
    "listing.voided": frozenset({A, CO}),
    "listing.expire": frozenset({A}),  # the platform's daily batch (xinyong listing expire)
    # disclosure, sharing, subjects' own access, objections, consent (xinyong.disclosure)
    "disclosure.public_read": frozenset({A, CO, DD, IU, SU, PU}),
    "disclosure.share": frozenset({A, CO, DD, IU}),
    "disclosure.share_scope.manage": frozenset({A}),
    "disclosure.self_read": frozenset({SU}),
    "disclosure.objection.file": frozenset({SU}),
    "disclosure.objection.read": frozenset({A, CO, DD, SU}),
    "disclosure.objection.answer": frozenset({DD}),
    "disclosure.consent.write": frozenset({A, CO, SU}),
    "disclosure.consent.read": frozenset({A, CO, SU}),
    "disclosure.deadline.read": frozenset({A, CO, DD}),
    "disclosure.expire": frozenset({A}),
    # reporting upward (国办发〔2020〕49号 §（五）): the national-column export, the upstream channel
    "disclosure.export": frozenset({A, CO, DD}),
    "disclosure.upstream.read": frozenset({A, CO}),
    "disclosure.upstream.manage": frozenset({A}),
    # credit repair (xinyong.repair): subject applies and reads its own; departments decide their parts
    "repair.apply": frozenset({A, CO, SU}),
    "repair.read": frozenset({A, CO, DD, SU}),
    "repair.decide": frozenset({DD}),  # 谁认定、谁修复: only the determining department
    "repair.oversee": frozenset({A, CO}),
    "repair.support": frozenset({A, CO, SU}),
    "repair.training.record": frozenset({A, CO}),
    "repair.agency.read": frozenset({A, CO, DD, IU, SU, PU}),
    "repair.agency.manage": frozenset({A, CO}),
    "repair.commitment.public_read": frozenset({A, CO, DD, IU, SU, PU}),
    # cleanup ledger (xinyong.ledger): units keep their own ledger, the credit office oversees
    "ledger.read": frozenset({A, CO, DD, IU}),
    "ledger.write": frozenset({A, CO, DD, IU}),
    "ledger.decide": frozenset({A, CO, DD, IU}),
    "ledger.submit": frozenset({A, CO, DD, IU}),
    "ledger.rollup": frozenset({A, CO}),
    "ledger.manage": frozenset({A, CO}),
    # measures, screening, joint punishment, targeted push (xinyong.measures)
    "measures.read": frozenset({A, CO, DD, IU, SU, PU}),
    "measures.check": frozenset({A, CO, DD, IU}),
    "measures.screen": frozenset({A, CO, DD, IU}),
    "measures.case_open": frozenset({A, CO, DD, IU}),
    "measures.case_read": frozenset({A, CO, DD, IU}),
    "measures.case_respond": frozenset({IU}),  # only the unit the case was pushed to (893 §六)
    "measures.case_typical": frozenset({A, CO}),
    "push.manage": frozenset({A, CO}),
    "push.read": frozenset({A, CO}),
    # 实施单位名录 (893 §六/§七): the platform and credit offices register units; every party to a case reads it
    "measures.unit_manage": frozenset({A, CO}),
    "measures.unit_read": frozenset({A, CO, DD, IU}),
    # an implementing unit reads the delivery state of its own registered channel
    "push.own_read": frozenset({IU}),
    # credit service agencies under supervision (xinyong.agencies; 淮政办发〔2021〕13号 §五（四）, 893 §十六)
    "agency.read": frozenset({A, CO, DD, IU, SU, PU}),
    "agency.manage": frozenset({A, CO}),
    "agency.file.read": frozenset({A, CO}),
    "agency.supervise": frozenset({A, CO}),
    "agency.request.file": frozenset({A, CO, SU}),
    "agency.request.read": frozenset({SU}),
    "agency.request.answer": frozenset({A, CO}),
    # citizens' and companies' own accounts (xinyong.subject_accounts): the office issues one-time codes
    "subject_account.code.issue": frozenset({A, CO}),
    # principals
    "principal.manage": frozenset({A}),
    "access_log.read": frozenset({A, CO}),
    # statistics and evaluation (xinyong.statistics; 893号 §十九, 国办发〔2020〕49号 §（七）): figures and
    # the rows behind them carry no subject; the evaluator (评估人员) reads them and nothing else
    "statistics.read": frozenset({A, CO, DD, Role.evaluator}),
    "statistics.rows": frozenset({A, CO, DD, Role.evaluator}),
    "statistics.typical.read": frozenset({A, CO, DD, Role.evaluator}),
    "statistics.typical.mark": frozenset({A, CO, DD}),
    "statistics.typical.publish": frozenset({A, CO}),
    "statistics.typical.public_read": frozenset({A, CO, DD, IU, SU, PU, Role.evaluator}),
    # operations: the scheduler's job runs
    "ops.job_runs.read": frozenset({A}),
}


def is_allowed(role: str, action: str) -> bool:
    try:
        r = Role(role)
    except ValueError:
        return False
    return r in ALLOWED.get(action, frozenset())


# --- attribute checks (called by xinyong.core.access.guard after the role check) -----------------
# 国办发〔2020〕49号 §（十三）: 明确信息查询使用权限和程序; the share scope is fixed per catalog item
# (xinyong.catalog.rules.ShareScope). Each function returns a Chinese reason when it denies, else None.

#: purposes each role may state; roles not listed may state any purpose (the handler fixes the
#: purpose of each route; the public can only ever make a public inquiry)
ROLE_PURPOSES: dict[Role, frozenset[str]] = {
    Role.public: frozenset({"public_inquiry"}),
    Role.evaluator: frozenset({"supervision", "public_inquiry"}),
}

#: the share scope (catalog ShareScope value) a receiving role belongs to
ROLE_SHARE_SCOPE: dict[Role, frozenset[str]] = {
    Role.credit_office: frozenset({"government", "national_platform"}),
    Role.determining_department: frozenset({"government"}),
    # the catalog tells government bodies and implementing units apart (ShareScope): an implementing unit
    # receives what is shared with implementing units, whatever else it is (records.service.share_denial)
    Role.implementing_unit: frozenset({"implementing_units"}),
}

#: roles bound to their own region for reads of subjects' data (when the caller passes the region)
REGION_BOUND_ROLES: frozenset[Role] = frozenset({Role.implementing_unit})
#: actions on a department's own decisions, which only that department may take (when passed)
DEPARTMENT_BOUND_ACTIONS: frozenset[str] = frozenset({"record.write", "repair.decide"})
#: actions reading the access log require the purpose 审查
AUDIT_ACTIONS: frozenset[str] = frozenset({"access_log.read"})


def purpose_denial(role: Role, action: str, purpose: str) -> str | None:
    allowed = ROLE_PURPOSES.get(role)
    if allowed is not None and purpose not in allowed:
        return f"{ROLE_NAMES_ZH[role]}不能以该目的（{purpose}）查询或办理"
    if action in AUDIT_ACTIONS and purpose != "audit":
        return "查阅查询使用登记须以“审查”为目的"
    return None


def subject_scope_denial(role: Role, action: str, actor_subject_key: str | None,
                         subject_key: str | None) -> str | None:
    """A subject reaches only its own data, except what is open to the public anyway."""
    if role is not Role.subject or Role.public in ALLOWED.get(action, frozenset()):
        return None
    if actor_subject_key is None:
        return "该信用主体账户未绑定本人身份，不能查询或办理"
    if subject_key is not None and subject_key != actor_subject_key:
        return "信用主体只能查询、办理本人的信息"
    return None


def region_denial(role: Role, action: str, actor_region: str | None, region: str | None) -> str | None:
    if role not in REGION_BOUND_ROLES or actor_region is None or region is None:
        return None
    if Role.public in ALLOWED.get(action, frozenset()):
        return None
    if not region_within(actor_region, region):
        return f"本单位只能查询本行政区划（{actor_region}）内信用主体的信息"
    return None


def department_denial(role: Role, action: str, actor_department: str | None,
                      owner_department: str | None) -> str | None:
    if role is not Role.determining_department or action not in DEPARTMENT_BOUND_ACTIONS:
        return None
    if owner_department is not None and actor_department != owner_department:
        return f"只能办理本部门（{actor_department or '未设定'}）作出的认定，该事项属于{owner_department}"
    return None


def share_scope_denial(role: Role, share_scope: frozenset[str] | None) -> str | None:
    """Shared catalog items reach only the receivers in their share scope (共享范围)."""
    if share_scope is None or role is Role.admin:
        return None
    mine = ROLE_SHARE_SCOPE.get(role, frozenset())
    if not (mine & share_scope):
        return f"该目录项的共享范围不包括{ROLE_NAMES_ZH[role]}"
    return None


def attribute_denial(
    role: Role,
    action: str,
    *,
    purpose: str,
    actor_subject_key: str | None = None,
    subject_key: str | None = None,
    actor_region: str | None = None,
    region: str | None = None,
    actor_department: str | None = None,
    owner_department: str | None = None,
    share_scope: frozenset[str] | None = None,
) -> str | None:
    """The first attribute rule that denies ``action`` (None: allowed). Pure; guard calls it."""
    return (
        purpose_denial(role, action, purpose)
        or subject_scope_denial(role, action, actor_subject_key, subject_key)
        or region_denial(role, action, actor_region, region)
        or department_denial(role, action, actor_department, owner_department)
        or share_scope_denial(role, share_scope)
    )
