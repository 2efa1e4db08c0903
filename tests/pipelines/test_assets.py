"""The Dagster ingest assets and their checks, materialised in-process against real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from lottery.games import Game
from pipelines.assets.ingest import build_ingest_asset
from pipelines.checks import build_ingest_checks
from pipelines.definitions import build_definitions
from pipelines.resources import FdjSource, ServingStore, Warehouse
from tests.rows import FdjCsv

pytestmark = pytest.mark.slow  # Dagster materialisations

ASSETS = [build_ingest_asset(game) for game in Game]
CHECKS = [check for game in Game for check in build_ingest_checks(game)]
CHECK_NAMES = {"draws_obey_rules", "no_duplicate_draws", "row_count_never_shrinks", "no_rejected_rows"}
EM_OPEN = "euromillions/euromillions_202002.csv"


def materialise(source: Path, warehouse: Path) -> dg.ExecuteInProcessResult:
    """Both ingest assets and their 8 checks, without raising on failure."""
    return dg.materialize(
        [*ASSETS, *CHECKS],
        resources={
            "warehouse": Warehouse(database=str(warehouse)),
            "fdj_source": FdjSource(location=str(source)),
            "serving": ServingStore(directory=str(warehouse.parent / "serving")),
        },
        raise_on_error=False,
    )


def evaluations(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    """Check evaluations by (asset, check name)."""
    return {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}


def row_count(result: dg.ExecuteInProcessResult, asset: str) -> int:
    """The dagster/row_count the asset reported."""
    (event,) = result.asset_materializations_for_node(asset)
    return int(event.metadata["dagster/row_count"].value)


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Read the warehouse after a run."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_excerpts_materialise_and_every_check_passes(fixture_dir: Path, tmp_path: Path) -> None:
    """Both assets succeed; all 8 checks run and pass; the warehouse holds every excerpt draw."""
    warehouse = tmp_path / "var" / "w.duckdb"
    result = materialise(fixture_dir, warehouse)
    assert result.success
    checks = evaluations(result)
    assert set(checks) == {(f"{g.value}_draws", name) for g in Game for name in CHECK_NAMES}
    assert all(e.passed for e in checks.values())
    assert (row_count(result, "euromillions_draws"), row_count(result, "loto_draws")) == (23, 14)
    assert query(warehouse, "SELECT game, count(*) FROM draws GROUP BY game ORDER BY game") == [
        ("euromillions", 23),
        ("loto", 14),
    ]
    assert query(warehouse, "SELECT count(*) FROM loto_6_49_draws") == [(5,)]
    assert query(warehouse, "SELECT count(*) FROM loto_second_draws") == [(5,)]
    assert query(warehouse, "SELECT count(DISTINCT run_id), count(*) FROM ingest_log") == [(1, 12)]


def test_rejected_row_fails_no_rejected_rows_with_warn(fixture_dir: Path, tmp_path: Path) -> None:
    """A broken row: the run still succeeds, no_rejected_rows fails as a WARN, the row is in rejects."""
    path = fixture_dir / EM_OPEN
    csv = FdjCsv.from_bytes(path.read_bytes())
    bad = csv.edited(0, {"etoile_1": "13", "etoiles_gagnantes_en_ordre_croissant": "-2-13-"})
    path.write_bytes(csv.with_row(0, bad).to_bytes())
    warehouse = tmp_path / "w.duckdb"
    result = materialise(fixture_dir, warehouse)
    assert result.success
    checks = evaluations(result)
    failed = checks[("euromillions_draws", "no_rejected_rows")]
    assert (failed.passed, failed.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert failed.metadata["rejected_rows"].value == 1
    assert [key for key, e in checks.items() if not e.passed] == [("euromillions_draws", "no_rejected_rows")]
    assert query(warehouse, "SELECT file, line_no, raw_line, reason FROM rejects") == [
        (str(path), 2, bad, "bonus ball 13 outside 1..12 (rules in force on 2026-05-19)")
    ]
    assert row_count(result, "euromillions_draws") == 22


def test_unreadable_file_fails_the_step_after_loading_the_good_files(
    fixture_dir: Path, tmp_path: Path
) -> None:
    """An empty euromillions_x.csv: the EuroMillions step fails naming it; the good files are loaded."""
    empty = fixture_dir / "euromillions" / "euromillions_x.csv"
    empty.write_bytes(b"")
    warehouse = tmp_path / "w.duckdb"
    result = materialise(fixture_dir, warehouse)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == "euromillions_draws"
    message = failure.step_failure_data.error.message
    assert f"{empty}: file is empty" in message
    assert "1 euromillions file(s) could not be read" in message
    assert query(warehouse, "SELECT game, count(*) FROM draws GROUP BY game ORDER BY game") == [
        ("euromillions", 23),
        ("loto", 14),
    ]
    assert query(warehouse, "SELECT file, status FROM ingest_log WHERE status = 'failed'") == [
        (str(empty), "failed")
    ]
    checks = evaluations(result)
    assert {asset for asset, _ in checks} == {"loto_draws"}
    assert all(e.passed for e in checks.values())


def test_row_count_never_shrinks_after_draws_disappear(fixture_dir: Path, tmp_path: Path) -> None:
    """Draws deleted from the warehouse while their file left the source: the next run reports the shrink."""
    warehouse = tmp_path / "w.duckdb"
    assert materialise(fixture_dir, warehouse).success
    old_file = fixture_dir / "euromillions" / "euromillions.csv"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM draws WHERE source_file = ?", [str(old_file)])
    old_file.unlink()
    result = materialise(fixture_dir, warehouse)
    shrink = evaluations(result)[("euromillions_draws", "row_count_never_shrinks")]
    assert (shrink.passed, shrink.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert shrink.metadata["shrunk"].value == {"main": {"before": 23, "now": 19}}
    assert evaluations(result)[("loto_draws", "row_count_never_shrinks")].passed


def test_tampered_draw_fails_the_blocking_rules_check(fixture_dir: Path, tmp_path: Path) -> None:
    """A stored draw that breaks its era's rules is caught on the next run."""
    warehouse = tmp_path / "w.duckdb"
    assert materialise(fixture_dir, warehouse).success
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE draws SET balls_drawn = [17, 17, 33, 35, 47] WHERE draw_date = '2006-03-24'")
    result = materialise(fixture_dir, warehouse)
    rules = evaluations(result)[("euromillions_draws", "draws_obey_rules")]
    assert (rules.passed, rules.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert rules.metadata["violations"].value == 1
    assert "2006-03-24" in rules.metadata["examples"].value


def test_unbalanced_ingest_log_is_an_error(fixture_dir: Path, tmp_path: Path) -> None:
    """A log row whose counts do not add up turns no_rejected_rows into an ERROR."""
    warehouse = tmp_path / "w.duckdb"
    with Warehouse(database=str(warehouse)).connect() as con:
        con.execute(
            "INSERT INTO ingest_log (game, file, rows_read, rows_inserted, status, started_at, finished_at) "
            "VALUES ('loto', 'odd.csv', 10, 9, 'ok', now(), now())"
        )
    result = materialise(fixture_dir, warehouse)
    check = evaluations(result)[("loto_draws", "no_rejected_rows")]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert check.metadata["unbalanced_ingest_log_rows"].value == 1
    assert evaluations(result)[("euromillions_draws", "no_rejected_rows")].passed


def test_definitions_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """WAREHOUSE_PATH, FDJ_SOURCE and HTTP_TIMEOUT_S configure the resources; both ingest assets, 8 checks
    and their freshness check."""
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("FDJ_SOURCE", "http://127.0.0.1:1/loto.zip")
    monkeypatch.setenv("HTTP_TIMEOUT_S", "7.5")
    defs = build_definitions()
    resources = defs.resources or {}
    assert resources["warehouse"].database == str(tmp_path / "w.duckdb")
    assert (resources["fdj_source"].location, resources["fdj_source"].http_timeout_s) == (
        "http://127.0.0.1:1/loto.zip",
        7.5,
    )
    graph = defs.resolve_asset_graph()
    assert {"euromillions_draws", "loto_draws"} <= {k.to_user_string() for k in graph.get_all_asset_keys()}
    ingest_checks = {
        (k.asset_key.to_user_string(), k.name)
        for k in graph.asset_check_keys
        if k.asset_key.to_user_string().endswith("_draws")
    }
    assert ingest_checks == {
        (f"{g.value}_draws", name) for g in Game for name in {*CHECK_NAMES, "draws_fresh"}
    }
    assert not (tmp_path / "w.duckdb").exists()
