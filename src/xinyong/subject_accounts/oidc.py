"""Sign-in through the region's unified identity provider (统一身份认证) with OpenID Connect: the
authorization-code flow with PKCE (RFC 7636, S256), done by Authlib's httpx client; the ID token's
signature (the provider's published keys), issuer, audience, nonce and expiry are checked with joserfc.

Configured by ``XINYONG_OIDC_*`` (see :class:`OidcSettings`); without an issuer the sign-in page does not
offer it. The provider must put the subject's code (USCC or resident ID) in the claim ``code_claim``.
The state, nonce and code verifier travel in a short-lived signed, HttpOnly cookie between the redirect
and the callback.
"""

from __future__ import annotations

import hmac
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Authlib 1.9 announces a move of its httpx integration to the httpx2 package; the client used here is
# unchanged. Its warning filter is installed when authlib.deprecate is first imported, so import it first.
import authlib.deprecate  # noqa: F401
import httpx
from authlib.common.security import generate_token
from itsdangerous import BadSignature, URLSafeSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.core import clock
from xinyong.core.config import secret_key
from xinyong.core.errors import DomainError, ValidationFailed

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

COOKIE = "xy_oidc"
#: seconds between the redirect to the provider and the callback
FLOW_SECONDS = 600


class OidcSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_OIDC_", extra="ignore")

    #: the provider's issuer URL (its discovery document is at <issuer>/.well-known/openid-configuration);
    #: empty: sign-in through the identity provider is not offered
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    #: this platform's callback, registered with the provider: https://<host>/my/oidc/callback
    redirect_uri: str = ""
    scope: str = "openid profile"
    #: the ID-token claim that carries the subject's USCC or resident ID
    code_claim: str = "subject_code"
    #: how the sign-in page names the provider
    display_name: str = "统一身份认证"


@lru_cache(maxsize=1)
def settings() -> OidcSettings:
    return OidcSettings()


def reset() -> None:
    settings.cache_clear()


def enabled() -> bool:
    s = settings()
    return bool(s.issuer and s.client_id and s.redirect_uri)


#: a transport for the provider's endpoints (tests put a fake provider here); None: the network
transport: httpx.BaseTransport | None = None

FAILED = "统一身份认证登录未成功，请重新登录或使用一次性验证码注册"


def _client(**extra: Any) -> OAuth2Client:
    s = settings()
    return OAuth2Client(client_id=s.client_id, client_secret=s.client_secret or None, scope=s.scope,
                        redirect_uri=s.redirect_uri, code_challenge_method="S256", transport=transport,
                        timeout=10.0, **extra)


def _discover(client: OAuth2Client) -> dict[str, Any]:
    url = settings().issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = client.request("GET", url, withhold_token=True)
    response.raise_for_status()
    meta: dict[str, Any] = response.json()
    if meta.get("issuer") != settings().issuer:
        raise ValidationFailed("oidc_issuer_mismatch", FAILED)
    return meta


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="xinyong-oidc-flow")


@dataclass(frozen=True)
class Start:
    url: str
    cookie: str


def start(next_path: str) -> Start:
    """Where to send the browser, and the cookie that remembers this flow's state, nonce and verifier."""
    if not enabled():
        raise ValidationFailed("oidc_not_configured", "本平台未配置统一身份认证")
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    try:
        with _client() as client:
            meta = _discover(client)
            url, _ = client.create_authorization_url(meta["authorization_endpoint"], state=state, nonce=nonce,
                                                     code_verifier=verifier)
    except (httpx.HTTPError, OAuthError, KeyError, ValueError):
        raise ValidationFailed("oidc_unavailable", "统一身份认证服务暂时无法访问，请稍后再试") from None
    cookie = _serializer().dumps({"s": state, "n": nonce, "v": verifier, "next": next_path,
                                  "t": int(clock.now().timestamp())})
    return Start(str(url), cookie)


@dataclass(frozen=True)
class Identity:
    subject_code: str
    issuer: str
    oidc_subject: str
    next_path: str


def finish(code: str, state: str, cookie: str | None) -> Identity:
    """Check the callback against the flow's cookie, redeem the code with the PKCE verifier, and check the
    ID token; the subject's code is the configured claim."""
    if not enabled():
        raise ValidationFailed("oidc_not_configured", "本平台未配置统一身份认证")
    try:
        flow = _serializer().loads(cookie or "")
    except BadSignature:
        raise ValidationFailed("oidc_flow_missing", "登录已失效，请重新登录") from None
    if not isinstance(flow, dict) or int(clock.now().timestamp()) - int(flow.get("t", 0)) > FLOW_SECONDS:
        raise ValidationFailed("oidc_flow_expired", "登录已超时，请重新登录")
    if not state or not hmac.compare_digest(str(flow.get("s", "")), state):
        raise ValidationFailed("oidc_state_mismatch", FAILED)
    s = settings()
    try:
        with _client() as client:
            meta = _discover(client)
            token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code", code=code,
                                       code_verifier=flow["v"])
            keys = client.request("GET", meta["jwks_uri"], withhold_token=True)
            keys.raise_for_status()
            keyset = KeySet.import_key_set(keys.json())
        decoded = jwt.decode(str(token["id_token"]), keyset)
        claims: dict[str, Any] = dict(decoded.claims)
        jwt.JWTClaimsRegistry(
            now=int(clock.now().timestamp()), leeway=60,
            iss={"essential": True, "value": s.issuer}, aud={"essential": True, "value": s.client_id},
            nonce={"essential": True, "value": flow["n"]}, sub={"essential": True},
            exp={"essential": True},
        ).validate(claims)
    except DomainError:
        raise
    except (httpx.HTTPError, OAuthError, JoseError, KeyError, ValueError, TypeError) as exc:
        raise ValidationFailed("oidc_failed", FAILED, details={"reason": type(exc).__name__}) from None
    subject_code = claims.get(s.code_claim)
    if not isinstance(subject_code, str) or not subject_code.strip():
        raise ValidationFailed("oidc_no_code", "统一身份认证未提供统一社会信用代码或公民身份号码，无法登录")
    return Identity(subject_code.strip(), s.issuer, str(claims["sub"]), str(flow.get("next") or "/my"))
