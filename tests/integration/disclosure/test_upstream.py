"""Reporting upward (国办发〔2020〕49号 §（五））: new, changed and withdrawn 双公示 items reach a fake upstream
platform through the outbox, with its acknowledgement stored; a repair or revocation sends the withdrawal
the same day; a receiver that is down is retried."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import make_api_key, uscc
from tests.integration.disclosure.seed import add_record
from tests.integration.disclosure.upstream_fake import FakeUpstream
from xinyong.core import clock
from xinyong.core.access import SYSTEM
from xinyong.core.db import unit_of_work
from xinyong.core.delivery import run_once
from xinyong.core.errors import ValidationFailed
from xinyong.core.outbox import OutboxDelivery, OutboxMessage
from xinyong.disclosure import upstream
from xinyong.disclosure.models import UpstreamReceipt
from xinyong.disclosure.national import PENALTY_COLUMNS
from xinyong.records import service as records

URL = "http://127.0.0.1:9/upstream/shuanggongshi"
COMPANY = "淮安市清江浦区上报示例有限公司"


@pytest.fixture
def fake(db_url: str) -> FakeUpstream:
    done = upstream.connect(SYSTEM, URL)
    assert done["created"] and done["secret"]
    return FakeUpstream(done["secret"])


def _receipts() -> list[UpstreamReceipt]:
    with unit_of_work() as s:
        return list(s.scalars(select(UpstreamReceipt).order_by(UpstreamReceipt.id)))


def test_new_item_is_pushed_and_acknowledged(fake: FakeUpstream) -> None:
    code = uscc(random.Random(41))
    rid = add_record(code, COMPANY, "admin-penalty", "淮市监罚〔2026〕411号")
    add_record(code, COMPANY, "admin-inspection", "淮市监检〔2026〕412号")  # not 双公示: not reported
    [receipt] = _receipts()
    assert (receipt.item_id, receipt.action, receipt.kind) == (rid, "new", "penalty")
    assert receipt.ack_id is None and receipt.changed_on == clock.today()

    stats = run_once(lease_seconds=5, transports=fake.transports())
    assert stats.delivered == 1 and fake.bad_signatures == 0
    [sent] = fake.payloads()
    assert sent["action"] == "new" and sent["kind"] == "penalty" and sent["source_id"] == f"penalty-{rid}"
    assert sent["columns"] == list(PENALTY_COLUMNS) and set(sent["row"]) == set(PENALTY_COLUMNS)
    assert sent["row"]["行政相对人名称"] == COMPANY and sent["row"]["行政相对人代码_1（统一社会信用代码）"] == code
    assert sent["row"]["行政处罚决定书文号"] == "淮市监罚〔2026〕411号"
    assert sent["row"]["数据来源单位"] == "淮安市市场监督管理局"
    assert sent["row"]["公示截止期"]  # the period as the public page counts it
    [receipt] = _receipts()
    assert receipt.ack_id == "SJ000001" and receipt.acknowledged_at is not None

    found = upstream.list_receipts(SYSTEM)
    assert found.connected and found.counts == {"retrying": 0, "pending": 0, "delivered": 1}
    assert found.rows[0]["state_name"] == "已确认" and found.rows[0]["document_number"] == "淮市监罚〔2026〕411号"


def test_change_is_pushed_and_repair_or_revocation_withdraws_the_same_day(fake: FakeUpstream) -> None:
    code = uscc(random.Random(42))
    marked = add_record(code, COMPANY, "admin-penalty", "淮市监罚〔2026〕421号")
    shielded = add_record(code, COMPANY, "admin-penalty", "淮市监罚〔2026〕422号")
    revoked = add_record(code, COMPANY, "admin-penalty", "淮市监罚〔2026〕423号")
    run_once(lease_seconds=5, transports=fake.transports())
    assert len(fake.received) == 3

    clock_day = clock.today()
    with unit_of_work() as s:
        records.set_status(s, marked, "repaired_marked", "信用修复（标注）", expect=("active",))
    with unit_of_work() as s:
        records.set_status(s, shielded, "repaired_shielded", "信用修复（屏蔽）", expect=("active",))
    with unit_of_work() as s:
        records.withdraw_in(s, revoked, kind="revoked", reason="异议成立，予以撤销", by="淮安市市场监督管理局")
    stats = run_once(lease_seconds=5, transports=fake.transports())
    assert stats.delivered == 3

    later = fake.payloads()[3:]
    by_source = {int(p["source_id"].removeprefix("penalty-")): p for p in later}
    assert by_source[marked]["action"] == "changed"
    assert by_source[marked]["row"]["行政处罚决定书文号"] == "淮市监罚〔2026〕421号"
    withdrawal = by_source[shielded]
    assert withdrawal["action"] == "withdrawn" and "row" not in withdrawal
    assert withdrawal["withdrawal"]["行政处罚决定书文号"] == "淮市监罚〔2026〕422号"
    assert withdrawal["withdrawal"]["撤回日期"] == clock_day.isoformat() == withdrawal["changed_on"]
    revocation = by_source[revoked]
    assert revocation["action"] == "withdrawn" and revocation["withdrawal"]["行政处罚决定书文号"] == "淮市监罚〔2026〕423号"
    assert "异议成立" in revocation["withdrawal"]["撤回原因"]
    # one withdrawal per revocation (the status change, not also the RecordWithdrawn event)
    assert [p["action"] for p in later].count("withdrawn") == 2
    acts = {(r.item_id, r.action) for r in _receipts()}
    assert {(shielded, "withdrawn"), (revoked, "withdrawn"), (marked, "changed")} <= acts
    assert all(r.acknowledged_at is not None and r.changed_on == clock_day for r in _receipts())


def test_receiver_down_is_retried_until_acknowledged(fake: FakeUpstream, test_clock: clock.SetClock) -> None:
    rid = add_record(uscc(random.Random(43)), COMPANY, "admin-penalty", "淮市监罚〔2026〕431号")
    fake.down = True
    stats = run_once(lease_seconds=5, transports=fake.transports())
    assert stats.failed == 1 and fake.received == []
    found = upstream.list_receipts(SYSTEM, state="retrying")
    [row] = found.rows
    assert row["item_id"] == rid and row["state_name"] == "发送失败，等待重试" and row["attempts"] == 1
    assert "503" in (row["last_error"] or "") or "维护" in (row["last_error"] or "")
    # not due yet: the backoff holds it back
    assert run_once(lease_seconds=5, transports=fake.transports()).failed == 0
    fake.down = False
    test_clock.advance(dt.timedelta(seconds=30))
    stats = run_once(lease_seconds=5, transports=fake.transports())
    assert stats.delivered == 1 and fake.attempts == 2
    with unit_of_work() as s:
        d = s.scalar(select(OutboxDelivery))
        assert d is not None and d.status == "delivered" and d.attempts == 2
    [receipt] = _receipts()
    assert receipt.ack_id == "SJ000001"


def test_nothing_is_reported_before_the_upstream_is_connected(db_url: str) -> None:
    add_record(uscc(random.Random(44)), COMPANY, "admin-penalty", "淮市监罚〔2026〕441号")
    assert _receipts() == []
    with unit_of_work() as s:
        assert s.scalars(select(OutboxMessage)).all() == []
    assert upstream.list_receipts(SYSTEM).connected is False


@pytest.mark.parametrize("url", ["http://10.1.2.3/receive", "ftp://upstream.example/x", "http://169.254.169.254/"])
def test_upstream_address_is_checked(db_url: str, url: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        upstream.connect(SYSTEM, url)
    assert raised.value.code == "invalid_url"


def test_receipts_api_and_page_are_for_administration(client: Any, fake: FakeUpstream) -> None:
    add_record(uscc(random.Random(45)), COMPANY, "admin-penalty", "淮市监罚〔2026〕451号")
    admin = {"X-API-Key": make_api_key("admin")}
    body = client.get("/api/v1/upstream/receipts", headers=admin)
    assert body.status_code == 200, body.text
    assert body.json()["counts"]["pending"] == 1 and body.json()["receipts"][0]["state_name"] == "待发送"
    assert client.get("/api/v1/upstream/receipts", headers={"X-API-Key": make_api_key("implementing_unit")}
                      ).status_code == 403
    assert client.get("/api/v1/upstream/receipts").status_code in (401, 403)
    from tests.integration.security.helpers import console_login

    console_login(client, "admin")
    page = client.get("/console/disclosure/upstream", headers={"accept": "text/html"})
    assert page.status_code == 200 and "淮市监罚〔2026〕451号" in page.text and "待发送 1 条" in page.text


def test_an_imported_national_file_is_reported_item_by_item(fake: FakeUpstream, tmp_path: Any) -> None:
    from pathlib import Path

    from tests.exchange.generate import PENALTY_AUTHORITY
    from xinyong.core.access import create_principal
    from xinyong.core.policy import Role
    from xinyong.records.national.importer import import_any

    with unit_of_work() as s:
        source = create_principal(s, name=PENALTY_AUTHORITY, role=Role.determining_department,
                                  department=PENALTY_AUTHORITY, region_code="320800").id
    data = Path(__file__).resolve().parents[2] / "data" / "exchange" / "penalties-utf8.csv"
    summary = import_any(data, source=source, rejects_path=tmp_path / "r.csv", workers=0, batch_size=100)
    receipts = _receipts()
    assert len(receipts) == summary.accepted and {r.action for r in receipts} == {"new"}
    stats = run_once(lease_seconds=30, transports=fake.transports())
    assert stats.delivered == summary.accepted and fake.bad_signatures == 0
    sent = fake.payloads()
    assert all(p["row"]["处罚机关"] == PENALTY_AUTHORITY for p in sent)
    assert not any(p["row"]["法定代表人身份证号"] for p in sent)
    assert all(r.ack_id for r in _receipts())


def test_licences_are_reported_when_the_records_capability_announces_them(fake: FakeUpstream) -> None:
    """The topics ``licence.recorded`` / ``licences.imported`` (ids of new or changed licences) reach the upstream
    as 行政许可 rows."""
    from tests.integration.disclosure.shuanggongshi_seed import licence
    from xinyong.core.events import emit
    from xinyong.disclosure.national import LICENSING_COLUMNS

    lid = licence(uscc(random.Random(46)), COMPANY, "清审批许〔2026〕461号")
    with unit_of_work() as s:
        emit(s, "licences.imported", {"subject_keys": [], "licence_ids": [lid]})
    with unit_of_work() as s:
        emit(s, "licence.recorded", {"subject_key": "", "licence_id": lid, "changed": True})
    run_once(lease_seconds=5, transports=fake.transports())
    first, second = fake.payloads()
    assert (first["action"], first["kind"], second["action"]) == ("new", "licensing", "changed")
    assert first["columns"] == list(LICENSING_COLUMNS)
    assert first["row"]["行政许可决定文书号"] == "清审批许〔2026〕461号" and first["row"]["当前状态"] == "有效"
    assert [(r.kind, r.item_id) for r in _receipts()] == [("licensing", lid)] * 2


def test_an_imported_licence_table_is_reported_as_licensing_rows(fake: FakeUpstream, tmp_path: Any) -> None:
    """A 行政许可 table imported with `xinyong import` announces its licences (licences.imported), and each one
    reaches the upstream as a 行政许可 row with its receipt — reported upward like the penalties."""
    from pathlib import Path

    from tests.exchange.generate import PENALTY_AUTHORITY
    from xinyong.core.access import create_principal
    from xinyong.core.policy import Role
    from xinyong.records.national.importer import import_any

    with unit_of_work() as s:
        source = create_principal(s, name=PENALTY_AUTHORITY, role=Role.determining_department,
                                  department=PENALTY_AUTHORITY, region_code="320800").id
    data = Path(__file__).resolve().parents[2] / "data" / "exchange" / "licences-utf8.csv"
    summary = import_any(data, source=source, rejects_path=tmp_path / "r.csv", workers=0, batch_size=100)
    assert summary.accepted > 0
    receipts = _receipts()
    assert len(receipts) == summary.accepted and {(r.kind, r.action) for r in receipts} == {("licensing", "new")}
    stats = run_once(lease_seconds=30, transports=fake.transports())
    assert stats.delivered == summary.accepted
    assert {p["kind"] for p in fake.payloads()} == {"licensing"}
