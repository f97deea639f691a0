"""The screening index is the engine's output: it agrees with the live engine, and `xinyong measures
reindex` rebuilds the same rows."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.factories import department_headers, record_json, uscc
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.measures import service
from xinyong.measures.models import ScreeningFact
from xinyong.subjects.models import Subject


def test_index_agrees_with_live_engine_and_reindex_rebuilds_it(client: Any, api_key: Any) -> None:
    rng = random.Random(5)
    for i in range(6):
        body = record_json(subject_code=uscc(rng), subject_name=f"索引示例{i}有限公司",
                           severity=["serious", "general"][i % 2], document_number=f"罚〔2025〕{i}号",
                           catalog_item=["admin-penalty", "abnormal-operation"][i % 3 == 0],
                           document_type="administrative_penalty", non_intentional=i == 4)
        assert client.post("/api/v1/records", json=body,
                           headers=department_headers(body["issuing_authority"])).status_code == 201
    on = dt.date(2026, 6, 1)
    with unit_of_work() as s:
        subjects = list(s.scalars(select(Subject)))
        before = s.scalar(select(func.count()).select_from(ScreeningFact))
        for subject in subjects:
            for matter in (None, "procurement_bidding", "honours"):
                indexed, _ = service.explain_subject(s, subject, on, matter, None)
                live = service.live_decision(s, subject, on, matter, None)
                assert indexed.measure_codes == live.measure_codes, subject.name
                assert len(indexed.withheld) == len(live.withheld)
    assert before and before > 0
    result = CliRunner().invoke(app, ["measures", "reindex"])
    assert result.exit_code == 0, result.output
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(ScreeningFact)) == before
