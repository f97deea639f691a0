"""Every usable list type walks a real case: notice → objection → answer → four-eyes approval →
(upper-level consent where its rule asks) → decision → listing → removal, with the rule's own
deadlines, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.listing.helpers import make_subject
from xinyong.core.access import Actor
from xinyong.core.authority import infer_fields
from xinyong.core.dates import add_months
from xinyong.core.db import unit_of_work
from xinyong.core.policy import Role
from xinyong.listing import service
from xinyong.listing.guardrails import consent_needed, upper_region
from xinyong.listing.loader import RULES_ROOT, load_list_types
from xinyong.listing.rules import GuardrailRefused, ListType

REGION = "320800"
#: a department of each competent field (its fields are read from the name, as for every principal)
DEPARTMENTS = {
    "market_regulation": ("淮安市市场监督管理局", "江苏省市场监督管理局"),
    "human_resources": ("淮安市人力资源和社会保障局", "江苏省人力资源和社会保障厅"),
    "finance": ("淮安市财政局", "江苏省财政厅"),
    "tax": ("国家税务总局淮安市税务局", "国家税务总局江苏省税务局"),
}
USABLE = sorted(load_list_types([RULES_ROOT]).types, key=lambda t: t.id)


def _actor(department: str, name: str, region: str = REGION, pid: int | None = None) -> Actor:
    return Actor(id=pid, name=name, role=Role.determining_department, department=department, region_code=region,
                 fields=frozenset(infer_fields(department)))


def _setup(lt: ListType, seed: int, department: str) -> tuple[str, int]:
    basis = lt.guard.basis_records
    made = make_subject(seed, issuing_authority=department, link_person=False,
                        catalog_item=(basis.catalog_items or ("admin-penalty",))[0],
                        severity=basis.min_severity or "general", decision_date=dt.date(2026, 8, 1),
                        effective_date=dt.date(2026, 8, 1))
    return made.code, made.record_id


def test_every_list_type_with_a_national_rule_is_usable() -> None:
    assert {t.id for t in USABLE} >= {"samr-serious-illegal", "migrant-wage-arrears", "gov-procurement",
                                      "tax-major-violation"}
    assert all(t.competent_fields[0] in DEPARTMENTS for t in USABLE), "a walk needs a department of each field"


@pytest.mark.parametrize("lt", USABLE, ids=[t.id for t in USABLE])
def test_a_case_walks_to_removal_under_the_list_types_own_rule(db_url: str, lt: ListType, test_clock) -> None:
    dept, upper = DEPARTMENTS[lt.competent_fields[0]]
    proposer, approver = _actor(dept, f"{dept}经办人"), _actor(dept, f"{dept}审核人")
    code, record_id = _setup(lt, 300 + USABLE.index(lt), dept)
    d0 = dt.date(2026, 9, 1)
    window_end = d0 + dt.timedelta(days=max(14, lt.guard.objection_window.min_days))
    months = None if lt.fixed_period else lt.listing_months_min
    with unit_of_work() as s:
        case = service.propose(s, proposer, subject_code=code, list_type_id=lt.id, record_ids=[record_id],
                               reason="依认定标准拟列入", on=d0)
        cid = case.id
        service.serve_notice(s, proposer, cid, objection_window_end=window_end, on=d0)
        service.receive_objection(s, proposer, cid, objection="对事实有异议", on=d0 + dt.timedelta(days=3))
        answered = service.answer_objection(s, proposer, cid, outcome="rejected", answer="经核实，异议不成立",
                                            on=d0 + dt.timedelta(days=6))
        assert answered.answer_timely is True
        # answered early, still no decision before the window ends
        with pytest.raises(GuardrailRefused, match="期满前不得作出认定决定"):
            service.decide(s, proposer, cid, listing_months=months, on=window_end)
    with unit_of_work() as s:
        service.approve(s, approver, cid, opinion="事实清楚，同意", on=window_end)
        if consent_needed(lt.guard.upper_consent, REGION):
            with pytest.raises(GuardrailRefused, match="上一级"):
                service.decide(s, proposer, cid, listing_months=months, on=window_end + dt.timedelta(days=1))
            service.consent(s, _actor(upper, f"{upper}审核人", region=str(upper_region(REGION))), cid,
                            document="苏市监信〔2026〕1号", on=window_end)
        decided = service.decide(s, proposer, cid, listing_months=months, on=window_end + dt.timedelta(days=1))
        start, end = decided.listing_start, decided.listing_end
        assert start is not None and end is not None
        assert end == add_months(start, months or lt.listing_months_min) - dt.timedelta(days=1)
        service.list_subject(s, proposer, cid, on=start)
    assert [r["list_type_id"] for r in _listings(code, start)] == [lt.id]

    test_clock.set_today(dt.date(2030, 1, 2))  # the removal steps happen years later
    limits = lt.guard.removal
    early = "conditions_met" in {c.code for c in lt.removal_conditions}
    with unit_of_work() as s:
        if early and (limits.early_after_months or limits.after_correction_months):
            corrected = start + dt.timedelta(days=10)
            wait = add_months(start, limits.early_after_months) if limits.early_after_months else \
                add_months(corrected, limits.after_correction_months or 0)
            args = {"corrected_on": corrected} if limits.after_correction_months else {}
            with pytest.raises(GuardrailRefused, match="方可申请提前移出"):
                service.remove(s, proposer, cid, reason="conditions_met", explanation="已履行义务",
                               on=wait - dt.timedelta(days=1), **args)
            removed = service.remove(s, proposer, cid, reason="conditions_met", explanation="已履行义务",
                                     on=wait, **args)
        elif early:
            removed = service.remove(s, proposer, cid, reason="conditions_met", explanation="已履行义务",
                                     on=start + dt.timedelta(days=1))
        else:
            with pytest.raises(GuardrailRefused, match="尚未届满"):
                service.remove(s, proposer, cid, reason="period_expired", on=end)
            removed = service.remove(s, proposer, cid, reason="period_expired", on=end + dt.timedelta(days=1))
        assert removed.state == "removed"
        last = service.history(s, cid)[-1]
        if limits.stop_publication_workdays:  # 令第44号 第十八条: stop publication within 3 working days
            assert last["data"]["stop_publication_due"] > removed.removed_on.isoformat()
    assert _listings(code, removed.removed_on) == []


def _listings(code: str, on: dt.date | None) -> list[dict[str, object]]:
    from xinyong.subjects import service as subjects

    with unit_of_work() as s:
        subject = subjects.require(s, code)
        assert on is not None
        return list(service.active_listings(s, subject.subject_key, on))
