"""The share interface, the public page and the public search only read: on PostgreSQL they run without a
transaction (no BEGIN, no COMMIT round trip) and their access-log entry is one INSERT that commits by
itself; a refusal is still registered, a write inside such a use case is refused and nothing of it is
written; on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_api_key
from tests.integration.disclosure.seed import add_record, company
from tests.statements import transactions
from xinyong.core.access import Actor, Purpose
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role
from xinyong.core.usecase import use_case
from xinyong.subjects.models import Subject


def _entries(action: str, *, allowed: bool = True) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.allowed.is_(allowed)).order_by(AccessLogEntry.id)))


def test_share_and_public_reads_run_outside_a_transaction_and_are_registered(client, backend: str) -> None:
    org = company(seed=71, name="淮安市只读商贸有限公司")
    add_record(org.code, org.name, "admin-penalty", "淮市监罚〔2026〕71号")
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    with transactions() as shared:
        r = client.get(f"/api/v1/share/subjects/{org.code}", params={"purpose": "procurement"}, headers=unit)
    assert r.status_code == 200, r.text
    shown = r.json()
    assert "淮市监罚〔2026〕71号" in [x["document_number"] for x in shown["records"]]
    with transactions() as public:
        page = client.get(f"/api/v1/public/subjects/{org.code}")
        found = client.get("/api/v1/public/search", params={"q": "只读商贸"})
        html = client.get(f"/public/subjects/{org.key}")
    assert page.status_code == found.status_code == html.status_code == 200
    assert [x["name"] for x in found.json()["results"]] == [org.name] and org.name in html.text
    if backend == "postgresql":  # autocommit: each statement its own, the entry durable when it is sent
        assert shared and not any(shared), shared
        assert public and not any(public), public
    (entry,) = _entries("disclosure.share")
    count = sum(len(shown.get(k, [])) for k in ("records", "licences", "listings"))
    assert (entry.subject_key, entry.purpose, entry.result_count) == (org.key, "procurement", count)
    assert len(_entries("disclosure.public_read")) == 3


def test_a_refusal_inside_a_reading_use_case_is_registered(client) -> None:
    """The administrator may call the share interface but has no share scope: refused inside the use case."""
    org = company(seed=72, name="淮安市无范围商贸有限公司")
    admin = {"X-API-Key": make_api_key("admin")}
    r = client.get(f"/api/v1/share/subjects/{org.code}", params={"purpose": "supervision"}, headers=admin)
    assert r.status_code == 403 and "共享范围" in r.json()["error"]["message"], r.text
    assert _entries("disclosure.share", allowed=False)
    assert _entries("disclosure.share") == []


UNIT = Actor(id=7, name="淮安市某实施单位", role=Role.implementing_unit, region_code="320800")


def test_a_write_inside_a_reading_use_case_is_refused_and_nothing_is_written(db_url) -> None:
    with pytest.raises(RuntimeError, match="reads only"), \
            use_case(UNIT, "disclosure.share", purpose=Purpose.procurement, reads_only=True) as door:
        door.admit(subject_key="k" * 40)
        door.session.add(Subject(subject_key="x" * 40, kind="organisation", name="某公司",
                                 display_code="91320812MA0000000X", region_code="320812"))
        door.session.flush()
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Subject)) == 0
        assert s.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


def test_reading_and_serialising_do_not_go_together(db_url) -> None:
    with pytest.raises(ValueError), use_case(UNIT, "disclosure.share", purpose=Purpose.procurement,
                                             reads_only=True, serialise=True):
        pass
