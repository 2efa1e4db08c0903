#!/usr/bin/env bash
# The test command: install everything into .venv, make sure a Redis answers, lint, build the docs, run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k parse -x).
# scripts/test.sh --unit: the quick loop (lint, then the tests not marked slow; no web build, no browser).
# PYTEST_WORKERS: how many pytest-xdist workers (default 3; 0 runs the tests in this one process).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$SECONDS
unit=false
if [ "${1:-}" = "--unit" ]; then
  unit=true
  shift
fi
bootstrap
say "ruff"
# One command per line: under `set -e` a failing command on the left of `&&` would not stop the script.
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "mypy (strict on lottery/)"
"$VENV/bin/mypy" --config-file pyproject.toml
say "docs (mkdocs build --strict: a broken link or a page missing from the nav fails)"
NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict --quiet --site-dir "$ROOT/var/site"
ensure_redis
trap stop_private_redis EXIT
if ! $unit; then
  ensure_chromium
  build_web
  if [ -f web/package.json ]; then
    say "web app unit tests (vitest)"
    (cd web && npm test --silent)
  fi
fi
workers=${PYTEST_WORKERS:-3}
if [ "$workers" != 0 ] && ! command -v redis-server >/dev/null 2>&1; then
  say "redis-server is not installed (each parallel worker starts its own): running the tests in one process"
  workers=0
fi
args=()
if [ "$workers" != 0 ]; then
  args+=(-n "$workers" --dist loadgroup)
fi
if $unit; then
  args+=(-m "not slow")
fi
say "pytest ($workers workers; PYTEST_WORKERS=0 for one process)"
pytest_started=$SECONDS
status=0
"$VENV/bin/pytest" ${args[@]+"${args[@]}"} "$@" || status=$?  # exit 5 (no test ran) fails too
say "pytest took $((SECONDS - pytest_started)) s; the whole command $((SECONDS - started)) s"
exit "$status"
