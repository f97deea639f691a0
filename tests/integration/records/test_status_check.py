"""records_0002: the database refuses a record status outside RecordStatus (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.factories import record_input
from tests.integration.records.vocabulary import assert_vocabulary
from xinyong.core.db import unit_of_work
from xinyong.records import service as records
from xinyong.records.models import Record
from xinyong.records.rules import RecordStatus


def test_record_status_is_checked_by_the_database(db_url: str) -> None:
    with unit_of_work() as s:
        record_id = records.ingest(s, record_input()).record.id
    assert_vocabulary(Record, record_id, "status", RecordStatus, "ck_records_status")
