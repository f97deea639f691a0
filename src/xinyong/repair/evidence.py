"""Supporting evidence of a repair: public credit commitments, repair training, credit reports, and the
registry of qualified credit service agencies whose reports are accepted.

发改办财金〔2018〕893号 §九（信用承诺，向社会公开）、§十（信用修复培训，不少于3个学时）、§十一（信用报告）.
Each public function taking an ``actor`` is a use case (:mod:`xinyong.core.usecase`); the functions taking
a ``session`` are the writes and reads they call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import public as registry
from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.policy import Role
from xinyong.core.usecase import Door, use_case
from xinyong.repair.models import CreditCommitment, CreditReport, RepairPart, TrainingAttendance
from xinyong.repair.shared import oversight_denial, subject_by_ref, subject_key_of, subject_region

#: commitment template (发改办财金〔2018〕893号 §九; 36号令 as reported: 材料真实有效、愿意承担违反承诺的责任)
COMMITMENT_TEMPLATE = (
    "本主体郑重承诺：一、已纠正失信行为、履行相关义务，所提交的信用修复材料真实、有效；"
    "二、今后依法诚信经营，严格遵守法律法规和行业规范；三、自愿接受社会监督；"
    "四、如违背承诺，自愿接受联合惩戒并承担相应法律责任。"
)


def _admit_subject(door: Door, subject_code: str | None, what: str, **detail: Any) -> str:
    """The subject acted on: the subject itself, or one the credit office oversees (its territory)."""
    key = subject_key_of(door.session, door.actor, subject_code)
    door.admit(subject_key=key, detail=detail or None)
    door.require(oversight_denial(door.actor, subject_region(door.session, key), what))
    return key


# --- use cases ------------------------------------------------------------------------------------------


def make_commitment(actor: Actor, subject_code: str | None, *, text: str, signer: str) -> dict[str, Any]:
    """A subject (or the credit office at the window) makes a public credit commitment."""
    with use_case(actor, "repair.support", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "代为作出该主体的信用承诺")
        c = add_commitment(door.session, key, text=text, signer=signer)
        return {"id": c.id, "signed_on": c.signed_on.isoformat(), "text": c.text, "signer": c.signer}


def record_training(actor: Actor, subject_code: str | None, *, provider: str, course: str, hours: Any,
                    attended_on: dt.date, attendee: str, certificate_number: str | None) -> dict[str, Any]:
    """The credit office records repair training of a subject of its territory."""
    with use_case(actor, "repair.training.record", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "登记该主体的信用修复培训")
        t = add_training(door.session, key, provider=provider, course=course, hours=hours,
                         attended_on=attended_on, attendee=attendee, certificate_number=certificate_number,
                         recorded_by=actor.department or actor.name)
        return {"id": t.id, "hours": format(t.hours, "f"), "attended_on": t.attended_on.isoformat()}


def submit_report(actor: Actor, subject_code: str | None, *, agency_id: int, report_number: str,
                  issued_on: dt.date, summary: str) -> dict[str, Any]:
    """A subject submits a credit report issued by a registered, active agency."""
    with use_case(actor, "repair.support", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "代为提交该主体的信用报告", agency=agency_id)
        r = add_report(door.session, key, agency_id=agency_id, report_number=report_number,
                       issued_on=issued_on, summary=summary)
        return {"id": r.id, "report_number": r.report_number, "issued_on": r.issued_on.isoformat()}


def read_supporting(actor: Actor, subject_code: str | None) -> dict[str, list[dict[str, Any]]]:
    """A subject's commitments, training and reports: the subject itself, a department the subject's
    application was routed to, the credit office of its territory, the administrator."""
    with use_case(actor, "repair.read", purpose=Purpose.repair) as door:
        key = _admit_subject(door, subject_code, "查阅该主体的信用修复材料")
        if actor.role is Role.determining_department:
            door.require(_routed_denial(door.session, actor, key))
        out = supporting(door.session, key)
        door.count(sum(len(v) for v in out.values()))
        return out


def list_agencies(actor: Actor, *, active_only: bool = False,
                  purpose: Purpose = Purpose.public_inquiry) -> list[dict[str, Any]]:
    """The public registry of qualified credit service agencies."""
    with use_case(actor, "repair.agency.read", purpose=purpose) as door:
        door.admit()
        rows = [describe_agency(a) for a in agencies(door.session) if not active_only or a.status == "active"]
        door.count(len(rows))
        return rows


def manage_agencies(actor: Actor) -> list[dict[str, Any]]:
    """The registry as its managers (credit office, administrator) see it."""
    with use_case(actor, "repair.agency.manage", purpose=Purpose.supervision) as door:
        door.admit()
        rows = [describe_agency(a) for a in agencies(door.session)]
        door.count(len(rows))
        return rows


def register_agency(actor: Actor, *, name: str, uscc: str, filing_number: str) -> dict[str, Any]:
    with use_case(actor, "repair.agency.manage", purpose=Purpose.supervision, detail={"uscc": uscc}) as door:
        door.admit()
        return describe_agency(add_agency(door.session, name=name, uscc=uscc, filing_number=filing_number))


def change_agency_status(actor: Actor, agency_id: int, *, active: bool, reason: str) -> dict[str, Any]:
    """Suspend (its reports are no longer accepted) or reinstate an agency."""
    with use_case(actor, "repair.agency.manage", purpose=Purpose.supervision,
                  detail={"agency": agency_id, "active": active}) as door:
        door.admit()
        return describe_agency(set_agency_status(door.session, agency_id, active=active, reason=reason,
                                                  by=actor.department or actor.name))


def commitments_of(actor: Actor, ref: str, *, masked: bool | None = None) -> dict[str, Any]:
    """A subject's public credit commitments (893 §九: 向社会公开), by code or subject key. Personal
    names are masked for the public (``masked=None``) or whenever ``masked`` is set (public pages)."""
    with use_case(actor, "repair.commitment.public_read", purpose=Purpose.public_inquiry) as door:
        hide = actor.role is Role.public if masked is None else masked
        none = NotFound("no_commitments", "未找到该主体公开的信用承诺")
        try:
            key, who = subject_by_ref(door.session, ref)
        except NotFound:
            if hide:  # the same answer whether or not the subject exists
                raise none from None
            raise
        door.admit(subject_key=key)
        rows = public_commitments(door.session, key, masked=hide)
        if hide and not rows:  # the public learns nothing of a person without a commitment
            raise none
        if hide and who.get("kind") == "individual":
            from xinyong.core.masking import mask_name

            who = {**who, "name": mask_name(str(who.get("name") or ""))}
        door.count(len(rows))
        return {"subject": who, "rows": rows}


def _routed_denial(session: Session, actor: Actor, subject_key: str) -> str | None:
    from xinyong.repair.models import RepairApplication

    routed = session.scalar(select(RepairPart.id).join(
        RepairApplication, RepairApplication.id == RepairPart.application_id).where(
        RepairApplication.subject_key == subject_key, RepairPart.department == actor.department).limit(1))
    if routed is None:
        return "该主体没有分送本部门办理的信用修复事项，不能查阅其修复材料"
    return None


# --- writes and reads ------------------------------------------------------------------------------------


def add_commitment(session: Session, subject_key: str, *, text: str, signer: str,
                   today: dt.date | None = None) -> CreditCommitment:
    """A public credit commitment (893 §九: 通过信用网站向社会公开，记入信用记录)."""
    body = text.strip()
    if len(body) < 20:
        raise ValidationFailed("commitment_too_short", "信用承诺内容过短，请写明守法诚信、接受监督、违诺担责等承诺事项")
    if not signer.strip():
        raise ValidationFailed("missing_signer", "请填写承诺人（法定代表人或本人）姓名")
    c = CreditCommitment(subject_key=subject_key, text=body, signer=signer.strip()[:200],
                         signed_on=today or clock.today(), created_at=clock.now())
    session.add(c)
    session.flush()
    return c


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("invalid_hours", "培训学时须为数字") from None
    if not hours.is_finite() or hours <= 0 or hours > 100 or hours != hours.quantize(Decimal("0.1")):
        raise ValidationFailed("invalid_hours", "培训学时须大于0、不超过100，最多一位小数")
    return hours


def add_training(session: Session, subject_key: str, *, provider: str, course: str, hours: Any,
                 attended_on: dt.date, attendee: str, certificate_number: str | None, recorded_by: str,
                 today: dt.date | None = None) -> TrainingAttendance:
    """Repair training attendance (893 §十: 不少于3个学时，记入失信主体信用记录)."""
    if attended_on > (today or clock.today()):
        raise ValidationFailed("future_training", "培训日期不能晚于今天")
    if not provider.strip() or not course.strip() or not attendee.strip():
        raise ValidationFailed("training_incomplete", "请填写培训举办单位、课程名称和参训人")
    t = TrainingAttendance(
        subject_key=subject_key, provider=provider.strip()[:200], course=course.strip()[:200],
        hours=_hours(hours), attended_on=attended_on, attendee=attendee.strip()[:100],
        certificate_number=(certificate_number or "").strip() or None, recorded_by=recorded_by,
        created_at=clock.now(),
    )
    session.add(t)
    session.flush()
    return t


def add_report(session: Session, subject_key: str, *, agency_id: int, report_number: str,
               issued_on: dt.date, summary: str, today: dt.date | None = None) -> CreditReport:
    """A credit report issued by a registered, active credit service agency (893 §十一)."""
    agency = registry.require_report_agency(session, agency_id, issued_on)  # suspended/unqualified: refused
    if issued_on > (today or clock.today()):
        raise ValidationFailed("future_report", "报告出具日期不能晚于今天")
    if not report_number.strip():
        raise ValidationFailed("missing_report_number", "请填写信用报告编号")
    r = CreditReport(subject_key=subject_key, agency_id=agency.id, report_number=report_number.strip()[:100],
                     issued_on=issued_on, summary=summary.strip(), created_at=clock.now())
    session.add(r)
    session.flush()
    return r


def add_agency(session: Session, *, name: str, uscc: str, filing_number: str) -> Any:
    """Register an agency in the one registry (:mod:`xinyong.agencies`)."""
    return registry.register(session, name=name, uscc=uscc, filing_number=filing_number)


def set_agency_status(session: Session, agency_id: int, *, active: bool, reason: str, by: str = "信用办") -> Any:
    """Suspend or reinstate in the one registry; the suspension history is kept there."""
    return registry.set_status(session, agency_id, active=active, reason=reason, by=by)


def agencies(session: Session) -> list[registry.AgencyView]:
    return registry.all_agencies(session)


def describe_agency(a: Any) -> dict[str, Any]:
    return registry.describe(a)


def public_commitments(session: Session, subject_key: str, *, masked: bool = False) -> list[dict[str, Any]]:
    """Commitments are public (893 §九: 通过“信用中国”网站向社会公开); on public pages the signer's
    name is masked like every personal name (disclosure.masking)."""
    from xinyong.core.masking import mask_name

    rows = session.scalars(select(CreditCommitment).where(CreditCommitment.subject_key == subject_key)
                           .order_by(CreditCommitment.signed_on.desc(), CreditCommitment.id.desc()))
    return [{"id": c.id, "text": c.text, "signer": mask_name(c.signer) if masked else c.signer,
             "signed_on": c.signed_on.isoformat()} for c in rows]


def supporting(session: Session, subject_key: str) -> dict[str, list[dict[str, Any]]]:
    trainings = session.scalars(select(TrainingAttendance).where(TrainingAttendance.subject_key == subject_key)
                                .order_by(TrainingAttendance.attended_on.desc()))
    reports = list(session.scalars(select(CreditReport).where(CreditReport.subject_key == subject_key)
                                   .order_by(CreditReport.issued_on.desc())))
    named = registry.agency_views(session, {r.agency_id for r in reports})
    return {
        "commitments": public_commitments(session, subject_key),
        "trainings": [{"id": t.id, "provider": t.provider, "course": t.course,
                       "hours": format(Decimal(t.hours).normalize(), "f"),
                       "attended_on": t.attended_on.isoformat(), "attendee": t.attendee,
                       "certificate_number": t.certificate_number} for t in trainings],
        "credit_reports": [{"id": r.id, "agency": named[r.agency_id].name,
                            "agency_status": named[r.agency_id].status,
                            "refusal": registry.report_refusal(session, r.agency_id, r.issued_on),
                            "report_number": r.report_number, "issued_on": r.issued_on.isoformat(),
                            "summary": r.summary} for r in reports],
    }
