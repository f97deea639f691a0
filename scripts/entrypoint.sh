#!/bin/sh
# The container's entry point.
#   serve      (default) migrate under the migration lock, then serve on 0.0.0.0:${XINYONG_PORT:-8000}
#   scheduler  migrate under the lock, then run the scheduled jobs (xinyong scheduler)
#   anything else is passed to the `xinyong` command (e.g. `demo --subjects 200`, `principal create ...`)
set -eu

prepare() {
  # the encryption key: from XINYONG_SECRET_KEY, or generated once into the data volume
  python -c "from xinyong.core.config import secret_key; secret_key()"
  # replicas starting together take turns (PostgreSQL advisory lock / SQLite file lock)
  xinyong migrate
}

command="${1:-serve}"
case "$command" in
  serve)
    [ "$#" -gt 0 ] && shift
    # counters of all server workers are gathered here (prometheus_client multiprocess mode); emptied
    # before the workers start, as that mode requires
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    prepare
    if [ -n "${XINYONG_WORKERS:-}" ]; then
      set -- --workers "$XINYONG_WORKERS" "$@"
    fi
    exec xinyong serve --host 0.0.0.0 --port "${XINYONG_PORT:-8000}" "$@"
    ;;
  scheduler)
    shift
    prepare
    exec xinyong scheduler "$@"
    ;;
  *)
    exec xinyong "$@"
    ;;
esac
