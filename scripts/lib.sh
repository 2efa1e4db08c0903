# Shared shell helpers for scripts/run.sh and scripts/test.sh (source, do not execute).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m[lotostats]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Create .venv and install the locked dependencies and the project (re-run only when the lock changes).
bootstrap() {
  local python=${PYTHON:-}
  if [ -z "$python" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
      if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
        python=$candidate; break
      fi
    done
  fi
  [ -n "$python" ] || die "Python 3.11-3.13 is needed (set PYTHON=/path/to/python3.x)."
  if [ ! -x "$PY" ]; then
    say "creating $VENV with $($python --version)"
    "$python" -m venv "$VENV" || die "could not create a virtual environment (Debian/Ubuntu: apt-get install python3-venv)"
  fi
  local stamp="$VENV/.installed-lock" want
  want=$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing locked dependencies into .venv (first run takes a minute or two)"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$ROOT/requirements.lock" \
      || die "pip could not install requirements.lock"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT" || die "pip could not install the project"
    "$PY" -m pip check >/dev/null || die "installed packages are inconsistent: $("$PY" -m pip check)"
    echo "$want" > "$stamp"
  fi
}

# Use REDIS_URL when a Redis answers there; else start a private redis-server under var/redis.
ensure_redis() {
  export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
  if "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$REDIS_URL" 2>/dev/null; then
    say "Redis answers at $REDIS_URL"
    return
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "no Redis answers and redis-server is not installed: installing Debian's redis-server package"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
        || die "could not install redis-server; install it (apt-get install redis-server) or set REDIS_URL"
    else
      die "Redis is needed: none answers at $REDIS_URL and redis-server is not installed. Install it (e.g. 'sudo apt-get install redis-server' or 'brew install redis') or set REDIS_URL."
    fi
  fi
  local dir="$ROOT/var/redis" port
  mkdir -p "$dir"
  port=$("$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --save "" --appendonly no >/dev/null || die "redis-server did not start (see $dir/redis.log)"
  export REDIS_URL="redis://127.0.0.1:$port/0"
  export LOTOSTATS_PRIVATE_REDIS_PIDFILE="$dir/redis.pid"
  for _ in $(seq 50); do
    "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL" 2>/dev/null && { say "started a private Redis at $REDIS_URL"; return; }
    sleep 0.1
  done
  die "the private redis-server on port $port does not answer (see $dir/redis.log)"
}

stop_private_redis() {
  local pidfile=${LOTOSTATS_PRIVATE_REDIS_PIDFILE:-}
  [ -n "$pidfile" ] && [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
}

# Debian's chromium for the browser tests (report screenshots): install it where missing and root.
# Without it the browser tests skip locally and fail under CI=true; this says why up front.
ensure_chromium() {
  local binary=${CHROMIUM:-}
  if [ -z "$binary" ]; then
    binary=$(command -v chromium || command -v chromium-browser || true)
  fi
  if [ -n "$binary" ] && [ -x "$binary" ]; then
    export CHROMIUM="$binary"
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "chromium is not installed: installing Debian's chromium package (browser tests)"
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then
      export CHROMIUM=$(command -v chromium)
      return
    fi
    say "could not install chromium with apt-get"
  fi
  say "chromium is missing (apt-get install chromium, or set CHROMIUM=/path/to/chromium):" \
      "the browser tests will $([ "${CI:-}" = true ] && echo fail || echo skip)"
}

# The one Dagster instance configuration: deploy/dagster.yaml, or deploy/dagster-postgres.yaml when
# DAGSTER_PG_URL is set, written to $DAGSTER_HOME/dagster.yaml at every start (so new settings reach an
# existing instance). A dagster.yaml there without the "# lotostats:" first line is the user's own: kept.
install_instance_config() {
  mkdir -p "$DAGSTER_HOME"
  local source="$ROOT/deploy/dagster.yaml" target="$DAGSTER_HOME/dagster.yaml"
  if [ -n "${DAGSTER_PG_URL:-}" ]; then
    # SQLAlchemy 2.1 reads postgresql:// as the psycopg 3 driver; the locked driver is psycopg2.
    case "$DAGSTER_PG_URL" in
      postgres://*|postgresql://*) export DAGSTER_PG_URL="postgresql+psycopg2://${DAGSTER_PG_URL#*://}" ;;
    esac
    source="$ROOT/deploy/dagster-postgres.yaml"
  fi
  if [ -f "$target" ] && ! head -1 "$target" | grep -q '^# lotostats:'; then
    say "keeping your own $target (it does not start with '# lotostats:'); the project's is $source"
    return
  fi
  cp "$source" "$target"
}

# Node.js and npm for the web app: use what is installed, else Debian's packages when root.
ensure_node() {
  command -v npm >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "npm is not installed: installing Debian's nodejs and npm packages (the web app)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) \
      || die "could not install nodejs and npm; install Node.js 20 (https://nodejs.org) and try again"
    return 0
  fi
  die "Node.js 20 and npm are needed to build the web app (web/): install them (apt-get install nodejs npm)"
}

# Build the web app (web/dist) when its sources changed: `npm ci` when the lock changed, then `npm run build`.
build_web() {
  local web="$ROOT/web"
  [ -f "$web/package.json" ] || return 0
  ensure_node
  local lock_sum src_sum
  lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$web/node_modules/.lotostats-lock" 2>/dev/null)" != "$lock_sum" ]; then
    say "installing the web app's locked packages (npm ci in web/)"
    (cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) \
      || die "npm ci failed in web/"
    echo "$lock_sum" > "$web/node_modules/.lotostats-lock"
  fi
  # Every file of web/ but what npm, the build and the browser tests write.
  src_sum=$(cd "$web" && find . \( -path ./node_modules -o -path ./dist -o -path ./e2e/artifacts \
    -o -path ./test-results -o -path ./playwright-report \) -prune -o -type f -print \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
  if [ ! -f "$web/dist/index.html" ] || [ "$(cat "$web/node_modules/.lotostats-build" 2>/dev/null)" != "$src_sum" ]; then
    say "building the web app (npm run build in web/)"
    (cd "$web" && npm run build --silent) || die "the web app did not build (npm run build in web/)"
    echo "$src_sum" > "$web/node_modules/.lotostats-build"
  fi
}
