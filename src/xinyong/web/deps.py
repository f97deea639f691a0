"""FastAPI dependencies: the current principal (the one door's first half)."""

from __future__ import annotations

from fastapi import Depends, Header, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from xinyong.core.access import Actor, authenticate, cached_actor
from xinyong.core.db import single_read

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="部门或单位的API密钥")


async def current_actor(
    api_key: str | None = Security(api_key_header),
    authorization: str | None = Header(default=None, include_in_schema=False),
) -> Actor:
    """The principal of this request; without a key, the public.

    Async so that a key resolved moments ago (:data:`xinyong.core.access.AUTH_CACHE`) costs no
    worker thread; a miss looks the key up in the thread pool."""
    token = api_key
    if not token and authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    actor = cached_actor(token)
    if actor is None:
        actor = await run_in_threadpool(_look_up, token)
    return actor


def _look_up(token: str | None) -> Actor:
    with single_read() as session:
        return authenticate(session, token)


class _Requires:
    """Route-level authorisation: ``dependencies=[Depends(requires("listing.read"))]``.

    Refuses a role the policy does not allow for ``action`` (403, registered as a denial) before any
    parameter is looked at. Fine-grained checks (department, region, share scope, purpose) and the
    access-log entry of what was read stay in the handler's ``guard(...)`` call. The security test
    enumerates every route's ``action`` from these dependencies.
    """

    def __init__(self, action: str) -> None:
        self.action = action

    async def __call__(self, actor: Actor = Depends(current_actor)) -> Actor:
        # async: the allowed path is a dictionary lookup and needs no worker thread; only a refusal
        # touches the database (the denial's log entry), in the thread pool
        from xinyong.core.access import Purpose, refuse
        from xinyong.core.policy import is_allowed
        from xinyong.core.request_context import note_role

        note_role(actor.role)  # the request log names the acting role
        if not is_allowed(actor.role, self.action):
            await run_in_threadpool(refuse, actor, self.action, Purpose.administration)
        return actor


def requires(action: str) -> _Requires:
    return _Requires(action)
