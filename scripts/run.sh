#!/usr/bin/env bash
# The main command: install everything into .venv, then bring the whole platform up in the foreground
# (scripts/supervise.py): Redis (REDIS_URL, or a private one), the first materialisation of every asset
# from the shipped FDJ data if nothing is published yet, the Dagster UI and daemon (schedules, inbox
# sensor), the API and a Celery worker. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
export DAGSTER_HOME=${DAGSTER_HOME:-$ROOT/var/dagster}
mkdir -p "$DAGSTER_HOME"
# Production profile: a Postgres-backed instance when DAGSTER_PG_URL is set (see docs/deployment.md).
if [ -n "${DAGSTER_PG_URL:-}" ]; then
  # SQLAlchemy 2.1 reads postgresql:// as the psycopg 3 driver; the locked driver is psycopg2.
  case "$DAGSTER_PG_URL" in
    postgres://*|postgresql://*) export DAGSTER_PG_URL="postgresql+psycopg2://${DAGSTER_PG_URL#*://}" ;;
  esac
  cp "$ROOT/deploy/dagster-postgres.yaml" "$DAGSTER_HOME/dagster.yaml"
elif [ ! -f "$DAGSTER_HOME/dagster.yaml" ]; then
  cp "$ROOT/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"
fi
exec "$PY" "$ROOT/scripts/supervise.py"
