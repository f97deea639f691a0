"""`xinyong screen IN.csv --out OUT.csv --matter MATTER`: a CSV round trip."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import uscc
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def test_csv_round_trip_keeps_rows_and_columns(client: Any, penalised: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = [
        ["序号", "name", "code", "备注"],
        ["1", "示例商贸", penalised["code"], "投标人A"],
        ["2", "", uscc(random.Random(12345)), "投标人B，未登记"],
        ["3", "示例商贸（淮安）有限责任公司", "", "只有名称"],
        ["4", "", "", "空行"],
        ["5", "", penalised["code"].lower(), "小写代码"],
    ]
    with src.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["screen", str(src), "--out", str(out), "--matter", "procurement_bidding",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert '"rows": 5' in result.output
    with out.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == [*rows[0], "matched_code", "match_score", "lists", "measures"]
    assert [r[:4] for r in got[1:]] == rows[1:]
    assert [r[4:] for r in got[1:]] == [
        [penalised["code"], "1", "", "procurement-major-violation"],
        ["", "0", "", ""],
        [penalised["code"], got[3][5], "", "procurement-major-violation"],
        ["", "0", "", ""],
        [penalised["code"], "1", "", "procurement-major-violation"],
    ]
    assert 0.9 < float(got[3][5]) < 1.0
    with unit_of_work() as s:
        entry = s.scalar(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen"))
    assert entry is not None and entry.purpose == "procurement" and entry.detail["rows"] == 5


def test_csv_without_code_or_name_column_is_refused(db_url: str, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,title\n1,x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["screen", str(src), "--out", str(tmp_path / "o.csv"), "--no-progress"])
    assert result.exit_code == 1 and "code 列、name 列" in result.output
    bad = CliRunner().invoke(app, ["screen", str(src), "--out", str(tmp_path / "o.csv"), "--matter", "nope"])
    assert bad.exit_code == 1 and "行政事项" in bad.output


def test_many_chunks_in_flight_keep_input_order(client: Any, penalised: Any, tmp_path: Path) -> None:
    """Chunks are screened two at a time, each in its own transaction; the output stays in input order."""
    rng = random.Random(99)
    codes = [uscc(rng) for _ in range(450)]
    hits = {7, 150, 299, 300, 449}
    for i in hits:
        codes[i] = penalised["code"]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["no", "code"])
        w.writerows([str(i), c] for i, c in enumerate(codes))
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["screen", str(src), "--out", str(out), "--matter", "procurement_bidding",
                                      "--chunk", "100", "--no-progress"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))[1:]
    assert [r[:2] for r in got] == [[str(i), c] for i, c in enumerate(codes)]
    assert {i for i, r in enumerate(got) if r[5] == "procurement-major-violation"} == hits
    assert all(r[2:] == ["", "0", "", ""] for i, r in enumerate(got) if i not in hits)
    with unit_of_work() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")).all()
    assert sorted(e.detail["rows"] for e in entries) == [50, 100, 100, 100, 100]
