"""Credit repair through the API: one application, refusals with reasons, decisions, deadlines."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.integration.repair.conftest import SAMR, TAX, World, b64, part, set_today


def test_record_repaired_through_one_application(world: World) -> None:
    rec = world.record()
    world.commit()
    filed = world.apply([part("record", rec)], attachments=[
        {"filename": "缴款凭证.pdf", "content_type": "application/pdf", "content_base64": b64(b"%PDF-1.4 paid")}])
    assert filed.status_code == 201, filed.text
    app = filed.json()
    assert app["status"] == "processing" and app["status_name"] == "办理中"
    [p] = app["parts"]
    assert p["status"] == "pending" and p["department"] == SAMR and not p["overdue"]
    assert app["attachments"][0]["filename"] == "缴款凭证.pdf"

    # the department sees it in its queue and grants it
    queue = world.client.get("/api/v1/repair/parts?status=pending", headers=world.samr)
    assert [q["id"] for q in queue.json()] == [p["id"]]
    decided = world.client.post(f"/api/v1/repair/parts/{p['id']}/decision", headers=world.samr,
                                json={"grant": True, "decision_number": "淮市监信修〔2026〕1号"})
    assert decided.status_code == 200, decided.text
    after = decided.json()
    assert after["parts"][0]["status"] == "granted"
    assert after["parts"][0]["outcome"] == "end_disclosure"
    # the record itself changed in the same transaction (screening and the portal read its status)
    record = world.client.get(f"/api/v1/records/{rec}", headers=world.admin).json()
    assert record["status"] == "repaired_shielded"
    # the subject reads one status; the credit file carries the application and the commitment
    mine = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert mine["parts"][0]["status_name"] == "准予修复"
    file = world.client.get(f"/api/v1/subjects/{world.code}", headers=world.admin).json()
    kinds = {row["type"] for row in file["sections"]["repair"]}
    assert kinds == {"application", "commitment"}
    # the attachment can be downloaded by the department it was routed to
    att = app["attachments"][0]["id"]
    got = world.client.get(f"/api/v1/repair/applications/{app['id']}/attachments/{att}", headers=world.samr)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 paid"


def test_one_application_routes_parts_to_each_department(world: World) -> None:
    samr_rec = world.record()
    tax_rec = world.record(document_number="淮税罚〔2025〕9号", issuing_authority=TAX)
    world.commit()
    app = world.apply([part("record", samr_rec), part("record", tax_rec)]).json()
    departments = sorted(p["department"] for p in app["parts"])
    assert departments == sorted([SAMR, TAX])
    tax_part = next(p for p in app["parts"] if p["department"] == TAX)
    samr_part = next(p for p in app["parts"] if p["department"] == SAMR)
    # a department cannot decide another department's part
    wrong = world.client.post(f"/api/v1/repair/parts/{tax_part['id']}/decision", headers=world.samr,
                              json={"grant": True})
    assert wrong.status_code == 403
    world.client.post(f"/api/v1/repair/parts/{samr_part['id']}/decision", headers=world.samr, json={"grant": True})
    half = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert half["status"] == "processing"
    world.client.post(f"/api/v1/repair/parts/{tax_part['id']}/decision", headers=world.tax, json={
        "grant": False, "reason": "罚款尚未缴清", "remedy": "缴清罚款后可再次申请"})
    done = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert done["status"] == "partially_completed"
    refused = next(p for p in done["parts"] if p["department"] == TAX)
    assert refused["reason"] == "罚款尚未缴清" and refused["remedy"] == "缴清罚款后可再次申请"
    # re-application once the reason is gone
    again = world.apply([part("record", tax_rec)])
    assert again.status_code == 201 and again.json()["parts"][0]["status"] == "pending"
    # each department lists the applications routed to it; the credit office sees them all
    assert len(world.client.get("/api/v1/repair/applications", headers=world.tax).json()) == 2
    assert len(world.client.get("/api/v1/repair/applications", headers=world.samr).json()) == 1
    assert len(world.client.get("/api/v1/repair/applications", headers=world.office).json()) == 2


def test_minimum_period_not_elapsed_is_refused_with_date(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(dt.date(2026, 11, 23))
    rec = world.record(decision_date=dt.date(2026, 10, 1), effective_date=dt.date(2026, 10, 10), document_number="淮市监罚〔2026〕77号")
    world.commit()
    app = world.apply([part("record", rec)]).json()
    assert app["status"] == "refused"
    [p] = app["parts"]
    assert p["status"] == "refused"
    problem = next(x for x in p["problems"] if x["code"] == "min_period_not_elapsed")
    assert problem["retry_on"] == "2027-01-01"  # general: 3 months from 2026-10-01 (令第36号)
    assert "最短公示期限3个月" in p["reason"] and "2027-01-01" in p["remedy"]
    # the record is untouched
    assert world.client.get(f"/api/v1/records/{rec}", headers=world.admin).json()["status"] == "active"


def test_a_serious_record_is_repaired_without_training_or_a_credit_report(world: World) -> None:
    """令第36号: period, correction and a public commitment suffice; nothing the subject must buy (a credit
    report from an agency) and no training unless the rule's data asks for it."""
    rec = world.record(severity="serious", document_number="淮市监罚〔2025〕93号")
    world.commit()
    app = world.apply([part("record", rec)]).json()
    [p] = app["parts"]
    assert p["status"] == "pending", p
    assert not p.get("problems")
    ok = world.client.post(f"/api/v1/repair/parts/{p['id']}/decision", headers=world.samr, json={"grant": True})
    assert ok.status_code == 200, ok.text


