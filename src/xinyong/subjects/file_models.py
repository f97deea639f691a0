"""The credit file (信用档案) as the API publishes it: one typed model per section.

The sections are provided by the capabilities that own them (``CREDIT_FILE_SECTIONS`` in
:mod:`xinyong.composition`); these models describe what each provider returns, so an integrator's
generated client knows every field. A section added later passes through untyped until it is described
here (``extra="allow"``); ``tests/integration/api_docs`` checks the described ones against real files.
Closed vocabularies carry their values as the schema's ``enum``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RECORD_STATUSES = ["active", "repaired_marked", "repaired_shielded", "repaired_deleted", "disclosure_ended",
                   "revoked", "annulled"]
SEVERITIES = ["minor", "general", "serious"]
SUBJECT_KINDS = ["organisation", "individual_business", "individual"]
LINK_ROLES = ["legal_representative", "responsible_person"]
OBJECTION_STATUSES = ["open", "answered"]
REPAIR_ROW_TYPES = ["application", "commitment", "training", "credit_report"]


def _enum(values: list[str], text: str) -> Any:
    enum: list[Any] = list(values)
    return Field(description=text, json_schema_extra={"enum": enum})


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class SubjectOut(BaseModel):
    code: str = Field(description="统一社会信用代码或公民身份号码", examples=["91320812MA1W8XYZ2X"])
    kind: str = _enum(SUBJECT_KINDS, "主体类型：法人和非法人组织、个体工商户、自然人")
    name: str = Field(examples=["淮安市示例商贸有限公司"])
    region_code: str = Field(description="行政区划代码（GB/T 2260）", examples=["320812"])
    region_name: str = Field(examples=["江苏省淮安市清江浦区"])
    created: bool = Field(default=False, description="本次请求是否新登记")


class RecordRow(_Row):
    id: int
    catalog_item: str = Field(description="目录项代码", examples=["admin-penalty"])
    catalog_item_name: str = Field(examples=["行政处罚信息"])
    catalog: str = Field(description="目录及版本")
    document_type: str = Field(description="文书类型代码", examples=["administrative_penalty"])
    document_type_name: str = Field(examples=["行政处罚决定书"])
    document_number: str = Field(examples=["淮市监罚〔2026〕318号"])
    issuing_authority: str
    department: str
    decision_date: str = Field(description="文书作出日期 YYYY-MM-DD")
    effective_date: str = Field(description="文书生效日期 YYYY-MM-DD")
    summary: str
    severity: str = _enum(SEVERITIES, "严重程度：轻微、一般、严重")
    severity_name: str
    is_minor: bool
    force_majeure: bool
    non_intentional: bool
    minor_violation: bool
    status: str = _enum(RECORD_STATUSES, "记录状态：有效、已修复（标注/屏蔽/删除）、已终止公示、已撤销、文书已被撤销或确认无效")


class ListingRow(_Row):
    listing_id: int | None = Field(default=None, description="名单列入编号（仅列入的对象有）")
    case_id: int = Field(description="认定案件编号")
    list_type_id: str = Field(description="名单类型", examples=["migrant-wage-arrears"])
    kind: str | None = Field(default=None, json_schema_extra={"enum": ["blacklist", "key_attention"]},
                             description="严重失信主体名单（黑名单）或重点关注名单")
    role: str = Field(json_schema_extra={"enum": ["subject", *LINK_ROLES]},
                      description="列入的是主体本身，还是其法定代表人、主要负责人")
    department: str = Field(description="认定部门")
    decision_no: str | None = Field(default=None, description="认定决定文号")
    decision_date: str | None = None
    start: str | None = Field(default=None, description="列入之日")
    end: str | None = Field(default=None, description="列入期满之日")
    ended_on: str | None = Field(default=None, description="实际移出之日")
    end_reason: str | None = Field(default=None, description="移出原因代码")
    accountability_for: str | None = Field(default=None, description="对其承担责任的被列入主体名称（未单独列入的责任人）")
    listed: bool | None = None


class InterviewRow(_Row):
    id: int
    kind: str = Field(json_schema_extra={"enum": ["prompting", "warning"]}, description="提示性约谈或警示性约谈")
    kind_name: str
    department: str
    held_on: str
    outcome: str
    outcome_name: str
    interviewee: str | None = None
    record: str | None = None


class RepairRow(_Row):
    type: str = _enum(REPAIR_ROW_TYPES, "信用修复申请、信用承诺、信用修复培训、信用报告")
    number: str | None = Field(default=None, description="修复申请号")
    filed_on: str | None = None
    status: str | None = None
    status_name: str | None = None
    parts: list[dict[str, Any]] | None = Field(default=None, description="申请修复的各项记录或名单及其办理结果")
    text: str | None = Field(default=None, description="信用承诺内容")
    signer: str | None = None
    signed_on: str | None = None
    course: str | None = None
    provider: str | None = None
    hours: str | None = None
    attended_on: str | None = None
    report_number: str | None = None
    agency: str | None = None
    issued_on: str | None = None


class ObjectionRow(_Row):
    id: int
    record_id: int = Field(description="提出异议的失信行为记录")
    department: str = Field(description="负责答复的认定部门")
    status: str = _enum(OBJECTION_STATUSES, "处理中或已答复")
    status_name: str
    filed_on: str
    due_on: str | None = Field(default=None, description="答复期限")
    overdue: bool
    outcome: str | None = Field(default=None, json_schema_extra={"enum": ["upheld", "rejected", None]},
                                description="异议成立或不成立")
    outcome_name: str | None = None
    answer: str | None = None
    answered_on: str | None = None


class CreditFileSections(BaseModel):
    """Each capability's section; a section not described here is passed through as it is."""

    model_config = ConfigDict(extra="allow")

    records: list[RecordRow] = Field(default_factory=list, description="失信行为记录")
    listings: list[ListingRow] = Field(default_factory=list, description="严重失信主体名单")
    listing_interviews: list[InterviewRow] = Field(default_factory=list, description="信用约谈")
    repair: list[RepairRow] = Field(default_factory=list, description="信用修复")
    objections: list[ObjectionRow] = Field(default_factory=list, description="异议")


class LinkOut(BaseModel):
    role: str = _enum(LINK_ROLES, "法定代表人或主要负责人")
    role_name: str
    start_date: str
    end_date: str | None = None
    other: SubjectOut = Field(description="关联的人员或组织")
    direction: str = Field(json_schema_extra={"enum": ["person", "organisation"]},
                           description="person：对方是本组织的人员；organisation：对方是本人任职的组织")
    sections: CreditFileSections = Field(description="关联方的信用档案各部分")


class CreditFileOut(BaseModel):
    subject: SubjectOut
    links: list[LinkOut]
    sections: CreditFileSections
