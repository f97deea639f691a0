"""Two officers act on the same case at once through two real database connections: exactly one
transition wins, the other gets a 409 Conflict, and the history holds exactly the winner's step."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.integration.listing.helpers import make_subject, officer
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict
from xinyong.listing import service


def _race(case_id: int, actions: list[Any]) -> list[str]:
    barrier = threading.Barrier(len(actions))
    results: list[str] = ["?"] * len(actions)

    def run(i: int) -> None:
        try:
            with unit_of_work() as s:
                case = service.get_case(s, case_id)
                assert case.version == 1  # both read the same version on their own connection
                barrier.wait(timeout=20)
                actions[i](s)
            results[i] = "ok"
        except Conflict as exc:
            results[i] = f"conflict:{exc.code}"
        except Exception as exc:  # pragma: no cover - reported in the assertion
            results[i] = f"error:{type(exc).__name__}:{exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_officers_one_case_exactly_one_wins(db_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the two-connection race is asserted on PostgreSQL (SQLite serialises writers)")
    import datetime as dt

    setup = make_subject(31)
    actor = officer()
    with unit_of_work() as s:
        case = service.propose(s, actor, subject_code=setup.code, list_type_id="migrant-wage-arrears",
                               record_ids=[setup.record_id], reason="拖欠农民工工资", on=dt.date(2026, 9, 1))
        case_id = case.id

    def withdraw(s: Any) -> None:
        service.withdraw(s, actor, case_id, explanation="撤回：证据不足", version=1, on=dt.date(2026, 9, 2))

    def notice(s: Any) -> None:
        service.serve_notice(s, actor, case_id, objection_window_end=dt.date(2026, 9, 20), version=1,
                             on=dt.date(2026, 9, 2))

    results = _race(case_id, [withdraw, notice])
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"], results
    assert [r for r in results if r.startswith("conflict")] == ["conflict:listing.version_conflict"]
    with unit_of_work() as s:
        case = service.get_case(s, case_id)
        history = service.history(s, case_id)
        docs = service.case_documents(s, case_id)
        assert case.version == 2
        assert [h["seq"] for h in history] == [1, 2]
        winner = history[-1]["action"]
        assert case.state == {"withdraw": "withdrawn", "serve_notice": "notice_served"}[winner]
        # the loser left nothing behind (its notice document was rolled back with it)
        assert len(docs) == (1 if winner == "serve_notice" else 0)
        assert service.verify_history(s, case_id)


def test_same_action_twice_concurrently(db_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    import datetime as dt

    setup = make_subject(32)
    actor = officer()
    with unit_of_work() as s:
        case_id = service.propose(s, actor, subject_code=setup.code, list_type_id="migrant-wage-arrears",
                                  record_ids=[setup.record_id], reason="拖欠", on=dt.date(2026, 9, 1)).id

    def withdraw(s: Any) -> None:
        service.withdraw(s, actor, case_id, explanation="撤回", version=1, on=dt.date(2026, 9, 2))

    results = _race(case_id, [withdraw, withdraw])
    assert sorted(results) == ["conflict:listing.version_conflict", "ok"], results
