"""disclosure_0003: the database refuses an objection status or outcome outside ObjectionStatus /
ObjectionOutcome (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from tests.factories import record_input
from tests.integration.records.vocabulary import assert_vocabulary
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.disclosure.models import Objection
from xinyong.disclosure.rules import ObjectionOutcome, ObjectionStatus
from xinyong.records import service as records


def test_objection_status_and_outcome_are_checked_by_the_database(db_url: str) -> None:
    with unit_of_work() as s:
        record = records.ingest(s, record_input()).record
        objection = Objection(
            record_id=record.id, subject_key=record.subject_key, department=record.issuing_authority,
            filed_by="淮安市清江浦区示例商贸有限公司", reason="处罚对象错误，并非本公司所为", filed_at=clock.now(),
            filed_on=dt.date(2026, 11, 25), due_on=dt.date(2026, 12, 9), status=ObjectionStatus.open.value)
        s.add(objection)
        s.flush()
        objection_id = objection.id
    assert_vocabulary(Objection, objection_id, "status", ObjectionStatus, "ck_disclosure_objections_status")
    assert_vocabulary(Objection, objection_id, "outcome", ObjectionOutcome, "ck_disclosure_objections_outcome")
