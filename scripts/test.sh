#!/usr/bin/env bash
# The test command: install everything into .venv, make sure a Redis answers, lint, build the docs, run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k parse -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
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
ensure_chromium
build_web
if [ -f web/package.json ]; then
  say "web app unit tests (vitest)"
  (cd web && npm test --silent)
fi
say "pytest"
"$VENV/bin/pytest" "$@"
