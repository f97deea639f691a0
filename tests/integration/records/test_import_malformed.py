"""`xinyong import records` on hostile files: a Chinese message and exit code 2, nothing written, no
traceback; the reject file writes every cell as text (no formula)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.integration.records.test_import import count, rows, source, source_id, write_csv
from tests.unit.records.test_malformed_files import CASES
from xinyong.core.spreadsheet import is_formula
from xinyong.records.importer import import_file
from xinyong.records.models import Record
from xinyong.subjects.models import Subject


def test_cli_refuses_each_malformed_file_with_exit_code_2(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
    src = str(source_id())
    picked = {"gbk.csv", "binary.csv", "big-field.csv", "deep.jsonl", "text.xlsx", "bomb.xlsx"}
    for name, build, message in CASES:
        if name not in picked:
            continue
        path = build(tmp_path / name)
        out = subprocess.run([sys.executable, "-m", "xinyong.cli", "import", "records", str(path), "--no-progress",
                              "--source", src], capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 2, (name, out.stderr)
        assert message in out.stderr and "Traceback" not in out.stderr + out.stdout, (name, out.stderr)
    assert count(Record) == 0 and count(Subject) == 0


def test_rejects_file_writes_formulas_as_text(db_url: str, tmp_path: Path) -> None:
    data = rows(3)
    hostile = [
        {**data[0], "subject_code": "=HYPERLINK(\"http://evil.example/\",\"点击\")", "document_number": "=1+1"},
        {**data[1], "catalog_item": "+cmd|' /C calc'!A0", "document_number": "@SUM(A1)"},
        {**data[2], "decision_date": "-2+3", "document_number": "\t=1"},
    ]
    path = write_csv(tmp_path / "in.csv", hostile)
    summary = import_file(path, source=source(), batch_size=7, workers=0)
    assert summary.rejected == 3
    with (tmp_path / "in.csv.rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example/\",\"点击\")" in cells and "'@SUM(A1)" in cells
    assert not any(is_formula(c) for c in cells)


def test_xlsx_import_reads_a_workbook_after_the_checks(db_url: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from xinyong.records.importer import FIELDS

    wb = Workbook()
    ws = wb.active
    ws.append(FIELDS)
    for r in rows(2, seed=3):
        ws.append([r.get(f, "") for f in FIELDS])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    assert load_workbook(path, read_only=True).worksheets
    assert import_file(path, source=source(), workers=0).accepted == 2
