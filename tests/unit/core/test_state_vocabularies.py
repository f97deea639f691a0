"""The state vocabularies of every capability: the enum in its rules.py, the CHECK constraint of its model
and the one its migration created list exactly the same values — a value added to an enum without a
migration that replaces the constraint fails here, not in production."""

from __future__ import annotations

import importlib.util
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint

import xinyong.migrations
from xinyong.disclosure.models import Objection
from xinyong.disclosure.rules import ObjectionOutcome, ObjectionStatus
from xinyong.listing.models import Interview, ListingCase, RectificationOrder
from xinyong.listing.rules import InterviewOutcome, RectificationStatus, State
from xinyong.measures.models import PunishmentCase
from xinyong.measures.rules import CaseStatus
from xinyong.records.models import Record
from xinyong.records.rules import RecordStatus
from xinyong.repair.models import RepairPart
from xinyong.repair.rules import PartStatus

VERSIONS = Path(xinyong.migrations.__file__).parent / "versions"


@cache
def _migration_checks(migration: str) -> dict[str, tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location(f"_vocabulary_{migration}", VERSIONS / f"{migration}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: tuple(values) for _table, name, _column, values in module.CHECKS}


def _model_values(model: type[Any], name: str) -> tuple[str, ...]:
    [check] = [c for c in model.__table__.constraints if isinstance(c, CheckConstraint) and c.name == name]
    return tuple(re.findall(r"'([^']*)'", str(check.sqltext)))


@pytest.mark.parametrize(("model", "enum", "name", "migration"), [
    (Record, RecordStatus, "ck_records_status", "records_0002_status_check"),
    (RepairPart, PartStatus, "ck_repair_parts_status", "repair_0003_part_status_check"),
    (Objection, ObjectionStatus, "ck_disclosure_objections_status", "disclosure_0003_objection_status_check"),
    (Objection, ObjectionOutcome, "ck_disclosure_objections_outcome", "disclosure_0003_objection_status_check"),
    (ListingCase, State, "ck_listing_cases_state", "listing_0003_state_checks"),
    (RectificationOrder, RectificationStatus, "ck_rectification_orders_status", "listing_0003_state_checks"),
    (Interview, InterviewOutcome, "ck_listing_interviews_outcome", "listing_0003_state_checks"),
    (PunishmentCase, CaseStatus, "ck_punishment_cases_status", "measures_0003_case_status_check"),
])
def test_enum_model_and_migration_agree(model: type[Any], enum: type[StrEnum], name: str, migration: str) -> None:
    values = tuple(e.value for e in enum)
    assert _model_values(model, name) == values
    assert _migration_checks(migration)[name] == values
