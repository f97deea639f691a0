"""The layout of a file to be screened: whether its lines are plain, and how many rows it has (which
decides whether PostgreSQL aggregates the whole index while the file is read)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.measures.csv_screening import _cell_pattern, _layout

CELL = st.text(alphabet="0123456789ABCDXY甲乙 ", max_size=8)
QUOTED_CELL = st.text(alphabet='AB甲,"\n', max_size=6)


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "in.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


@settings(max_examples=150)
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=2), max_size=30), crlf=st.booleans(),
       last_end=st.booleans())
def test_a_plain_file_counts_its_rows(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], crlf: bool,
                                      last_end: bool) -> None:
    tmp = tmp_path_factory.mktemp("layout")
    end = "\r\n" if crlf else "\n"
    lines = ["code,name", *(",".join(r) for r in rows)]
    text = end.join(lines) + (end if last_end or not rows else "")
    layout = _layout(_write(tmp, text))
    assert layout.plain
    assert layout.lines == len(rows)


@settings(max_examples=150)
@given(rows=st.lists(st.lists(QUOTED_CELL, min_size=2, max_size=2), max_size=20))
def test_a_quoted_file_counts_at_least_its_rows(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]) -> None:
    """A cell may hold a line break, so the line count is an upper bound of the rows the csv module reads."""
    tmp = tmp_path_factory.mktemp("layout")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(rows)
    path = _write(tmp, buf.getvalue())
    with path.open(encoding="utf-8", newline="") as fh:
        read = list(csv.reader(fh))[1:]
    layout = _layout(path)
    assert layout.lines >= len(read)
    assert layout.plain == ('"' not in buf.getvalue())


@settings(max_examples=300)
@given(lines=st.lists(st.text(alphabet="0A甲, \r", max_size=10), min_size=1, max_size=20), col=st.integers(0, 4))
def test_the_code_cell_of_every_plain_line_is_found_as_split_finds_it(lines: list[str], col: int) -> None:
    """One match per line, the cell as ``line.split(",")`` gives it, or empty when the line is shorter."""
    want = [cells[col] if len(cells := line.split(",")) > col else "" for line in lines]
    assert _cell_pattern(col).findall("\n".join(lines)) == want
