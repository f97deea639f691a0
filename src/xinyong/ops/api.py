"""Operations endpoints: ``/healthz``, ``/readyz``, ``/metrics`` (outside the API schema, no API key:
probes and Prometheus call them) and the job runs for administrators."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.core.access import Actor
from xinyong.core.errors import DomainError
from xinyong.ops import health, metrics, service
from xinyong.web.deps import current_actor, requires

router = APIRouter()


class MetricsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", extra="ignore")

    #: addresses or networks (comma-separated) allowed to read /metrics without a token
    metrics_allow_ips: str = "127.0.0.1,::1"
    #: a bearer token that opens /metrics from anywhere (empty: none)
    metrics_token: str = ""


def metrics_denial(client_host: str | None, authorization: str | None) -> str | None:
    """Why this caller may not read the metrics (None: it may). Read fresh from the environment."""
    settings = MetricsSettings()
    if settings.metrics_token and authorization and authorization.lower().startswith("bearer "):
        if hmac.compare_digest(authorization[7:].strip().encode(), settings.metrics_token.encode()):
            return None
        return "令牌无效"
    if client_host:
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            address = None
        for item in (i.strip() for i in settings.metrics_allow_ips.split(",")):
            if item and address is not None:
                try:
                    if address in ipaddress.ip_network(item, strict=False):
                        return None
                except ValueError:
                    continue
    return "此地址无权读取监控指标（XINYONG_METRICS_ALLOW_IPS 或 XINYONG_METRICS_TOKEN）"


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz() -> JSONResponse:
    ready, checks = health.readiness()
    return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                        status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics(request: Request) -> Response:
    denial = metrics_denial(request.client.host if request.client else None,
                            request.headers.get("authorization"))
    if denial is not None:
        raise DomainError("forbidden", denial, status=403)
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE_LATEST)


@router.get("/api/v1/ops/job-runs", dependencies=[Depends(requires("ops.job_runs.read"))],
            summary="定时任务运行记录（平台管理员）")
def job_runs(job: str | None = Query(default=None, max_length=64), limit: int = Query(default=50, ge=1, le=500),
             actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"runs": service.job_runs(actor, job=job, limit=limit)}
