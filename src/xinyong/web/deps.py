"""FastAPI dependencies: the current principal (the one door's first half)."""

from __future__ import annotations

from fastapi import Header, Security
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
