# syntax=docker/dockerfile:1
# Xinyong (信用) — the platform image: `docker compose up` starts it with PostgreSQL (compose.yaml).
# Two stages: the build stage installs the package and its runtime dependencies (no test or lint tools)
# into a virtual environment; the runtime stage copies only that environment and runs as a user without
# privileges.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/xinyong
ENV PATH=/opt/xinyong/bin:$PATH
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# a regular (not editable) install: the runtime stage needs no source tree
RUN pip install --upgrade pip setuptools wheel && pip install . && pip check

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="Xinyong 信用" \
      org.opencontainers.image.description="公共信用信息平台" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 xinyong \
 && useradd --system --uid 10001 --gid xinyong --home-dir /var/lib/xinyong --create-home --shell /usr/sbin/nologin xinyong
COPY --from=build /opt/xinyong /opt/xinyong
COPY scripts/entrypoint.sh /usr/local/bin/xinyong-entrypoint
ENV PATH=/opt/xinyong/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XINYONG_VAR_DIR=/var/lib/xinyong \
    XINYONG_LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/xinyong-metrics
USER xinyong:xinyong
WORKDIR /var/lib/xinyong
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["xinyong-entrypoint"]
CMD ["serve"]
