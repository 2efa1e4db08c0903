#!/usr/bin/env bash
# The main command: install everything into .venv, then materialise every asset from the shipped
# FDJ data (or FDJ_SOURCE) into var/warehouse.duckdb (or WAREHOUSE_PATH).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bootstrap
export DAGSTER_HOME=${DAGSTER_HOME:-$ROOT/var/dagster}
mkdir -p "$DAGSTER_HOME"
[ -f "$DAGSTER_HOME/dagster.yaml" ] || cp "$ROOT/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"
say "materialising every asset (DAGSTER_HOME=$DAGSTER_HOME)"
"$VENV/bin/dagster" asset materialize -m pipelines.definitions --select '*'
"$PY" -m warehouse.summary
say "done. Browse the assets with: DAGSTER_HOME=$DAGSTER_HOME .venv/bin/dagster dev -w workspace.yaml"
