"""Tables of subject accounts (migration security_0010_subject_accounts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class SubjectAccount(Base):
    """The one account of a subject: its console account, and how the subject proved who it is."""

    __tablename__ = "subject_accounts"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("console_accounts.id"), unique=True)
    verified_by: Mapped[str] = mapped_column(String(16))  # one_time_code / oidc
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnrolmentCode(Base):
    """A one-time code the credit office issued to a subject: only its keyed hash is kept."""

    __tablename__ = "subject_enrolment_codes"
    __table_args__ = (Index("ix_subject_enrolment_codes_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthFailure(Base):
    """A failed registration or sign-in, counted per subject code and per client address (both stored as
    keyed hashes): too many within a short window and further attempts wait."""

    __tablename__ = "subject_auth_failures"
    __table_args__ = (Index("ix_subject_auth_failures_scope_at", "scope", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
