"""The route index (xinyong.web.route_index) picks the route a scan of every route would pick.

The reference is the router's own rule: try the routes in registration order, take the first that matches
fully. Paths are made from the platform's real route templates (parameters filled, segments cut, added,
slashed) and from arbitrary text; a path no route matches fully must give no route, so that the router's
own scan answers it (404, 405, redirect)."""

from __future__ import annotations

import functools
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette._utils import get_route_path
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Match, Route
from starlette.testclient import TestClient

from xinyong.web.route_index import IndexedDispatch, RouteIndex, _route_path, literal_segments

METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]
PARAM = re.compile(r"\{[^}]*\}")


@functools.cache
def _app() -> Any:
    from xinyong.app import create_app

    return create_app()


def _routes() -> list[BaseRoute]:
    return list(_app().router.routes)


@functools.cache
def _index() -> RouteIndex:
    return RouteIndex(_routes())


@functools.cache
def _templates() -> list[str]:
    return [r.path for r in _routes() if isinstance(r, Route)]


def _scope(path: str, method: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": [],
            "query_string": b""}


def _first_full(routes: list[BaseRoute], scope: dict[str, Any]) -> BaseRoute | None:
    for route in routes:
        if route.matches(scope)[0] == Match.FULL:
            return route
    return None


def _indexed(index: RouteIndex, scope: dict[str, Any]) -> BaseRoute | None:
    found = index.full_match(scope)
    return found[0] if found else None


segment = st.text(alphabet=st.sampled_from("abc019-_.中文%"), min_size=0, max_size=6)


@st.composite
def paths(draw: Any) -> str:
    """A path from a real template: parameters filled, then perhaps cut short, lengthened or slashed."""
    template = draw(st.sampled_from(_templates()))
    path = PARAM.sub(lambda _m: draw(segment.filter(bool)), template)
    parts = path.split("/")
    edit = draw(st.sampled_from(["as is", "cut", "extend", "slash", "replace"]))
    if edit == "cut" and len(parts) > 1:
        parts = parts[: draw(st.integers(1, len(parts) - 1))]
    elif edit == "extend":
        parts.append(draw(segment))
    elif edit == "replace" and len(parts) > 1:
        parts[draw(st.integers(1, len(parts) - 1))] = draw(segment)
    path = "/".join(parts) or "/"
    return path + "/" if edit == "slash" else path


@settings(max_examples=1500, deadline=None)
@given(path=st.one_of(paths(), st.text(max_size=30).map(lambda t: "/" + t)), method=st.sampled_from(METHODS))
def test_the_index_picks_the_route_a_full_scan_picks(path: str, method: str) -> None:
    routes = _routes()
    scope = _scope(path, method)
    assert _indexed(_index(), scope) is _first_full(routes, scope)


def test_every_route_is_found_by_its_own_path() -> None:
    routes = _routes()
    for route in routes:
        if not isinstance(route, Route):
            continue
        path = PARAM.sub("x1", route.path)
        for method in sorted(route.methods or {"GET"}):
            scope = _scope(path, method)
            assert _indexed(_index(), scope) is _first_full(routes, scope), (route.path, method)


def test_a_late_route_has_few_candidates() -> None:
    """The point of the index: /healthz, registered near the end, is not tried after every other route."""
    routes = _routes()
    late = [r for r in routes if isinstance(r, Route) and r.path == "/healthz"]
    assert isinstance(_app().router.middleware_stack, IndexedDispatch)
    assert late and routes.index(late[0]) > 200
    assert len(_index().candidates("/healthz")) < 5
    assert len(_index().candidates("/api/v1/screen/code/91350100M000100Y43")) < 10


def test_literal_segments() -> None:
    assert literal_segments("/api/v1/screen/code/{code}") == ("api", "v1", "screen", "code")
    assert literal_segments("/healthz") == ("healthz",)
    assert literal_segments("/") == ("",)
    assert literal_segments("/{ref}") == ()
    assert literal_segments("/items-{id}") == ()
    assert literal_segments("/a/b{x}/c") == ("a",)


@given(path=st.text(alphabet="/ab", max_size=8).map(lambda t: "/" + t),
       root=st.sampled_from(["", "/a", "/ab", "/a/", "/b/a"]))
def test_route_path_is_starlettes(path: str, root: str) -> None:
    scope = {"path": root + path if root and not path.startswith(root) else path, "root_path": root}
    assert _route_path(scope) == get_route_path(scope)


def test_a_route_added_after_the_index_is_served() -> None:
    from starlette.applications import Starlette

    async def hello(_request: Any) -> PlainTextResponse:
        return PlainTextResponse("你好")

    app = Starlette(routes=[Route("/a/{x}", hello)])
    app.router.middleware_stack = IndexedDispatch(app.router, app.router.app)
    with TestClient(app) as client:
        assert client.get("/a/1").text == "你好"
        assert client.get("/b").status_code == 404
        app.router.routes.append(Route("/b", hello))
        assert client.get("/b").text == "你好"
        assert client.post("/b").status_code == 405  # the router's own scan answers a method not allowed


def test_a_router_with_start_up_work_is_refused() -> None:
    """Its handlers would be dropped silently if its routes were registered flat."""
    import contextlib

    import pytest
    from fastapi import APIRouter

    from xinyong.web.route_index import flat_routes

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        yield

    assert flat_routes([APIRouter()]) == []
    with pytest.raises(ValueError):
        flat_routes([APIRouter(lifespan=lifespan)])
