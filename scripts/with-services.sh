#!/usr/bin/env bash
# with-services.sh COMMAND...: run COMMAND against a throwaway PostgreSQL and
# Redis (and with Chromium and docker-compose at hand), then stop them again,
# whatever COMMAND's outcome. Exits with COMMAND's exit code.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_postgres
ensure_redis || die "Redis is missing: install the Debian package 'redis-server'."
ensure_pgbouncer || die "PgBouncer is missing: install the Debian package 'pgbouncer'."
ensure_chromium
ensure_docker_compose
ensure_weasyprint_libs

PG_OS_USER="$(pg_os_user)"
TMP="$(mktemp -d /tmp/mp.XXXXXX)"
chmod 755 "$TMP"
cleanup() {
  redis_stop "$TMP/redis"
  pg_stop "$TMP/pg"
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

pg_start "$TMP/pg" throwaway
redis_start "$TMP/redis"

export DATABASE_URL="$(pg_url "$TMP/pg" app)"
export REDIS_URL="unix://$TMP/redis/redis.sock"
export MENTORPROGRAM_TEST_TMP="$TMP"
export MENTORPROGRAM_READ_ENV_FILES=0
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-mentorprogram.settings.test}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export PG_BIN

set +e
"$@"
status=$?
set -e
exit $status
