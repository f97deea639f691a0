"""listing_0003: the database refuses a case state, a rectification status or an interview outcome
outside State / RectificationStatus / InterviewOutcome (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from tests.integration.listing.helpers import listed_case, officer
from tests.integration.records.vocabulary import assert_vocabulary
from xinyong.core.db import unit_of_work
from xinyong.listing import service
from xinyong.listing.models import Interview, ListingCase, RectificationOrder
from xinyong.listing.rules import InterviewOutcome, RectificationStatus, State


def test_case_order_and_interview_vocabularies_are_checked_by_the_database(db_url: str) -> None:
    case_id, _setup = listed_case(61)
    with unit_of_work() as s:
        order = service.order_rectification(s, officer(), case_id, requirements="足额支付拖欠的农民工工资",
                                            due_on=dt.date(2026, 10, 1), on=dt.date(2026, 9, 14))
        interview = service.record_interview(s, officer(), order.id, outcome=InterviewOutcome.held.value,
                                             record="约谈法定代表人，告知整改要求", on=dt.date(2026, 10, 9))
        order_id, interview_id = order.id, interview.id
    assert_vocabulary(ListingCase, case_id, "state", State, "ck_listing_cases_state")
    assert_vocabulary(RectificationOrder, order_id, "status", RectificationStatus, "ck_rectification_orders_status")
    assert_vocabulary(Interview, interview_id, "outcome", InterviewOutcome, "ck_listing_interviews_outcome")
