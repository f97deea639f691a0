"""一次申请、同步修复、完全修复 (淮政办发〔2021〕13号 §五（一）) end to end: a record and a listing of one
company, decided by two departments, after which screening returns no measure, the portal no longer shows
them, and every receiver got the repair exactly once — the application is complete only when all confirmed."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from tests.factories import record_input
from tests.integration.repair.conftest import SAMR, World, part
from xinyong.core.access import Actor
from xinyong.core.db import unit_of_work
from xinyong.core.delivery import Outgoing, SendResult, run_once
from xinyong.core.outbox import create_channel
from xinyong.core.policy import Role
from xinyong.records import service as records

HRSS = "淮安市人力资源和社会保障局"


class Receiver:
    """A fake webhook transport: records what each channel received; may refuse some channels."""

    def __init__(self, down: set[str] | None = None) -> None:
        self.down = set(down or ())
        self.got: list[tuple[str, dict]] = []

    def send(self, message: Outgoing) -> SendResult:
        if message.channel in self.down:
            return SendResult(False, 503, "unavailable")
        self.got.append((message.channel, json.loads(message.body)))
        return SendResult(True, 200)


def _listing(world: World) -> tuple[int, int, str]:
    """A migrant-wage-arrears listing decided in 2025 by the HRSS bureau (listing capability, issue 4)."""
    from xinyong.core.authority import infer_fields
    from xinyong.listing import service as listing

    officer = Actor(id=None, name=f"{HRSS}经办人", role=Role.determining_department, department=HRSS,
                    region_code="320800", fields=frozenset(infer_fields(HRSS)))
    with unit_of_work() as s:
        rec = records.ingest(s, record_input(
            subject_code=world.code, subject_name="淮安市示例商贸有限公司", issuing_authority=HRSS,
            document_number="淮人社监罚〔2025〕12号", summary="拖欠农民工工资，经责令限期支付逾期仍未支付",
            decision_date=dt.date(2025, 3, 1), effective_date=dt.date(2025, 3, 5))).record
        case = listing.propose(s, officer, subject_code=world.code, list_type_id="migrant-wage-arrears",
                               record_ids=[rec.id], reason="拖欠农民工工资", on=dt.date(2025, 4, 1))
        listing.serve_notice(s, officer, case.id, objection_window_end=dt.date(2025, 4, 15), on=dt.date(2025, 4, 1))
        second = Actor(id=None, name=f"{HRSS}审核人", role=Role.determining_department, department=HRSS,
                       region_code="320800", fields=frozenset(infer_fields(HRSS)))
        listing.approve(s, second, case.id, opinion="同意", on=dt.date(2025, 4, 20))  # 四眼原则
        listing.decide(s, officer, case.id, on=dt.date(2025, 4, 20))
        listing.list_subject(s, officer, case.id, on=dt.date(2025, 4, 21))
        [row] = listing.active_listings(s, world.key, dt.date(2026, 11, 23))
        return rec.id, int(row["listing_id"]), str(row["decision_no"])


def _screen(world: World) -> dict:
    r = world.client.get(f"/api/v1/screen/code/{world.code}?matter=procurement_bidding", headers=world.admin)
    assert r.status_code == 200, r.text
    [hit] = r.json()["hits"]
    return hit


def test_one_application_synchronous_and_complete(world: World) -> None:
    from xinyong.measures import push

    with unit_of_work() as s:
        create_channel(s, "credit-china-huaian", unit="信用中国（江苏淮安）", url="https://example.invalid/cc")
        create_channel(s, "huaian-finance", unit="淮安市财政局", url="https://example.invalid/fin")
        # an implementing unit subscribed to targeted push (measures capability)
        push.register_receiver(s, name="huaian-procurement", unit="淮安市公共资源交易中心",
                               url="https://example.invalid/ggzy", measures=[], regions=["320800"], topics=[])
    penalty = world.record(severity="serious", decision_date=dt.date(2025, 6, 1), effective_date=dt.date(2025, 6, 5),
                           document_number="淮市监罚〔2025〕201号")
    wage_record, listing_id, decision_no = _listing(world)
    before = _screen(world)
    assert before["measures"] and before["lists"]
    shown = json.dumps(world.client.get(f"/api/v1/public/subjects/{world.code}").json(), ensure_ascii=False)
    assert "淮市监罚〔2025〕201号" in shown and decision_no in shown

    world.commit()
    filed = world.apply([
        part("record", penalty),
        part("record", wage_record),
        part("listing", listing_id, corrected_on="2025-05-10"),
    ])
    assert filed.status_code == 201, filed.text
    app = filed.json()
    assert [p["status"] for p in app["parts"]] == ["pending", "pending", "pending"], app["parts"]
    assert sorted({p["department"] for p in app["parts"]}) == sorted({SAMR, HRSS})
    from tests.factories import make_api_key

    hrss_key = {"X-API-Key": make_api_key("determining_department", department=HRSS)}
    for p in app["parts"]:
        headers = world.samr if p["department"] == SAMR else hrss_key
        r = world.client.post(f"/api/v1/repair/parts/{p['id']}/decision", headers=headers, json={"grant": True})
        assert r.status_code == 200, r.text
    granted = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert [p["status"] for p in granted["parts"]] == ["granted"] * 3
    listing_part = next(p for p in granted["parts"] if p["target_kind"] == "listing")
    assert listing_part["outcome"] == "remove_from_list"
    # not complete before every channel confirmed
    assert granted["status"] == "syncing" and not granted["complete"]
    pending = Counter((c["channel"], c["topic"]) for c in granted["pending_channels"])
    assert pending["credit-china-huaian", "repair.granted"] == 3
    assert pending["huaian-finance", "repair.granted"] == 3
    assert pending["huaian-procurement", "repair.granted"] == 3
    # the targeted push caused by the change itself is waited for as well
    assert pending["huaian-procurement", "push.listing.ended"] >= 1
    assert pending["huaian-procurement", "push.record.status_changed"] >= 1

    # measures stop and the listing ended in the decision's transaction
    after = _screen(world)
    assert after["measures"] == [] and after["lists"] == []
    # the portal shows none of the repaired information
    public = world.client.get(f"/api/v1/public/subjects/{world.code}")
    assert public.status_code == 200, public.text
    text = json.dumps(public.json(), ensure_ascii=False)
    assert "淮市监罚〔2025〕201号" not in text and "淮人社监罚〔2025〕12号" not in text
    assert decision_no not in text

    # delivery: one channel is down, the application names it
    first = Receiver(down={"huaian-finance"})
    run_once(transports={"webhook": first})
    syncing = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert syncing["status"] == "syncing"
    assert {c["channel"] for c in syncing["pending_channels"]} == {"huaian-finance"}
    # later it comes back; everything is confirmed and the repair is complete
    from xinyong.core.outbox import OutboxDelivery

    with unit_of_work() as s:  # make the retry due now instead of after the backoff
        for d in s.query(OutboxDelivery).filter(OutboxDelivery.status != "delivered"):
            d.next_attempt_at = d.next_attempt_at - dt.timedelta(days=1)
    second = Receiver()
    run_once(transports={"webhook": second})
    done = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert done["status"] == "completed" and done["complete"] and done["pending_channels"] == []

    # every receiver got each repaired part exactly once
    repairs = [(ch, body["payload"]["part_id"]) for ch, body in first.got + second.got
               if body["topic"] == "repair.granted"]
    expected = {(ch, p["id"]) for ch in ("credit-china-huaian", "huaian-finance", "huaian-procurement")
                for p in app["parts"]}
    assert Counter(repairs) == Counter(expected)
    sample = next(body["payload"] for _ch, body in second.got + first.got if body["topic"] == "repair.granted")
    assert sample["subject"]["code"] == world.code and sample["outcome"] in {"end_disclosure", "remove_from_list"}
    # running the worker again sends nothing more
    third = Receiver()
    run_once(transports={"webhook": third})
    assert third.got == []
