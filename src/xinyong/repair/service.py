"""Credit repair's service layer, split along its concepts (this module keeps the old import path):

- :mod:`xinyong.repair.filing` — one application, its parts and their pre-check; reading applications.
- :mod:`xinyong.repair.deciding` — the determining department's decision, outcomes, pushes,
  ``repair.granted``; the credit office's oversight of time limits.
- :mod:`xinyong.repair.evidence` — commitments, training, credit reports, credit service agencies.
- :mod:`xinyong.repair.shared` — targets, assessment, descriptions and the access checks they share.

淮政办发〔2021〕13号 §五（一）: 一次申请、同步修复、完全修复; 国办发〔2020〕49号 §（十一）（十二）.
It also registers the repair section of the credit file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xinyong.repair.deciding import (
    application_of_part,
    decide,
    decide_part,
    department_parts,
    load_part,
    overdue,
    receivers,
    work_queue,
)
from xinyong.repair.evidence import (
    COMMITMENT_TEMPLATE,
    add_agency,
    add_commitment,
    add_report,
    add_training,
    agencies,
    change_agency_status,
    commitments_of,
    describe_agency,
    list_agencies,
    make_commitment,
    manage_agencies,
    public_commitments,
    read_supporting,
    record_training,
    register_agency,
    set_agency_status,
    submit_report,
    supporting,
)
from xinyong.repair.filing import (
    ALLOWED_CONTENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentIn,
    Download,
    PartRequest,
    application_page,
    apply,
    apply_form,
    candidates,
    candidates_for,
    file_application,
    find_application,
    list_applications,
    read_application,
    read_attachment,
)
from xinyong.repair.shared import (
    KIND_NAMES,
    OVERALL_NAMES,
    PART_STATUS_NAMES,
    PLATFORM_CHECK,
    applications_of,
    describe,
    describe_part,
    get_application,
    is_overdue,
    overall_status,
    parts_for,
    subject_key_of,
)

__all__ = [
    "ALLOWED_CONTENT_TYPES", "COMMITMENT_TEMPLATE", "KIND_NAMES", "MAX_ATTACHMENTS", "MAX_ATTACHMENT_BYTES",
    "OVERALL_NAMES", "PART_STATUS_NAMES", "PLATFORM_CHECK", "AttachmentIn", "Download", "PartRequest",
    "add_agency", "add_commitment", "add_report", "add_training", "agencies", "application_of_part",
    "application_page", "applications_of", "apply", "apply_form", "candidates", "candidates_for",
    "change_agency_status", "commitments_of", "credit_file_section", "decide", "decide_part",
    "department_parts", "describe", "describe_agency", "describe_part", "file_application",
    "find_application", "get_application", "is_overdue", "list_agencies", "list_applications", "load_part",
    "make_commitment", "manage_agencies", "overall_status", "overdue", "parts_for", "public_commitments",
    "read_application", "read_attachment", "read_supporting", "receivers", "record_training",
    "register_agency", "set_agency_status", "subject_key_of", "submit_report", "supporting", "work_queue",
]


def credit_file_section(session: Session, subject_key: str) -> list[dict[str, Any]]:
    """The repair section of the credit file: applications, commitments, training, reports (access is
    decided by the credit-file use case)."""
    rows: list[dict[str, Any]] = []
    for app in applications_of(session, subject_key):
        d = describe(session, app)
        rows.append({"type": "application", "number": d["number"], "filed_on": d["filed_on"],
                     "status": d["status"], "status_name": d["status_name"],
                     "parts": [{k: p[k] for k in ("target_kind", "target_label", "department", "status",
                                                  "outcome", "reason", "remedy")} for p in d["parts"]]})
    extra = supporting(session, subject_key)
    rows += [{"type": "commitment", **c} for c in extra["commitments"]]
    rows += [{"type": "training", **t} for t in extra["trainings"]]
    rows += [{"type": "credit_report", **r} for r in extra["credit_reports"]]
    return rows
