"""Bulk import: one source department's documents, formats, rejects, idempotency, the access-log entry
of each batch, and survival of a kill mid-batch."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.factories import record_json, resident_id, uscc
from xinyong.core.access import create_principal
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role
from xinyong.records.importer import FIELDS, Source, import_file, import_records, resolve_source
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

SAMR = "淮安市市场监督管理局"


def source_id(department: str = SAMR, *, role: Role = Role.determining_department, region: str | None = "320800",
              fields: list[str] | None = None) -> int:
    with unit_of_work() as s:
        return create_principal(s, name=department, role=role, department=department, region_code=region,
                                fields=fields).id


def source(department: str = SAMR) -> Source:
    return resolve_source(source_id(department))


def rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        individual = i % 5 == 0
        code = resident_id(rng) if individual else uscc(rng)
        out.append(record_json(
            subject_code=code, subject_name="张三" if individual else f"淮安市示例{i}商贸有限公司",
            document_number=f"淮市监罚〔2025〕{i}号",
        ))
    return out


def write_csv(path: Path, data: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        for r in data:
            w.writerow({k: r.get(k, "") for k in FIELDS})
    return path


def count(model: type) -> int:
    with unit_of_work() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_csv_import_with_rejects_and_duplicates(db_url: str, tmp_path: Path) -> None:
    data = rows(30)
    bad = [
        {**data[0], "subject_code": "91110000600037341X", "document_number": "x1"},
        {**data[1], "catalog_item": "jaywalking", "document_number": "x2"},
        {**data[2], "decision_date": "2025-13-01", "document_number": "x3"},
        {**data[3], "document_type": "", "document_number": "x4"},
    ]
    path = write_csv(tmp_path / "in.csv", [*data, data[5], *bad])
    src = source()
    summary = import_file(path, source=src, batch_size=7)
    assert summary.as_dict() == {"accepted": 30, "rejected": 4, "duplicates": 1}
    assert count(Record) == 30
    with (tmp_path / "in.csv.rejects.csv").open(encoding="utf-8-sig") as fh:
        rejected = list(csv.DictReader(fh))
    assert [r["document_number"] for r in rejected] == ["x1", "x2", "x3", "x4"]
    assert "校验码" in rejected[0]["reason"]
    assert "目录" in rejected[1]["reason"]
    assert "日期" in rejected[2]["reason"]
    # a second run stores nothing new
    again = import_file(path, source=src, batch_size=7)
    assert again.as_dict() == {"accepted": 0, "rejected": 4, "duplicates": 31}
    assert count(Record) == 30


def test_jsonl_and_xlsx(db_url: str, tmp_path: Path) -> None:
    data = rows(10, seed=3)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in data[:5]) + "\nnot json\n", "utf-8")
    src = source()
    assert import_file(jsonl, source=src).as_dict() == {"accepted": 5, "rejected": 1, "duplicates": 0}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(FIELDS)
    for r in data[5:]:
        row = [r.get(k, "") for k in FIELDS]
        row[FIELDS.index("decision_date")] = dt.date.fromisoformat(r["decision_date"])
        ws.append(row)
    xlsx = tmp_path / "in.xlsx"
    wb.save(xlsx)
    assert import_file(xlsx, source=src).as_dict() == {"accepted": 5, "rejected": 0, "duplicates": 0}
    # individuals are stored encrypted, never in clear
    with unit_of_work() as s:
        people = s.scalars(select(Subject).where(Subject.kind == "individual")).all()
    assert people and all(p.uscc is None and p.resident_id_enc and "*" in p.display_code for p in people)


def test_cli_prints_json_summary_last(db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", rows(5))
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
    out = subprocess.run([sys.executable, "-m", "xinyong.cli", "import", "records", str(path), "--no-progress",
                          "--source", str(source_id()), "--operator", "王五"],
                         capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"accepted": 5, "rejected": 0, "duplicates": 0}
    missing = subprocess.run([sys.executable, "-m", "xinyong.cli", "import", "records", str(tmp_path / "no.csv")],
                             capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "不存在" in missing.stderr


@pytest.mark.slow
def _workers_of(path: Path) -> list[int]:
    """Processes still running an import of ``path`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(path).encode() in cmdline and b"import" in cmdline:
                found.append(int(entry.name))
    return found


def test_kill_mid_import_leaves_no_partial_batch(db_url: str, tmp_path: Path) -> None:
    batch = 250
    data = rows(6000, seed=11)
    path = write_csv(tmp_path / "big.csv", data)
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "xinyong.cli", "import", "records", str(path), "--no-progress",
           "--batch-size", str(batch), "--source", str(source_id())]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count(Record) == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # its forked validation workers die with it: left running, they would hold its database connection
    # (and its open transaction) and the next import would wait on it for ever
    gone = time.monotonic() + 10
    while _workers_of(path) and time.monotonic() < gone:
        time.sleep(0.1)
    assert _workers_of(path) == [], "validation workers outlived the killed importer"
    stored = count(Record)
    assert stored % batch == 0, f"partial batch after kill: {stored} rows"
    assert stored < len(data), "import finished before it could be killed; enlarge the file"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=300)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary == {"accepted": len(data) - stored, "rejected": 0, "duplicates": stored}
    assert count(Record) == len(data)


def _import_entries() -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "record.import")
                              .order_by(AccessLogEntry.id)))


def test_import_without_a_valid_source_writes_nothing(db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", rows(3))
    env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "xinyong.cli", "import", "records", str(path), "--no-progress"]
    without = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert without.returncode == 1 and "--source" in without.stderr and "认定部门" in without.stderr
    unknown = subprocess.run([*cmd, "--source", "987654"], capture_output=True, text=True, env=env)
    assert unknown.returncode == 1 and "987654" in unknown.stderr and "不存在" in unknown.stderr
    unit = source_id("淮安市公共资源交易中心", role=Role.implementing_unit)
    not_dd = subprocess.run([*cmd, "--source", str(unit)], capture_output=True, text=True, env=env)
    assert not_dd.returncode == 1 and "不是认定部门" in not_dd.stderr
    assert count(Record) == 0 and count(Subject) == 0
    [refused] = _import_entries()  # the registered principal's refused attempt is logged
    assert refused.allowed is False and refused.principal_id == unit


def test_import_is_one_logged_batch_of_the_sources_own_documents(db_url: str, tmp_path: Path) -> None:
    data = rows(6, seed=21)
    foreign = {**data[0], "issuing_authority": "国家税务总局淮安市税务局", "document_number": "淮税罚〔2025〕1号"}
    judgment = {**data[1], "catalog_item": "judicial-judgment", "document_type": "judicial_judgment",
                "document_number": "（2025）苏08民终9号"}
    path = write_csv(tmp_path / "in.csv", [*data, data[2], foreign, judgment])
    src = source_id()
    summary = import_records(path, source=src, operator="李四", workers=0, progress=True)
    assert summary.as_dict() == {"accepted": 6, "rejected": 2, "duplicates": 1}
    with (tmp_path / "in.csv.rejects.csv").open(encoding="utf-8-sig") as fh:
        rejected = {r["document_number"]: r["reason"] for r in csv.DictReader(fh)}
    assert "国家税务总局淮安市税务局" in rejected["淮税罚〔2025〕1号"] and "本部门" in rejected["淮税罚〔2025〕1号"]
    assert "人民法院" in rejected["（2025）苏08民终9号"]
    with unit_of_work() as s:
        stored = s.scalars(select(Record)).all()
    assert len(stored) == 6 and {(r.department, r.determined_by) for r in stored} == {(SAMR, src)}
    [entry] = _import_entries()
    assert entry.allowed and entry.principal_id == src and entry.purpose == "maintenance"
    assert entry.detail == {"operator": "李四", "file": "in.csv", "accepted": 6, "rejected": 2, "duplicates": 1}
    assert entry.result_count == 6


def test_a_court_imports_its_judgments_through_a_court_source(db_url: str, tmp_path: Path) -> None:
    court = "淮安市中级人民法院"
    data = [{**r, "catalog_item": "judicial-judgment", "document_type": "judicial_judgment",
             "issuing_authority": court, "document_number": f"（2025）苏08民终{i}号"}
            for i, r in enumerate(rows(4, seed=5))]
    path = write_csv(tmp_path / "court.csv", data)
    summary = import_records(path, source=source_id(court), workers=0)
    assert summary.as_dict() == {"accepted": 4, "rejected": 0, "duplicates": 0}
    [entry] = _import_entries()
    assert entry.detail["operator"]  # the OS user when no operator is named
