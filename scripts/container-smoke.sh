#!/usr/bin/env bash
# Smoke test of the container deployment: build the image, `docker compose up`, then check
#   1. /healthz and /readyz answer (database reachable, migrations at head)
#   2. a second `xinyong migrate` finds nothing to do (the start-up migration ran under its lock)
#   3. demo data loads, an administrator key is issued, one screening by name answers
#   4. /metrics (bearer token) counts that screening; the scheduler runs one round and records it
# and take everything down again (volumes included) unless KEEP=1.
#
#   scripts/container-smoke.sh            # with Docker (docker compose)
#   scripts/container-smoke.sh --local    # the same checks against the image's entry point run from a
#                                         # plain `pip install .` on this machine (SQLite), for machines
#                                         # without a Docker daemon
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${XINYONG_HTTP_PORT:-8000}"
BASE="http://127.0.0.1:${PORT}"
TOKEN="${XINYONG_METRICS_TOKEN:-smoke-$(date +%s)-$$}"
export XINYONG_METRICS_TOKEN="$TOKEN" XINYONG_HTTP_PORT="$PORT"
MODE="${1:-docker}"
SERVER_PID=""

say() { printf '>>> %s\n' "$*"; }
fail() { printf '!!! %s\n' "$*" >&2; exit 1; }

if [ "$MODE" = "--local" ]; then
  WORK="$(mktemp -d)"
  PY="${PYTHON:-python3}"
  say "installing the package as the image does (pip install ., no dev extras) into $WORK/venv"
  "$PY" -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --upgrade pip >/dev/null
  had_build=0; [ -d build ] && had_build=1
  "$WORK/venv/bin/pip" install --quiet . >/dev/null
  [ "$had_build" = 1 ] || rm -rf build   # setuptools' scratch folder, not part of the tree
  export PATH="$WORK/venv/bin:$PATH"
  export XINYONG_VAR_DIR="$WORK/data" XINYONG_DATABASE_URL="sqlite:///$WORK/data/xinyong.db"
  export XINYONG_SECRET_KEY_FILE="$WORK/data/secret.key" PROMETHEUS_MULTIPROC_DIR="$WORK/metrics"
  export XINYONG_LOG_FORMAT=json XINYONG_PORT="$PORT"
  mkdir -p "$WORK/data"
  xy() { xinyong "$@"; }
  up() { (cd "$WORK/data" && exec "$OLDPWD/scripts/entrypoint.sh" serve >"$WORK/server.log" 2>&1) & SERVER_PID=$!; }
  down() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
  }
  logs() { tail -n 40 "$WORK/server.log" || true; }
else
  command -v docker >/dev/null || fail "docker not found"
  docker info >/dev/null 2>&1 || fail "no Docker daemon reachable (docker info failed)"
  xy() { docker compose exec -T app xinyong "$@"; }
  up() { docker compose up --build --detach --wait; }
  down() { [ "${KEEP:-0}" = 1 ] || docker compose down --volumes --remove-orphans; }
  logs() { docker compose logs --tail 40 app scheduler || true; }
fi
trap 'status=$?; if [ $status -ne 0 ]; then logs; fi; down; exit $status' EXIT

get() { curl --silent --show-error --max-time 30 "$@"; }

say "starting ($MODE)"
up
for _ in $(seq 1 120); do
  get --fail "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 1
done
get --fail "$BASE/healthz" | grep -q '"ok"' || fail "/healthz did not answer"
say "/healthz ok"
for _ in $(seq 1 60); do
  get --fail "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 1
done
get --fail "$BASE/readyz" | grep -q '"ready"' || fail "/readyz is not ready: $(get "$BASE/readyz")"
say "/readyz ready (database reachable, migrations at head)"

xy migrate | grep -q "最新" || fail "xinyong migrate failed"
say "migrate: already at head"

xy demo --subjects 200 --if-empty >/dev/null
say "demo data loaded"

KEY="$(xy principal create "冒烟测试管理员" --role admin --days 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')"
[ -n "$KEY" ] || fail "no API key issued"

SCREEN="$(get --fail -G -H "X-API-Key: $KEY" --data-urlencode "q=有限公司" "$BASE/api/v1/screen/name")" \
  || fail "screening by name failed"
python3 - "$SCREEN" <<'PY' || fail "unexpected screening answer: $SCREEN"
import json, sys
answer = json.loads(sys.argv[1])
assert isinstance(answer, dict) and "error" not in answer, answer
print(">>> screening answered:", ", ".join(sorted(answer)))
PY

[ "$(get -o /dev/null -w '%{http_code}' "$BASE/metrics")" = 403 ] || [ "$MODE" = "--local" ] \
  || fail "/metrics answered without a token"
METRICS="$(get --fail -H "Authorization: Bearer $TOKEN" "$BASE/metrics")" || fail "/metrics refused the token"
echo "$METRICS" | grep -q '^xinyong_screenings_total{channel="api",kind="name"} ' || fail "screening not counted"
echo "$METRICS" | grep -q '^xinyong_database_up 1.0' || fail "database figures missing from /metrics"
say "/metrics counts the screening and reads the database"

if [ "$MODE" = "--local" ]; then
  xinyong scheduler --once >/dev/null
else
  docker compose exec -T scheduler xinyong scheduler --once >/dev/null
fi
xy scheduler runs --json | python3 -c 'import json,sys; runs=json.load(sys.stdin); assert runs, "no job runs"; print(">>> scheduler recorded", len(runs), "runs")'

say "smoke test passed"
