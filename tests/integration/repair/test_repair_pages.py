"""The console flow as a new user meets it: a demo company applies in the browser, the department
decides in the console, the company follows its application to completion."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.integration.repair.conftest import SAMR, World
from tests.integration.security.helpers import csrf_from, make_account, sign_in
from xinyong.app import create_app

HTML = {"accept": "text/html"}


def _browser(world: World, role: str, **kwargs: Any) -> TestClient:
    c = TestClient(create_app())
    username, _ = make_account(role, **kwargs)
    assert sign_in(c, username).status_code == 303
    return c


def test_apply_in_browser_and_follow_to_completion(world: World) -> None:
    rec = world.record()
    company = _browser(world, "subject", subject_code=world.code, name="淮安市示例商贸有限公司")
    # sign the commitment in the browser
    page = company.get("/console/repair/commitment", headers=HTML)
    assert page.status_code == 200 and "自愿接受社会监督" in page.text
    r = company.post("/console/repair/commitment", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "text": page.text.split("required>")[1].split("</textarea>")[0],
        "signer": "张伟"})
    assert r.status_code == 303, r.text
    form = company.get("/console/repair/apply", headers=HTML)
    assert form.status_code == 200 and f'value="record:{rec}"' in form.text
    r = company.post("/console/repair/apply", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(form.text), "target": [f"record:{rec}"],
        "declared": ["act_corrected", "effects_removed", "obligations_performed"],
        "applicant_name": "张伟", "statement": "罚款已缴清"},
        files=[("files", ("缴款凭证.pdf", b"%PDF-1.4 receipt", "application/pdf"))])
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    app_id = int(url.rsplit("/", 1)[1])
    mine = company.get(url, headers=HTML)
    assert "办理中" in mine.text and "缴款凭证.pdf" in mine.text and "作出决定" not in mine.text

    officer = _browser(world, "determining_department", department=SAMR, region="320800")
    queue = officer.get("/console/repair", headers=HTML)
    assert f"/console/repair/applications/{app_id}" in queue.text
    detail = officer.get(url, headers=HTML)
    assert "信用承诺：" in detail.text and "承诺人 张伟" in detail.text
    link = re.search(r'href="(/console/repair/applications/\d+/attachments/\d+)"', detail.text)
    assert link is not None
    proof = officer.get(link.group(1))
    assert proof.status_code == 200 and proof.content == b"%PDF-1.4 receipt"
    part_id = re.search(r'/console/repair/parts/(\d+)/decision', detail.text).group(1)  # type: ignore[union-attr]
    r = officer.post(f"/console/repair/parts/{part_id}/decision", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(detail.text), "decision": "grant", "decision_number": "淮市监信修〔2026〕8号"})
    assert r.status_code == 303, r.text

    done = company.get(url, headers=HTML)
    assert "修复完成" in done.text and "终止公示、停止共享和使用" in done.text
    assert world.client.get(f"/api/v1/records/{rec}", headers=world.admin).json()["status"] == "repaired_shielded"


def test_refusal_in_console_needs_reason_and_shows_remedy(world: World) -> None:
    rec = world.record()
    world.commit()
    app = world.apply([{"kind": "record", "id": rec,
                        "declared": ["act_corrected", "effects_removed", "obligations_performed"]}]).json()
    officer = _browser(world, "determining_department", department=SAMR, region="320800")
    url = f"/console/repair/applications/{app['id']}"
    detail = officer.get(url, headers=HTML)
    part_id = app["parts"][0]["id"]
    bad = officer.post(f"/console/repair/parts/{part_id}/decision", headers=HTML, data={
        "csrf_token": csrf_from(detail.text), "decision": "refuse", "reason": "罚款未缴清"})
    assert bad.status_code == 422 and "理由和救济途径" in bad.text
    ok = officer.post(f"/console/repair/parts/{part_id}/decision", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(detail.text), "decision": "refuse", "reason": "罚款未缴清",
        "remedy": "缴清罚款后可再次申请"})
    assert ok.status_code == 303
    seen = officer.get(url, headers=HTML).text  # the same page the company reads
    assert "不予修复" in seen and "缴清罚款后可再次申请" in seen and "作出决定" not in seen


def test_other_department_sees_no_decision_form_and_cannot_post(world: World) -> None:
    rec = world.record()
    world.commit()
    app = world.apply([{"kind": "record", "id": rec,
                        "declared": ["act_corrected", "effects_removed", "obligations_performed"]}]).json()
    other = _browser(world, "determining_department", department="淮安市生态环境局", region="320800")
    assert other.get(f"/console/repair/applications/{app['id']}", headers=HTML).status_code == 404
    token = csrf_from(other.get("/console/repair", headers=HTML).text)
    r = other.post(f"/console/repair/parts/{app['parts'][0]['id']}/decision", headers=HTML,
                   data={"csrf_token": token, "decision": "grant"})
    assert r.status_code == 403


def test_credit_office_manages_agencies_and_training(world: World) -> None:
    office = _browser(world, "credit_office", department="淮安市信用办", region="320800")  # oversees its territory
    page = office.get("/console/repair/agencies", headers=HTML)
    assert page.status_code == 200
    from tests.factories import uscc

    r = office.post("/console/repair/agencies", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "action": "add", "name": "江苏诚信评估有限公司",
        "uscc": uscc(), "filing_number": "苏信备2022-015"})
    assert r.status_code == 303
    assert "江苏诚信评估有限公司" in office.get("/console/repair/agencies", headers=HTML).text
    form = office.get("/console/repair/training", headers=HTML)
    r = office.post("/console/repair/training", headers=HTML, data={
        "csrf_token": csrf_from(form.text), "subject_code": world.code, "provider": "淮安市信用办",
        "course": "信用修复专题培训", "hours": "3", "attended_on": "2026-11-20", "attendee": "张伟"})
    assert r.status_code == 200 and "已登记 3 学时" in r.text
    supporting = world.client.get("/api/v1/repair/supporting", headers=world.subject).json()
    assert [t["hours"] for t in supporting["trainings"]] == ["3"]
