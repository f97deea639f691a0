"""Tables of the disclosure capability: share scopes, consents, objections, publication tracking."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.disclosure.rules import ObjectionOutcome, ObjectionStatus


class ShareGrant(Base):
    """The share scopes (ShareScope values) a principal receives through the sharing API (49号 §（三）)."""

    __tablename__ = "disclosure_share_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsentRecord(Base):
    """本人授权 (49号 §（十四）): purpose, method, scope (catalog items) and an end date."""

    __tablename__ = "disclosure_consents"
    __table_args__ = (Index("ix_disclosure_consents_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    purpose: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(32))
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipient: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Objection(Base):
    """异议: a subject contests one of its records; the determining department answers."""

    __tablename__ = "disclosure_objections"
    __table_args__ = (
        Index("ix_disclosure_objections_record", "record_id"),
        Index("ix_disclosure_objections_subject", "subject_key"),
        Index("ix_disclosure_objections_department", "department"),
        # ck_disclosure_objections_status / _outcome: exactly the enums' values (disclosure_0003)
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in ObjectionStatus)})", name="status"),
        CheckConstraint(f"outcome IN ({', '.join(repr(s.value) for s in ObjectionOutcome)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    department: Mapped[str] = mapped_column(String(200))  # the record's issuing authority
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_by_principal: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_on: Mapped[date | None] = mapped_column(Date)


class ObjectionAttachment(Base):
    """An objection's supporting file, stored in the database with its SHA-256."""

    __tablename__ = "disclosure_objection_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("disclosure_objections.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Publication(Base):
    """Disclosure tracking of one record: when it was due, first public, and when publication ends."""

    __tablename__ = "disclosure_publications"
    __table_args__ = (Index("ix_disclosure_publications_department", "department"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40), index=True)
    catalog_item: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(200))
    decision_date: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    first_public_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_on: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class UpstreamReceipt(Base):
    """One item reported upward (国办发〔2020〕49号 §（五）): a licensing or penalty record sent to the
    upstream platform as new, changed or withdrawn, the outbox message that carries it, and the
    upstream's acknowledgement (its id and when it arrived). Delivery state and retries are the
    outbox's (``outbox_deliveries``)."""

    __tablename__ = "disclosure_upstream_receipts"
    __table_args__ = (
        Index("ix_disclosure_upstream_receipts_item", "kind", "item_id"),
        CheckConstraint("action IN ('new', 'changed', 'withdrawn')", name="action"),
        CheckConstraint("kind IN ('penalty', 'licensing')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: penalty: the id of the record (records.id); licensing: the id of the licence (licences.id)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    #: the Beijing-time day of the change the message reports
    changed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ack_id: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
