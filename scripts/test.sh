#!/usr/bin/env bash
# The test command: install everything into .venv, make sure a Redis answers, lint, run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k parse -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
ensure_redis
trap stop_private_redis EXIT
say "ruff"
"$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check .
say "pytest"
"$VENV/bin/pytest" "$@"
