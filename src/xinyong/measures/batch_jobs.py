"""Batch screening files uploaded on the console: screened in the background, progress polled, the
answer kept for the unit that uploaded it.

:func:`start_batch` reads the file at once (a bad file is refused with a Chinese error and nothing is
kept), records the batch and screens it on a background worker; the screening itself is one
transaction and one access-log entry for the whole file (:func:`xinyong.measures.batch_files.screen_table`,
国办发〔2020〕49号 §（十三））. :func:`batch_status` and :func:`batch_result` are for the unit
(department) that uploaded it only (:func:`batch_denial`); a refusal is registered in the access log, and so is each download of an
answer. Progress and the list of a unit's batches carry no credit data.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.db import database_url, unit_of_work
from xinyong.core.errors import DomainError, NotFound
from xinyong.core.usecase import use_case
from xinyong.measures import batch_files
from xinyong.measures.models import ScreeningBatch
from xinyong.measures.rules import MATTERS, check_matter
from xinyong.measures.screening import ACTION, screening_purpose

STATE_NAMES = {"running": "筛查中", "done": "已完成", "failed": "失败"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: the largest file the console accepts
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screen-batch")
_running: dict[int, threading.Event] = {}
#: rows screened so far of the batches running in this process
_progress: dict[int, int] = {}
#: seconds between two stored progress figures (PostgreSQL)
PROGRESS_EVERY_S = 1.0


def batch_denial(actor: Actor, batch: ScreeningBatch) -> str | None:
    """Only the unit that uploaded a batch sees its progress and its answer (pure)."""
    if batch.department and batch.department == actor.department:
        return None
    if batch.department is None and batch.principal_id is not None and batch.principal_id == actor.id:
        return None
    return "只有上传该批量筛查文件的单位可以查看和下载筛查结果"


def _describe(b: ScreeningBatch) -> dict[str, Any]:
    done = _progress.get(b.id, b.done) if b.state == "running" else b.done
    return {
        "id": b.id, "filename": b.filename, "state": b.state, "state_name": STATE_NAMES[b.state],
        "total": b.total, "done": done, "percent": int(100 * done / b.total) if b.total else 100,
        "counts": b.counts or {}, "error": b.error, "matter_name": MATTERS.get(b.matter or "", "全部事项"),
        "created_at": b.created_at.isoformat(timespec="seconds"), "download": b.state == "done",
    }


def _run(batch_id: int, actor: Actor, data: bytes) -> None:
    with unit_of_work() as s:
        b = s.get(ScreeningBatch, batch_id)
        assert b is not None
        filename, matter, purpose = b.filename, b.matter, b.purpose

    shared = not database_url().startswith("sqlite")
    last = [time.monotonic()]

    def progress(done: int, _total: int) -> None:
        # kept in memory: the file is screened in one transaction, which on SQLite holds the write lock.
        # On PostgreSQL it is also stored about once a second, for a server with several worker
        # processes answers the unit's polls from whichever process the request reaches.
        _progress[batch_id] = done
        if shared and time.monotonic() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            with unit_of_work() as s:
                s.execute(update(ScreeningBatch).where(ScreeningBatch.id == batch_id).values(done=done))

    try:
        out, counts = batch_files.screen_file(actor, data, filename, matter=matter, purpose=purpose,
                                              progress=progress)
        values: dict[str, Any] = {"state": "done", "result": out, "counts": counts, "done": _progress.get(batch_id, 0)}
    except DomainError as exc:
        values = {"state": "failed", "error": exc.message}
    except Exception:  # the unit is told it failed; the cause goes to the server log
        import logging

        logging.getLogger(__name__).exception("batch screening %s failed", batch_id)
        values = {"state": "failed", "error": "筛查过程中出现系统错误，请稍后重新上传"}
    with unit_of_work() as s:
        s.execute(update(ScreeningBatch).where(ScreeningBatch.id == batch_id)
                  .values(finished_at=clock.now(), **values))
    _progress.pop(batch_id, None)
    event = _running.pop(batch_id, None)
    if event is not None:
        event.set()


def start_batch(actor: Actor, data: bytes, filename: str, *, matter: str | None,
                purpose: str | None) -> dict[str, Any]:
    """Check and record an uploaded batch file, then screen it in the background."""
    matter = check_matter(matter)
    why = screening_purpose(purpose, matter)
    table = batch_files.read_table(data, filename)  # a bad file is refused here, nothing kept
    # recording the upload reads no credit data: the screening's own entry (by the worker) is the one query
    with use_case(actor, ACTION, purpose=why) as door:
        b = ScreeningBatch(principal_id=actor.id, department=actor.department, filename=filename[:255],
                           fmt=table.fmt, matter=matter, purpose=why.value, state="running",
                           total=len(table.rows), done=0, created_at=clock.now())
        door.session.add(b)
        door.session.flush()
        found = _describe(b)
    _running[b.id] = threading.Event()
    _pool.submit(_run, b.id, actor, data)
    return found


def wait(batch_id: int, timeout: float = 60.0) -> bool:
    """Block until a batch started in this process is finished (tests, the CLI)."""
    event = _running.get(batch_id)
    return True if event is None else event.wait(timeout)


def _batch(session: Session, batch_id: int) -> ScreeningBatch:
    b = session.get(ScreeningBatch, batch_id)
    if b is None:
        raise NotFound("batch_not_found", "批量筛查任务不存在")
    return b


def batch_status(actor: Actor, batch_id: int) -> dict[str, Any]:
    with use_case(actor, ACTION, purpose=screening_purpose(None, None), detail={"by": "file_status"}) as door:
        b = _batch(door.session, batch_id)
        door.require(batch_denial(actor, b))  # progress only: no credit data, no entry when allowed
        return _describe(b)


def batch_result(actor: Actor, batch_id: int) -> tuple[bytes, str, str]:
    """The answer file of a finished batch: bytes, file name, content type."""
    with use_case(actor, ACTION, purpose=screening_purpose(None, None), detail={"by": "file_download"}) as door:
        b = _batch(door.session, batch_id)
        door.require(batch_denial(actor, b))
        if b.state != "done" or b.result is None:
            raise NotFound("batch_not_ready", "筛查尚未完成，暂无结果可下载")
        door.admit(detail={"by": "file_download", "batch": batch_id})
        stem = b.filename.rsplit(".", 1)[0] or "筛查"
        return bytes(b.result), f"{stem}_筛查结果.{b.fmt}", CONTENT_TYPES[b.fmt]


def unit_batches(actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """The latest batches of the actor's unit."""
    with use_case(actor, ACTION, purpose=screening_purpose(None, None), detail={"by": "file_list"}) as door:
        where = (ScreeningBatch.department == actor.department if actor.department
                 else ScreeningBatch.principal_id == actor.id)
        rows = door.session.scalars(select(ScreeningBatch).where(where).order_by(ScreeningBatch.id.desc())
                                    .limit(limit)).all()
        return [_describe(b) for b in rows]
