#!/usr/bin/env bash
# The main command: install everything into .venv, then bring the whole platform up in the foreground
# (scripts/supervise.py): Redis (REDIS_URL, or a private one), the first materialisation of every asset
# from the shipped FDJ data if nothing is published yet, the Dagster UI and daemon (schedules, inbox
# sensor), the API and a Celery worker. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
build_web
export DAGSTER_HOME=${DAGSTER_HOME:-$ROOT/var/dagster}
install_instance_config
exec "$PY" "$ROOT/scripts/supervise.py"
