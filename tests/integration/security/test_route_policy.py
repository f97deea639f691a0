"""Every API operation × every role: 403 exactly when the policy denies the route's action.

The expectations come from the routes themselves (the ``requires(action)`` dependency, see
docs/conventions.md) and from :data:`xinyong.core.policy.ALLOWED`, so a route added by anyone is
covered at once; an operation without ``requires`` fails the suite.
"""

from __future__ import annotations

import functools
import re
import uuid
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests.factories import make_api_key
from xinyong.app import create_app
from xinyong.core.crypto import subject_key
from xinyong.core.policy import Role, is_allowed
from xinyong.web.deps import _Requires

ROLE_DENIAL = re.compile(r"无权执行操作 (\S+)")


def _actions(dependant: Dependant) -> list[str]:
    found = []
    for dep in dependant.dependencies:
        if isinstance(dep.call, _Requires):
            found.append(dep.call.action)
        found += _actions(dep)
    return found


def _all_routes(app: Any) -> list[tuple[APIRoute, str]]:
    """(route, effective path) of every API route, however routers were nested."""
    try:  # FastAPI >= 0.16x keeps included routers as lazy branches
        from fastapi.routing import _iter_routes_with_context
    except ImportError:  # pragma: no cover - older FastAPI flattens them
        return [(r, r.path) for r in app.routes if isinstance(r, APIRoute)]
    return [(r, ctx.path if ctx is not None and ctx.path else r.path)
            for r, ctx in _iter_routes_with_context(app.routes) if isinstance(r, APIRoute)]


@functools.cache
def api_operations() -> list[tuple[str, str, APIRoute, list[str]]]:
    app = create_app()
    ops = []
    for route, path in _all_routes(app):
        if route.include_in_schema:
            for method in sorted(route.methods):
                ops.append((method, path, route, _actions(route.dependant)))
    documented = {(m.upper(), p) for p, item in app.openapi()["paths"].items() for m in item
                  if m in {"get", "post", "put", "patch", "delete"}}
    assert documented == {(m, p) for m, p, _r, _a in ops}, "route enumeration disagrees with the OpenAPI schema"
    return ops


def _fill(path: str, route: APIRoute) -> str:
    for param in route.dependant.path_params:
        annotation = getattr(param.field_info, "annotation", None) or param.type_
        value = "1" if annotation is int else "91320812MA1W8XYZ2X"
        path = path.replace("{" + param.alias + "}", value).replace("{" + param.name + "}", value)
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_api_operation_declares_exactly_one_action() -> None:
    missing = [f"{m} {p}" for m, p, _r, actions in api_operations() if not actions]
    assert not missing, f"operations without requires(action): {missing}"
    unknown = [f"{m} {p}: {a}" for m, p, _r, actions in api_operations() for a in actions
               if not any(is_allowed(r, a) for r in Role)]
    assert not unknown, f"actions nobody may perform (not in policy.ALLOWED): {unknown}"


def test_route_policy_matrix(client) -> None:
    own = subject_key("91320812MA1W8XYZ2X")
    headers: dict[Role, dict[str, str]] = {Role.public: {}}
    for role in Role:
        if role is not Role.public:
            token = make_api_key(role.value, name=f"矩阵{role.value}{uuid.uuid4().hex[:4]}",
                                 subject_key=own if role is Role.subject else None)
            headers[role] = {"X-API-Key": token}
    failures: list[str] = []
    checked = 0
    for method, path, route, actions in api_operations():
        url = _fill(path, route)
        for role in Role:
            kwargs: dict[str, Any] = {"headers": headers[role]}
            if method in {"POST", "PUT", "PATCH"}:
                kwargs["json"] = {}
            response = client.request(method, url, **kwargs)
            checked += 1
            denied = not all(is_allowed(role, a) for a in actions)
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            error = body.get("error") if isinstance(body, dict) else None
            role_refusal = (response.status_code == 403 and isinstance(error, dict)
                            and error.get("code") == "forbidden")
            if denied and response.status_code != 403:
                failures.append(f"{role.value} {method} {path}: policy denies {actions}, got {response.status_code}")
            if not denied and role_refusal:
                failures.append(f"{role.value} {method} {path}: policy allows {actions}, got a role refusal "
                                f"({error.get('message') if error else ''})")
    assert checked > 0
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.admin])
def test_denials_are_registered(client, role: Role) -> None:
    """A role refusal is written to the access log even though the request is rolled back."""
    from sqlalchemy import select

    from xinyong.core.db import unit_of_work
    from xinyong.core.models import AccessLogEntry

    denied_ops = [(m, p, r) for m, p, r, acts in api_operations() if acts and not is_allowed(role, acts[0])]
    assert denied_ops, f"{role} may call every operation"
    method, path, route = denied_ops[0]
    hdrs = {} if role is Role.public else {"X-API-Key": make_api_key(role.value)}
    response = client.request(method, _fill(path, route), headers=hdrs,
                              **({"json": {}} if method in {"POST", "PUT", "PATCH"} else {}))
    assert response.status_code == 403
    with unit_of_work() as s:
        denied = s.scalars(select(AccessLogEntry).where(AccessLogEntry.allowed.is_(False))).all()
    assert any(e.role == role.value for e in denied)
