"""双公示 exchange: 行政处罚 / 行政许可 tables in the national columns (tests/data/exchange, made by
tests/exchange/generate.py) import the same records from GBK CSV, UTF-8 CSV and XLSX; every bad row is
rejected with its expected reason; licensing records never reach the measures."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import _clone
from tests.exchange.generate import PENALTY_AUTHORITY, generate
from xinyong.core import db as core_db
from xinyong.core.access import create_principal
from xinyong.core.crypto import decrypt
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role
from xinyong.records.importer import ImportError_, MalformedFile
from xinyong.records.models import Licence, Record, SubjectAlias
from xinyong.records.national.importer import import_any, inspect_table
from xinyong.records.public import licences_of_subject, records_of_subject, subject_by_alias

DATA = Path(__file__).resolve().parents[2] / "data" / "exchange"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def source_id() -> int:
    with unit_of_work() as s:
        return create_principal(s, name=PENALTY_AUTHORITY, role=Role.determining_department,
                                department=PENALTY_AUTHORITY, region_code="320800").id


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every stored penalty record, licence and alias, without ids, times and ciphertexts (a fresh nonce
    each time): the legal representative's ID number decrypted instead."""
    skip = {"id", "created_at", "legal_representative_id_enc", "determined_by"}
    out: dict[str, list[tuple[Any, ...]]] = {}
    with unit_of_work() as s:
        models: tuple[type[Record] | type[Licence], ...] = (Record, Licence)
        for model in models:
            cols = [c.key for c in model.__table__.columns if c.key not in skip]
            rows = []
            for r in s.scalars(select(model)):
                values = tuple(getattr(r, c) for c in cols)
                if isinstance(r, Record):
                    enc = r.legal_representative_id_enc
                    values += (decrypt(enc) if enc else None,)
                rows.append(values)
            out[model.__tablename__] = sorted(rows, key=repr)
        out["aliases"] = sorted(s.execute(select(SubjectAlias.subject_key, SubjectAlias.kind, SubjectAlias.code)).all())
    return out


