"""The home page searches by name or code: an exact code goes to the subject's public page, a name lists
the matching organisations (never natural persons by name), a malformed code says why."""

from __future__ import annotations

import random
from typing import Any

from tests.factories import resident_id, uscc
from xinyong.core.db import unit_of_work
from xinyong.subjects import service as subjects

HTML = {"accept": "text/html"}


def test_code_goes_to_the_public_page_and_a_name_lists_subjects(client: Any, api_key: Any) -> None:
    admin = api_key("admin")
    code = uscc(random.Random(5))
    person = resident_id(random.Random(6))
    for c, name in ((code, "淮安市清江浦区示例商贸有限公司"), (uscc(random.Random(7)), "淮安市示例物流有限公司"),
                    (person, "王建国")):
        assert client.post("/api/v1/subjects", json={"code": c, "name": name}, headers=admin).status_code == 201
    with unit_of_work() as s:
        key = subjects.require(s, code).subject_key
    home = client.get("/", headers=HTML)
    assert home.status_code == 200 and 'action="/search"' in home.text and "/my" in home.text
    exact = client.get(f"/search?q={code.lower()}", headers=HTML, follow_redirects=False)
    assert exact.status_code == 303 and exact.headers["location"] == f"/public/subjects/{key}"
    named = client.get("/search?q=示例", headers=HTML)
    assert named.status_code == 200 and "查询结果（2）" in named.text
    assert "淮安市示例物流有限公司" in named.text and "清江浦区示例商贸" in named.text
    assert "查询结果（0）" in client.get("/search?q=王建国", headers=HTML).text  # persons never by name
    assert client.get(f"/search?q={person}", headers=HTML, follow_redirects=False).status_code == 303
    bad = client.get("/search?q=" + code[:-1] + ("0" if code[-1] != "0" else "1"), headers=HTML)
    assert bad.status_code == 200 and "代码无效" in bad.text
    unknown = client.get(f"/search?q={uscc(random.Random(99))}", headers=HTML)
    assert "本平台尚无该信用主体的信息" in unknown.text
    # the former code check leads to the search
    old = client.get(f"/check?code={code}", follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"] == f"/search?q={code}"
