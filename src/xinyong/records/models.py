"""Dishonesty records (失信行为记录), each resting on a legally effective document."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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
from xinyong.records.rules import RecordStatus


class Record(Base):
    __tablename__ = "records"
    __table_args__ = (
        # natural key: issuing authority + document number + subject + catalog item (idempotent ingest)
        UniqueConstraint(
            "issuing_authority", "document_number", "subject_key", "catalog_item",
            name="uq_records_natural_key",
        ),
        Index("ix_records_subject", "subject_key"),
        Index("ix_records_decision_date", "decision_date"),
        Index("ix_records_department", "department"),
        # ck_records_status: exactly the RecordStatus values (records_0002)
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in RecordStatus)})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    catalog_item: Mapped[str] = mapped_column(String(64))
    catalog_id: Mapped[str] = mapped_column(String(64))
    catalog_edition: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    document_type: Mapped[str] = mapped_column(String(40))
    document_number: Mapped[str] = mapped_column(String(120))
    issuing_authority: Mapped[str] = mapped_column(String(200))
    #: the determining department whose act the record is (the recording principal's department;
    #: rows older than records_0001: the issuing authority) — 谁认定、谁负责
    department: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: the principal that recorded it (null for rows older than records_0001)
    determined_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decision_date: Mapped[date] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    other_basis: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    force_majeure: Mapped[bool] = mapped_column(Boolean, default=False)
    non_intentional: Mapped[bool] = mapped_column(Boolean, default=False)
    minor_violation: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
