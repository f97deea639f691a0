"""Tables of agency supervision. ``credit_agencies`` was created by repair (repair_0001) and is owned
here from agencies_0001 on; repair refers to it only by id (``repair_credit_reports.agency_id``) and asks
:mod:`xinyong.agencies.public` whether a report of the agency may be used."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class CreditAgency(Base):
    """A credit service agency of the registry (具有资质的信用服务机构, 893 §十一; 13号 §五（四） oversight)."""

    __tablename__ = "credit_agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    filing_number: Mapped[str] = mapped_column(String(100))  # 备案编号
    status: Mapped[str] = mapped_column(String(16))  # rules.AgencyStatus
    status_reason: Mapped[str | None] = mapped_column(Text)
    #: the division (行政区划代码) whose credit office supervises the agency (agencies_0001)
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgencyQualification(Base):
    """资质: what the agency is qualified for, by whom, and from when to when."""

    __tablename__ = "agency_qualifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    certificate_number: Mapped[str] = mapped_column(String(100))
    issued_by: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgencyStatusChange(Base):
    """Suspension history: every suspension and reinstatement, with its reason."""

    __tablename__ = "agency_status_changes"
    __table_args__ = (CheckConstraint("action IN ('suspend', 'reinstate')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgencyFileEntry(Base):
    """A complaint against the agency or a finding (查处认定) of a breach: the agency's credit file."""

    __tablename__ = "agency_file_entries"
    __table_args__ = (CheckConstraint("kind IN ('complaint', 'finding')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))  # complainant or inspecting unit
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgencyRectification(Base):
    """责令整改 (13号 §五（四）): what must be put right, by when, and when it was."""

    __tablename__ = "agency_rectifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("agency_file_entries.id"))
    request_id: Mapped[int | None] = mapped_column(Integer)
    requirement: Mapped[str] = mapped_column(Text)
    ordered_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_note: Mapped[str | None] = mapped_column(Text)
    ordered_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgencyRequest(Base):
    """A subject's correction or deletion request (更正/删除申请) about information an agency holds."""

    __tablename__ = "agency_requests"
    __table_args__ = (
        Index("ix_agency_requests_agency_status", "agency_id", "status"),
        Index("ix_agency_requests_subject", "subject_key"),
        CheckConstraint("kind IN ('correction', 'deletion')", name="kind"),
        CheckConstraint("status IN ('awaiting_agency', 'awaiting_office', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"))
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    kind: Mapped[str] = mapped_column(String(16))
    ground: Mapped[str] = mapped_column(String(24))
    information: Mapped[str] = mapped_column(Text)  # the information the agency holds
    requested_change: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filed_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(24))
    answer_deadline: Mapped[date] = mapped_column(Date)
    supervision_deadline: Mapped[date] = mapped_column(Date)
    deadlines_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_answer: Mapped[str | None] = mapped_column(String(16))
    agency_answer_text: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    supervision_outcome: Mapped[str | None] = mapped_column(String(16))
    supervision_note: Mapped[str | None] = mapped_column(Text)
    supervised_on: Mapped[date | None] = mapped_column(Date)
    supervised_by: Mapped[str | None] = mapped_column(String(200))