@pytest.fixture
def second_db(db_url: str, _templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another fresh database of the same backend (the first stays current until switched)."""
    backend = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    url, drop = _clone(backend, _templates, tmp_path_factory.mktemp("second"))
    try:
        yield url
    finally:
        core_db.use_database(db_url)
        core_db.dispose_engines()
        drop()


def rejects_of(path: str | None) -> dict[int, str]:
    if path is None:
        return {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["行号", "拒收原因"]
    return {int(r[0]): r[1] for r in rows[1:]}


def test_generated_files_are_the_generators_output(tmp_path: Path) -> None:
    expected = generate(tmp_path)
    assert expected == EXPECTED
    for name in ("penalties-gbk.csv", "penalties-utf8.csv", "licences-gbk.csv", "licences-utf8.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    from openpyxl import load_workbook

    for name in ("penalties.xlsx", "licences.xlsx"):
        a = [list(r) for r in load_workbook(tmp_path / name).active.iter_rows(values_only=True)]
        b = [list(r) for r in load_workbook(DATA / name).active.iter_rows(values_only=True)]
        assert a == b, name


def test_the_files_are_what_they_claim() -> None:
    """GBK really is GBK (not UTF-8), the UTF-8 file has a BOM, the workbook has date cells and serials."""
    raw = (DATA / "penalties-gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").startswith("行政相对人名称")
    assert (DATA / "penalties-utf8.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    text = raw.decode("gbk")
    for form in ("年", "/", ".", "-"):
        assert form in text
    from openpyxl import load_workbook

    ws = load_workbook(DATA / "penalties.xlsx").active
    assert ws is not None
    kinds = {type(c) for row in ws.iter_rows(min_row=2, values_only=True) for c in row}
    assert {str, int}.issubset(kinds) and any(k.__name__ == "datetime" for k in kinds)


@pytest.mark.parametrize("stem", ["penalties", "licences"])
def test_gbk_csv_and_xlsx_import_the_same_records(db_url: str, second_db: str, tmp_path: Path, stem: str) -> None:
    spec = EXPECTED[stem]
    bad = {b["line"]: b["reason"] for b in spec["bad"]}
    good = spec["rows"] - len(bad) - spec["duplicates"]
    summaries = []
    snapshots = []
    for url, name in ((db_url, f"{stem}-gbk.csv"), (second_db, f"{stem}.xlsx")):
        core_db.use_database(url)
        sid = source_id()
        summary = import_any(DATA / name, source=sid, operator="测试", rejects_path=tmp_path / f"{name}.rej.csv",
                             workers=0)
        summaries.append(summary.as_dict())
        assert summary.as_dict() == {"table": "行政处罚信息" if stem == "penalties" else "行政许可信息",
                                     "accepted": good, "rejected": len(bad), "duplicates": spec["duplicates"]}
        got = rejects_of(summary.rejects_path)
        assert set(got) == set(bad), name
        for line, reason in bad.items():
            assert reason in got[line], (name, line, got[line])
        snapshots.append(snapshot())
    assert snapshots[0] == snapshots[1]
    table = "records" if stem == "penalties" else "licences"
    assert len(snapshots[0][table]) == good


def test_utf8_csv_with_bom_imports_the_same_records_in_worker_processes(db_url: str, second_db: str, tmp_path: Path) -> None:
    core_db.use_database(db_url)
    import_any(DATA / "penalties-gbk.csv", source=source_id(), rejects_path=tmp_path / "a.csv", workers=0)
    first = snapshot()
    core_db.use_database(second_db)
    summary = import_any(DATA / "penalties-utf8.csv", source=source_id(), rejects_path=tmp_path / "b.csv",
                         workers=2, batch_size=40, progress=True)
    assert summary.accepted == len(first["records"])
    assert snapshot() == first


def test_rerun_is_idempotent_and_logged(db_url: str, tmp_path: Path) -> None:
    sid = source_id()
    first = import_any(DATA / "licences-gbk.csv", source=sid, rejects_path=tmp_path / "r.csv", workers=0,
                       batch_size=50)
    again = import_any(DATA / "licences.xlsx", source=sid, rejects_path=tmp_path / "r2.csv", workers=0)
    assert again.accepted == 0 and again.duplicates == first.accepted
    with unit_of_work() as s:
        entries = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "record.import")))
    assert len(entries) == 2
    assert entries[0].detail["table"] == "行政许可信息" and entries[0].detail["accepted"] == first.accepted


def test_penalty_detail_amounts_aliases_and_personal_data(db_url: str, tmp_path: Path) -> None:
    import_any(DATA / "penalties-gbk.csv", source=source_id(), rejects_path=tmp_path / "r.csv", workers=0)
    with open(DATA / "penalties-utf8.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with unit_of_work() as s:
        by_number = {r.document_number: r for r in s.scalars(select(Record))}
        fined = next(r for r in rows if r["罚款金额（万元）"] == "3.5万元")
        rec = by_number[fined["行政处罚决定书文号"]]
        assert rec.fine_amount == Decimal("3.5") and rec.confiscation_amount == Decimal("0.1")
        assert rec.violation_facts == fined["违法事实"] and rec.penalty_basis == fined["处罚依据"]
        assert rec.penalty_category == fined["处罚类别"] and rec.data_source == PENALTY_AUTHORITY
        assert rec.catalog_item == "admin-penalty" and rec.document_type == "administrative_penalty"
        with_rep = next(r for r in rows if r["法定代表人身份证号"] and r["行政处罚决定书文号"] in by_number)
        stored = by_number[with_rep["行政处罚决定书文号"]]
        assert stored.legal_representative_id_enc and with_rep["法定代表人身份证号"] not in stored.legal_representative_id_enc
        assert decrypt(stored.legal_representative_id_enc) == with_rep["法定代表人身份证号"]
        view = records_of_subject(s, stored.subject_key)[0]
        assert view.penalty is not None and "法定代表人身份证号" not in repr(view)
        assert with_rep["法定代表人身份证号"] not in repr(view)
        # former codes: the registration number given beside a USCC finds the subject
        reg = next(r for r in rows if r["行政相对人代码_2（工商注册号）"] and r["行政相对人代码_1（统一社会信用代码）"]
                   and r["行政处罚决定书文号"] in by_number)
        key = by_number[reg["行政处罚决定书文号"]].subject_key
        assert subject_by_alias(s, reg["行政相对人代码_2（工商注册号）"]) == key
        assert subject_by_alias(s, reg["行政相对人代码_1（统一社会信用代码）"][8:17], "organisation_code") == key
        # the row that named its subject by the organisation code alone was matched through the alias
        alias_only = by_number["淮市监处罚〔2026〕9001号"]
        assert alias_only.subject_key == subject_by_alias(s, rows[[r["行政处罚决定书文号"] for r in rows].index(
            "淮市监处罚〔2026〕9001号")]["行政相对人代码_3（组织机构代码）"])
        # a natural person's ID number is stored encrypted with the subject, never in clear
        person = next(r for r in rows if r["行政相对人类别"] == "自然人" and r["行政处罚决定书文号"] in by_number)
        assert person["证件号码"] not in repr(records_of_subject(s, by_number[person["行政处罚决定书文号"]].subject_key))


def test_licences_never_trigger_a_measure(db_url: str, tmp_path: Path) -> None:
    """The same subjects, licensed and then penalised: only the penalty reaches the measures index."""
    from xinyong.measures.service import indexed_derivations

    sid = source_id()
    summary = import_any(DATA / "licences-gbk.csv", source=sid, rejects_path=tmp_path / "l.csv", workers=0)
    assert summary.accepted > 200
    with unit_of_work() as s:
        keys = sorted({k for (k,) in s.execute(select(Licence.subject_key))})
        assert all(licences_of_subject(s, k) for k in keys)
        assert all(records_of_subject(s, k) == [] for k in keys)
        assert all(indexed_derivations(s, k)[0] == [] for k in keys)
        licence = licences_of_subject(s, keys[0])[0]
        assert licence.catalog_item == "admin-license"
    # the control: a serious penalty on one of those licensed organisations does reach the measures
    from tests.factories import record_input
    from xinyong.records.service import ingest

    with open(DATA / "licences-utf8.csv", encoding="utf-8-sig", newline="") as fh:
        org = next(r for r in csv.DictReader(fh) if r["行政相对人代码_1（统一社会信用代码）"].startswith("91"))
    with unit_of_work() as s:
        made = ingest(s, record_input(subject_code=org["行政相对人代码_1（统一社会信用代码）"],
                                      subject_name=org["行政相对人名称"], severity="serious"))
        key = made.record.subject_key
        assert key in keys
    with unit_of_work() as s:
        assert indexed_derivations(s, key)[0] != []


def test_cli_imports_by_headers_and_keeps_import_records(db_url: str, tmp_path: Path) -> None:
    from xinyong.cli import app

    sid = source_id()
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(DATA / "licences.xlsx"), "--source", str(sid), "--no-progress",
                                 "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["table"] == "行政许可信息"
    # the platform's own columns still import through `xinyong import FILE` and `xinyong import records`
    from tests.integration.records.test_import import rows, write_csv

    own = write_csv(tmp_path / "own.csv", rows(3))
    for args in (["import", str(own)], ["import", "records", str(own)]):
        result = runner.invoke(app, [*args, "--source", str(sid), "--no-progress"])
        assert result.exit_code == 0, result.output


def test_whole_file_refusals(db_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("行政相对人名称,行政处罚决定书文号\n甲,罚1号\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"缺少必需的列：行政相对人代码_1.*处罚决定日期|缺少必需的列：.*处罚决定日期"):
        inspect_table(missing)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes("行政相对人名称,行政处罚决定书文号\n".encode("gbk") + b"\xff\xfe\xfd\x80\n")
    with pytest.raises(MalformedFile, match="既不是 UTF-8 也不是 GBK"):
        import_any(garbage, source=source_id())
    with unit_of_work() as s:
        assert s.scalar(select(Record.id)) is None
