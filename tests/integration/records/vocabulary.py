"""Shared check of the state vocabularies' CHECK constraints (records_0002, repair_0003, disclosure_0003,
listing_0003, measures_0003): every value of the enum is accepted, any other value is refused by the
database itself (not only by the service layer) with an IntegrityError naming the constraint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from xinyong.core.db import unit_of_work


def assert_vocabulary(model: type[Any], pk: int, column: str, values: Iterable[str], constraint: str) -> None:
    with unit_of_work() as s:
        row = s.get(model, pk)
        assert row is not None
        original = getattr(row, column)
        for value in values:
            setattr(row, column, value)
            s.flush()
        setattr(row, column, original)
    with pytest.raises(IntegrityError, match=constraint), unit_of_work() as s:
        row = s.get(model, pk)
        setattr(row, column, "unknown_status")
        s.flush()
    with unit_of_work() as s:
        assert getattr(s.get(model, pk), column) == original
