"""Tables of the measures capability: the screening index, name index, joint punishment cases,
push channels and subscriptions. The outbox tables live in :mod:`xinyong.core.outbox`."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.measures.rules import CaseStatus


class ScreeningFact(Base):
    """The compact per-subject "punishable facts" index, maintained by events in the same transaction.

    ``kind = "list"`` rows: the subject's live listings (``code`` = list type). ``kind = "measure"``
    rows: the engine's derivations (``code`` = measure code) with their period, so that screening is
    one indexed lookup followed by a date/matter filter (:func:`xinyong.measures.rules.decide`).
    Rows with ``reach`` = legal_representative / responsible_person sit on an organisation and reach
    its representatives through ``subject_links`` at screening time.
    """

    __tablename__ = "screening_facts"
    __table_args__ = (Index("ix_screening_facts_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(64))
    reach: Mapped[str] = mapped_column(String(32), default="subject")
    treatment: Mapped[str] = mapped_column(String(16), default="apply")
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(Integer)
    source_label: Mapped[str] = mapped_column(String(300))
    anchor: Mapped[date] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    replaces: Mapped[str | None] = mapped_column(String(64))
    via_role: Mapped[str | None] = mapped_column(String(32))


class NameIndexEntry(Base):
    """Organisations' names for screening by name, synced from subjects: ``norm`` the whole name
    normalised (exact matches), ``core`` its 字号 + 行业 (the fuzzy prefilter,
    :func:`xinyong.measures.name_match.split_name`)."""

    __tablename__ = "measure_names"

    subject_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    core: Mapped[str] = mapped_column(String(200))
    norm: Mapped[str] = mapped_column(String(200), server_default="")


class PunishmentCase(Base):
    """联合惩戒案例: initiated (pushed to the unit) → responded → feedback (893 §七); closed when the
    listing or record it rests on ends (国办发〔2020〕49号 §（二）: 惩戒须以具有法律效力的文书为依据).

    ``unit_principal_id``: the registered implementing-unit principal the case was pushed to (发起—响应—
    反馈 only between registered units); rows opened before it was kept carry the unit's name only.
    ``basis_kind`` / ``basis_id``: the listing or record the measure came from."""

    __tablename__ = "punishment_cases"
    __table_args__ = (
        Index("ix_punishment_cases_unit", "unit"),
        Index("ix_punishment_cases_unit_principal", "unit_principal_id"),
        Index("ix_punishment_cases_basis", "basis_kind", "basis_id"),
        Index("ix_punishment_cases_subject", "subject_key"),
        Index("ix_punishment_cases_status_due", "status", "due_date"),
        # ck_punishment_cases_status: exactly the CaseStatus values (measures_0003)
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in CaseStatus)})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40))
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_display_code: Mapped[str] = mapped_column(String(18))
    subject_region: Mapped[str] = mapped_column(String(6))
    measure_code: Mapped[str] = mapped_column(String(64))
    measure_name: Mapped[str] = mapped_column(String(300))
    category: Mapped[int] = mapped_column(Integer)
    obligation: Mapped[bool] = mapped_column(Boolean)
    matter: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(Text)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSON)
    measure_end: Mapped[date | None] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(200))
    unit_region: Mapped[str | None] = mapped_column(String(6))
    unit_principal_id: Mapped[int | None] = mapped_column(Integer)
    initiated_by: Mapped[str] = mapped_column(String(200))
    initiated_by_principal_id: Mapped[int | None] = mapped_column(Integer)
    basis_kind: Mapped[str | None] = mapped_column(String(16))  # listing | record
    basis_id: Mapped[int | None] = mapped_column(Integer)
    initiated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))  # CaseStatus
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_by: Mapped[str | None] = mapped_column(String(200))
    applied: Mapped[bool | None] = mapped_column(Boolean)
    applied_until: Mapped[date | None] = mapped_column(Date)
    not_applied_reason: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    feedback_by: Mapped[str | None] = mapped_column(String(200))
    feedback_result: Mapped[str | None] = mapped_column(Text)
    typical: Mapped[bool] = mapped_column(Boolean, default=False)
    typical_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_reason: Mapped[str | None] = mapped_column(Text)
    #: 反馈 deadline, set when the unit responds that it applied the measure (measures_0021)
    feedback_due: Mapped[date | None] = mapped_column(Date)
    feedback_due_provisional: Mapped[bool | None] = mapped_column(Boolean)


class CaseEvent(Base):
    """Append-only history of a case."""

    __tablename__ = "punishment_case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("punishment_cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class PushSubscription(Base):
    """定向推送: a receiver (outbox channel) subscribes by measure and by region (893 §六)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(ForeignKey("outbox_channels.name"), index=True)
    #: measure codes; empty = every measure
    measures: Mapped[list[str]] = mapped_column(JSON)
    #: GB/T 2260 codes (a subject in a sub-division matches); empty = every region
    regions: Mapped[list[str]] = mapped_column(JSON)
    topics: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScreeningDirty(Base):
    """Subjects whose index rows must be recomputed before they are screened (bulk imports mark
    them in one statement instead of recomputing thousands of subjects inside the import batch)."""

    __tablename__ = "screening_dirty"

    subject_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegisteredUnit(Base):
    """登记的实施单位: the registry a joint-punishment case picks its recipient from (发改办财金〔2018〕893号
    §六 定向推送 / §七 发起—响应—反馈). One entry per implementing-unit principal
    (:class:`xinyong.core.models.Principal`, referenced by id): the authority's USCC, its region, its
    competent fields, the push channel (endpoint) it receives on and, when it receives full resident ID
    numbers, its X25519 public key (they are encrypted for it alone)."""

    __tablename__ = "registered_units"
    __table_args__ = (
        UniqueConstraint("principal_id"),
        Index("ix_registered_units_region", "region_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    name: Mapped[str] = mapped_column(String(200))
    authority_uscc: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(6))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str | None] = mapped_column(ForeignKey("outbox_channels.name"))
    public_key: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(200))


#: states of a batch screening file (ScreeningBatch.state)
BATCH_STATES = ("running", "done", "failed")


class ScreeningBatch(Base):
    """A batch screening file uploaded on the console: screened in the background, its answer kept for
    the unit (department) that uploaded it to download. ``state``: running → done | failed."""

    __tablename__ = "screening_batches"
    __table_args__ = (
        Index("ix_screening_batches_department", "department"),
        # ck_screening_batches_state: exactly the BATCH_STATES values (measures_0011)
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in BATCH_STATES)})", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    fmt: Mapped[str] = mapped_column(String(8))
    matter: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
