from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select

from tests.factories import department_headers, make_api_key
from tests.integration.disclosure.seed import company, person
from tests.integration.security.helpers import console_login, form_token
from xinyong.core import clock
from xinyong.core.access import authenticate
from xinyong.core.db import unit_of_work
from xinyong.core.masking import MOBILE_RE, RESIDENT_ID_RE
from xinyong.core.models import AccessLogEntry

HTML = {"accept": "text/html"}


def _principal_id(token: str) -> int:
    with unit_of_work() as s:
        actor = authenticate(s, token)
        assert actor.id is not None
        return actor.id


def test_sharing_returns_only_items_in_the_callers_scope(client, api_key) -> None:
    org = company(seed=21, name="淮安市共享示例有限公司")
    admin = api_key("admin")
    token = make_api_key("determining_department", department="淮安市发展改革委")
    dept = {"X-API-Key": token}
    url = f"/api/v1/share/subjects/{org.code}"
    # without a purpose: refused by validation
    assert client.get(url, headers=dept).status_code == 422
    bad = client.get(url, params={"purpose": "curiosity"}, headers=dept)
    assert bad.status_code == 422 and "查询目的" in bad.json()["error"]["message"]
    # without a registered scope: what its role's scope allows (a department: government bodies)
    by_role = client.get(url, params={"purpose": "licensing"}, headers=dept)
    assert by_role.status_code == 200, by_role.text
    assert by_role.json()["share_scopes"] == ["government"]
    # a principal whose role has no share scope and none registered: refused, and the refusal logged
    admin_pid = _principal_id(admin["X-API-Key"])
    none = client.get(url, params={"purpose": "licensing"}, headers=admin)
    assert none.status_code == 403 and none.json()["error"]["code"] == "share_scope_missing"
    with unit_of_work() as s:
        refused = s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.principal_id == admin_pid, AccessLogEntry.action == "disclosure.share")).all()
        assert [e.allowed for e in refused] == [False]
    pid = _principal_id(token)
    r = client.put(f"/api/v1/disclosure/share-scopes/{pid}", json={"scopes": ["enterprise_publicity"]}, headers=admin)
    assert r.status_code == 200, r.text
    shared = client.get(url, params={"purpose": "licensing"}, headers=dept).json()
    items = {r["catalog_item"] for r in shared["records"]}
    # admin-inspection is shared only with government and the national platform
    assert items == {"admin-penalty"}
    # sharing is not limited by the public period: the 2024 penalty is shared too
    assert len(shared["records"]) == 2
    assert "effective_date" in shared["records"][0] and "trade_secret" not in shared["records"][0]
    client.put(f"/api/v1/disclosure/share-scopes/{pid}", json={"scopes": ["government"]}, headers=admin)
    shared = client.get(url, params={"purpose": "supervision"}, headers=dept).json()
    assert {r["catalog_item"] for r in shared["records"]} == {"admin-penalty", "admin-inspection"}
    with unit_of_work() as s:
        entry = s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == "disclosure.share", AccessLogEntry.allowed.is_(True)
        ).order_by(AccessLogEntry.id.desc())).first()
        assert entry is not None and entry.purpose == "supervision" and entry.principal_id == pid
        assert entry.detail["catalog_items"] == ["admin-inspection", "admin-penalty"]
        assert entry.detail["share_scopes"] == ["government"]
        assert "withheld_fields" in entry.detail and "masked_fields" in entry.detail
    # bad scope, public cannot share, scope management is admin only
    assert client.put(f"/api/v1/disclosure/share-scopes/{pid}", json={"scopes": ["everyone"]},
                      headers=admin).status_code == 422
    assert client.get(url, params={"purpose": "licensing"}).status_code == 403
    assert client.put(f"/api/v1/disclosure/share-scopes/{pid}", json={"scopes": ["government"]},
                      headers=dept).status_code == 403


def test_sharing_masks_identifiers_of_individuals(client, api_key) -> None:
    p = person(seed=22)
    token = make_api_key("implementing_unit")
    client.put(f"/api/v1/disclosure/share-scopes/{_principal_id(token)}", json={"scopes": ["implementing_units"]},
               headers=api_key("admin"))
    r = client.get(f"/api/v1/share/subjects/{p.code}", params={"purpose": "joint_punishment"},
                   headers={"X-API-Key": token})
    assert r.status_code == 200, r.text
    assert len(r.json()["records"]) == 2
    assert p.code not in r.text and "13912345678" not in r.text and p.name not in r.text
    assert not RESIDENT_ID_RE.search(r.text) and not MOBILE_RE.search(r.text)


