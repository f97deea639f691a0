"""The columns the statistics read, as lightweight Core tables (``sqlalchemy.table``).

Statistics only read, and aggregate in SQL across every capability's tables; they do not import any
capability's ORM models (import contract ``models-*``). Each name below is the table and the columns of
its owner's model (records, listing, disclosure, repair, measures, core), no more: a column renamed
there breaks the statistics tests, which build their data through the owners' models.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, DateTime, Integer, String, column, table

records = table(
    "records",
    column("id", Integer), column("subject_key", String), column("catalog_item", String),
    column("region_code", String), column("department", String), column("issuing_authority", String),
    column("severity", String), column("status", String), column("decision_date", Date),
    column("created_at", DateTime(timezone=True)),
)

subjects = table("subjects", column("subject_key", String), column("region_code", String))

listing_cases = table(
    "listing_cases",
    column("id", Integer), column("subject_key", String), column("list_type_id", String), column("kind", String),
    column("region_code", String),
    column("department", String), column("state", String), column("proposed_on", Date),
    column("notice_served_on", Date), column("objection_window_end", Date), column("objection_received_on", Date),
    column("answer_deadline", Date), column("answered_on", Date), column("answer_timely", Boolean),
    column("answer_outcome", String), column("decided_on", Date), column("listing_start", Date),
    column("listing_end", Date), column("listed_on", Date), column("removed_on", Date),
    column("removal_reason", String), column("withdrawn_on", Date),
)

objections = table(
    "disclosure_objections",
    column("id", Integer), column("record_id", Integer), column("subject_key", String), column("department", String),
    column("filed_on", Date), column("due_on", Date), column("status", String), column("outcome", String),
    column("answered_on", Date),
)

repair_applications = table(
    "repair_applications", column("id", Integer), column("subject_key", String), column("filed_on", Date),
)

repair_parts = table(
    "repair_parts",
    column("id", Integer), column("application_id", Integer), column("target_kind", String),
    column("department", String), column("outcome", String), column("deadline", Date), column("status", String),
    column("decided_on", Date),
)

commitments = table("repair_commitments", column("id", Integer), column("subject_key", String),
                    column("signed_on", Date))
trainings = table("repair_trainings", column("id", Integer), column("subject_key", String),
                  column("attended_on", Date), column("provider", String))
credit_reports = table("repair_credit_reports", column("id", Integer), column("subject_key", String),
                       column("issued_on", Date), column("agency_id", Integer))

rectifications = table(
    "rectification_orders",
    column("id", Integer), column("case_id", Integer), column("subject_key", String), column("ordered_on", Date),
    column("due_on", Date), column("status", String), column("confirmed_on", Date),
)

interviews = table(
    "listing_interviews",
    column("id", Integer), column("case_id", Integer), column("subject_key", String), column("kind", String),
    column("department", String), column("held_on", Date), column("outcome", String),
)

punishment_cases = table(
    "punishment_cases",
    column("id", Integer), column("subject_key", String), column("subject_region", String), column("unit", String), column("initiated_by", String),
    column("measure_name", String), column("initiated_at", DateTime(timezone=True)), column("due_date", Date),
    column("status", String), column("responded_at", DateTime(timezone=True)),
    column("feedback_at", DateTime(timezone=True)), column("feedback_due", Date), column("typical", Boolean),
    column("basis_kind", String), column("basis_id", Integer),
)

access_log = table(
    "access_log",
    column("id", Integer), column("at", DateTime(timezone=True)), column("principal_name", String),
    column("department", String), column("action", String), column("purpose", String), column("allowed", Boolean),
    column("result_count", Integer),
)
