#!/usr/bin/env bash
# The main command: install everything into .venv, make sure a Redis answers, then materialise every
# asset from the shipped FDJ data (or FDJ_SOURCE): the warehouse var/warehouse.duckdb (WAREHOUSE_PATH),
# today's statistics, the serving snapshot under var/serving (SERVING_DIR) and the warmed Redis cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
ensure_redis
export DAGSTER_HOME=${DAGSTER_HOME:-$ROOT/var/dagster}
mkdir -p "$DAGSTER_HOME"
[ -f "$DAGSTER_HOME/dagster.yaml" ] || cp "$ROOT/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"
say "materialising every asset (DAGSTER_HOME=$DAGSTER_HOME)"
"$VENV/bin/dagster" asset materialize -m pipelines.definitions --select '*'
"$PY" -m warehouse.summary
say "done. Browse the assets: DAGSTER_HOME=$DAGSTER_HOME .venv/bin/dagster dev -w workspace.yaml"
say "serve the API:  REDIS_URL=$REDIS_URL .venv/bin/uvicorn api.main:app  (docs at http://127.0.0.1:8000/docs)"
