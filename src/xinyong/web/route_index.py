"""Finding a request's route without trying every route in turn.

The platform serves about 260 routes. A router tries them in the order they were registered and takes the
first that matches fully, so a route registered late (``/healthz``, the public pages, the share API) cost
every request a few hundred regular-expression matches, about 0.3–0.6 ms of CPU (bench/README.md).

:class:`RouteIndex` keeps the routes in a tree of their leading literal path segments: the route
``/api/v1/screen/code/{code}`` sits under ``api`` → ``v1`` → ``screen`` → ``code``, ``/healthz`` under
``healthz``, a route whose first segment is a parameter at the root. The candidates for a path are the
routes along the branch its segments walk, in registration order: every route that could match the path
and usually a handful more. Trying them in order gives the route the full scan would give whenever some
route matches fully; for anything else (a path no route matches, a method a route does not allow, a
redirect to add or remove a trailing slash) the request goes to the router's own full scan, so 404, 405 and
redirects behave exactly as before.

:func:`install` puts the index in front of a FastAPI application's router once its routes are registered;
the index is rebuilt if routes are added later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send


def literal_segments(path: str) -> tuple[str, ...]:
    """The complete path segments of a route template before its first parameter.

    ``/api/v1/screen/code/{code}`` → ``("api", "v1", "screen", "code")``; ``/healthz`` → ``("healthz",)``;
    ``/items-{id}`` → ``()`` (the segment ``items-…`` is not complete before the parameter)."""
    head, brace, _ = path.partition("{")
    parts = head.split("/")[1:]  # the template starts with "/"
    if brace:
        parts = parts[:-1]  # the last piece runs into the parameter (empty when the parameter starts a segment)
    return tuple(parts)


def route_prefix(route: BaseRoute) -> tuple[str, ...] | None:
    """The literal segments every path the route matches starts with; ``None`` when not known (the route is
    then a candidate for every path)."""
    if isinstance(route, Mount | Route):
        return literal_segments(route.path)
    return None


def path_segments(path: str) -> list[str]:
    """The segments of a request path as :func:`literal_segments` splits a template."""
    return path.split("/")[1:]


@dataclass
class _Node:
    own: list[tuple[int, BaseRoute]] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)
    #: the candidates of a path whose walk ends here: this node's routes and its ancestors', in order
    candidates: tuple[BaseRoute, ...] = ()


class RouteIndex:
    """The routes of one router, in registration order, by their leading literal segments."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._root = _Node()
        for position, route in enumerate(routes):
            prefix = route_prefix(route)
            node = self._root
            for segment in prefix or ():
                node = node.children.setdefault(segment, _Node())
            node.own.append((position, route))
        self._fill(self._root, [])

    def _fill(self, node: _Node, above: list[tuple[int, BaseRoute]]) -> None:
        mine = sorted(above + node.own, key=lambda item: item[0])
        node.candidates = tuple(route for _, route in mine)
        for child in node.children.values():
            self._fill(child, mine)

    def candidates(self, path: str) -> tuple[BaseRoute, ...]:
        """Every route that could match ``path``, in registration order (a superset of those that do)."""
        node = self._root
        for segment in path_segments(path):
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        return node.candidates

    def full_match(self, scope: Scope) -> tuple[BaseRoute, Scope] | None:
        """The first route that matches ``scope`` fully (path and method) with its child scope, as the
        full scan would find it; ``None`` when none does."""
        for route in self.candidates(_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return route, child_scope
        return None


class IndexedDispatch:
    """Stands in for a router's own dispatch: a request some route matches fully is handed to that route
    as the router would hand it; any other request goes to the router's full scan (``fallback``)."""

    def __init__(self, router: Any, fallback: ASGIApp) -> None:
        self.router = router
        self.fallback = fallback
        self._built_for = self._stamp()
        self._index = RouteIndex(router.routes)

    def _stamp(self) -> tuple[int, int]:
        return id(self.router.routes), len(self.router.routes)

    def index(self) -> RouteIndex:
        """The index of the router's routes, made again when routes were added or the list replaced."""
        if self._stamp() != self._built_for:
            self._index = RouteIndex(self.router.routes)
            self._built_for = self._stamp()
        return self._index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # with the framework's own tracing on, its scan also names the span after the route: leave it that
        if scope["type"] == "http" and not scope.get("fastapi.telemetry"):
            found = self.index().full_match(scope)
            if found is not None:
                route, child_scope = found
                scope.setdefault("router", self.router)
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
        await self.fallback(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the routes match against: the request path without the application's root path, as
    Starlette's routes compute it (``tests/unit/web/test_route_index.py`` holds the two together)."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if not root_path or not path.startswith(root_path):
        return path
    if path == root_path:
        return ""
    return path[len(root_path):] if path[len(root_path)] == "/" else path


def install(app: Any) -> bool:
    """Put a :class:`IndexedDispatch` in front of ``app``'s router, its index built now. Returns False (and
    changes nothing) when the router has middleware or form limits of its own, which the index's hand-over
    would bypass."""
    router = app.router
    if router.middleware_stack != router.app or getattr(router, "form_limits", None):
        return False
    router.middleware_stack = IndexedDispatch(router, router.app)
    return True


def flat_routes(routers: Iterable[Any]) -> list[BaseRoute]:
    """The routes of ``routers`` in order, to be registered on the application itself.

    A router's own prefix, tags and dependencies are already in its routes (they are applied when a route
    is declared), so the routes need no wrapping. What only including a router would carry over, start-up
    and shut-down handlers, is refused rather than dropped."""
    routes: list[BaseRoute] = []
    for router in routers:
        if router.on_startup or router.on_shutdown or type(router.lifespan_context).__name__ != "_DefaultLifespan":
            raise ValueError(f"router with start-up or shut-down work cannot be registered flat: {router!r}")
        routes.extend(router.routes)
    return routes