def test_subject_sees_its_complete_record_and_files_an_objection(client, api_key) -> None:
    org = company(seed=23, name="淮安市异议示例有限公司")
    token = make_api_key("subject", subject_key=org.key, department=None)
    me = {"X-API-Key": token}
    full = client.get("/api/v1/self/record", headers=me)
    assert full.status_code == 200, full.text
    body = full.json()
    assert {r["document_number"] for r in body["records"]} == {
        "淮市监罚〔2026〕2301号", "淮市监检〔2026〕2302号", "淮市监罚〔2024〕2303号"}
    hidden = {r["document_number"]: r["public_now"] for r in body["records"]}
    assert hidden == {"淮市监罚〔2026〕2301号": True, "淮市监检〔2026〕2302号": False, "淮市监罚〔2024〕2303号": False}
    rid = org.record_ids["penalty"]
    pdf = b"%PDF-1.4 proof of payment"
    filed = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(rid), "reason": "罚款已于决定当日缴清，记录金额有误"},
                        files=[("files", ("缴款凭证.pdf", pdf, "application/pdf"))])
    assert filed.status_code == 201, filed.text
    objection = filed.json()
    assert objection["status"] == "open" and objection["attachments"][0]["sha256"] == hashlib.sha256(pdf).hexdigest()
    due = dt.date.fromisoformat(objection["due_on"])
    assert due > clock.today() + dt.timedelta(days=13)  # 10 working days is at least two weeks
    again = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(rid), "reason": "再次提出异议内容"})
    assert again.status_code == 422 and again.json()["error"]["code"] == "objection_already_open"
    # the portal marks the record as disputed
    public = client.get(f"/api/v1/public/subjects/{org.key}").json()
    assert public["records"][0]["marks"] == ["异议处理中"]
    # another subject cannot object to this record, nor read its attachment
    other = {"X-API-Key": make_api_key("subject", subject_key=company(seed=24, name="淮安市他人有限公司").key)}
    r = client.post("/api/v1/self/objections", headers=other, data={"record_id": str(rid), "reason": "不是我的记录但想异议"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "objection_not_own_record"
    att = objection["attachments"][0]["id"]
    assert client.get(f"/api/v1/disclosure/attachments/{att}", headers=other).status_code == 403
    assert client.get(f"/api/v1/disclosure/attachments/{att}", headers=me).content == pdf
    # the determining department answers; another department may not
    stranger = {"X-API-Key": make_api_key("determining_department", department="淮安市税务局")}
    answer = {"outcome": "rejected", "answer": "经核实，处罚决定内容无误，维持原记录"}
    assert client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", json=answer,
                       headers=stranger).status_code == 403
    owner = {"X-API-Key": make_api_key("determining_department", department="淮安市市场监督管理局")}
    listed = client.get("/api/v1/disclosure/objections", params={"status": "open"}, headers=owner).json()["objections"]
    assert [o["id"] for o in listed] == [objection["id"]]
    assert client.get("/api/v1/disclosure/objections", headers=stranger).json()["objections"] == []
    done = client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", json=answer, headers=owner)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "answered" and done.json()["answered_late"] is False
    again = client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", json=answer, headers=owner)
    # answered already: a conflict naming the answer given (409), never a second answer
    assert again.status_code == 409 and again.json()["error"]["details"]["status"] == "answered"
    assert client.get(f"/api/v1/public/subjects/{org.key}").json()["records"][0]["marks"] == []
    mine = client.get("/api/v1/self/objections", headers=me).json()["objections"]
    assert mine[0]["outcome"] == "rejected" and mine[0]["answer"].startswith("经核实")


def test_upheld_objection_revokes_the_record(client, api_key) -> None:
    org = company(seed=25, name="淮安市撤销示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    rid = org.record_ids["penalty"]
    o = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(rid), "reason": "处罚对象错误，并非本公司"}).json()
    owner = department_headers("淮安市市场监督管理局")
    r = client.post(f"/api/v1/disclosure/objections/{o['id']}/answer", headers=owner,
                    json={"outcome": "upheld", "answer": "经核实主体认定错误，撤销该记录"})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/public/subjects/{org.key}").json()["records"] == []
    statuses = {x["record_id"]: x["status"] for x in client.get("/api/v1/self/record", headers=me).json()["records"]}
    assert statuses[rid] == "revoked"


