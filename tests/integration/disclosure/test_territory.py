"""Powers tied to a territory or a department, through the API and the console: the late-publication
list (发改办财金〔2018〕893号 §四), the access-log review (国办发〔2020〕49号 §（十三）) and consent
(国办发〔2020〕49号 §（十四））; every refusal is a 403 and an access-log entry with allowed=False."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from tests.factories import make_api_key, uscc
from tests.integration.disclosure.seed import add_record, company, person
from tests.integration.security.helpers import console_login
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

HTML = {"accept": "text/html"}


def _late_numbers(body: dict) -> dict[str, set[str]]:
    return {g["department"]: {i["document_number"] for i in g["items"]} for g in body["departments"]}


def _denials(action: str) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action,
                                                           AccessLogEntry.allowed.is_(False))))


def _seed_two_cities() -> tuple[str, str, str]:
    """A late penalty in 淮安 (market regulation and environment) and one in 南京; their numbers."""
    company(seed=61, name="淮安市辖区示例有限公司")  # 淮市监罚〔2026〕6101号, late
    recent = clock.today() - dt.timedelta(days=20)
    hua = uscc(random.Random(62), region="320812")
    add_record(hua, "淮安市环保示例有限公司", "admin-penalty", "淮环罚〔2026〕62号", decided=recent,
               authority="淮安市生态环境局")
    nj = uscc(random.Random(63), region="320102")
    add_record(nj, "南京市玄武区示例有限公司", "admin-penalty", "宁市监罚〔2026〕63号", decided=recent,
               authority="南京市市场监督管理局")
    return "淮市监罚〔2026〕6101号", "淮环罚〔2026〕62号", "宁市监罚〔2026〕63号"


def test_late_list_by_territory_and_department(client) -> None:
    huaian_market, huaian_env, nanjing = _seed_two_cities()
    nanjing_office = {"X-API-Key": make_api_key("credit_office", region="320100")}
    seen = client.get("/api/v1/disclosure/late", headers=nanjing_office)
    assert seen.status_code == 200, seen.text
    numbers = set().union(*_late_numbers(seen.json()).values())
    assert nanjing in numbers
    assert not numbers & {huaian_market, huaian_env, "淮市监罚〔2024〕6103号"}  # none of 320800's
    assert set(_late_numbers(seen.json())) == {"南京市市场监督管理局"}

    huaian_office = {"X-API-Key": make_api_key("credit_office", region="320800")}
    mine = _late_numbers(client.get("/api/v1/disclosure/late", headers=huaian_office).json())
    assert set(mine) == {"淮安市市场监督管理局", "淮安市生态环境局"}
    assert nanjing not in set().union(*mine.values())

    # a determining department: its own rows only, whatever department it asks for
    market = {"X-API-Key": make_api_key("determining_department", department="淮安市市场监督管理局")}
    own = client.get("/api/v1/disclosure/late", params={"department": "淮安市生态环境局"}, headers=market)
    assert set(_late_numbers(own.json())) == {"淮安市市场监督管理局"}
    assert huaian_market in _late_numbers(own.json())["淮安市市场监督管理局"]

    # the administrator sees both cities
    everything = _late_numbers(client.get("/api/v1/disclosure/late", headers={"X-API-Key": make_api_key("admin")}).json())
    assert {"南京市市场监督管理局", "淮安市市场监督管理局", "淮安市生态环境局"} <= set(everything)

    # the console page of a 南京 credit office
    console_login(client, "credit_office", region="320100")
    page = client.get("/console/disclosure/late", headers=HTML)
    assert page.status_code == 200, page.text
    assert nanjing in page.text and huaian_market not in page.text and huaian_env not in page.text


def test_late_list_refuses_a_credit_office_without_a_region(client) -> None:
    _seed_two_cities()
    r = client.get("/api/v1/disclosure/late", headers={"X-API-Key": make_api_key("credit_office", region="none")})
    assert r.status_code == 403 and "行政区划" in r.json()["error"]["message"]
    assert any("行政区划" in (e.reason or "") for e in _denials("disclosure.deadline.read"))


def test_access_log_review_is_limited_to_the_credit_office_territory(client) -> None:
    org = company(seed=64, name="淮安市审查辖区示例有限公司")
    huaian = {"X-API-Key": make_api_key("determining_department", name="淮安市辖区审查对象局",
                                        department="淮安市辖区审查对象局", region="320800")}
    nanjing = {"X-API-Key": make_api_key("determining_department", name="南京市辖区审查对象局",
                                         department="南京市辖区审查对象局", region="320100")}
    for headers in (huaian, nanjing):
        r = client.get(f"/api/v1/public/subjects/{org.key}", headers=headers)
        assert r.status_code == 200, r.text

    console_login(client, "credit_office", name="南京市信用办审查员", region="320100")
    page = client.get("/console/access-log", params={"action": "disclosure.public_read"}, headers=HTML)
    assert page.status_code == 200, page.text
    assert "南京市辖区审查对象局" in page.text
    assert "淮安市辖区审查对象局" not in page.text  # a 320800 principal's entries are not listed
    named = client.get("/console/access-log", params={"principal": "淮安市辖区审查对象局"}, headers=HTML)
    assert named.status_code == 200 and "<td>淮安市辖区审查对象局" not in named.text  # (echoed in the filter box only)
    client.cookies.clear()

    console_login(client, "credit_office", name="淮安市信用办审查员", region="320800")
    page = client.get("/console/access-log", params={"action": "disclosure.public_read"}, headers=HTML)
    assert "淮安市辖区审查对象局" in page.text and "南京市辖区审查对象局" not in page.text
    client.cookies.clear()

    console_login(client, "admin")
    page = client.get("/console/access-log", params={"action": "disclosure.public_read"}, headers=HTML)
    assert "淮安市辖区审查对象局" in page.text and "南京市辖区审查对象局" in page.text


def test_access_log_review_refuses_a_credit_office_without_a_region(client) -> None:
    console_login(client, "credit_office", name="无区划信用办审查员")
    r = client.get("/console/access-log", headers=HTML)
    assert r.status_code == 403
    assert any(e.principal_name == "无区划信用办审查员" for e in _denials("access_log.read"))


def test_consent_of_another_subject_is_refused_and_logged(client) -> None:
    owner = person(seed=65, name="李四光")
    other = person(seed=66, name="王五")
    me = {"X-API-Key": make_api_key("subject", subject_key=owner.key)}
    ends = (clock.today() + dt.timedelta(days=90)).isoformat()
    base = {"purpose": "public_disclosure", "method": "online_confirmation", "scope": ["admin-penalty"],
            "ends_on": ends}
    given = client.post("/api/v1/self/consents", headers=me, json=base)
    assert given.status_code == 201, given.text
    consent_id = given.json()["id"]

    intruder_key = make_api_key("subject", name="他人主体", subject_key=other.key)
    intruder = {"X-API-Key": intruder_key}
    revoke = client.post(f"/api/v1/self/consents/{consent_id}/revoke", headers=intruder)
    assert revoke.status_code == 403, revoke.text
    denied = [e for e in _denials("disclosure.consent.write") if e.principal_name == "他人主体"]
    assert denied and denied[-1].subject_key == owner.key and denied[-1].detail.get("consent_id") == consent_id
    assert client.get("/api/v1/self/consents", headers=me).json()["consents"][0]["active"] is True

    # a subject may not register a consent on another's behalf either
    behalf = client.post("/api/v1/disclosure/consents", headers=intruder, json={**base, "code": owner.code})
    assert behalf.status_code == 403 and behalf.json()["error"]["code"] == "use_self_consent"
    assert len([e for e in _denials("disclosure.consent.write") if e.principal_name == "他人主体"]) == 2

    # a credit office registers a written consent for a subject of its territory only
    nanjing = {"X-API-Key": make_api_key("credit_office", name="南京市信用办", region="320100")}
    far = client.post("/api/v1/disclosure/consents", headers=nanjing,
                      json={**base, "method": "written", "code": owner.code})
    assert far.status_code == 403, far.text
    assert any(e.principal_name == "南京市信用办" and e.subject_key == owner.key
               for e in _denials("disclosure.consent.write"))
    huaian = {"X-API-Key": make_api_key("credit_office", name="淮安市信用办", region="320800")}
    near = client.post("/api/v1/disclosure/consents", headers=huaian,
                       json={**base, "method": "written", "code": owner.code})
    assert near.status_code == 201, near.text
