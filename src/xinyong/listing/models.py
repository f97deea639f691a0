"""Tables of the listing capability.

- ``listing_cases``: one determination procedure per row, with an optimistic-locking ``version``.
- ``listing_case_events``: the case history as it was kept before ``listing_0004`` (a private hash
  chain per case). Not written any more — a case's steps are entries of the core audit chain
  (``decision_history``, :mod:`xinyong.listing.history`); the old rows stay, append-only (database
  triggers refuse UPDATE/DELETE), and are checked against the hashes their mirrors sealed there.
- ``listing_documents``: notices, decisions, answers, interview records; immutable, SHA-256 hashed.
- ``listings``: who is on which list, from when to when (the subject, and linked persons only
  when the standard lists them); ``listing_accountability``: persons the decision is linked to
  (发改办财金〔2018〕893号 §八) without being listed.
- ``rectification_orders`` and ``interviews`` (893号 §二、§三).
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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.listing.rules import InterviewOutcome, RectificationStatus, State

#: a case is open until it is removed or withdrawn
_OPEN = "state NOT IN ('removed', 'withdrawn')"


class ListingCase(Base):
    __tablename__ = "listing_cases"
    __table_args__ = (
        Index("ix_listing_cases_state", "state"),
        # one open case per subject and list type (listing_0006): the database decides a race
        Index("uq_listing_cases_one_open", "subject_key", "list_type_id", unique=True,
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        # ck_listing_cases_state: exactly the State values (listing_0003)
        CheckConstraint(f"state IN ({', '.join(repr(s.value) for s in State)})", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(24))
    subject_display_code: Mapped[str] = mapped_column(String(18))
    list_type_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    department: Mapped[str] = mapped_column(String(200))
    department_principal_id: Mapped[int | None] = mapped_column(Integer)
    record_ids: Mapped[list[int]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=1)
    leniency_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    leniency_justification: Mapped[str | None] = mapped_column(Text)
    proposed_on: Mapped[date] = mapped_column(Date)
    notice_served_on: Mapped[date | None] = mapped_column(Date)
    objection_window_end: Mapped[date | None] = mapped_column(Date)
    objection_received_on: Mapped[date | None] = mapped_column(Date)
    objection_text: Mapped[str | None] = mapped_column(Text)
    answer_deadline: Mapped[date | None] = mapped_column(Date)
    answer_deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_timely: Mapped[bool | None] = mapped_column(Boolean)
    answer_outcome: Mapped[str | None] = mapped_column(String(16))
    answer_text: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str | None] = mapped_column(String(120))
    notice_document_id: Mapped[int | None] = mapped_column(Integer)
    decision_document_id: Mapped[int | None] = mapped_column(Integer)
    listing_start: Mapped[date | None] = mapped_column(Date)
    listing_end: Mapped[date | None] = mapped_column(Date)
    listed_on: Mapped[date | None] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(24))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    #: 四眼审核 and 上一级同意 (listing_0005): [{"kind", "by", "by_name", "department", "region", "on", ...}]
    approvals: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
    #: who proposed the case (the identity the four-eyes rule compares; listing_0005)
    proposed_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # optimistic locking: every UPDATE carries "WHERE version = <read version>" and bumps it
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ListingCaseEvent(Base):
    """One step of a case before ``listing_0004`` (read only since then). Never updated or deleted
    (triggers); ``hash`` covers ``prev_hash`` and the row, and is sealed in the core chain by the row's
    mirror in ``decision_history`` (``detail.event_hash``)."""

    __tablename__ = "listing_case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_listing_case_events_case_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_department: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    document_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ListingDocument(Base):
    """An issued document; immutable once written (triggers), with its SHA-256."""

    __tablename__ = "listing_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    elements: Mapped[dict[str, Any]] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the canonical content (elements JSON) and of the HTML rendition
    sha256: Mapped[str] = mapped_column(String(64))
    html_sha256: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListingDocumentPdf(Base):
    """The PDF rendition of a document, rendered from its stored elements once (on first request)
    and then kept; append-only like the document itself."""

    __tablename__ = "listing_document_pdfs"

    document_id: Mapped[int] = mapped_column(ForeignKey("listing_documents.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Listing(Base):
    """A subject on a list (the case's subject, or a linked person when the standard lists them)."""

    __tablename__ = "listings"
    __table_args__ = (Index("ix_listings_subject_active", "subject_key", "ended_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    subject_key: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(32))  # subject | legal_representative | responsible_person
    list_type_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    department: Mapped[str] = mapped_column(String(200))
    decision_no: Mapped[str] = mapped_column(String(120))
    decision_date: Mapped[date] = mapped_column(Date)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListingAccountability(Base):
    """责任追溯 (893号 §八): the decision is linked to these persons; they are not listed by it."""

    __tablename__ = "listing_accountability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    person_key: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RectificationOrder(Base):
    """限期整改 (发改办财金〔2018〕893号 §二)."""

    __tablename__ = "rectification_orders"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in RectificationStatus)})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    subject_key: Mapped[str] = mapped_column(String(40), index=True)
    requirements: Mapped[str] = mapped_column(Text)
    ordered_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    not_public_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # RectificationStatus
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmation_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Interview(Base):
    """提示性 / 警示性约谈 (893号 §三); the record, refusal included, goes into the credit file."""

    __tablename__ = "listing_interviews"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({', '.join(repr(s.value) for s in InterviewOutcome)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectification_orders.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    subject_key: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # prompting | warning
    department: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(24))  # InterviewOutcome
    interviewee: Mapped[str | None] = mapped_column(String(200))
    record: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewTask(Base):
    """A record a case rests on was withdrawn while others remain: the owning department reviews
    whether the case still stands (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)). ``due_on`` is a
    platform default of 10 working days, not a period from the reference."""

    __tablename__ = "listing_review_tasks"
    __table_args__ = (UniqueConstraint("case_id", "record_id", name="uq_listing_review_tasks_case_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("listing_cases.id"), index=True)
    record_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_note: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListTypeReview(Base):
    """A list type marked non-conforming for a region (国办发〔2020〕49号 “把握时间节点”: 过渡期后与本意见
    要求不符的一律废止): its listings stop applying on ``effective_on``; ``voided`` lists what ended."""

    __tablename__ = "listing_type_reviews"
    __table_args__ = (UniqueConstraint("list_type_id", "region_code", name="uq_listing_type_reviews_type_region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_type_id: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    marked_by: Mapped[str] = mapped_column(String(200))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_on: Mapped[date | None] = mapped_column(Date)
    voided: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
