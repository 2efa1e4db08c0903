"""The catalog an analyst opens: schema, row counts and previews read back from a real Dagster instance."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from config.settings import Settings
from lottery.games import Game
from pipelines.assets.backtest import build_backtest_asset
from pipelines.assets.ingest import build_ingest_asset
from pipelines.assets.serving import SERVING_KEY, serving_snapshot
from pipelines.assets.statistics import build_statistics_asset
from pipelines.catalog import OWNERS
from pipelines.checks import build_ingest_checks
from pipelines.definitions import build_definitions
from pipelines.freshness import build_freshness_checks, build_freshness_sensor
from pipelines.resources import Clock, FdjSource, RedisCache, ServingStore, Warehouse
from tests.serving_fixtures import SHIPPED

pytestmark = pytest.mark.slow  # Dagster materialisations

# The asset of each game writing each table, and how a game's rows of it are counted.
TABLE_ASSETS = {"draws": "draws", "statistics": "number_stats", "backtest": "backtests"}


def table_columns(warehouse: Path, table: str) -> list[tuple[str, str, bool]]:
    """(name, type, nullable) of a table as the warehouse file holds it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [(n, t, null == "YES") for n, t, null, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def schema_columns(schema: dg.TableSchema) -> list[tuple[str, str, bool]]:
    """(name, type, nullable) of a Dagster column schema."""
    return [(c.name, c.type, c.constraints.nullable) for c in schema.columns]


def latest_metadata(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, dg.MetadataValue]:
    """The metadata of an asset's latest materialisation, as stored in the instance."""
    event = instance.get_latest_materialization_event(key)
    assert event is not None, key
    assert event.asset_materialization is not None, key
    return dict(event.asset_materialization.metadata)


def test_every_table_asset_shows_schema_row_count_and_preview(tmp_path: Path, redis_url: str) -> None:
    """Shipped data through ingest, statistics, back-test and serving into a DagsterInstance on disk:
    each table asset's stored materialisation carries the warehouse table's columns, the game's row count
    (equal to a count in the warehouse) and a bounded table preview; definitions carry the same schema."""
    warehouse = tmp_path / "w.duckdb"
    assets = [
        *(build(game) for game in Game for build in (build_ingest_asset, build_statistics_asset)),
        *(build_backtest_asset(game) for game in Game),
        serving_snapshot,
    ]
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = dg.materialize(
            assets,
            instance=instance,
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "fdj_source": FdjSource(location=str(SHIPPED)),
                "serving": ServingStore(directory=str(tmp_path / "serving")),
                "redis_cache": RedisCache(url=redis_url),
            },
            run_config={"ops": {f"{g.value}_backtest": {"config": {"draws": 20, "grids": 2}} for g in Game}},
        )
        assert result.success
        stored = {
            (game, kind): latest_metadata(instance, dg.AssetKey(f"{game.value}_{kind}"))
            for game in Game
            for kind in TABLE_ASSETS
        }
        serving = latest_metadata(instance, SERVING_KEY)

    definitions = {a.key: a for a in assets}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for (game, kind), metadata in stored.items():
            table = TABLE_ASSETS[kind]
            key = dg.AssetKey(f"{game.value}_{kind}")
            columns = table_columns(warehouse, table)
            assert schema_columns(metadata["dagster/column_schema"].value) == columns, key
            definition = definitions[key].metadata_by_key[key]
            assert schema_columns(definition["dagster/column_schema"]) == columns, key
            assert definition["dagster/table_name"] == table
            (count,) = con.execute(f"SELECT count(*) FROM {table} WHERE game = ?", [game.value]).fetchone()
            assert metadata["dagster/row_count"].value == count > 0, key
            preview = metadata["preview"].value
            assert 0 < len(preview.records) <= 10, key
            assert {c.name for c in preview.schema.columns} == set(preview.records[0].data), key

        draws_key = dg.AssetKey("euromillions_draws")
        last = stored[(Game.EUROMILLIONS, "draws")]["preview"].value.records
        expected = con.execute(
            "SELECT draw_date::VARCHAR, array_to_string(numbers, ' ') FROM draws "
            "WHERE game = 'euromillions' ORDER BY draw_date DESC LIMIT 5"
        ).fetchall()
        assert [(r.data["draw_date"], r.data["numbers"]) for r in last] == expected, draws_key
        hot_cold = stored[(Game.LOTO, "statistics")]["preview"].value.records
        assert [r.data["side"] for r in hot_cold] == ["most drawn"] * 5 + ["least drawn"] * 5
        top = con.execute(
            "SELECT count FROM number_stats WHERE game = 'loto' AND scope = 'all' AND ball = 'number' "
            "ORDER BY count DESC LIMIT 1"
        ).fetchone()
        assert hot_cold[0].data["count"] == top[0]
        verdicts = stored[(Game.EUROMILLIONS, "backtest")]["preview"].value.records
        strategies = con.execute(
            "SELECT strategy, verdict FROM backtests WHERE game = 'euromillions' ORDER BY strategy"
        ).fetchall()
        assert [(r.data["strategy"], r.data["verdict"]) for r in verdicts] == strategies
        assert all(r.data["targets"] == 20 for r in verdicts)
        published = {r.data["game"]: r.data["draws"] for r in serving["preview"].value.records}
        assert published == dict(con.execute("SELECT game, count(*) FROM draws GROUP BY game").fetchall())
    ingest_files = stored[(Game.LOTO, "draws")]["files_read"].value.records
    assert sum(r.data["rows_read"] for r in ingest_files) > 0
    assert all(r.data["rejected"] == 0 and r.data["error"] is None for r in ingest_files)


