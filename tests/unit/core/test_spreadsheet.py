"""Every export writes user text as text: no cell a spreadsheet reads as a formula (property tests)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from xinyong.core.spreadsheet import FORMULA_STARTS, is_formula, safe_cell, safe_text
from xinyong.records.importer import FIELDS, _Rejects

#: text a user may type, biased towards the dangerous first characters
user_text = st.one_of(
    st.text(max_size=40),
    st.builds(lambda head, tail: head + tail, st.sampled_from(["=", "+", "-", "@", "\t", "\r", " =", "'="]),
              st.text(max_size=30)),
)


@given(user_text)
@example("\x00=1+1")  # a formula behind a character a cell cannot hold: guarded once that character is gone
def test_safe_text_is_never_a_formula_and_keeps_the_text(value: str) -> None:
    cell = safe_text(value)
    assert not is_formula(cell)
    kept = "".join(ch for ch in value if ch in "\t\n\r" or not (ord(ch) < 32 or ord(ch) == 127))
    visible = cell[1:] if cell.startswith("'") and kept.startswith(FORMULA_STARTS) else cell
    assert visible == kept


@given(st.lists(user_text, min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_xlsx_written_with_safe_cells_holds_no_formula(values: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([safe_cell(v) for v in values])
    out = io.BytesIO()
    wb.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()))
    for row in read.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not is_formula(str(cell.value or ""))


@given(st.lists(user_text, min_size=len(FIELDS), max_size=len(FIELDS)), user_text)
@settings(max_examples=60, deadline=None)
def test_rejects_file_writes_user_text_as_text(values: list[str], reason: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rejects.csv"
        rejects = _Rejects(path)
        rejects.write(2, dict(zip(FIELDS, values, strict=True)), reason)
        rejects.write(3, {"__raw__": values[0]}, reason)
        rejects.close()
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
    assert not any(is_formula(c) for c in cells)


def test_numbers_and_dates_stay_values() -> None:
    import datetime as dt

    assert safe_cell(-5) == -5 and safe_cell(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2) and safe_cell(None) == ""
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("a\x00b") == "ab"
