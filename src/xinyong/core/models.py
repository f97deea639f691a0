"""Tables of the shared kernel: principals, API keys and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.audit.chain import ChainedMixin
from xinyong.core.db import Base


class Principal(Base):
    """Who acts: a department, a unit, an officer, a subject or the public."""

    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40), index=True)
    department: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6))
    #: for role "subject": the subject this principal is (its subject_key)
    subject_key: Mapped[str | None] = mapped_column(String(40), index=True)
    #: competent fields (职能领域, rules/national/fields/): the list types and catalog items it may determine
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccessLogEntry(ChainedMixin, Base):
    """查询使用登记 (国办发〔2020〕49号 §（十三）): every read or write of credit data, and denials.

    Append-only (database triggers) and hash-chained (:mod:`xinyong.core.audit.chain`). ``detail``
    carries what was returned (``fields`` / ``catalog_items``), the ``masking`` applied and the
    ``case_id`` a read serves; the subject is only ever stored as its keyed hash ``subject_key``.

    Queued: a request writes its entry with its keyed ``mac`` and no chain position; the sequencer
    (:mod:`xinyong.core.audit.sequencer`) fills in ``seq``, ``prev_hash`` and ``entry_hash`` — the
    only UPDATE the triggers allow. On PostgreSQL the table is partitioned by month of ``at``
    (revision security_0006), and ``seq`` is then indexed per partition (not unique across them:
    ``xinyong audit verify`` reports a duplicate).
    """

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_principal_at", "principal_id", "at"),
        Index("ix_access_log_seq", "seq", unique=True),
        Index("ix_access_log_entry_hash", "entry_hash"),
    )
    __chain_fields__ = (
        "at", "principal_id", "principal_name", "role", "department", "action", "purpose",
        "subject_key", "allowed", "result_count", "detail", "reason",
    )
    __chain_queued__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    principal_id: Mapped[int | None] = mapped_column(Integer)
    principal_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str | None] = mapped_column(String(40), index=True)
    allowed: Mapped[bool] = mapped_column(Boolean)
    result_count: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    #: HMAC of the fields with the audit key (held outside the database), set by the writing request
    mac: Mapped[str | None] = mapped_column(String(64))


class ConsoleAccount(Base):
    """An officer's (or a subject's) console sign-in, linked to its principal.

    Passwords are hashed with argon2id (argon2-cffi); after :data:`xinyong.web.session.MAX_FAILURES`
    failed attempts the account is locked for a while (国办发〔2020〕49号 §（十三）防止信息泄露).
    """

    __tablename__ = "console_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: contact phone, AES-GCM encrypted (xinyong.core.crypto.seal_phone), and its keyed hash
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    #: raised by every password change: a session opened under an older epoch is no longer valid
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ConsoleSession(Base):
    """A server-side console session; the cookie carries a random token, the table its SHA-256."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("console_accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the account's session epoch when it was opened (a password change ends it)
    epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: a digest of the principal's powers when it was opened (role, department, region, fields, subject):
    #: any change of them ends the session, whichever way it was made
    grants: Mapped[str | None] = mapped_column(String(64))


class ChainHead(Base):
    """The last ``seq`` and hash of each hash chain; its row lock serialises the chain's writers."""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    #: first seq hashed with the audit key (earlier entries: unkeyed SHA-256, before security_0006)
    keyed_from: Mapped[int | None] = mapped_column(Integer)
    #: when the sequencer last moved or confirmed the head, and its HMAC over the head
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed RFC 6962 Merkle root over the first ``tree_size`` entries of a chain (append-only)."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (Index("ix_audit_checkpoints_chain_size", "chain", "tree_size", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[str] = mapped_column(String(80))
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    last_entry_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    #: the compact range (perfect subtree roots) so that the next seal continues from here
    peaks: Mapped[list[Any]] = mapped_column(JSON)
    #: the chain's first keyed seq, signed with the checkpoint (None: a checkpoint before security_0006)
    keyed_from: Mapped[int | None] = mapped_column(Integer)


class DecisionHistory(ChainedMixin, Base):
    """A generic, append-only, hash-chained history of decisions of any capability.

    Use :func:`xinyong.core.audit.history.record_decision`; ``ref`` names the decided thing
    (e.g. ``"listing:12"``), ``event`` what happened (e.g. ``"decided"``).
    """

    __tablename__ = "decision_history"
    __table_args__ = (
        Index("ix_decision_history_seq", "seq", unique=True),
        Index("ix_decision_history_entry_hash", "entry_hash"),
        Index("ix_decision_history_ref", "ref"),
    )
    __chain_fields__ = ("at", "capability", "ref", "event", "subject_key", "actor_id", "actor_name", "detail")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capability: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(80))
    subject_key: Mapped[str | None] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