def test_every_asset_has_a_description_owners_kinds_and_a_group() -> None:
    """What the catalog lists next to each asset's name."""
    repo = build_definitions().get_repository_def()
    for key, assets_def in repo.assets_defs_by_key.items():
        spec = assets_def.specs_by_key[key]
        assert len(spec.description or "") > 40, key
        assert list(spec.owners) == OWNERS, key
        assert spec.kinds, key
        assert spec.group_name != "default", key


def materialise_with_clock(
    fixture_dir: Path, warehouse: Path, now: str, instance: dg.DagsterInstance | None = None
) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    """Ingest and statistics of both games on the excerpts, with every check, at the clock's ``now``."""
    assets = [build(game) for game in Game for build in (build_ingest_asset, build_statistics_asset)]
    checks = [
        c for game in Game for build in (build_ingest_checks, build_freshness_checks) for c in build(game)
    ]
    result = dg.materialize(
        [*assets, *checks],
        instance=instance,
        resources={
            "warehouse": Warehouse(database=str(warehouse)),
            "fdj_source": FdjSource(location=str(fixture_dir)),
            "serving": ServingStore(directory=str(warehouse.parent / "serving")),
            "clock": Clock(now=now),
        },
    )
    assert result.success
    return {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}


def test_draws_fresh_passes_when_the_last_draw_is_the_latest_due(fixture_dir: Path, tmp_path: Path) -> None:
    """Excerpts: EuroMillions ends Tuesday 2026-05-19; on Wednesday it is the latest due draw."""
    checks = materialise_with_clock(fixture_dir, tmp_path / "w.duckdb", "2026-05-20T12:00:00+02:00")
    fresh = checks[("euromillions_draws", "draws_fresh")]
    assert fresh.passed, fresh.description
    assert fresh.metadata["missed_draws"].value == 0
    assert fresh.metadata["latest_due_draw"].value == "2026-05-19"
    # Until Saturday 00:00 in Paris, when Friday's draw becomes due.
    saturday = datetime(2026, 5, 23, tzinfo=ZoneInfo("Europe/Paris"))
    assert fresh.metadata["dagster/fresh_until_timestamp"].value == saturday.timestamp()
    # The Loto excerpt ends 2025-05-14: a year of draws missed, named.
    stale = checks[("loto_draws", "draws_fresh")]
    assert (stale.passed, stale.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert stale.description.startswith(
        "158 loto draw(s) due by 2026-05-20 missing after its last draw of 2025-05-14: "
        "2025-05-17, 2025-05-19, 2025-05-21, 2025-05-24, …, 2026-05-18"
    )


def test_draws_fresh_fails_naming_the_missed_draws(fixture_dir: Path, tmp_path: Path) -> None:
    """A week later the three EuroMillions draws after 2026-05-19 are missing, each named; statistics
    computed today are fresh today, stale three days later."""
    warehouse = tmp_path / "w.duckdb"
    checks = materialise_with_clock(fixture_dir, warehouse, "2026-05-30T09:00:00+02:00")
    stale = checks[("euromillions_draws", "draws_fresh")]
    assert (stale.passed, stale.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert stale.description == (
        "3 euromillions draw(s) due by 2026-05-30 missing after its last draw of 2026-05-19: "
        "2026-05-22, 2026-05-26, 2026-05-29 (draws on Tuesday, Friday, due the day after)."
    )
    assert stale.metadata["missed_dates"].value == ["2026-05-22", "2026-05-26", "2026-05-29"]
    assert "dagster/fresh_until_timestamp" not in stale.metadata
    # The other checks still ran and passed: a stale draw table blocks nothing.
    assert checks[("euromillions_draws", "draws_obey_rules")].passed

    today = date.today()
    fresh = materialise_with_clock(fixture_dir, warehouse, f"{today}T12:00:00+01:00")
    assert fresh[("euromillions_statistics", "statistics_fresh")].passed
    later = today + timedelta(days=3)
    old = materialise_with_clock(fixture_dir, warehouse, f"{later}T12:00:00+01:00")
    stats = old[("euromillions_statistics", "statistics_fresh")]
    assert (stats.passed, stats.metadata["age_days"].value) == (False, 3)
    assert (
        stats.description
        == f"The latest euromillions statistics snapshot is 3 days old on {later} ({today})."
    )


def test_freshness_sensor_asks_only_for_checks_that_can_have_changed(
    fixture_dir: Path, tmp_path: Path
) -> None:
    """After a run: a passing check waits for its fresh-until instant, a failing one for a new
    materialisation; checks never run are requested."""
    defs = build_definitions()
    sensor = defs.resolve_sensor_def("freshness_checks_sensor")
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        first = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
        assert isinstance(first, dg.RunRequest)
        assert {k.to_user_string() for k in first.asset_check_keys} == {
            f"{g.value}_{asset}:{check}"
            for g in Game
            for asset, check in (("draws", "draws_fresh"), ("statistics", "statistics_fresh"))
        }
        checks = materialise_with_clock(fixture_dir, tmp_path / "w.duckdb", "", instance=instance)
        assert not checks[("euromillions_draws", "draws_fresh")].passed  # the excerpts end in 2026-05
        assert checks[("euromillions_statistics", "statistics_fresh")].passed
        after = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
    assert isinstance(after, dg.SkipReason), after


def test_freshness_sensor_runs_only_where_automation_is_enabled() -> None:
    """Like every schedule and sensor: STOPPED by default, RUNNING with AUTOMATION_ENABLED."""
    checks = [c for game in Game for c in build_freshness_checks(game)]
    off = build_freshness_sensor(checks, Settings())
    on = build_freshness_sensor(checks, Settings(automation_enabled=True))
    assert (off.default_status, on.default_status) == (
        dg.DefaultSensorStatus.STOPPED,
        dg.DefaultSensorStatus.RUNNING,
    )
    assert on.minimum_interval_seconds == 600
