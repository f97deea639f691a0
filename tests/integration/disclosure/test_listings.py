from __future__ import annotations

import datetime as dt

from tests.factories import make_api_key
from tests.integration.listing.helpers import listed_case
from xinyong.core import clock

HTML = {"accept": "text/html"}


def test_serious_list_entries_on_the_portal_and_in_sharing(client, api_key) -> None:
    start = clock.today() - dt.timedelta(days=40)
    _case_id, setup = listed_case(61, start=start)
    body = client.get(f"/api/v1/public/subjects/{setup.subject_key}")
    assert body.status_code == 200, body.text
    [entry] = body.json()["listings"]
    assert entry["determining_department"] == "淮安市人力资源和社会保障局"
    assert entry["list_type_name"] and entry["basis"] and entry["decision_no"]
    assert entry["removal_conditions"] and entry["removal_procedure"] and entry["remedies"]
    assert "leniency_flags" not in entry and "case_id" not in entry and "listing_id" not in entry
    assert setup.person_code not in body.text  # the legal representative's ID never appears
    page = client.get(f"/public/subjects/{setup.subject_key}", headers=HTML)
    assert entry["list_type_name"] in page.text and "移出条件" in page.text and "救济措施" in page.text
    assert "未列入严重失信主体名单" not in page.text
    token = make_api_key("implementing_unit")
    from xinyong.core.access import authenticate
    from xinyong.core.db import unit_of_work

    with unit_of_work() as s:
        pid = authenticate(s, token).id
    client.put(f"/api/v1/disclosure/share-scopes/{pid}", json={"scopes": ["implementing_units"]},
               headers=api_key("admin"))
    shared = client.get(f"/api/v1/share/subjects/{setup.code}", params={"purpose": "joint_punishment"},
                        headers={"X-API-Key": token}).json()
    assert [x["case_id"] for x in shared["listings"]] == [_case_id]
    own = client.get("/api/v1/self/record", headers={"X-API-Key": make_api_key("subject", subject_key=setup.subject_key)})
    assert own.json()["listings"][0]["leniency_flags"] == []
