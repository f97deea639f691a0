"""The shared kernel's view of the composition root.

The kernel must not import a capability, yet the event bus, the audit chain and the credit file need
the platform assembled (subscriptions registered, every table mapped) before they act. Every entry
point assembles it first — the app factory (:mod:`xinyong.app`), the CLI (:mod:`xinyong.cli`), the
migrations and the test suite call :func:`xinyong.composition.assemble` — and the kernel only checks
that this happened, so a new entry point that forgets it fails at once instead of silently running
without its consequences (a listing that would not end when its record is revoked).
"""

from __future__ import annotations

_assembled = False


class NotAssembled(RuntimeError):
    """An entry point reached the kernel before calling ``xinyong.composition.assemble()``."""


def ensure_assembled() -> None:
    if not _assembled:
        raise NotAssembled(
            "the platform is not assembled: call xinyong.composition.assemble() when the process starts"
        )


def mark_assembled() -> None:
    """Called by :func:`xinyong.composition.assemble` once it has run."""
    global _assembled
    _assembled = True
