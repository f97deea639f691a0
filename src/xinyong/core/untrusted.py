"""Parse untrusted files in a separate, limited worker process.

A document a user uploads (or an operator imports) may be built to exhaust the parser: a .docx whose
XML expands a thousandfold, a PDF whose pages share one huge compressed stream, a page that takes
seconds of CPU. Such work never runs in the server's process: :func:`run_limited` starts a fresh
interpreter (``spawn``, so nothing of the server — threads, sockets, database connections — is
inherited), lowers its CPU-time (``RLIMIT_CPU``) and address-space (``RLIMIT_AS``) limits before the
parser runs, and waits at most a wall-clock timeout. A worker that hits a limit is ended and the caller
gets :class:`LimitExceeded` (HTTP 413) with a Chinese reason; a :class:`DomainError` raised inside the
worker is raised again, unchanged, in the caller.

At most max(2, CPU count) workers run at once per process; further calls wait their turn. The call
blocks the calling thread (run it from a sync route, which FastAPI runs in its thread pool,
or from ``run_in_threadpool``), never the event loop.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from xinyong.core import errors
from xinyong.core.errors import DomainError

T = TypeVar("T")

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one worker may use. The defaults bound a parse of a 20 MB document comfortably."""

    cpu_seconds: int = 20  # RLIMIT_CPU: CPU time before SIGXCPU
    memory_bytes: int = 768 * MB  # RLIMIT_AS: address space of the whole worker (interpreter included)
    wall_seconds: float = 60.0  # the caller stops waiting and ends the worker

    def with_overrides(self, **changes: Any) -> Limits:
        return Limits(**{**self.__dict__, **changes})


DEFAULT_LIMITS = Limits()


class LimitExceeded(DomainError):
    """A worker used more time or memory than allowed: the file is refused, not half-parsed."""

    status = 413


_ERRORS: dict[str, type[DomainError]] = {
    c.__name__: c for c in (errors.ValidationFailed, errors.NotFound, errors.Conflict, errors.Forbidden, LimitExceeded)}


def _limit_message(what: str) -> str:
    return f"文件过于复杂，解析时{what}超过平台允许的上限，已拒绝处理；请简化文件（如拆分、另存为文本）后重新上传"


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    """Runs in the worker: set the limits, call ``fn``, send back ("ok", value) or ("error", …)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        value = fn(*args)
    except DomainError as exc:
        conn.send(("domain", type(exc).__name__, exc.code, exc.message, exc.status, exc.details))
    except MemoryError:
        conn.send(("limit", "memory"))
    except RecursionError:
        conn.send(("limit", "depth"))
    except BaseException as exc:  # anything else the parser raises on a hostile file
        conn.send(("crash", type(exc).__name__))
    else:
        try:
            conn.send(("ok", value))
        except MemoryError:
            conn.send(("limit", "memory"))
    finally:
        conn.close()



_LIMIT_WORDS = {"memory": "占用内存", "cpu": "耗用计算时间", "wall": "耗时", "depth": "嵌套层数"}


def run_limited(fn: Callable[..., T], *args: Any, limits: Limits = DEFAULT_LIMITS,
                failure: DomainError | None = None) -> T:
    """``fn(*args)`` in a fresh worker process under ``limits``; ``fn`` must be a module-level function
    and its arguments and result picklable. ``failure`` is raised when the worker fails in any other
    way (the parser crashed on the file); by default a generic 422 "cannot read this file"."""
    if not _SLOTS.acquire(timeout=limits.wall_seconds):
        raise DomainError("parser_busy", "服务器正在处理其他文件，请稍后重试", status=503)
    try:
        return _run(fn, args, limits, failure)
    finally:
        _SLOTS.release()


#: workers running at once in this process (each may use up to its memory limit); others wait their turn
_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 1))


def _run(fn: Callable[..., T], args: tuple[Any, ...], limits: Limits, failure: DomainError | None) -> T:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args, limits), daemon=True)
    process.start()
    child.close()
    try:
        message: tuple[Any, ...] | None = None
        if parent.poll(limits.wall_seconds):
            try:
                message = parent.recv()
            except (EOFError, OSError):
                message = None  # the worker died before answering (killed by a limit)
        else:
            message = ("limit", "wall")
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if message is None:
        code = process.exitcode
        if code is not None and code < 0 and -code in (signal.SIGXCPU, signal.SIGKILL):
            message = ("limit", "cpu" if -code == signal.SIGXCPU else "memory")
        else:
            message = ("crash", f"exit {code}")
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "domain":
        _, cls_name, code, text, status, details = message
        cls = _ERRORS.get(cls_name, DomainError)
        raise cls(code, text, status=status, details=details)
    if kind == "limit":
        raise LimitExceeded("file_too_complex", _limit_message(_LIMIT_WORDS.get(message[1], "资源")),
                            details={"limit": message[1]})
    raise failure or DomainError("unreadable_file", "无法读取该文件，文件可能已损坏或格式不受支持")


#: a zip member larger than this must not be compressed more than MAX_RATIO times
RATIO_FLOOR_BYTES = 2 * MB
MAX_RATIO = 100
MAX_ZIP_MEMBERS = 2000


def check_zip(source: str | IO[bytes], kind: str, *, max_total: int) -> None:
    """Refuse a zip container (.docx, .xlsx) whose members would expand beyond ``max_total`` bytes in all,
    or one of which is compressed more than :data:`MAX_RATIO` times (a decompression bomb), before any
    member is expanded. Sizes are the ones the zip directory declares; the reader never expands a member
    beyond its declared size, so they bound the work. ``kind`` names the file in the messages."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise errors.ValidationFailed(
            "unreadable_zip", f"无法读取该{kind}文件，文件可能已损坏或不是{kind}格式") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise LimitExceeded("zip_too_many_members", f"该{kind}文件包含的部件过多（超过{MAX_ZIP_MEMBERS}个），已拒绝处理")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise LimitExceeded(
                "zip_bomb", f"该{kind}文件解压后异常膨胀（压缩比超过{MAX_RATIO}倍），疑似压缩炸弹，已拒绝处理")
    if total > max_total:
        raise LimitExceeded("zip_too_large", f"该{kind}文件解压后超过{max_total // MB}MB，已拒绝处理；请拆分后上传")