def test_bad_objection_files_are_refused_without_writing(client) -> None:
    org = company(seed=26, name="淮安市附件示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    rid = org.record_ids["penalty"]
    r = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(rid), "reason": "附件类型不对的异议"},
                    files=[("files", ("x.exe", b"MZ...", "application/x-msdownload"))])
    assert r.status_code == 422 and "类型不支持" in r.json()["error"]["message"]
    assert client.get("/api/v1/self/objections", headers=me).json()["objections"] == []
    assert client.post("/api/v1/self/objections", headers=me,
                       data={"record_id": "999999", "reason": "不存在的记录"}).status_code == 404


def test_consent_lifecycle_controls_disclosure_of_an_individual(client) -> None:
    p = person(seed=27, name="张三丰")
    me = {"X-API-Key": make_api_key("subject", subject_key=p.key)}
    url = f"/api/v1/public/subjects/{p.key}"
    assert {r["catalog_item"] for r in client.get(url).json()["records"]} == {"judicial-dishonest-debtor"}
    base = {"purpose": "public_disclosure", "method": "online_confirmation", "scope": ["admin-penalty"]}
    lifetime = client.post("/api/v1/self/consents", headers=me, json=base)
    assert lifetime.status_code == 422 and "终身" in lifetime.json()["error"]["message"]
    blanket = client.post("/api/v1/self/consents", headers=me, json={**base, "scope": ["全部"], "ends_on": "2027-12-31"})
    assert blanket.status_code == 422 and blanket.json()["error"]["code"] == "consent_blanket_scope"
    ends = (clock.today() + dt.timedelta(days=180)).isoformat()
    ok = client.post("/api/v1/self/consents", headers=me, json={**base, "ends_on": ends})
    assert ok.status_code == 201, ok.text
    assert ok.json()["active"] is True
    shown = client.get(url).json()["records"]
    assert {r["catalog_item"] for r in shown} == {"judicial-dishonest-debtor", "admin-penalty"}
    assert p.name not in client.get(url).text
    revoked = client.post(f"/api/v1/self/consents/{ok.json()['id']}/revoke", headers=me)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert {r["catalog_item"] for r in client.get(url).json()["records"]} == {"judicial-dishonest-debtor"}
    company_me = {"X-API-Key": make_api_key("subject", subject_key=company(seed=28, name="淮安市授权示例有限公司").key)}
    r = client.post("/api/v1/self/consents", headers=company_me, json={**base, "ends_on": ends})
    assert r.status_code == 422 and r.json()["error"]["code"] == "consent_not_individual"


