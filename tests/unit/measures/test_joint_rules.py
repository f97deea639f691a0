"""Pure rules of joint punishment and targeted push: deadlines data, which measures reach which kind of
subject, what a receiver is entitled to, and the regional roll-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.authority import region_within
from xinyong.core.errors import ValidationFailed
from xinyong.core.rulefiles import RULES_ROOT, RuleError, read_rule_file
from xinyong.measures.catalog import measure_set
from xinyong.measures.joint_rules import (
    FIGURES,
    IdentifierForm,
    child_region,
    entitlement,
    measure_reaches_subject,
    measures_for_subject,
    parse_deadlines,
    roll_up,
)

DEADLINES = RULES_ROOT / "national" / "joint_punishment" / "deadlines.yaml"
SCOPES = ["government", "national_platform", "implementing_units", "enterprise_publicity", "financial_institutions"]


def _good() -> dict[str, Any]:
    stage = {"default_workdays": 10, "min_workdays": 1, "max_workdays": 60, "basis": "x", "basis_verified": False}
    return {"response": dict(stage), "feedback": dict(stage)}


def test_shipped_deadlines_load_and_say_they_are_unverified() -> None:
    periods = parse_deadlines(read_rule_file(Path(DEADLINES)), DEADLINES.name)
    assert set(periods) == {"response", "feedback"}
    for p in periods.values():
        assert p.min_workdays <= p.default_workdays <= p.max_workdays
        assert p.basis_verified is False and "依据待核实" in p.cite()


@pytest.mark.parametrize("broken", [
    lambda d: d.pop("feedback"),
    lambda d: d["response"].pop("basis_verified"),
    lambda d: d["response"].update(min_workdays=0),
    lambda d: d["response"].update(default_workdays=99),
    lambda d: d["feedback"].update(basis=" "),
    lambda d: d["feedback"].update(max_workdays="20"),
])
def test_broken_deadline_data_does_not_load(broken: Any) -> None:
    data = _good()
    broken(data)
    with pytest.raises(RuleError):
        parse_deadlines(data, "deadlines.yaml")


def test_initiator_chooses_within_the_bounds() -> None:
    p = parse_deadlines(_good(), "d.yaml")["response"]
    assert p.choose(None) == 10 and p.choose(1) == 1 and p.choose(60) == 60
    for bad in (0, 61, -3):
        with pytest.raises(ValidationFailed, match="响应时限须为1至60个工作日"):
            p.choose(bad)


def test_a_person_measure_never_reaches_an_organisation() -> None:
    ms = measure_set().all()
    bar = measure_set().get("civil-service-bar")
    assert bar is not None
    assert not measure_reaches_subject(bar, "organisation")
    assert measure_reaches_subject(bar, "individual")
    for m in measures_for_subject(ms, "organisation"):
        assert "organisation" in m.reaches
    for m in measures_for_subject(ms, "individual", "legal_representative"):
        assert m.reaches & {"individual", "legal_representative"}
    # a measure reaching only representatives goes to the person listed in that role, not to any person
    only_rep = [m for m in ms if m.reaches == frozenset({"legal_representative"})]
    for m in only_rep:
        assert not measure_reaches_subject(m, "individual")
        assert measure_reaches_subject(m, "individual", "legal_representative")


@given(scopes=st.sets(st.sampled_from(SCOPES)), n=st.integers(0, 5), has_key=st.booleans(),
       kind=st.sampled_from(["individual", "organisation", "individual_business"]))
def test_entitlement_never_exceeds_the_scope(scopes: set[str], n: int, has_key: bool, kind: str) -> None:
    ent = entitlement(kind, scopes, n, has_key=has_key)
    if kind != "individual":
        assert ent.identifier is IdentifierForm.plain
        return
    # the full resident ID only to an implementing unit that must apply a measure and can open it
    sealed = ent.identifier is IdentifierForm.sealed
    assert sealed == ("implementing_units" in scopes and n > 0 and has_key)
    assert ent.identifier is not IdentifierForm.plain
    # the name only to government receivers
    assert ent.full_name == bool(scopes & {"government", "national_platform", "implementing_units"})
    assert ent.reason


def test_child_region_steps_down_one_level() -> None:
    assert child_region("100000", "320812") == "320000"
    assert child_region("320000", "320812") == "320800"
    assert child_region("320000", "320000") == "320000"
    assert child_region("320800", "320812") == "320812"
    assert child_region("320800", "320800") == "320800"
    assert child_region("320800", "110105") is None
    assert child_region("320800", "bad") is None


REGIONS = ["320800", "320812", "320803", "320826", "320100", "320102", "320000", "110105", "110000"]


@given(rows=st.lists(st.tuples(st.sampled_from(REGIONS), st.fixed_dictionaries(
    {"total": st.integers(0, 9), "response_overdue": st.integers(0, 9)})), max_size=12),
       office=st.sampled_from(["100000", "320000", "320800"]))
def test_roll_up_sums_each_sub_region_into_its_parent_and_keeps_the_territory_total(
        rows: list[tuple[str, dict[str, int]]], office: str) -> None:
    out = roll_up(rows, office)
    total = out[-1]
    assert total["territory_total"] and total["region_code"] == office
    inside = [(r, c) for r, c in rows if region_within(office, r)]
    assert total["total"] == sum(c["total"] for _, c in inside)
    assert sum(r["total"] for r in out[:-1]) == total["total"]
    for row in out[:-1]:
        expected = sum(c["response_overdue"] for r, c in inside if child_region(office, r) == row["region_code"])
        assert row["response_overdue"] == expected
        assert set(FIGURES) <= set(row)


def test_broken_deadlines_stop_the_start_up_validation(tmp_path: Path) -> None:
    import shutil

    from xinyong.rules_check import validate_all

    root = tmp_path / "rules"
    shutil.copytree(RULES_ROOT, root)
    (root / "national" / "joint_punishment" / "deadlines.yaml").write_text("response: {}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"deadlines\.yaml"):
        validate_all([root])