def test_missing_declarations_and_commitment_are_refused(world: World) -> None:
    rec = world.record()
    app = world.apply([{"kind": "record", "id": rec, "declared": ["act_corrected"]}]).json()
    codes = {x["code"] for x in app["parts"][0]["problems"]}
    assert codes == {"missing_obligations_performed", "missing_commitment"}  # the conditions of 令第36号


def test_non_repairable_information_is_refused(world: World, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from xinyong.core.config import reset_settings
    from xinyong.repair import loader

    # a local rule (test data, not a real provision) declaring admin penalties of the subject's region
    # non-repairable on a law-level basis
    region = world.client.get(f"/api/v1/subjects/{world.code}", headers=world.admin).json()["subject"]["region_code"]
    folder = tmp_path / "rules" / "local" / region / "repair"
    folder.mkdir(parents=True)
    (folder / "test.yaml").write_text(json.dumps({
        "region": region,
        "rules": [{
            "kind": "catalog_item", "target": "admin-penalty", "name": "行政处罚信息（测试规则）",
            "repairable": False,
            "basis": [{"title": "测试用地方规则", "level": "normative_document", "basis_verified": False}],
            "non_repairable_basis": [{"title": "测试用法律", "level": "law", "article": "第一条",
                                      "basis_verified": False}],
        }],
    }, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("XINYONG_RULES_DIR", str(tmp_path / "rules"))
    reset_settings()
    loader.reset()
    try:
        rec = world.record()
        world.commit()
        app = world.apply([part("record", rec)]).json()
        [p] = app["parts"]
        assert p["status"] == "refused"
        assert [x["code"] for x in p["problems"]] == ["not_repairable"]
        assert "《测试用法律》第一条" in p["reason"]
    finally:
        monkeypatch.delenv("XINYONG_RULES_DIR")
        reset_settings()
        loader.reset()


def test_late_decision_is_flagged_overdue(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(dt.date(2026, 11, 23))  # a Monday
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    [p] = app["parts"]
    assert p["deadline"] == "2026-11-26"  # 3 working days (国办发〔2025〕22号, unverified)
    set_today(dt.date(2026, 11, 30))
    overdue = world.client.get("/api/v1/repair/overdue", headers=world.office).json()
    assert [o["id"] for o in overdue] == [p["id"]] and overdue[0]["overdue"] is True
    world.client.post(f"/api/v1/repair/parts/{p['id']}/decision", headers=world.samr, json={"grant": True})
    after = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert after["parts"][0]["overdue"] is True and after["overdue_parts"] == [p["id"]]
    assert world.client.get("/api/v1/repair/overdue", headers=world.office).json() == []


def test_decided_in_time_is_not_overdue(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(dt.date(2026, 11, 23))
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    set_today(dt.date(2026, 11, 26))
    world.client.post(f"/api/v1/repair/parts/{app['parts'][0]['id']}/decision", headers=world.samr,
                      json={"grant": True})
    after = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert after["parts"][0]["overdue"] is False


def test_pending_part_cannot_be_applied_for_twice(world: World) -> None:
    rec = world.record()
    world.commit()
    assert world.apply([part("record", rec)]).status_code == 201
    dup = world.apply([part("record", rec)])
    assert dup.status_code == 409 and "办理中" in dup.json()["error"]["message"]


def test_refusal_needs_reason_and_remedy(world: World) -> None:
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    r = world.client.post(f"/api/v1/repair/parts/{app['parts'][0]['id']}/decision", headers=world.samr,
                          json={"grant": False, "reason": "材料不全"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "refusal_needs_reason"
    # nothing was half-written: the part is still pending
    again = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.subject).json()
    assert again["parts"][0]["status"] == "pending"


def test_subject_sees_only_its_own_and_cannot_name_others_records(world: World, api_key) -> None:
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    stranger = api_key("subject", subject_key="0" * 40)
    denied = world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=stranger)
    assert denied.status_code in (403, 404) and "error" in denied.json()
    other = world.client.post("/api/v1/repair/applications", headers=stranger, json={
        "applicant_name": "李四", "parts": [part("record", rec)]})
    assert other.status_code == 404
    # the public may not apply nor read
    assert world.client.get(f"/api/v1/repair/applications/{app['id']}").status_code == 403
    # departments without a part in it cannot read it
    assert world.client.get(f"/api/v1/repair/applications/{app['id']}", headers=world.tax).status_code == 404


def test_bad_attachment_is_refused_without_writing(world: World) -> None:
    rec = world.record()
    world.commit()
    bad = world.apply([part("record", rec)], attachments=[
        {"filename": "x.exe", "content_type": "application/x-msdownload", "content_base64": b64(b"MZ")}])
    assert bad.status_code == 422 and "不受支持" in bad.json()["error"]["message"]
    assert world.client.get("/api/v1/repair/applications", headers=world.subject).json() == []


def test_agency_registry_and_suspended_agency_reports(world: World) -> None:
    agency = world.report()
    listed = world.client.get("/api/v1/repair/agencies").json()  # public registry
    assert [a["name"] for a in listed] == ["江苏示例信用管理有限公司"]
    s = world.client.post(f"/api/v1/repair/agencies/{agency}/suspend", headers=world.office, json={"reason": "出具虚假报告"})
    assert s.json()["status"] == "suspended"
    r = world.client.post("/api/v1/repair/credit-reports", headers=world.subject, json={
        "agency_id": agency, "report_number": "X2", "issued_on": "2026-11-11"})
    assert r.status_code == 422 and "暂停" in r.json()["error"]["message"]
    assert world.client.post("/api/v1/repair/agencies", headers=world.subject, json={
        "name": "x", "uscc": "91320812MA1XXXXXX0", "filing_number": "1"}).status_code == 403
    # a report is never a condition, so a suspended agency's report blocks nothing
    rec = world.record(severity="serious", document_number="淮市监罚〔2025〕94号")
    world.commit()
    app = world.apply([part("record", rec)]).json()
    assert app["parts"][0]["status"] == "pending" and not app["parts"][0].get("problems")


def test_commitments_are_public(world: World) -> None:
    world.commit()
    public = world.client.get(f"/api/v1/repair/commitments?subject_code={world.code}")
    assert public.status_code == 200 and "自愿接受社会监督" in public.json()[0]["text"]
    assert public.json()[0]["signer"] == "张*"  # personal names masked for the public
    page = world.client.get(f"/repair/commitments/{world.code}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "自愿接受社会监督" in page.text and "张伟" not in page.text
    by_key = world.client.get(f"/repair/commitments/{world.key}", headers={"accept": "text/html"})
    assert by_key.status_code == 200 and "自愿接受社会监督" in by_key.text
    officer = world.client.get(f"/api/v1/repair/commitments?subject_code={world.code}", headers=world.samr)
    assert officer.json()[0]["signer"] == "张伟"
    file = world.client.get(f"/api/v1/subjects/{world.code}", headers=world.admin).json()
    assert [r["type"] for r in file["sections"]["repair"]] == ["commitment"]


def test_no_fee_field_anywhere(client) -> None:
    from xinyong.repair import models

    spec = json.dumps(client.get("/api/v1/openapi.json").json(), ensure_ascii=False).lower()
    repair_spec = {k: v for k, v in json.loads(spec)["paths"].items() if "/repair" in k}
    text = json.dumps(repair_spec, ensure_ascii=False)
    forbidden = re.compile(r"fee|charge|payment|price|收费|费用|缴费")
    assert repair_spec and not forbidden.search(text)
    columns = [c.name for t in models.Base.metadata.sorted_tables
               if t.name.startswith("repair_") or t.name == "credit_agencies" for c in t.columns]
    assert columns and not [c for c in columns if forbidden.search(c)]


def test_database_allows_one_pending_part_per_target(world: World) -> None:
    """Two concurrent applications cannot both leave the same record pending (repair_0002)."""
    from sqlalchemy.exc import IntegrityError

    from xinyong.core.db import unit_of_work
    from xinyong.repair.models import RepairPart

    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    with unit_of_work() as s:
        first = s.get(RepairPart, app["parts"][0]["id"])
        assert first is not None
        values = {c.name: getattr(first, c.name) for c in RepairPart.__table__.columns if c.name != "id"}
    with pytest.raises(IntegrityError), unit_of_work() as s:
        s.add(RepairPart(**values))
    with unit_of_work() as s:  # a refused part for the same record is history, not a conflict
        s.add(RepairPart(**{**values, "status": "refused"}))
