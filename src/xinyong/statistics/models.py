"""Typical cases (典型案例): a case or record an officer marked, published by the credit office.

The stored text is already anonymised (:func:`xinyong.statistics.rules.anonymise`); the source is kept by
kind and id only, so the public page never reaches the subject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class TypicalCase(Base):
    __tablename__ = "statistics_typical_cases"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", name="uq_statistics_typical_cases_source"),
        CheckConstraint("status IN ('marked', 'published', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(24))  # record | punishment_case | listing_case
    source_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(300))  # catalog item / list type / measure, as named
    region_code: Mapped[str] = mapped_column(String(6))
    department: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    marked_by: Mapped[str] = mapped_column(String(200))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
