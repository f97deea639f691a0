"""The door of every use case: one unit of work, one access decision, one access-log entry.

A use case (a function in a capability's service layer) takes the actor and opens its door::

    def answer_objection(actor: Actor, objection_id: int, ...) -> ObjectionView:
        with use_case(actor, "disclosure.objection.answer", purpose=Purpose.administration) as door:
            o = _objection(door.session, objection_id)
            door.admit(subject_key=o.subject_key)                      # role, purpose, subject, log
            door.require(owner_denial(actor, o.determined_by), code="not_owner")   # domain checks
            ...                                                        # pure rules, writes, events
            return view(o)

- The role is checked before anything is read (deny by default, :mod:`xinyong.core.policy`).
- :meth:`Door.admit` runs :func:`xinyong.core.access.guard` (purpose, own subject, region, department,
  share scope) and leaves the allowed entry in the use case's transaction.
- Every refusal — a ``Forbidden`` raised by ``admit``, by :meth:`Door.require` or by any domain code
  the use case calls — is registered in its own transaction, whatever raised it, so it survives the
  rollback of the refused use case (国办发〔2020〕49号 §（十三） 查询使用登记).

API routes, pages and CLI commands only translate input and output around the use case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from xinyong.core.access import Actor, Purpose, guard, log_denial, refuse
from xinyong.core.db import read_and_register, unit_of_work
from xinyong.core.errors import Forbidden
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import is_allowed
from xinyong.core.request_context import note_role


@dataclass
class Door:
    """What a use case knows about its access while it runs."""

    session: Session
    actor: Actor
    action: str
    purpose: Purpose
    subject_key: str | None = None
    entry: AccessLogEntry | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def admit(
        self,
        *,
        subject_key: str | None = None,
        detail: dict[str, Any] | None = None,
        result_count: int | None = None,
        region_code: str | None = None,
        owner_department: str | None = None,
        share_scope: Iterable[str] | None = None,
    ) -> AccessLogEntry:
        """Authorise the access to ``subject_key``'s data and register it (the entry commits with the
        use case; set ``result_count`` and ``detail`` on it before returning)."""
        if subject_key is not None:
            self.subject_key = subject_key
        if detail:
            self.detail.update(detail)
        self.entry = guard(
            self.session, self.actor, self.action, purpose=self.purpose, subject_key=self.subject_key,
            detail=self.detail or None, result_count=result_count, region_code=region_code,
            owner_department=owner_department, share_scope=share_scope,
        )
        return self.entry

    def require(self, denial: str | None, *, code: str = "out_of_scope") -> None:
        """Refuse the use case when a domain check returned a reason (ownership, region, competence)."""
        if denial is not None:
            self.refuse(denial, code=code)

    def own_subject(self, what: str) -> str:
        """The subject a subject's own account is bound to; refused when the account is bound to none."""
        if not self.actor.subject_key:
            self.refuse(f"该账户未绑定信用主体，不能{what}", code="not_a_subject")
        return self.actor.subject_key

    def refuse(self, reason: str, *, code: str = "out_of_scope") -> NoReturn:
        raise Forbidden(code, reason)

    def count(self, n: int) -> None:
        if self.entry is not None:
            self.entry.result_count = n


@contextmanager
def use_case(
    actor: Actor, action: str, *, purpose: Purpose, subject_key: str | None = None,
    detail: dict[str, Any] | None = None, serialise: bool = False, reads_only: bool = False,
) -> Iterator[Door]:
    """Open the door of one use case (see the module's docstring). ``serialise=True`` for a decision
    that must not interleave with a concurrent one (:func:`xinyong.core.db.unit_of_work`).

    ``reads_only=True`` for a use case that only reads and registers the read (the share interface, the
    public page and search): on PostgreSQL its statements run without a transaction and its access-log
    entry is one INSERT that commits by itself (:func:`xinyong.core.db.read_and_register`), two round
    trips fewer a request. Each statement sees what was committed when it started, as in a
    read-committed transaction; any other write in it is refused, not committed."""
    if reads_only and serialise:
        raise ValueError("a use case that only reads has nothing to serialise")
    note_role(actor.role)  # the request log names the acting role (xinyong.core.request_context)
    if not is_allowed(actor.role, action):
        refuse(actor, action, purpose, subject_key=subject_key, detail=detail)
    door: Door | None = None
    try:
        with read_and_register() if reads_only else unit_of_work(serialise=serialise) as session:
            door = Door(session, actor, action, purpose, subject_key, detail=dict(detail or {}))
            yield door
    except Forbidden as exc:
        if not exc.logged:
            log_denial(
                actor, action, purpose, reason=exc.message,
                subject_key=door.subject_key if door else subject_key,
                detail=(door.detail if door else detail) or None,
            )
            exc.logged = True
        raise
