"""Batch screening (the fast path: on PostgreSQL the filtering runs in SQL) gives, for every subject,
the same lists and measures as single screening (the engine's explanation), on both databases."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.listing.helpers import listed_case
from xinyong.core.access import SYSTEM, Purpose
from xinyong.core.crypto import decrypt
from xinyong.core.db import unit_of_work
from xinyong.demo.generate import generate_into_database
from xinyong.measures import screening
from xinyong.subjects.models import Subject

DAYS = [dt.date(2026, 9, 16), dt.date(2026, 11, 23), dt.date(2031, 1, 1)]
MATTERS = [None, "procurement_bidding", "fiscal_subsidy", "public_employment"]


def _codes() -> list[str]:
    with unit_of_work() as s:
        rows = s.execute(select(Subject.uscc, Subject.resident_id_enc).order_by(Subject.id)).all()
    return [uscc or decrypt(enc) for uscc, enc in rows]


def _single(code: str, on: dt.date, matter: str | None) -> tuple[str, str]:
    with unit_of_work() as s:
        found = screening.screen_code(s, SYSTEM, code, on=on, matter=matter, region=None,
                                      purpose=Purpose.joint_punishment)
    hit = found["hits"][0]
    return ";".join(sorted({x["list_type"] for x in hit["lists"]})), ";".join(hit["measures"])


@pytest.mark.slow
@pytest.mark.parametrize("chunk_over_threshold", [False, True])
def test_batch_agrees_with_single_screening(db_url: str, chunk_over_threshold: bool,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    generate_into_database(120, 2.0, seed=11)
    listed_case(31)
    listed_case(32, start=dt.date(2026, 10, 1))
    if chunk_over_threshold:  # take the big-chunk settings branch with a small database
        monkeypatch.setattr(screening, "BIG_CHUNK", 1)
    codes = _codes()
    assert len(codes) > 150
    nonempty = 0
    for on, matter in itertools.product(DAYS, MATTERS):
        with unit_of_work() as s:
            batch = screening.screen_batch(s, SYSTEM, [(c, "") for c in codes], on=on, matter=matter,
                                           region=None, purpose=Purpose.joint_punishment)
        for code, got in zip(codes, batch, strict=True):
            assert got.match_score == 1.0 and got.subject_key
            expected = _single(code, on, matter)
            assert (got.lists, got.measures) == expected, (code, on, matter)
            nonempty += bool(got.measures or got.lists)
    assert nonempty > 50  # the comparison is not between empty answers


def test_batch_marks_unknown_codes_unmatched(db_url: str) -> None:
    listed_case(33)
    codes = _codes()
    rows: list[Any] = [(codes[0], ""), ("91320812MA00000000", ""), ("not a code", ""), ("", "")]
    with unit_of_work() as s:
        got = screening.screen_batch(s, SYSTEM, rows, on=dt.date(2026, 11, 23), matter=None, region=None,
                                     purpose=Purpose.joint_punishment)
    assert got[0].matched_code and got[0].measures
    assert [g.matched_code for g in got[1:]] == ["", "", ""]
