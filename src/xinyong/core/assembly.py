"""The shared kernel's handle on the composition root.

The kernel must not import a capability, yet the event bus, the audit chain and the credit file need
the platform assembled (subscribers registered, every table mapped) before they act. The app factory,
the CLI and the migrations assemble it explicitly (:func:`xinyong.composition.assemble`); a process
that reaches the kernel another way (a benchmark, a worker) is assembled on first use here.
"""

from __future__ import annotations

import importlib
import threading

_lock = threading.RLock()
_assembled = False


def ensure_assembled() -> None:
    global _assembled
    if _assembled:
        return
    with _lock:
        if not _assembled:
            _assembled = True  # before assembling: a module imported on the way may reach back here
            try:
                importlib.import_module("xinyong.composition").assemble()
            except BaseException:
                _assembled = False
                raise


def mark_assembled() -> None:
    """Called by :func:`xinyong.composition.assemble` once it has run."""
    global _assembled
    _assembled = True
