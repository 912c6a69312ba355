# Shared shell functions for `make run`, `make test` and `make bench`.
# Sourced, not executed. Everything here must work on a fresh Debian 12 machine
# as root (the CI machine) and on a developer's laptop as an ordinary user.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

_apt_updated=""
# apt_install PACKAGE...: install Debian packages when we are root and apt works.
apt_install() {
  is_root || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$_apt_updated" ]; then
    apt-get update -qq >/dev/null 2>&1 || return 1
    _apt_updated=1
  fi
  say "Installing $* with apt-get"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

# --- PostgreSQL --------------------------------------------------------------

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

ensure_postgres() {
  PG_BIN="$(pg_bindir)" && return 0
  apt_install postgresql postgresql-contrib || die "PostgreSQL is missing: install the Debian package 'postgresql' (version 15 or newer)."
  PG_BIN="$(pg_bindir)" || die "PostgreSQL was installed but initdb was not found."
}

# The user that owns and runs the cluster: PostgreSQL refuses to run as root.
pg_os_user() {
  if ! is_root; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

as_pg() {
  if is_root; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

# pick_state_dir NAME: $ROOT/var/NAME when the cluster's user can reach it and
# the socket path stays short; else a directory under /tmp keyed by checkout.
pick_state_dir() {
  local name="$1" candidate="$ROOT/var/$1"
  mkdir -p "$ROOT/var"
  if [ ${#candidate} -le 80 ] && { ! is_root || runuser -u "$PG_OS_USER" -- test -x "$ROOT/var"; }; then
    echo "$candidate"
  else
    echo "/tmp/mentorprogram-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)/$name"
  fi
}

# pg_start DIR [throwaway]: init the cluster once, then start it on a Unix socket only.
pg_start() {
  local dir="$1" throwaway="${2:-}"
  PG_OS_USER="$(pg_os_user)"
  mkdir -p "$dir"
  is_root && chown "$PG_OS_USER" "$dir" "$(dirname "$dir")" 2>/dev/null
  chmod 700 "$dir"
  is_root && chmod 755 "$(dirname "$dir")"
  if [ ! -f "$dir/PG_VERSION" ]; then
    local sync=""
    [ -n "$throwaway" ] && sync="--no-sync"
    as_pg "$PG_BIN/initdb" -D "$dir" -U app --auth=trust -E UTF8 --locale=C.UTF-8 $sync >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; die "initdb failed (log above)."; }
  fi
  # jit=off: the JIT compiler spends tens of milliseconds compiling plans of short queries it guesses are big
  # (measured under load, README «National scale»); an OLTP application gains nothing from it.
  local opts="-k $dir -h '' -p 5432 -c max_connections=100 -c jit=off"
  [ -n "$throwaway" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    return 0  # already running (another `make run` or a leftover): reuse it
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -w -t 30 -l "$dir/server.log" -o "$opts" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start (log above)."; }
}

pg_stop() {
  local dir="$1"
  [ -f "$dir/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_url DIR DB: a postgres:// URL for the socket in DIR (django-environ wants it URL-encoded).
pg_url() {
  local encoded
  encoded="$(printf '%s' "$1" | sed 's|/|%2F|g')"
  echo "postgres://app@${encoded}/$2"
}

pg_createdb() {
  local dir="$1" db="$2" psql="$PG_BIN/psql"
  [ -x "$psql" ] || psql=psql
  "$psql" -h "$dir" -U app -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1 \
    || "$psql" -h "$dir" -U app -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null
}

# --- Redis -------------------------------------------------------------------

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  apt_install redis-server || return 1
  # Debian starts a system service on install; we run our own on a socket.
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now redis-server >/dev/null 2>&1
  command -v redis-server >/dev/null 2>&1
}

redis_start() {
  local dir="$1"
  mkdir -p "$dir"
  if [ -S "$dir/redis.sock" ] && redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1; then
    return 0
  fi
  rm -f "$dir/redis.sock"
  redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no \
    || die "Redis did not start (see $dir/redis.log)."
  local i
  for i in $(seq 50); do
    redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "Redis did not answer (see $dir/redis.log)."
}

redis_stop() {
  local dir="$1"
  [ -S "$dir/redis.sock" ] || return 0
  redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
}

# --- PgBouncer, for the benchmark's run through a pooler (bench/load.py starts it) ----------

ensure_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] && return 0
  apt_install pgbouncer || return 1
  # Debian starts a system service on install; the benchmark runs its own on a socket.
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now pgbouncer >/dev/null 2>&1
  [ -x /usr/sbin/pgbouncer ]
}

# --- Chromium and docker-compose, for the tests --------------------------------

# WeasyPrint (PDF exports) needs Pango and a font; harfbuzz-subset makes it fast.
ensure_weasyprint_libs() {
  local missing=""
  for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing=1
  done
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing=1
  [ -z "$missing" ] && return 0
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    || die "WeasyPrint's libraries are missing: install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core."
}

ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-}"
  if [ -z "$CHROMIUM_PATH" ]; then
    CHROMIUM_PATH="$(command -v chromium || command -v chromium-browser || true)"
  fi
  if [ -z "$CHROMIUM_PATH" ]; then
    apt_install chromium fonts-dejavu-core || die "Chromium is missing: install the Debian package 'chromium' (or set CHROMIUM_PATH)."
    CHROMIUM_PATH="$(command -v chromium)"
  fi
  export CHROMIUM_PATH
}

ensure_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  apt_install docker-compose || die "docker-compose is missing: install the Debian package 'docker-compose' (it validates docker-compose.yml)."
}
