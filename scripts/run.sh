#!/usr/bin/env bash
# `make run`: start what the app needs, load demo data once, serve on 127.0.0.1:8000.
# Ctrl-C stops everything this script started; data stays in var/ for next time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

STARTED_PG=""; STARTED_REDIS=""; CHILDREN=()
cleanup() {
  trap - EXIT INT TERM
  # Output may go to a pipe that Ctrl-C has already closed (make run | tee):
  # stopping the services must not die of SIGPIPE halfway.
  trap '' PIPE
  set +e
  say "Stopping" 2>/dev/null
  for pid in "${CHILDREN[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${CHILDREN[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$STARTED_REDIS" ] && redis_stop "$STARTED_REDIS"
  [ -n "$STARTED_PG" ] && pg_stop "$STARTED_PG"
  exit 0
}
trap cleanup EXIT INT TERM

export DEBUG="${DEBUG:-true}"
# PDF exports (WeasyPrint) need Pango; a missing library is installed, or named.
ensure_weasyprint_libs
env_lines=("DEBUG=$DEBUG")

if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgres
  PG_OS_USER="$(pg_os_user)"
  PG_DIR="$(pick_state_dir pg)"
  say "Starting PostgreSQL in $PG_DIR"
  pg_start "$PG_DIR"
  STARTED_PG="$PG_DIR"
  pg_createdb "$PG_DIR" app
  export DATABASE_URL="$(pg_url "$PG_DIR" app)"
  env_lines+=("DATABASE_URL=$DATABASE_URL")
fi

if [ -z "${REDIS_URL:-}" ]; then
  if ensure_redis; then
    PG_OS_USER="$(pg_os_user)"
    REDIS_DIR="$(pick_state_dir redis)"
    say "Starting Redis in $REDIS_DIR"
    redis_start "$REDIS_DIR"
    STARTED_REDIS="$REDIS_DIR"
    export REDIS_URL="unix://$REDIS_DIR/redis.sock"
    env_lines+=("REDIS_URL=$REDIS_URL")
  else
    say "Redis is not available (install the Debian package 'redis-server'): running without a Celery worker."
  fi
fi

# Management commands (manage.py shell, dbshell, ...) read this file, so they
# reach the same database with no setup while `make run` is running.
mkdir -p var
printf '%s\n' "# Written by make run; read by manage.py while it runs." "${env_lines[@]}" > var/local.env

say "Migrating"
"$PY" manage.py migrate --noinput >/dev/null
"$PY" manage.py seed_demo

if [ -n "${REDIS_URL:-}" ]; then
  say "Starting a Celery worker and beat (logs in var/celery-*.log)"
  "$ROOT/.venv/bin/celery" -A mentorprogram worker --loglevel=INFO --concurrency=2 >var/celery-worker.log 2>&1 &
  CHILDREN+=($!)
  "$ROOT/.venv/bin/celery" -A mentorprogram beat --loglevel=INFO --schedule var/celerybeat-schedule >var/celery-beat.log 2>&1 &
  CHILDREN+=($!)
fi

say "Serving http://127.0.0.1:8000  (Ctrl-C stops everything)"
"$PY" manage.py runserver 127.0.0.1:8000 &
CHILDREN+=($!)
wait "${CHILDREN[-1]}"
