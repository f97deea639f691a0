"""Who may do what: one policy, deny by default (国办发〔2020〕49号 §（十三）明确信息查询使用权限).

Every action a handler guards must be listed here; an action that is not listed is refused for
everyone. Capabilities add their actions to :data:`ALLOWED`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"  # 平台管理员
    credit_office = "credit_office"  # 信用办
    determining_department = "determining_department"  # 认定部门
    implementing_unit = "implementing_unit"  # 实施单位
    subject = "subject"  # 信用主体本人
    public = "public"  # 社会公众


ROLE_NAMES_ZH: dict[Role, str] = {
    Role.admin: "平台管理员",
    Role.credit_office: "信用办",
    Role.determining_department: "认定部门",
    Role.implementing_unit: "实施单位",
    Role.subject: "信用主体",
    Role.public: "社会公众",
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
    "credit_file.read": frozenset({A, CO, DD, IU}),
    # catalog
    "catalog.read": frozenset({A, CO, DD, IU, SU, PU}),
    # dishonesty records
    "record.write": frozenset({A, DD}),
    "record.read": frozenset({A, CO, DD, IU}),
    "record.import": frozenset({A, DD}),
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
    # disclosure, sharing, subjects' own access, objections, consent (xinyong.disclosure)
    "disclosure.public_read": frozenset({A, CO, DD, IU, SU, PU}),
    "disclosure.share": frozenset({A, CO, DD, IU}),
    "disclosure.share_scope.manage": frozenset({A}),
    "disclosure.self_read": frozenset({SU}),
    "disclosure.objection.file": frozenset({SU}),
    "disclosure.objection.read": frozenset({A, CO, DD, SU}),
    "disclosure.objection.answer": frozenset({A, CO, DD}),
    "disclosure.consent.write": frozenset({A, CO, SU}),
    "disclosure.consent.read": frozenset({A, CO, SU}),
    "disclosure.deadline.read": frozenset({A, CO, DD}),
    "disclosure.expire": frozenset({A}),
    # credit repair (xinyong.repair): subject applies and reads its own; departments decide their parts
    "repair.apply": frozenset({A, CO, SU}),
    "repair.read": frozenset({A, CO, DD, SU}),
    "repair.decide": frozenset({A, DD}),
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
    "measures.case_respond": frozenset({A, CO, IU}),
    "measures.case_typical": frozenset({A, CO}),
    "push.manage": frozenset({A, CO}),
    "push.read": frozenset({A, CO}),
    # principals
    "principal.manage": frozenset({A}),
    "access_log.read": frozenset({A, CO}),
}


def is_allowed(role: str, action: str) -> bool:
    try:
        r = Role(role)
    except ValueError:
        return False
    return r in ALLOWED.get(action, frozenset())
