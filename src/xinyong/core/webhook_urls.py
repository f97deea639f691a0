"""Which addresses a push receiver (webhook) may have.

The platform sends credit information to a receiver's URL, so a URL is a way to make the server connect
somewhere: to itself (loopback), to the cloud metadata service (169.254.169.254, link-local), or into
the internal network. A receiver must therefore use ``https`` and a public address, unless an
administrator allows its host explicitly (``XINYONG_PUSH_ALLOWED_HOSTS``: host names, addresses or
CIDR ranges, comma-separated); an allowed host may also use plain ``http`` (an internal receiver).

Names are resolved when the receiver is registered; a name that resolves to a refused address is
refused. A name that does not resolve now is accepted (the receiver's network may not be reachable yet).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

Resolver = Callable[[str], list[str]]

#: names that always mean this machine or an internal network
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


def _resolve(host: str) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []


def _allowed(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
             allowed: Sequence[str]) -> bool:
    for entry in (a.strip().lower() for a in allowed):
        if not entry:
            continue
        if entry == host:
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False


def _address_denial(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "本机（回环）地址"
    if address.is_link_local:
        return "链路本地地址（含云主机元数据服务 169.254.169.254）"
    if address.is_private or address.is_reserved or address.is_multicast or address.is_unspecified \
            or not address.is_global:
        return "内部网络或保留地址"
    return None


def webhook_url_denial(url: str, allowed: Sequence[str] = (), *, resolve: Resolver = _resolve) -> str | None:
    """Why ``url`` may not be a push receiver's address (a Chinese reason), or None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        return "Webhook 地址格式错误"
    if parts.scheme not in ("https", "http") or not host:
        return "Webhook 地址必须是以 https:// 开头的完整网址"
    if parts.username or parts.password:
        return "Webhook 地址不得包含用户名或密码"
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if _allowed(host, literal, allowed):
        return None
    if parts.scheme != "https":
        return "Webhook 地址必须使用 https://（管理员明确允许的内部接收方除外）"
    if literal is None and (host == "localhost" or host.endswith(_LOCAL_SUFFIXES)):
        return f"Webhook 地址不得指向本机或内部网络（{host}）"
    addresses = [literal] if literal is not None else []
    if literal is None:
        for text in resolve(host):
            try:
                addresses.append(ipaddress.ip_address(text.split("%")[0]))
            except ValueError:
                continue
    for address in addresses:
        if _allowed(host, address, allowed):
            continue
        why = _address_denial(address)
        if why is not None:
            return f"Webhook 地址不得指向{why}：{address}；如确为本单位内部接收方，请由管理员在允许列表中登记"
    return None
