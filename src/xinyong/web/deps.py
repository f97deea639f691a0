"""FastAPI dependencies: the current principal (the one door's first half)."""

from __future__ import annotations

from fastapi import Depends, Header, Security
from fastapi.security import APIKeyHeader

from xinyong.core.access import Actor, authenticate
from xinyong.core.db import unit_of_work

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="部门或单位的API密钥")


def current_actor(
    api_key: str | None = Security(api_key_header),
    authorization: str | None = Header(default=None, include_in_schema=False),
) -> Actor:
    """The principal of this request; without a key, the public."""
    token = api_key
    if not token and authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    with unit_of_work() as session:
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

    def __call__(self, actor: Actor = Depends(current_actor)) -> Actor:
        from xinyong.core.access import Purpose, refuse
        from xinyong.core.policy import is_allowed

        if not is_allowed(actor.role, self.action):
            refuse(actor, self.action, Purpose.administration)
        return actor


def requires(action: str) -> _Requires:
    return _Requires(action)
