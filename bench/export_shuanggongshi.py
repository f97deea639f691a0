"""双公示 export benchmark: import N penalty rows in the national columns, then export the whole period as
CSV (UTF-8 with BOM) and XLSX through the use case behind ``xinyong export shuanggongshi``.

    .venv/bin/python bench/export_shuanggongshi.py [--rows 20000] [--database URL]
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("XINYONG_SECRET_KEY", base64.b64encode(b"b" * 32).decode())
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AUTHORITY = "淮安市市场监督管理局"


def write_file(path: Path, rows: int) -> None:
    from tests.factories import uscc

    from xinyong.disclosure.national import PENALTY_COLUMNS

    rng = random.Random(2026)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(PENALTY_COLUMNS)
        for i in range(rows):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
            values = {
                "行政相对人名称": f"淮安市示例商贸有限公司{i}", "行政相对人类别": "法人及非法人组织",
                "行政相对人代码_1（统一社会信用代码）": uscc(rng, rng.choice(["320812", "320803", "320804"])),
                "法定代表人": "王建国", "行政处罚决定书文号": f"淮市监罚〔2026〕{100000 + i}号", "违法行为类型": "食品安全",
                "违法事实": "销售超过保质期的食品", "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
                "处罚类别": "罚款", "处罚内容": "罚款人民币0.5万元", "罚款金额（万元）": "0.5",
                "处罚决定日期": day.isoformat(), "处罚机关": AUTHORITY, "处罚机关统一社会信用代码": "11320800MB1234567X",
                "数据来源单位": AUTHORITY, "数据来源单位统一社会信用代码": "11320800MB1234567X",
            }
            w.writerow([values.get(c, "") for c in PENALTY_COLUMNS])


def main() -> int:
    from xinyong.composition import assemble

    assemble()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    from xinyong.core import db as core_db
    from xinyong.core.access import SYSTEM, create_principal
    from xinyong.core.migrate import upgrade
    from xinyong.core.policy import Role
    from xinyong.disclosure.export import export_shuanggongshi
    from xinyong.records.national.importer import import_any

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / (uuid.uuid4().hex + '.db')}"
        upgrade(url)
        core_db.use_database(url)
        with core_db.unit_of_work() as s:
            source = create_principal(s, name=AUTHORITY, role=Role.determining_department, department=AUTHORITY,
                                      region_code="320800").id
        data = Path(tmp) / "penalties.csv"
        write_file(data, args.rows)
        t0 = time.perf_counter()
        summary = import_any(data, source=source, rejects_path=Path(tmp) / "r.csv", workers=0)
        print(f"import: {summary.accepted} rows in {time.perf_counter() - t0:.1f} s")
        for fmt in ("csv", "xlsx"):
            t0 = time.perf_counter()
            done = export_shuanggongshi(SYSTEM, "penalty", dt.date(2026, 1, 1), dt.date(2026, 12, 31), fmt=fmt)
            took = time.perf_counter() - t0
            print(f"export {fmt}: {done.rows} rows, {len(done.data) / 1e6:.1f} MB in {took:.2f} s "
                  f"({done.rows / took:,.0f} rows/s)")
        core_db.use_database(None)
        core_db.dispose_engines()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
