"""Tables of credit repair: one application with a part per record or listing, the supporting
records (commitments, training, credit reports). The registry of credit service agencies
(``credit_agencies``) belongs to :mod:`xinyong.agencies`; a report refers to it by id.

No fee, charge or payment column exists anywhere (国办发〔2020〕49号 §（十二）: 不得以任何形式向申请信用修复
的主体收取费用; 淮政办发〔2021〕13号 §五（一）).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.repair.rules import PartStatus


class RepairApplication(Base):
    """一次申请: everything one subject asks to repair, across departments."""

    __tablename__ = "repair_applications"
    __table_args__ = (Index("ix_repair_applications_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filed_by: Mapped[str] = mapped_column(String(200))
    #: the platform's reply deadline (国办发〔2025〕22号, unverified)
    reply_deadline: Mapped[date] = mapped_column(Date)
    reply_deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class RepairPart(Base):
    """One record or listing of an application, routed to its determining department."""

    __tablename__ = "repair_parts"
    __table_args__ = (
        Index("ix_repair_parts_application", "application_id"),
        Index("ix_repair_parts_target", "target_kind", "target_id"),
        Index("ix_repair_parts_department_status", "department", "status"),
        # one pending part per record or listing (repair_0002); concurrent duplicates fail here
        Index("uq_repair_parts_pending_target", "target_kind", "target_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        # ck_repair_parts_status: exactly the PartStatus values (repair_0003)
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in PartStatus)})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_applications.id"))
    target_kind: Mapped[str] = mapped_column(String(16))  # record / listing
    target_id: Mapped[int] = mapped_column(Integer)
    target_code: Mapped[str] = mapped_column(String(64))  # catalog item code or list type id
    target_label: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))
    document_date: Mapped[date] = mapped_column(Date)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    declared: Mapped[list[str]] = mapped_column(JSON, default=list)
    rule_region: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str | None] = mapped_column(String(24))
    deadline: Mapped[date] = mapped_column(Date)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))  # PartStatus
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_number: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    remedy: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: ids of the outbox messages written with the decision (one per receiver)
    messages: Mapped[list[int]] = mapped_column(JSON, default=list)


class RepairAttachment(Base):
    """A file attached to an application (proof of correction, payment of the fine, etc.)."""

    __tablename__ = "repair_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_applications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditCommitment(Base):
    """信用承诺书 (发改办财金〔2018〕893号 §九): signed, public, recorded in the credit file."""

    __tablename__ = "repair_commitments"
    __table_args__ = (Index("ix_repair_commitments_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    text: Mapped[str] = mapped_column(Text)
    signer: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingAttendance(Base):
    """信用修复培训 attendance (893 §十: 不少于3个学时, 记入信用记录)."""

    __tablename__ = "repair_trainings"
    __table_args__ = (Index("ix_repair_trainings_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    provider: Mapped[str] = mapped_column(String(200))
    course: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    attended_on: Mapped[date] = mapped_column(Date)
    attendee: Mapped[str] = mapped_column(String(100))
    certificate_number: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditReport(Base):
    """信用报告 issued by a registered agency (893 §十一)."""

    __tablename__ = "repair_credit_reports"
    __table_args__ = (Index("ix_repair_credit_reports_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agencies.id"))
    report_number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
