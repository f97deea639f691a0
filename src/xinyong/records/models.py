"""Dishonesty records (失信行为记录), each resting on a legally effective document."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base
from xinyong.records.licensing import LicenceCategory, LicenceStatus
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

    # --- 行政处罚信息 detail of the 双公示 exchange standard (records_0003; null for other records) ---
    #: 行政相对人类别: 法人及非法人组织 / 自然人 / 个体工商户
    subject_category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: 法定代表人 (a name; public with the penalty of an organisation)
    legal_representative: Mapped[str | None] = mapped_column(String(50), nullable=True)
    #: 法定代表人证件类型 / 法定代表人身份证号 (encrypted at once: personal information, never public)
    legal_representative_id_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    legal_representative_id_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 违法行为类型
    violation_type: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 违法事实
    violation_facts: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 处罚依据
    penalty_basis: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 处罚类别 (警告、罚款、没收违法所得、责令停产停业、暂扣或者吊销许可证 …; several joined by “；”)
    penalty_category: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: 处罚内容
    penalty_content: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: 罚款金额（万元）
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 6), nullable=True)
    #: 没收违法所得、没收非法财物的金额（万元）
    confiscation_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 6), nullable=True)
    #: 暂扣或吊销证照名称及编号
    licence_affected: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: 处罚有效期 (end of the penalty's effect)
    penalty_effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: 公示截止期 (end of publication as supplied by the department)
    publication_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: 处罚机关统一社会信用代码
    authority_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: 数据来源单位 / 数据来源单位统一社会信用代码
    data_source: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data_source_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: 备注
    remarks: Mapped[str | None] = mapped_column(Text, nullable=True)


class Licence(Base):
    """A licensing record (行政许可信息, catalog item ``admin-license``): public credit information that is
    never a dishonest act (:mod:`xinyong.records.licensing`). Natural key: licensing authority + decision
    document number + subject (idempotent import)."""

    __tablename__ = "licences"
    __table_args__ = (
        UniqueConstraint("issuing_authority", "document_number", "subject_key", name="uq_licences_natural_key"),
        Index("ix_licences_subject", "subject_key"),
        Index("ix_licences_decision_date", "decision_date"),
        Index("ix_licences_department", "department"),
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in LicenceStatus)})", name="status"),
        CheckConstraint(f"category IS NULL OR category IN ({', '.join(repr(s.value) for s in LicenceCategory)})",
                        name="category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    catalog_item: Mapped[str] = mapped_column(String(64))
    catalog_id: Mapped[str] = mapped_column(String(64))
    catalog_edition: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    #: 行政相对人类别
    subject_category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: 法定代表人
    legal_representative: Mapped[str | None] = mapped_column(String(50), nullable=True)
    #: 行政许可决定文书名称 / 行政许可决定文书号
    document_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    document_number: Mapped[str] = mapped_column(String(128))
    #: 许可类别 (LicenceCategory)
    category: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: 许可证书名称 / 许可编号
    licence_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    licence_number: Mapped[str | None] = mapped_column(String(128), nullable=True)
    #: 许可内容
    content: Mapped[str] = mapped_column(Text)
    #: 许可决定日期 / 有效期自 / 有效期至
    decision_date: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: 许可机关 / 许可机关统一社会信用代码
    issuing_authority: Mapped[str] = mapped_column(String(200))
    authority_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: 当前状态 (LicenceStatus) as the licensing authority supplied it
    status: Mapped[str] = mapped_column(String(16), default="valid")
    #: 数据来源单位 / 数据来源单位统一社会信用代码
    data_source: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data_source_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: 信息使用范围 as supplied (公示 / 仅政府部门内部共享 / 仅可授权查询); the catalog decides publication
    usage_scope: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: 备注
    remarks: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the department that supplied it and the principal that imported it (谁提供、谁负责)
    department: Mapped[str] = mapped_column(String(200))
    determined_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubjectAlias(Base):
    """A former code of an organisation (工商注册号, 组织机构代码, 税务登记号, 事业单位证书号, 社会组织登记证号:
    行政相对人代码_2…_6 of the 双公示 exchange standard), kept so that a file carrying only an old code
    finds the subject, and a subject is found by any code it was ever reported under."""

    __tablename__ = "subject_aliases"
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_subject_aliases_kind_code"),
        Index("ix_subject_aliases_subject", "subject_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(ForeignKey("subjects.subject_key"))
    #: business_registration / organisation_code / tax_registration / institution / social_organisation
    kind: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
