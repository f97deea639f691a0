from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import record_input
from xinyong.catalog.loader import load_catalogs
from xinyong.core.errors import ValidationFailed
from xinyong.records.rules import check_record

TODAY = dt.date(2026, 11, 23)
CATALOGS = load_catalogs()


def refuse(code: str, **overrides: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_record(record_input(**overrides), "320812", CATALOGS, TODAY)
    assert exc.value.code == code
    assert exc.value.message


def test_accepts_penalty_under_item_in_force() -> None:
    accepted = check_record(record_input(), "320812", CATALOGS, TODAY)
    assert accepted.item.code == "admin-penalty"
    assert accepted.version.edition == "2024"


def test_local_item_only_in_its_region() -> None:
    rec = record_input(catalog_item="js-wage-arrears", document_type="administrative_decision")
    assert check_record(rec, "320812", CATALOGS, TODAY).version.catalog_id == "huaian-supplement"
    with pytest.raises(ValidationFailed):
        check_record(rec, "110105", CATALOGS, TODAY)


def test_refusals_are_precise() -> None:
    refuse("invalid_document_type", document_type="notice")
    refuse("missing_other_basis", document_type="other_statutory")
    refuse("not_yet_effective", effective_date=TODAY + dt.timedelta(days=1))
    refuse("effective_before_decision", effective_date=dt.date(2025, 3, 1))
    refuse("future_decision_date", decision_date=TODAY + dt.timedelta(days=3),
           effective_date=TODAY + dt.timedelta(days=3))
    refuse("catalog_item_not_in_force", catalog_item="jaywalking")
    refuse("catalog_item_not_in_force", decision_date=dt.date(2019, 1, 1), effective_date=dt.date(2019, 1, 2))
    refuse("catalog_item_not_dishonesty", catalog_item="registration", document_type="administrative_decision")
    refuse("invalid_severity", severity="huge")
    refuse("missing_document_number", document_number="  ")


def test_competence_requirements_of_documents_and_items() -> None:
    from xinyong.catalog.loader import load_catalogs
    from xinyong.records.rules import competence_requirements

    items = {i.code: i for v in load_catalogs().versions for i in v.items}
    judgment = competence_requirements("judicial_judgment", items["admin-penalty"])
    assert [fields for _, fields in judgment] == [("court",)]
    assert [f for _, f in competence_requirements("arbitral_award", items["admin-penalty"])] == [("arbitration",)]
    assert competence_requirements("administrative_penalty", items["admin-penalty"]) == []
    debtor = competence_requirements("administrative_decision", items["judicial-dishonest-debtor"])
    assert [f for _, f in debtor] == [("court",)] and "失信被执行人" in debtor[0][0]
