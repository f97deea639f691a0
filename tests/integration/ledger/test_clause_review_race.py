"""Two officers reviewing one clause at once: the later save does not silently replace the earlier one.

Each save names the review it was based on (``based_on``: the ``decided_at`` the officer saw); the
database decides who saved first, and the other gets 409 with the review now in force."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.integration.ledger.test_ledger_api import TRAFFIC, UNIT, upload
from tests.races import simultaneously

PAIRS = 6


def test_simultaneous_reviews_of_one_clause_one_wins_the_other_sees_it(client: Any, api_key: Any) -> None:
    officer = api_key("implementing_unit", department=UNIT, region="210211")
    doc = upload(client, officer, TRAFFIC).json()
    clause = doc["clauses"][0]["id"]
    url = f"/api/v1/ledger/clauses/{clause}/decision"
    seen: str = ""  # no review yet
    for n in range(PAIRS):
        confirm = {"confirm": True, "based_on": seen}
        dismiss = {"dismissed": True, "note": f"第{n}次：不涉及", "based_on": seen}
        a, b = simultaneously(partial(client.put, url, json=confirm, headers=officer),
                     partial(client.put, url, json=dismiss, headers=officer))
        assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
        winner, loser = (a, b) if a.status_code == 200 else (b, a)
        error = loser.json()["error"]
        assert error["code"] == "clause_review_changed" and "请刷新页面" in error["message"]
        stored = client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=officer).json()
        review = next(c for c in stored["clauses"] if c["id"] == clause)["decision"]
        # what is stored is the winner's review, and the loser was shown exactly that
        assert review == winner.json()["decision"] == error["details"]["current"]
        seen = review["decided_at"]
    # a save based on an outdated review is refused; without based_on (older clients) it is not checked
    stale = client.put(url, json={"confirm": True, "based_on": ""}, headers=officer)
    assert stale.status_code == 409
    assert client.put(url, json={"confirm": True}, headers=officer).status_code == 200
