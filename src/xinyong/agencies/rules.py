"""Pure rules of agency supervision: facts and the date in, decisions and Chinese reasons out.

淮政办发〔2021〕13号 §五（四）: 信用服务机构应当确保信用信息准确、完整；信用主体认为其采集的信息存在错误或者
侵犯其商业秘密、个人隐私等合法权益的，信用服务机构应当及时予以更正、删除；违反相关规定的，责令整改。
发改办财金〔2018〕893号 §十一: 信用报告由具有资质的信用服务机构出具; §十六: 建立相关机构的信用档案.

The reference says 及时 (promptly) and fixes no period for the agency's answer or the office's supervision;
the periods are therefore data (``rules/national/agencies/time_limits.yaml``) carrying
``basis_verified: false``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from xinyong.core.rulefiles import RuleError


class AgencyStatus(StrEnum):
    active = "active"
    suspended = "suspended"


STATUS_NAMES = {AgencyStatus.active: "正常", AgencyStatus.suspended: "已暂停"}


class RequestKind(StrEnum):
    correction = "correction"  # 更正
    deletion = "deletion"  # 删除


REQUEST_KIND_NAMES = {RequestKind.correction: "更正申请", RequestKind.deletion: "删除申请"}

#: the grounds 13号 §五（四） names
GROUNDS = {
    "error": "信息存在错误",
    "trade_secret": "侵犯商业秘密",
    "privacy": "侵犯个人隐私",
    "other_rights": "侵犯其他合法权益",
}


class RequestStatus(StrEnum):
    awaiting_agency = "awaiting_agency"  # 待机构答复
    awaiting_office = "awaiting_office"  # 机构已答复，待信用办督办
    closed = "closed"  # 已办结


REQUEST_STATUS_NAMES = {
    RequestStatus.awaiting_agency: "待机构答复",
    RequestStatus.awaiting_office: "待信用办督办",
    RequestStatus.closed: "已办结",
}

#: what the agency did with the request
AGENCY_ANSWERS = {"corrected": "已更正", "deleted": "已删除", "refused": "不予更正或删除（附理由）"}
#: the office's supervision conclusion
SUPERVISION_OUTCOMES = {
    "confirmed": "机构处理得当，予以确认",
    "ordered": "机构处理不当，责令整改",
}

FILE_ENTRY_KINDS = {"complaint": "投诉", "finding": "查处认定"}


@dataclass(frozen=True)
class TimeLimits:
    agency_answer_workdays: int
    office_supervision_workdays: int
    basis_verified: bool
    note: str


def parse_time_limits(raw: Any, source: str) -> TimeLimits:
    """``time_limits.yaml``: both periods positive integers (working days) and their basis stated."""
    if not isinstance(raw, dict) or not isinstance(raw.get("time_limits"), dict):
        raise RuleError(f"{source}: 须有 time_limits")
    t = raw["time_limits"]
    out: dict[str, int] = {}
    for key in ("agency_answer_workdays", "office_supervision_workdays"):
        value = t.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
            raise RuleError(f"{source}: {key} 须为1至60的工作日天数")
        out[key] = value
    basis = t.get("basis")
    if not isinstance(basis, list) or not basis or not all(isinstance(b, dict) for b in basis):
        raise RuleError(f"{source}: 须写明时限依据 basis")
    verified = all(b.get("basis_verified") is True for b in basis)
    note = "；".join(str(b.get("note") or b.get("doc_number") or "") for b in basis)
    return TimeLimits(out["agency_answer_workdays"], out["office_supervision_workdays"], verified, note)


@dataclass(frozen=True)
class Qualification:
    name: str
    valid_from: dt.date
    valid_until: dt.date | None


def qualification_in_force(q: Qualification, on: dt.date) -> bool:
    return q.valid_from <= on and (q.valid_until is None or on <= q.valid_until)


def check_qualification_dates(valid_from: dt.date, valid_until: dt.date | None) -> str | None:
    if valid_until is not None and valid_until < valid_from:
        return "资质有效期截止日期不能早于起始日期"
    return None


def report_refusal(name: str, status: str, status_reason: str | None,
                   qualifications: list[Qualification], issued_on: dt.date) -> str | None:
    """Why a credit report of this agency is not accepted in a repair (893 §十一), or None.

    A suspended agency's reports are refused whatever their date; otherwise the agency must have held a
    qualification in force on the day the report was issued (an agency registered without any
    qualification recorded — the registry before qualifications were kept — is judged on its status only).
    """
    if status != AgencyStatus.active:
        why = f"：{status_reason}" if status_reason else ""
        return f"信用服务机构“{name}”已被暂停{why}，其出具的信用报告不予采用"
    if qualifications and not any(qualification_in_force(q, issued_on) for q in qualifications):
        return (f"信用服务机构“{name}”在报告出具日（{issued_on.isoformat()}）没有有效资质，"
                "其出具的信用报告不予采用")
    return None


def suspension_denial(status: str, *, suspend: bool, reason: str) -> str | None:
    if suspend and status == AgencyStatus.suspended:
        return "该信用服务机构已处于暂停状态"
    if not suspend and status == AgencyStatus.active:
        return "该信用服务机构未被暂停，无需恢复"
    if suspend and not reason.strip():
        return "暂停信用服务机构须写明理由"
    return None


@dataclass(frozen=True)
class RequestFacts:
    status: str
    answer_deadline: dt.date
    supervision_deadline: dt.date


def overdue_kind(r: RequestFacts, today: dt.date) -> str | None:
    """Which deadline of an open request has passed: the agency's answer, or the office's supervision."""
    if r.status == RequestStatus.awaiting_agency and today > r.answer_deadline:
        return "agency"
    if r.status != RequestStatus.closed and today > r.supervision_deadline:
        return "office"
    return None


OVERDUE_NAMES = {"agency": "机构逾期未答复", "office": "信用办督办逾期"}


def rectification_overdue(deadline: dt.date, completed_on: dt.date | None, today: dt.date) -> bool:
    return completed_on is None and today > deadline
