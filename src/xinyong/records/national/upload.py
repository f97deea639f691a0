"""A department's upload of a 双公示 table on the console: the same import as ``xinyong import FILE``,
run in a limited worker process (:func:`xinyong.core.untrusted.run_limited`: a fresh interpreter with
CPU-time, memory and wall-clock limits), so a hostile or oversized file never runs in the server."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from xinyong.core.errors import ValidationFailed
from xinyong.core.text import decode_upload
from xinyong.core.untrusted import MB, Limits, run_limited

#: the largest file the page accepts (a larger one goes through ``xinyong import``)
MAX_UPLOAD_BYTES = 20 * MB
#: what one import may use: a 20 MB table is about 60,000 rows
UPLOAD_LIMITS = Limits(cpu_seconds=600, memory_bytes=2048 * MB, wall_seconds=900.0)
#: rejected rows listed on the page (all of them are counted)
MAX_LISTED_REJECTS = 500
SUFFIXES = (".csv", ".xlsx")


def check_upload(data: bytes, filename: str) -> str:
    """The suffix of an acceptable upload, or a Chinese refusal (size, kind, encoding)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("file_too_large", f"文件超过{MAX_UPLOAD_BYTES // MB}MB，请拆分后上传，或由管理员用命令行导入")
    if not data:
        raise ValidationFailed("empty_file", "文件为空")
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed("unsupported_file", "请上传 .xlsx 或 .csv 文件（行政处罚信息表或行政许可信息表）")
    if suffix == ".csv" and decode_upload(data) is None:
        raise ValidationFailed("bad_encoding", f"{filename} 既不是 UTF-8 也不是 GBK/GB18030 编码，请在 Excel 中另存为 CSV 或 .xlsx 后上传")
    return suffix


def _import_in_worker(data: bytes, filename: str, suffix: str, principal_id: int, operator: str) -> dict[str, Any]:
    """Runs in the limited worker: write the upload to a private temporary file and import it."""
    from xinyong.composition import assemble
    from xinyong.records.importer import ImportError_
    from xinyong.records.national.importer import import_national, inspect_table

    assemble()
    with tempfile.TemporaryDirectory(prefix="xinyong-upload-") as d:
        path = Path(d) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            table = inspect_table(path)
            if table is None:
                raise ValidationFailed("not_exchange_table",
                                       "未识别为行政处罚信息表或行政许可信息表：表头须包含“行政处罚决定书文号”或“行政许可决定文书号”等"
                                       "双公示数据交换列")
            summary = import_national(path, table, source=principal_id, operator=operator,
                                      rejects_path=Path(d) / "rejects.csv", workers=0)
        except ImportError_ as exc:
            raise ValidationFailed("import_refused", str(exc).replace(path.name, filename)) from None
        rejects: list[dict[str, Any]] = []
        if summary.rejects_path:
            with open(summary.rejects_path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh)
                next(reader, None)
                for row in reader:
                    if len(rejects) >= MAX_LISTED_REJECTS:
                        break
                    rejects.append({"line": row[0], "reason": row[1]})
        return {**summary.as_dict(), "file": filename, "rejects": rejects}


def import_upload(data: bytes, filename: str, *, principal_id: int, operator: str) -> dict[str, Any]:
    """Check the upload, import it in a limited worker; the summary and the listed rejected rows."""
    suffix = check_upload(data, filename)
    return run_limited(_import_in_worker, data, filename, suffix, principal_id, operator, limits=UPLOAD_LIMITS)
