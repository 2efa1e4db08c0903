#!/usr/bin/env bash
# The test command: install everything into .venv, make sure a Redis answers, lint, run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k parse -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
say "ruff"
# One command per line: under `set -e` a failing command on the left of `&&` would not stop the script.
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy" --config-file pyproject.toml
ensure_redis
trap stop_private_redis EXIT
ensure_chromium
build_web
if [ -f web/package.json ]; then
  say "web app unit tests (vitest)"
  (cd web && npm test --silent)
fi
say "pytest"
"$VENV/bin/pytest" "$@"
