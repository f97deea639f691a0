"""The disclosure state vocabularies: the enum in rules.py, the CHECK constraint of the model and the one
the migration (disclosure_0003_objection_status_check) created list exactly the same values — a value added to the enum
without a migration that replaces the constraint fails here, not in production."""

from __future__ import annotations

import importlib.util
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint

import xinyong.migrations
from xinyong.disclosure.models import Objection
from xinyong.disclosure.rules import ObjectionOutcome, ObjectionStatus

MIGRATION = Path(xinyong.migrations.__file__).parent / "versions" / "disclosure_0003_objection_status_check.py"


def _migration_checks() -> dict[str, tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("_disclosure_vocabulary_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: tuple(values) for _table, name, _column, values in module.CHECKS}


def _model_values(model: type[Any], name: str) -> tuple[str, ...]:
    [check] = [c for c in model.__table__.constraints if isinstance(c, CheckConstraint) and c.name == name]
    return tuple(re.findall(r"'([^']*)'", str(check.sqltext)))


@pytest.mark.parametrize(("model", "enum", "name"), [
    (Objection, ObjectionStatus, "ck_disclosure_objections_status"),
    (Objection, ObjectionOutcome, "ck_disclosure_objections_outcome"),
])
def test_enum_model_and_migration_agree(model: type[Any], enum: type[StrEnum], name: str) -> None:
    values = tuple(e.value for e in enum)
    assert _model_values(model, name) == values
    assert _migration_checks()[name] == values
