"""Tables of the cleanup ledger (失信约束措施台账, 大高信办字〔2021〕1号 附件).

A unit registers its policy documents; the analysis proposes, clause by clause, the four answers,
the bases and a disposition; an officer confirms or overrides each proposal. Proposal and decision
are both kept. The milestones of the clean-up (each region's plan: 梳理自查, 整改方案, 全面完成 or
a part of them) and each unit's submissions give its progress.
"""

from __future__ import annotations

from datetime import date, datetime
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.ledger.disposition import Disposition


def _disposition_check(column: str) -> CheckConstraint:
    """ck_<table>_<column>: exactly the Disposition values (ledger_0004); NULL stays allowed."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(d.value) for d in Disposition)})", name=column)


class LedgerMilestone(Base):
    """A credit office's date for a step of its region's plan, replacing the plan's own date.

    The plans and their dates are rule data (``rules/local/<region>/ledger/milestones.yaml``); a row here is
    an adjustment for a later round. ``region_code`` None: an adjustment made before plans were per region,
    applied to the step of that code in whichever plan a unit follows.
    """

    __tablename__ = "ledger_milestones"
    __table_args__ = (UniqueConstraint("region_code", "code", name="uq_ledger_milestones_region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str | None] = mapped_column(String(6))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class LedgerSubmission(Base):
    """A unit reporting a milestone to the credit office (台账报送、整改方案报送、工作总结报送)."""

    __tablename__ = "ledger_submissions"
    __table_args__ = (UniqueConstraint("unit_name", "milestone_code", name="uq_ledger_submissions_unit_milestone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200), index=True)
    #: the unit's registered region (the credit office of that region and above oversees it)
    region_code: Mapped[str | None] = mapped_column(String(6))
    milestone_code: Mapped[str] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class PolicyDocument(Base):
    __tablename__ = "ledger_documents"
    __table_args__ = (
        UniqueConstraint("unit_name", "content_hash", name="uq_ledger_documents_unit_hash"),
        Index("ix_ledger_documents_unit", "unit_name"),
        _disposition_check("proposed_disposition"),
        _disposition_check("decided_disposition"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    #: the unit's registered region (the credit office of that region and above oversees it)
    region_code: Mapped[str | None] = mapped_column(String(6))
    title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str | None] = mapped_column(String(120))
    issuing_unit: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    source_format: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    analysed_on: Mapped[date] = mapped_column(Date)
    proposed_disposition: Mapped[str] = mapped_column(String(16))
    proposed_reason: Mapped[str] = mapped_column(Text)
    #: officer's override of the row's 处置方式 (else the strongest clause decision decides)
    decided_disposition: Mapped[str | None] = mapped_column(String(16))
    decision_note: Mapped[str | None] = mapped_column(Text)
    completion_due: Mapped[date | None] = mapped_column(Date)  # 完成时间
    completed_on: Mapped[date | None] = mapped_column(Date)  # 整改完成日期
    responsible_unit: Mapped[str | None] = mapped_column(String(200))  # 责任单位
    responsible_person: Mapped[str | None] = mapped_column(String(200))  # 责任人姓名及职务
    phone: Mapped[str | None] = mapped_column(String(40))  # 电话
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerClause(Base):
    __tablename__ = "ledger_clauses"
    __table_args__ = (
        UniqueConstraint("document_id", "seq", name="uq_ledger_clauses_document_seq"),
        _disposition_check("proposed_disposition"),
        _disposition_check("decided_disposition"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("ledger_documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # the proposal (kept as made)
    includes_credit_information: Mapped[bool] = mapped_column(Boolean)
    creates_blacklist: Mapped[bool] = mapped_column(Boolean)
    imposes_punishment: Mapped[bool] = mapped_column(Boolean)
    scores_individuals: Mapped[bool] = mapped_column(Boolean)
    national_basis: Mapped[str | None] = mapped_column(Text)
    local_basis: Mapped[str | None] = mapped_column(Text)
    fully_covered: Mapped[bool] = mapped_column(Boolean)
    proposed_disposition: Mapped[str] = mapped_column(String(16))
    proposed_reason: Mapped[str] = mapped_column(Text)
    conflicts: Mapped[list[Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    # the officer's decision (confirm = same disposition as proposed)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)  # not a credit measure (误报)
    decided_disposition: Mapped[str | None] = mapped_column(String(16))
    decided_national_basis: Mapped[bool | None] = mapped_column(Boolean)
    decided_local_basis: Mapped[bool | None] = mapped_column(Boolean)
    decided_basis_text: Mapped[str | None] = mapped_column(Text)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
