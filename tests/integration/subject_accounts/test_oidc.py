"""Sign-in through the region's identity provider: the authorization-code flow with PKCE against a small
fake OpenID Connect provider (discovery, authorization, token endpoint that checks the code verifier,
JWKS), and the ID-token checks (signature, issuer, audience, nonce)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.integration.subject_accounts.conftest import COMPANY, HTML, Company
from xinyong.app import create_app
from xinyong.core import clock
from xinyong.subject_accounts import oidc

ISSUER = "https://idp.example.test"
CLIENT = "xinyong-huaian"
SECRET = "client-secret-1"


class FakeProvider:
    """Just enough of an OpenID Connect provider: it remembers the PKCE challenge of each code it hands
    out and redeems a code only with the matching verifier."""

    def __init__(self, claims: dict[str, Any]) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.claims = claims
        self.codes: dict[str, dict[str, str]] = {}
        self.nonce_override: str | None = None
        self.token_requests = 0

    def authorize(self, url: str) -> str:
        """The user signs in at the provider; it redirects back with a code (the callback URL)."""
        q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        assert q["response_type"] == "code" and q["client_id"] == CLIENT
        assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
        code = secrets.token_urlsafe(16)
        self.codes[code] = q
        return f"{q['redirect_uri']}?code={code}&state={q['state']}"

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={
                "issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token", "jwks_uri": f"{ISSUER}/jwks"})
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == "/token":
            self.token_requests += 1
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            auth = request.headers.get("authorization", "")
            assert auth == "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
            q = self.codes.pop(form.get("code", ""), None)
            if q is None or form.get("grant_type") != "authorization_code":
                return httpx.Response(400, json={"error": "invalid_grant"})
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != q["code_challenge"]:
                return httpx.Response(400, json={"error": "invalid_grant", "error_description": "PKCE"})
            now = int(clock.now().timestamp())
            claims = {"iss": ISSUER, "aud": CLIENT, "sub": "user-42", "iat": now, "exp": now + 300,
                      "nonce": self.nonce_override or q["nonce"], **self.claims}
            token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return httpx.Response(200, json={"access_token": "at", "token_type": "Bearer", "expires_in": 300,
                                             "id_token": token})
        return httpx.Response(404)


@pytest.fixture
def provider(company: Company, monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    fake = FakeProvider({"subject_code": company.code})
    for name, value in {"ISSUER": ISSUER, "CLIENT_ID": CLIENT, "CLIENT_SECRET": SECRET,
                        "REDIRECT_URI": "http://testserver/my/oidc/callback"}.items():
        monkeypatch.setenv(f"XINYONG_OIDC_{name}", value)
    oidc.reset()
    monkeypatch.setattr(oidc, "transport", httpx.MockTransport(fake.handle))
    yield fake
    oidc.reset()


def _start(browser: TestClient) -> str:
    r = browser.get("/my/oidc/start?next=/my", follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"{ISSUER}/authorize?")
    return r.headers["location"]


def test_sign_in_with_the_identity_provider_pkce(provider: FakeProvider) -> None:
    browser = TestClient(create_app())
    assert "使用统一身份认证登录" in browser.get("/my/login", headers=HTML).text
    callback = provider.authorize(_start(browser))
    r = browser.get(callback.replace("http://testserver", ""), headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/my", r.text
    assert COMPANY in browser.get("/my", headers=HTML).text
    # the second time, the same account (bound to issuer and sub) is signed in again
    again = TestClient(create_app())
    r = again.get(provider.authorize(_start(again)).replace("http://testserver", ""), follow_redirects=False)
    assert r.status_code == 303


def test_a_callback_without_the_flow_or_with_another_state_is_refused(provider: FakeProvider) -> None:
    browser = TestClient(create_app())
    callback = provider.authorize(_start(browser)).replace("http://testserver", "")
    forged = callback.rsplit("state=", 1)[0] + "state=forged"
    r = browser.get(forged, headers=HTML)
    assert r.status_code == 422 and "统一身份认证登录未成功" in r.text
    stranger = TestClient(create_app())  # no flow cookie: the code was not asked for by this browser
    assert stranger.get(callback, headers=HTML).status_code == 422
    assert provider.token_requests == 0


def test_a_wrong_verifier_or_nonce_is_refused(provider: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = TestClient(create_app())
    url = _start(browser)
    q = parse_qs(urlparse(url).query)
    # an attacker's code, asked for with another challenge, does not redeem with this browser's verifier
    provider.codes["stolen"] = {**{k: v[0] for k, v in q.items()}, "code_challenge": "x" * 43}
    r = browser.get(f"/my/oidc/callback?code=stolen&state={q['state'][0]}", headers=HTML)
    assert r.status_code == 422 and provider.token_requests == 1
    provider.nonce_override = "replayed-nonce"
    again = TestClient(create_app())
    r = again.get(provider.authorize(_start(again)).replace("http://testserver", ""), headers=HTML)
    assert r.status_code == 422 and "统一身份认证登录未成功" in r.text
    assert again.get("/my", headers=HTML, follow_redirects=False).status_code == 303  # not signed in


def test_not_offered_when_not_configured(client: Any) -> None:
    oidc.reset()
    assert "使用统一身份认证登录" not in client.get("/my/login", headers=HTML).text
    assert client.get("/my/oidc/start", headers=HTML).status_code == 422
