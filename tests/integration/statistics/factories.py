"""Rows of every capability, built through the owners' models with every required column filled, so a
statistics test states only what it counts. Times are given in Beijing time and stored in UTC."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from xinyong.agencies.models import CreditAgency
from xinyong.core.clock import CHINA_TZ, UTC
from xinyong.disclosure.models import Objection
from xinyong.listing.models import Interview, ListingCase, RectificationOrder
from xinyong.measures.models import PunishmentCase
from xinyong.records.models import Record
from xinyong.repair.models import (
    CreditCommitment,
    CreditReport,
    RepairApplication,
    RepairPart,
    TrainingAttendance,
)
from xinyong.subjects.models import Subject

_seq = itertools.count(1)
NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def beijing(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ).astimezone(UTC)


def subject(s: Session, region: str = "320812", *, name: str | None = None, kind: str = "organisation",
            code: str | None = None) -> str:
    n = next(_seq)
    key = f"stat-subject-{n:06d}"
    s.add(Subject(subject_key=key, kind=kind, name=name or f"淮安市统计测试{n}有限公司", uscc=None,
                  display_code=code or f"91{region}MA{n:08d}", region_code=region, created_at=NOW))
    s.flush()
    return key


def record(s: Session, subject_key: str, *, decided: dt.date, published: dt.datetime | None = None,
           item: str = "admin-penalty", region: str = "320812", department: str = "淮安市市场监督管理局",
           severity: str = "general", status: str = "active") -> int:
    n = next(_seq)
    r = Record(subject_key=subject_key, catalog_item=item, catalog_id="national", catalog_edition="2024",
               region_code=region, document_type="administrative_penalty", document_number=f"淮统罚〔2026〕{n}号",
               issuing_authority=department, department=department, decision_date=decided, effective_date=decided,
               summary="统计测试记录", severity=severity, status=status,
               created_at=published or beijing(decided.year, decided.month, decided.day))
    s.add(r)
    s.flush()
    return r.id


def listing_case(s: Session, subject_key: str, *, list_type: str = "gov-procurement", region: str = "320812",
                 department: str = "淮安市财政局", proposed: dt.date, **values: Any) -> int:
    c = ListingCase(subject_key=subject_key, subject_name="统计测试主体", subject_kind="organisation",
                    subject_display_code="913208120000000000", list_type_id=list_type, kind="blacklist",
                    region_code=region, department=department, record_ids=[], reason="统计测试", state=values.pop(
                        "state", "proposed"), proposed_on=proposed, created_at=NOW, updated_at=NOW, **values)
    s.add(c)
    s.flush()
    return c.id


def objection(s: Session, subject_key: str, record_id: int, *, filed: dt.date, due: dt.date,
              answered: dt.date | None = None, outcome: str | None = None,
              department: str = "淮安市市场监督管理局") -> int:
    o = Objection(record_id=record_id, subject_key=subject_key, department=department, filed_by="统计测试",
                  reason="统计测试异议", filed_at=beijing(filed.year, filed.month, filed.day), filed_on=filed,
                  due_on=due, status="answered" if answered else "open", outcome=outcome, answered_on=answered)
    s.add(o)
    s.flush()
    return o.id


def repair_part(s: Session, subject_key: str, *, filed: dt.date, deadline: dt.date, decided: dt.date | None = None,
                status: str = "pending", outcome: str | None = None,
                department: str = "淮安市市场监督管理局") -> int:
    n = next(_seq)
    a = RepairApplication(number=f"XF2026{n:06d}", subject_key=subject_key, applicant_name="统计测试",
                          statement="申请修复", filed_on=filed, filed_at=beijing(filed.year, filed.month, filed.day),
                          filed_by="统计测试", reply_deadline=deadline)
    s.add(a)
    s.flush()
    p = RepairPart(application_id=a.id, target_kind="record", target_id=n, target_code="admin-penalty",
                   target_label="行政处罚", department=department, severity="general", document_date=filed,
                   deadline=deadline, status=status, decided_on=decided, outcome=outcome)
    s.add(p)
    s.flush()
    return p.id


def commitment(s: Session, subject_key: str, signed: dt.date) -> None:
    s.add(CreditCommitment(subject_key=subject_key, text="信用承诺", signer="统计测试", signed_on=signed, created_at=NOW))


def training(s: Session, subject_key: str, attended: dt.date) -> None:
    s.add(TrainingAttendance(subject_key=subject_key, provider="淮安市信用办", course="信用修复培训",
                             hours=Decimal("2.0"), attended_on=attended, attendee="统计测试", recorded_by="统计测试",
                             created_at=NOW))


def credit_report(s: Session, subject_key: str, issued: dt.date) -> None:
    n = next(_seq)
    agency = CreditAgency(name=f"统计测试信用服务机构{n}", uscc=f"91320800MA{n:08d}", filing_number=f"备{n}",
                          status="active", created_at=NOW, updated_at=NOW)
    s.add(agency)
    s.flush()
    s.add(CreditReport(subject_key=subject_key, agency_id=agency.id, report_number=f"BG{n}", issued_on=issued,
                       summary="信用报告", created_at=NOW))


def rectification(s: Session, case_id: int, subject_key: str, *, ordered: dt.date, due: dt.date,
                  status: str = "open", confirmed: dt.date | None = None) -> int:
    r = RectificationOrder(case_id=case_id, subject_key=subject_key, requirements="限期整改", ordered_on=ordered,
                           due_on=due, status=status, confirmed_on=confirmed, created_at=NOW)
    s.add(r)
    s.flush()
    return r.id


def interview(s: Session, rect_id: int, case_id: int, subject_key: str, *, held: dt.date, kind: str = "prompting",
              outcome: str = "held", department: str = "淮安市财政局") -> None:
    s.add(Interview(rectification_id=rect_id, case_id=case_id, subject_key=subject_key, kind=kind,
                    department=department, held_on=held, outcome=outcome, record="约谈记录", created_at=NOW))


def punishment(s: Session, subject_key: str, *, initiated: dt.datetime, due: dt.date, region: str = "320812",
               unit: str = "淮安市住房和城乡建设局", responded: dt.datetime | None = None,
               feedback: dt.datetime | None = None, feedback_due: dt.date | None = None,
               status: str = "initiated") -> int:
    c = PunishmentCase(subject_key=subject_key, subject_name="统计测试主体", subject_display_code="913208120000000000",
                       subject_region=region, measure_code="m1", measure_name="限制参与政府采购", category=1,
                       obligation=True, matter="procurement", basis="依据", trigger={}, explanation="说明", unit=unit,
                       initiated_by="淮安市信用办", initiated_at=initiated, due_date=due, status=status,
                       responded_at=responded, feedback_at=feedback, feedback_due=feedback_due, typical=False)
    s.add(c)
    s.flush()
    return c.id
