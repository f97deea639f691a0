from __future__ import annotations

from tests.factories import department_headers, record_json


def test_record_is_accepted_once_and_appears_in_credit_file(client, api_key) -> None:
    headers = department_headers("淮安市市场监督管理局")
    body = record_json()
    first = client.post("/api/v1/records", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    again = client.post("/api/v1/records", json=body, headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    file = client.get(f"/api/v1/subjects/{body['subject_code']}", headers=headers)
    assert file.status_code == 200, file.text
    records = file.json()["sections"]["records"]
    assert [r["document_number"] for r in records] == [body["document_number"]]


def test_record_outside_catalog_is_refused_with_reason(client, api_key) -> None:
    headers = department_headers("淮安市市场监督管理局")
    response = client.post(
        "/api/v1/records", json=record_json(catalog_item="jaywalking"), headers=headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "catalog_item_not_in_force"
    assert "目录" in error["message"]


def test_public_cannot_read_credit_file(client) -> None:
    response = client.get("/api/v1/subjects/91110000600037341L")
    assert response.status_code == 403
