"""schemathesis over the whole OpenAPI schema (bounded examples per operation), against the ASGI
app on a migrated database holding individuals' records, once with an admin key and once with no key:
no server error, and no response gives the public an unmasked resident ID number."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.factories import department_headers, record_json, resident_id
from xinyong.core.codes import check_resident_id

pytestmark = pytest.mark.slow

RID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MAX_EXAMPLES = 5


def _seed(client: Any, headers: dict[str, str]) -> list[str]:
    rng = random.Random(5)
    ids = []
    for i in range(3):
        rid = resident_id(rng, "320812")
        body = record_json(subject_code=rid, subject_name="张三丰", document_number=f"淮市监罚〔2026〕{900 + i}号")
        r = client.post("/api/v1/records", json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
        ids.append(rid)
    return ids


def _leaks(text: str, request_text: str) -> list[str]:
    return [m for m in RID.findall(text) if check_resident_id(m).valid and m not in request_text]


@pytest.mark.parametrize("caller", ["admin", "public"])
def test_whole_api_under_fuzzing(client, api_key, caller: str) -> None:
    admin = api_key("admin")
    seeded = _seed(client, department_headers("淮安市市场监督管理局"))
    headers = admin if caller == "admin" else {}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    problems: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10

    def fuzz(operation: Any) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.headers = {**(case.headers or {}), **headers}
            case.headers.pop("Authorization", None)
            if caller == "public":
                case.headers.pop("X-API-Key", None)
            label = f"{operation.method.upper()} {operation.path}"
            try:
                response = case.call(session=client)
            except Exception as exc:  # the TestClient re-raises what would be a 500
                problems.append(f"{label}: server error {type(exc).__name__}: {str(exc)[:160]}")
                calls.append(500)
                return
            calls.append(response.status_code)
            if response.status_code >= 500:
                problems.append(f"{label}: {response.status_code} for {case.as_curl_command()}")
            if caller == "public":
                request_text = repr((case.path_parameters, case.query, case.body, case.formatted_path))
                leaked = _leaks(response.text, request_text)
                if leaked:
                    problems.append(f"{label}: resident ID leaked to the public: {leaked[:2]}")
                for rid in seeded:
                    if rid in response.text and rid not in request_text:
                        problems.append(f"{label}: seeded resident ID leaked to the public")

        check()

    for operation in operations:
        fuzz(operation)
        if len(problems) > 20:
            break
    assert len(calls) >= len(operations)
    assert not problems, "\n".join(problems)
