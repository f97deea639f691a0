from __future__ import annotations

import random
from typing import Any

import pytest

from tests.factories import department_headers, record_json, uscc


@pytest.fixture
def penalised(client: Any, api_key: Any) -> dict[str, Any]:
    """An organisation with a serious administrative penalty (政府采购法 第二十二条 trigger)."""
    body = record_json(subject_code=uscc(random.Random(501)), subject_name="淮安市清江浦区示例商贸有限公司",
                       severity="serious")
    r = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert r.status_code == 201, r.text
    return {"code": body["subject_code"], "record_id": r.json()["id"], "name": body["subject_name"]}
