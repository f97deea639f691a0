"""The published API contract: every operation described in Chinese, every error status it can answer
declared with the platform's error body, closed vocabularies as enums, the credit file typed — and the
documentation pages served from the package's own files."""

from __future__ import annotations

import json
import random
import re
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import record_json, uscc
from xinyong.app import create_app
from xinyong.core.access import Purpose
from xinyong.measures.rules import MATTERS
from xinyong.subjects.file_models import CreditFileOut
from xinyong.web.openapi import ERROR_STATUSES, api_routes, derived_statuses

CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def schema() -> dict[str, Any]:
    r = TestClient(create_app()).get("/api/v1/openapi.json")  # no lifespan: the schema reads no database
    assert r.status_code == 200
    return dict(r.json())


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, item in schema()["paths"].items() for m, op in item.items()
            if m in {"get", "post", "put", "patch", "delete"}]


def test_every_operation_has_a_chinese_summary_and_description() -> None:
    missing = [f"{m} {p}" for m, p, op in operations()
               if not CJK.search(op.get("summary", "")) or not CJK.search(op.get("description", ""))]
    assert not missing, missing
    assert len(operations()) > 100


def test_every_error_is_declared_with_the_platform_error_body() -> None:
    text = json.dumps(schema())
    assert "HTTPValidationError" not in text and "ValidationError" not in text
    body = schema()["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["error"]
    detail = schema()["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "details"}
    wrong = []
    for m, p, op in operations():
        for status, entry in op["responses"].items():
            if int(status) < 400:
                continue
            content = entry.get("content", {}).get("application/json", {})
            if content.get("schema") != {"$ref": "#/components/schemas/ErrorBody"}:
                wrong.append(f"{m} {p} {status}: {content.get('schema')}")
            elif "error" not in content.get("example", {}):
                wrong.append(f"{m} {p} {status}: no example")
            if not CJK.search(entry.get("description", "")):
                wrong.append(f"{m} {p} {status}: description {entry.get('description')!r}")
    assert not wrong, wrong
    assert '"detail"' not in text  # FastAPI's own {"detail": …} appears nowhere


def test_each_operation_declares_the_statuses_its_route_can_answer() -> None:
    app = create_app()
    declared = {(m, p): {int(s) for s in op["responses"] if int(s) >= 400} for m, p, op in operations()}
    for route, path in api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            expected = derived_statuses(route)
            assert expected <= declared[(method, path)], (method, path, expected, declared[(method, path)])
    # every secured operation answers 401 and 403; a path identifier 404; a body 413 and 422
    ops = dict(((m, p), op) for m, p, op in operations())
    assert {401, 403, 404, 409, 413, 422} <= declared[("POST", "/api/v1/records/{record_id}/withdrawal")]
    assert {401, 403, 409, 413, 422} <= declared[("POST", "/api/v1/listing/cases")]
    assert 409 in declared[("POST", "/api/v1/repair/applications")]
    assert ops[("GET", "/api/v1/catalog")]["responses"]["200"]["description"] == "成功"
    assert set(ERROR_STATUSES) == {401, 403, 404, 409, 413, 422}


def _param(op: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in op["parameters"] if p["name"] == name)


def test_closed_vocabularies_are_enums() -> None:
    paths = schema()["paths"]
    purposes = [p.value for p in Purpose]
    assert _param(paths["/api/v1/subjects/{code}"]["get"], "purpose")["schema"]["enum"] == purposes
    assert _param(paths["/api/v1/screen/code/{code}"]["get"], "matter")["schema"]["enum"] == list(MATTERS)
    assert _param(paths["/api/v1/screen/code/{code}"]["get"], "purpose")["schema"]["enum"] == purposes
    assert "listed" in _param(paths["/api/v1/listing/cases"]["get"], "state")["schema"]["enum"]
    schemas = schema()["components"]["schemas"]
    assert schemas["CaseIn"]["properties"]["matter"]["enum"] == list(MATTERS)
    assert "repaired_shielded" in schemas["RecordRow"]["properties"]["status"]["enum"]


def test_the_credit_file_is_typed_per_section() -> None:
    op = schema()["paths"]["/api/v1/subjects/{code}"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/CreditFileOut")
    sections = schema()["components"]["schemas"]["CreditFileSections"]["properties"]
    for name, row in [("records", "RecordRow"), ("listings", "ListingRow"), ("repair", "RepairRow"),
                      ("objections", "ObjectionRow"), ("listing_interviews", "InterviewRow")]:
        assert sections[name]["items"]["$ref"].endswith("/" + row), name


def test_a_real_credit_file_validates_against_its_model_and_errors_have_the_shape(
        client: Any, api_key: Any) -> None:
    body = record_json(subject_code=uscc(random.Random(418)))
    dept = api_key("determining_department", department=body["issuing_authority"])
    r = client.post("/api/v1/records", json=body, headers=dept)
    assert r.status_code == 201, r.text
    admin = api_key("admin")
    r = client.get(f"/api/v1/subjects/{body['subject_code']}", params={"purpose": "administration"}, headers=admin)
    assert r.status_code == 200, r.text
    file = CreditFileOut.model_validate(r.json())
    assert file.sections.records[0].status == "active"
    # the documented shapes of 401, 403, 404 and 422 are the real ones
    for response, status in [
        (client.get("/api/v1/subjects/91320812MA1W8XYZ2X", headers={"X-API-Key": "no-such-key"}), 401),
        (client.get(f"/api/v1/subjects/{body['subject_code']}", headers=api_key("implementing_unit")), 403),
        (client.get(f"/api/v1/records/{10**8}", headers=admin), 404),
        (client.post("/api/v1/records", json={}, headers=dept), 422),
    ]:
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"} and CJK.search(response.json()["error"]["message"])
    denied = client.get(f"/api/v1/subjects/{body['subject_code']}", headers=api_key("implementing_unit")).json()
    assert denied["error"]["message"] == "实施单位无权执行操作“查阅信用档案”"
    assert denied["error"]["details"] == {"action": "credit_file.read"}


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/redoc"])
def test_documentation_pages_load_only_this_sites_files(client: Any, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "<script>" not in page.text and "cdn" not in page.text.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for s in sources:
        assert client.get(s).status_code == 200, s
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp


def test_every_schema_has_a_plain_name_so_generated_clients_get_every_operation() -> None:
    """Two request models of the same class name get module-qualified names, which client generators
    (openapi-python-client) refuse: their operations would be missing from a generated client."""
    names = list(schema()["components"]["schemas"])
    assert not [n for n in names if "__" in n or "." in n], names
