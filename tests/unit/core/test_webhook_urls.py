"""Push receivers: https and public addresses, unless an administrator allows the host."""

from __future__ import annotations

import pytest

from xinyong.core.webhook_urls import webhook_url_denial


def public(_host: str) -> list[str]:
    return ["93.184.216.34"] if _host == "receiver.example.com" else []


def rebinding(_host: str) -> list[str]:
    return ["10.1.2.3"]


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/", "https://[fe80::1]/x",
    "https://127.0.0.1:8443/hook", "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://localhost/hook",
    "https://10.0.0.5/hook", "https://192.168.1.2/hook", "https://172.16.0.1/hook", "https://100.64.0.1/hook",
    "https://0.0.0.0/hook", "https://svc.internal/hook", "http://receiver.example.com/hook", "ftp://example.com/x",
    "https://user:pw@receiver.example.com/hook", "https:///nohost", "javascript:alert(1)", "https://x:99999/",
])
def test_refused(url: str) -> None:
    reason = webhook_url_denial(url, resolve=public)
    assert reason is not None and any("\u4e00" <= ch <= "\u9fff" for ch in reason)


def test_a_name_resolving_to_an_internal_address_is_refused() -> None:
    assert webhook_url_denial("https://innocent.example.com/hook", resolve=rebinding) is not None


def test_public_https_is_accepted() -> None:
    assert webhook_url_denial("https://receiver.example.com/hook", resolve=public) is None
    assert webhook_url_denial("https://unresolvable.example.invalid/hook", resolve=public) is None


def test_administrator_allows_an_internal_receiver() -> None:
    allowed = ["10.0.0.0/8", "intranet-hook"]
    assert webhook_url_denial("http://10.2.3.4:8080/hook", allowed, resolve=public) is None
    assert webhook_url_denial("http://intranet-hook/hook", allowed, resolve=rebinding) is None
    assert webhook_url_denial("https://169.254.169.254/", allowed, resolve=public) is not None


def test_a_delivery_is_not_sent_to_an_address_refused_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked at each delivery too: a receiver whose address is refused today gets nothing, whatever
    was accepted when it was registered (no request leaves the platform)."""
    from xinyong.core.config import reset_settings
    from xinyong.core.delivery import Outgoing, WebhookTransport

    monkeypatch.setenv("XINYONG_PUSH_ALLOWED_HOSTS", "")
    reset_settings()
    try:
        transport = WebhookTransport(timeout=1)

        def no_request(*_args: object, **_kwargs: object) -> object:
            raise AssertionError("a request was sent")

        monkeypatch.setattr(transport.client, "post", no_request)
        result = transport.send(Outgoing(channel="unit", url="http://169.254.169.254/latest/meta-data",
                                          body=b"{}", headers={}))
        assert not result.ok and "未发送" in (result.error or "")
    finally:
        monkeypatch.delenv("XINYONG_PUSH_ALLOWED_HOSTS")
        reset_settings()
