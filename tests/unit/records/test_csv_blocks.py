"""The own-columns import cuts a CSV file into blocks of text that its workers parse: the rows, and their
line numbers, are exactly those the whole file read at once gives — quoted fields across lines, stray
quote characters and every kind of line end included. And the inspection of a CSV file skips reading it
whole only when that could not fail (:func:`plain_csv`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.records.importer import (
    FIELDS,
    MAX_FIELD_CHARS,
    _block_rows,
    _csv_blocks,
    _ends_record,
    plain_csv,
    read_rows,
)

CELLS = st.sampled_from(['a', 'b,c', '"q"', '"x""y"', 'ab"c', '"multi\nline"', '"m\r\nl"', '', ' ', '\\', '"',
                         '""', 'z"', '"a"b', '"\n"', '"\r"', '处罚', '"逗,号"', '\ue000'])
LINES = st.lists(st.tuples(st.lists(CELLS, max_size=5), st.sampled_from(["\n", "\r\n", "\r"])), max_size=30)


def blockwise(path: Path, size: int) -> list[tuple[int, dict[str, object]]]:
    """The rows as the workers see them, numbered as the importer numbers them (block by block)."""
    out: list[tuple[int, dict[str, object]]] = []
    for block in _csv_blocks(path, size):
        before = len(out)
        out.extend((before + line, row) for line, row in _block_rows(block))
    return out


@settings(max_examples=400, deadline=None)
@given(LINES, st.integers(min_value=1, max_value=6), st.booleans())
def test_blocks_give_the_rows_of_the_whole_file(tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[list[str], str]],
                                                 size: int, last_line_ended: bool) -> None:
    text = ",".join(FIELDS) + "\n" + "".join(",".join(cells) + end for cells, end in lines)
    if not last_line_ended:
        text = text.rstrip("\r\n")
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_text(text, encoding="utf-8", newline="")
    whole = list(enumerate(read_rows(path), start=2))
    assert blockwise(path, size) == whole
    # blocks of ``size`` rows, as the batches of rows read at once (each batch is one transaction)
    assert [len(_block_rows(b)) for b in _csv_blocks(path, size)] == [
        min(size, len(whole) - i) for i in range(0, len(whole), size)]


def test_a_block_ends_only_where_a_record_ends(tmp_path: Path) -> None:
    assert _ends_record('a,"b"\n') and _ends_record('"x\ny"\n') and _ends_record('ab"c\n')
    assert not _ends_record('a,"b\n') and not _ends_record('"x\n')
    path = tmp_path / "multi.csv"
    path.write_text(",".join(FIELDS) + '\n1,"第一行\n第二行\n第三行",x\n2,y\n3,z\n', encoding="utf-8")
    blocks = list(_csv_blocks(path, 1))
    assert [b.text for b in blocks] == ['1,"第一行\n第二行\n第三行",x\n', "2,y\n", "3,z\n"]


PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\x00'), max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PLAIN, st.sampled_from(["\n", "\r\n", "\r", ""])), max_size=20),
       st.sampled_from(["utf-8", "gb18030"]))
def test_a_plain_csv_file_reads_without_error(tmp_path_factory: pytest.TempPathFactory,
                                               lines: list[tuple[str, str]], encoding: str) -> None:
    path = tmp_path_factory.mktemp("plain") / "rows.csv"
    path.write_bytes("".join(text + end for text, end in lines).encode(encoding))
    assert plain_csv(path)
    csv.field_size_limit(MAX_FIELD_CHARS)
    with path.open(encoding=encoding, newline="") as fh:
        for _ in csv.reader(fh):
            pass


def test_quotes_or_a_long_line_need_the_whole_reading(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('a,b\n1,"2"\n', encoding="utf-8")
    assert not plain_csv(path)
    path.write_text("a,b\n1," + "x" * MAX_FIELD_CHARS + "\n", encoding="utf-8")
    assert not plain_csv(path)
    path.write_text("a,b\n1," + "x" * (MAX_FIELD_CHARS - 3) + "\n", encoding="utf-8")
    assert plain_csv(path)
    path.write_text("a,b\n1," + "x" * (MAX_FIELD_CHARS + 1) + "\n", encoding="utf-8")
    with pytest.raises(csv.Error), path.open(encoding="utf-8", newline="") as fh:
        list(csv.reader(fh))
