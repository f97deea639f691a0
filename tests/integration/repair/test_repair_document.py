"""The 信用修复决定书: a decided part prints as HTML and PDF with the same text, every line inside the page,
its decision, basis and remedies (review body and time limits); only those who may read the application
get it, and a refusal is registered."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.integration.repair.conftest import SAMR, World, part
from tests.integration.security.helpers import make_account, sign_in
from tests.pdf_text import joined, runs
from xinyong.app import create_app
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def _granted(world: World) -> tuple[int, int]:
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    part_id = app["parts"][0]["id"]
    r = world.client.post(f"/api/v1/repair/parts/{part_id}/decision", headers=world.samr,
                          json={"grant": True, "decision_number": "淮市监修〔2026〕7号"})
    assert r.status_code == 200, r.text
    return app["id"], part_id


def test_a_granted_repair_prints_its_decision(world: World) -> None:
    app_id, part_id = _granted(world)
    url = f"/api/v1/repair/applications/{app_id}/parts/{part_id}/decision"
    pdf = world.client.get(url, headers=world.subject)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    page = world.client.get(url + "?format=html", headers=world.subject)
    assert page.status_code == 200
    text = html.unescape(page.text)
    printed = joined(pdf.content)
    for needle in ("信用修复决定书", "淮市监修〔2026〕7号", "准予信用修复", "一次修复、全网生效", "不收取任何费用",
                   "申请行政复议", "提起行政诉讼", "60日内", "6个月内", "印章位置", "淮安市示例商贸有限公司"):
        assert needle in text, needle
        assert needle in printed, needle
    assert all(r.inside() for r in runs(pdf.content))
    # the department that decided reads it too; its console page links both renditions
    assert world.client.get(url, headers=world.samr).status_code == 200
    officer = TestClient(create_app())
    username, _ = make_account("determining_department", department=SAMR)
    assert sign_in(officer, username).status_code == 303
    console = officer.get(f"/console/repair/applications/{app_id}", headers={"accept": "text/html"})
    assert f"/parts/{part_id}/decision.pdf" in console.text
    printable = officer.get(f"/console/repair/applications/{app_id}/parts/{part_id}/decision")
    assert printable.status_code == 200 and "信用修复决定书" in printable.text
    download = officer.get(f"/console/repair/applications/{app_id}/parts/{part_id}/decision.pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_a_pending_part_has_no_decision_document(world: World) -> None:
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    r = world.client.get(f"/api/v1/repair/applications/{app['id']}/parts/{app['parts'][0]['id']}/decision",
                         headers=world.subject)
    assert r.status_code == 409 and "尚未作出决定" in r.json()["error"]["message"]


def test_another_subject_is_refused_and_registered(world: World, api_key: Callable[..., dict[str, str]]) -> None:
    app_id, part_id = _granted(world)
    stranger = api_key("subject", subject_key="1" * 40, department="其他主体")
    r = world.client.get(f"/api/v1/repair/applications/{app_id}/parts/{part_id}/decision", headers=stranger)
    assert r.status_code == 403 and r.json()["error"]["message"]
    with unit_of_work() as s:
        refusals = list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == "repair.read", AccessLogEntry.allowed.is_(False),
            AccessLogEntry.department == "其他主体")))
    assert len(refusals) == 1 and refusals[0].subject_key == world.key
