"""Credit subjects (信用主体) and the persons linked to organisations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Subject(Base):
    """A subject is stored and referenced under its keyed hash (``subject_key``).

    Organisations and individual businesses keep their USCC in clear (it is public registration
    information); an individual's resident ID number is only stored encrypted (``resident_id_enc``)
    and shown masked (``display_code``).
    """

    __tablename__ = "subjects"
    __table_args__ = (Index("ix_subjects_name", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    resident_id_enc: Mapped[str | None] = mapped_column(Text)
    display_code: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubjectLink(Base):
    """法定代表人、主要负责人 of an organisation, with role and period (NDRC 2018-893 §八 责任追溯)."""

    __tablename__ = "subject_links"
    __table_args__ = (
        Index("ix_subject_links_org", "organisation_key"),
        Index("ix_subject_links_person", "person_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    person_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    role: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubjectFormerName(Base):
    """曾用名: a name the subject was registered under before (until the day it changed, if known).
    Screening by name matches it like the current name."""

    __tablename__ = "subject_former_names"
    __table_args__ = (Index("ix_subject_former_names_subject", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    name: Mapped[str] = mapped_column(String(200))
    until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