def test_subject_pages_and_objection_form(client) -> None:
    org = company(seed=29, name="淮安市网页示例有限公司")
    console_login(client, "subject", subject_code=org.code, name=org.name)
    page = client.get("/my", headers=HTML)
    assert page.status_code == 200, page.text
    assert "淮市监检〔2026〕2902号" in page.text and "不公开" in page.text
    rid = org.record_ids["penalty"]
    form = client.get(f"/my/objections/new?record_id={rid}", headers=HTML)
    assert form.status_code == 200 and "提交异议" in form.text
    token = form_token(client, f"/my/objections/new?record_id={rid}")
    no_csrf = client.post("/my/objections", data={"record_id": str(rid), "reason": "缺少令牌的异议"}, headers=HTML)
    assert no_csrf.status_code == 403
    short = client.post("/my/objections", data={"record_id": str(rid), "reason": "短", "csrf_token": token},
                        headers=HTML)
    assert short.status_code == 422 and "至少5个字" in short.text
    sent = client.post("/my/objections", data={"record_id": str(rid), "reason": "金额记载错误，应为五千元", "csrf_token": token},
                       files=[("files", ("说明.txt", "说明材料".encode(), "text/plain"))], headers=HTML,
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    after = client.get(sent.headers["location"], headers=HTML)
    assert "异议已提交" in after.text and "异议处理中" in after.text
    public = client.get(f"/public/subjects/{org.key}", headers=HTML)
    assert "异议处理中" in public.text


def test_department_console_answers_objections(client) -> None:
    org = company(seed=30, name="淮安市答复示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    o = client.post("/api/v1/self/objections", headers=me,
                    data={"record_id": str(org.record_ids["penalty"]), "reason": "文书号记载错误"}).json()
    # the credit office oversees it on the console, read-only: no answer form, and an answer is refused
    office_id = console_login(client, "credit_office", department="淮安市发展和改革委员会", region="320800")
    page = client.get("/console/disclosure/objections", headers=HTML)
    assert page.status_code == 200 and "文书号记载错误" in page.text and "提交答复" not in page.text
    token = form_token(client, "/console/disclosure/objections")
    refused = client.post(f"/console/disclosure/objections/{o['id']}/answer",
                          data={"outcome": "upheld", "answer": "信用办代为答复成立", "csrf_token": token},
                          headers=HTML, follow_redirects=False)
    assert refused.status_code == 403
    with unit_of_work() as s:
        assert s.scalars(select(AccessLogEntry.allowed).where(
            AccessLogEntry.principal_id == office_id,
            AccessLogEntry.action == "disclosure.objection.answer")).all() == [False]
    client.cookies.clear()
    console_login(client, "determining_department", department="淮安市市场监督管理局", region="320800")
    page = client.get("/console/disclosure/objections", headers=HTML)
    assert page.status_code == 200 and "文书号记载错误" in page.text
    token = form_token(client, "/console/disclosure/objections")
    r = client.post(f"/console/disclosure/objections/{o['id']}/answer",
                    data={"outcome": "rejected", "answer": "经核实文书号无误", "csrf_token": token},
                    headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    assert "经核实文书号无误" in client.get("/console/disclosure/objections", headers=HTML).text


def test_individual_gives_consent_in_the_browser_form_and_downloads_its_attachment(client) -> None:
    p = person(seed=31, name="李四")
    console_login(client, "subject", subject_code=p.code, name=p.name)
    page = client.get("/my", headers=HTML)
    assert page.status_code == 200 and "新增授权" in page.text
    token = form_token(client, "/my")
    lifetime = client.post("/my/consents", data={"purpose": "public_disclosure", "scope": ["admin-penalty"],
                                                 "csrf_token": token}, headers=HTML)
    assert lifetime.status_code == 422 and "终身" in lifetime.text
    ends = (clock.today() + dt.timedelta(days=90)).isoformat()
    ok = client.post("/my/consents", data={"purpose": "public_disclosure", "scope": ["admin-penalty"], "ends_on": ends,
                                           "csrf_token": token}, headers=HTML, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    assert "（有效）" in client.get("/my", headers=HTML).text
    assert {r["catalog_item"] for r in client.get(f"/api/v1/public/subjects/{p.key}").json()["records"]} == {
        "admin-penalty", "judicial-dishonest-debtor"}
    sent = client.post("/my/objections", data={"record_id": str(p.record_ids["debtor"]), "reason": "已履行完毕，请核实",
                                                "csrf_token": token},
                       files=[("files", ("履行凭证.png", b"\x89PNG\r\n\x1a\n....", "image/png"))], headers=HTML,
                       follow_redirects=False)
    assert sent.status_code == 303
    mine = client.get("/my", headers=HTML).text
    link = mine.split('href="/console/disclosure/attachments/')[1].split('"')[0]
    got = client.get(f"/console/disclosure/attachments/{link}", headers=HTML)
    assert got.status_code == 200 and got.content.startswith(b"\x89PNG")


def test_credit_file_shows_objections_to_officers(client, api_key) -> None:
    org = company(seed=32, name="淮安市档案示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    client.post("/api/v1/self/objections", headers=me,
                data={"record_id": str(org.record_ids["penalty"]), "reason": "记录主体错误，请核实"})
    file = client.get(f"/api/v1/subjects/{org.code}", params={"purpose": "administration"}, headers=api_key("credit_office"))
    assert file.status_code == 200, file.text
    [objection] = file.json()["sections"]["objections"]
    assert objection["record_id"] == org.record_ids["penalty"] and objection["status"] == "open"
