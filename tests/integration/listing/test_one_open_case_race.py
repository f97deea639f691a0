"""Two officers opening the same case at the same moment: the database keeps one open case per subject
and list type; the other proposal is a 409 naming the case already open."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import func, select

from tests.integration.listing.helpers import DEPT, REGION, make_subject
from tests.races import simultaneously
from xinyong.core.db import unit_of_work
from xinyong.listing.models import ListingCase

PAIRS = 10
MT = "migrant-wage-arrears"


def test_two_simultaneous_proposals_open_one_case(client: Any, api_key: Any) -> None:
    dd = api_key("determining_department", department=DEPT, region=REGION)
    for n in range(PAIRS):
        setup = make_subject(400 + n)
        body = {"subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id],
                "reason": "拖欠农民工工资，经责令限期支付后逾期未支付", "on": "2026-09-01"}
        post = partial(client.post, "/api/v1/listing/cases", json=body, headers=dd)
        a, b = simultaneously(post, post)
        assert sorted([a.status_code, b.status_code]) == [201, 409], (a.text, b.text)
        loser = a if a.status_code == 409 else b
        assert loser.json()["error"]["code"] == "listing.case_exists"
        assert "未结案件" in loser.json()["error"]["message"]
        with unit_of_work() as s:
            open_cases = s.scalar(select(func.count()).select_from(ListingCase).where(
                ListingCase.subject_key == setup.subject_key, ListingCase.list_type_id == MT))
        assert open_cases == 1
