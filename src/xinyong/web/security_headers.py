"""Security headers on every response, and the scheme of requests that arrive through a TLS proxy.

Every response carries a Content-Security-Policy that allows scripts and styles only from this site's
``/static`` files — no inline ``<script>``, no ``style="..."`` attribute, no ``javascript:`` link —, refuses
being framed (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``), ``X-Content-Type-Options: nosniff``
and a ``Referrer-Policy``. Console, ``/my`` and self-service API answers are personal: ``Cache-Control:
no-store``. The interactive API documentation (Swagger UI, ReDoc) is served from the package's own
files under ``/static/vendor`` with no inline script; its pages' policy differs only in allowing the
inline styles both viewers set and ReDoc's search worker (``blob:``).

Behind a reverse proxy that terminates TLS the application sees plain HTTP; the proxy's
``X-Forwarded-Proto`` is believed only when ``XINYONG_TRUST_PROXY`` is on and the request comes from an
address in ``XINYONG_FORWARDED_ALLOW_IPS``. Then the request's scheme is ``https`` and cookies are set
``Secure`` (:func:`xinyong.web.session.set_session_cookie` follows ``request.url.scheme``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from xinyong.core.config import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: pages whose content is personal: never kept by a browser or a shared cache
NO_STORE_PREFIXES = ("/console", "/my", "/api/v1/self")
#: the API documentation pages (Swagger UI, ReDoc): scripts only from this site as everywhere, inline
#: styles (both viewers set them from script) and ReDoc's search worker allowed
DOCS_PATHS = ("/api/v1/docs", "/api/v1/redoc")
DOCS_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def headers_for(path: str, *, https: bool) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to ``path`` (pure; the middleware adds them)."""
    out = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]
    if path in DOCS_PATHS:
        out.append((b"content-security-policy", DOCS_CSP.encode()))
    else:
        out.append((b"content-security-policy", CSP.encode()))
    if any(path == p or path.startswith(p + "/") for p in NO_STORE_PREFIXES):
        out.append((b"cache-control", b"no-store"))
        out.append((b"pragma", b"no-cache"))
    if https:
        out.append((b"strict-transport-security", b"max-age=31536000"))
    return out


def _allowed(host: str | None, allowed: str) -> bool:
    if host is None:
        return False
    for item in (a.strip() for a in allowed.split(",")):
        if not item:
            continue
        if item == "*":
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            if host == item:
                return True
    return False


def forwarded_scheme(scope: Scope, *, trust: bool, allowed: str) -> str | None:
    """``https``/``http`` from X-Forwarded-Proto when the proxy is trusted and the peer allowed; else None."""
    if not trust:
        return None
    client = scope.get("client")
    if not _allowed(client[0] if client else None, allowed):
        return None
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto":
            proto = value.decode("latin-1").split(",")[0].strip().lower()
            return proto if proto in ("http", "https") else None
    return None


class SecurityHeaders:
    """ASGI middleware: the trusted proxy's scheme in, the security headers out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        scheme = forwarded_scheme(scope, trust=settings.trust_proxy, allowed=settings.forwarded_allow_ips)
        if scheme is not None:
            scope = dict(scope)
            scope["scheme"] = scheme
        extra = headers_for(scope.get("path", ""), https=scope.get("scheme") == "https")
        names = {n for n, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
