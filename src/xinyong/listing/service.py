"""Use cases of the serious-dishonest-list procedure, one module per concept; this module only gathers
their public names for the adapters (API, pages, CLI), the composition root and other capabilities.

- :mod:`xinyong.listing.procedure` — propose, notice, objection, answer, decide, list, remove,
  withdraw, amend, expire (the state-machine transitions and their use cases);
- :mod:`xinyong.listing.document_store` — notice and decision elements, stored documents and PDFs;
- :mod:`xinyong.listing.rectification` — rectification orders and their confirmation;
- :mod:`xinyong.listing.interviews` — interviews after a failed rectification;
- :mod:`xinyong.listing.deadlines` — deadlines and review tasks;
- :mod:`xinyong.listing.reads` — case views, lists, a subject's listings, credit-file sections;
- :mod:`xinyong.listing.history` — the case history, entries of the core audit chain;
- :mod:`xinyong.listing.shared` — case lookup, ownership, version check.
"""

from __future__ import annotations

from xinyong.core.audit.chain import GENESIS
from xinyong.listing.deadlines import (
    REVIEW_WORKDAYS,
    complete_review_task,
    deadlines,
    deadlines_for,
    next_deadline,
    open_review_task,
    review_task_row,
)
from xinyong.listing.document_store import (
    case_documents,
    decision_elements,
    document,
    document_pdf,
    notice_elements,
    read_document,
    store_document,
)
from xinyong.listing.history import append_history, history, verify_history
from xinyong.listing.interviews import interview_row, interviews_section, record_interview
from xinyong.listing.procedure import (
    OPEN_STATES,
    act_on_case,
    act_on_order,
    amend_listing_end,
    answer_objection,
    approve,
    consent,
    consent_to_case,
    decide,
    end_listing,
    expire_due,
    expire_listings,
    justify_leniency,
    list_subject,
    needs_consent,
    propose,
    propose_case,
    receive_objection,
    record_withdrawn,
    remove,
    serve_notice,
    withdraw,
)
from xinyong.listing.reads import (
    accountability,
    active_listings,
    cases,
    describe_case,
    full_view,
    list_cases,
    listings_section,
    read_case,
    read_history,
    subject_listings,
)
from xinyong.listing.rectification import confirm_rectification, order_rectification, rectifications
from xinyong.listing.shared import (
    get_case,
    jsonable,
    list_type_of,
    owner_denial,
    read_denial,
    record_department,
    snapshot,
)
from xinyong.listing.transition_review import (
    apply_nonconforming,
    mark_nonconforming,
    voided_report,
)

__all__ = [
    "GENESIS",
    "OPEN_STATES",
    "REVIEW_WORKDAYS",
    "accountability",
    "act_on_case",
    "act_on_order",
    "active_listings",
    "amend_listing_end",
    "answer_objection",
    "append_history",
    "apply_nonconforming",
    "approve",
    "case_documents",
    "cases",
    "complete_review_task",
    "confirm_rectification",
    "consent",
    "consent_to_case",
    "deadlines",
    "deadlines_for",
    "decide",
    "decision_elements",
    "describe_case",
    "document",
    "document_pdf",
    "end_listing",
    "expire_due",
    "expire_listings",
    "full_view",
    "get_case",
    "history",
    "interview_row",
    "interviews_section",
    "jsonable",
    "justify_leniency",
    "list_cases",
    "list_subject",
    "list_type_of",
    "listings_section",
    "mark_nonconforming",
    "needs_consent",
    "next_deadline",
    "notice_elements",
    "open_review_task",
    "order_rectification",
    "owner_denial",
    "propose",
    "propose_case",
    "read_case",
    "read_denial",
    "read_document",
    "read_history",
    "receive_objection",
    "record_department",
    "record_interview",
    "record_withdrawn",
    "rectifications",
    "remove",
    "review_task_row",
    "serve_notice",
    "snapshot",
    "store_document",
    "subject_listings",
    "verify_history",
    "voided_report",
    "withdraw",
]
