"""The scheduler's tables: one row per job run (visible to administrators) and one lease row per job
(the lock of a job on SQLite, which has no advisory locks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class JobRun(Base):
    """One run of a daily job: when, by which process, how it ended and what it did."""

    __tablename__ = "ops_job_runs"
    __table_args__ = (Index("ix_ops_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    #: the day the job ran for (Beijing date); a job runs at most once per day
    run_on: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: running | succeeded | failed
    status: Mapped[str] = mapped_column(String(16))
    worker: Mapped[str] = mapped_column(String(120))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class JobLease(Base):
    """The lock of one job on SQLite: held by ``holder`` until ``lease_until`` (a crashed holder's lease
    runs out, so the job is not blocked for ever)."""

    __tablename__ = "ops_job_leases"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
