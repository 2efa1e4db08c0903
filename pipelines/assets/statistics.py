"""Daily statistics snapshot: one asset per game.

Per game rather than one asset with Dagster partitions: a partitioned asset makes
``dagster asset materialize --select '*'`` refuse to run without ``--partition``, and that command
must materialise everything. One asset per game gives the same independence (each game
materialises, fails and is checked on its own) and keeps the CLI simple.
"""

from datetime import date

import dagster as dg

from lottery.games import Game
from lottery.stats.models import FullStats
from pipelines.assets.ingest import draws_asset_key
from pipelines.catalog import game_table_asset, game_table_metadata
from pipelines.resources import Warehouse
from warehouse.snapshots import audit_snapshot, write_snapshot

STATS_GROUP = "statistics"
CHECKS = {
    "counts_add_up": "Per window, the number counts sum to k x draws and the bonus counts to b x draws.",
    "frequencies_in_range": "Every frequency lies in [0, 1].",
    "window_counts_match_draws": "Every window's draw count equals a fresh count of the `draws` table.",
}


# The five most and five least drawn numbers over all history in the snapshot just written.
HOT_COLD_SQL = """
    WITH ranked AS (
        SELECT number, count, expected, frequency, current_gap, max_gap, last_drawn,
               row_number() OVER (ORDER BY count DESC, number) AS hot_rank,
               row_number() OVER (ORDER BY count, number) AS cold_rank
        FROM number_stats
        WHERE game = ? AND snapshot_date = ? AND scope = 'all' AND ball = 'number'
    )
    SELECT CASE WHEN hot_rank <= 5 THEN 'most drawn' ELSE 'least drawn' END AS side,
           number, count, round(expected, 1) AS expected, round(frequency, 4) AS frequency,
           current_gap, max_gap, last_drawn
    FROM ranked WHERE hot_rank <= 5 OR cold_rank <= 5
    ORDER BY hot_rank <= 5 DESC, count DESC, number
"""


def headline_markdown(full: FullStats) -> str:
    """Draw count, the fair expectation and the chi-square verdicts, as Markdown prose for the UI."""
    r = full.randomness
    return "\n".join(
        [
            f"### {full.game.value}: {full.draw_count} draws, {full.first_draw.draw_date} → "
            f"{full.last_draw.draw_date}",
            f"- expected count per number under fair draws: {full.numbers[0].expected:.1f}",
            "- most and least drawn numbers: the `preview` table",
            f"- numbers chi-square: X² = {r.numbers.corrected_statistic:.1f} (corrected), "
            f"df = {r.numbers.df}, p = {r.numbers.p_value:.3g}. {r.numbers.verdict}",
            f"- bonus chi-square: X² = {r.bonus.corrected_statistic:.1f}, df = {r.bonus.df}, "
            f"p = {r.bonus.p_value:.3g}. {r.bonus.verdict}",
            f"- data_version `{full.data_version}`",
        ]
    )


def statistics_asset_key(game: Game) -> dg.AssetKey:
    """The asset that holds one game's daily statistics snapshot."""
    return dg.AssetKey(f"{game.value}_statistics")


def build_statistics_asset(game: Game) -> dg.AssetsDefinition:
    """Today's statistics snapshot of ``game``, with its consistency checks."""
    key = statistics_asset_key(game)

    @dg.asset(
        key=key,
        group_name=STATS_GROUP,
        deps=[draws_asset_key(game)],
        kinds={"duckdb", "numpy", "table"},
        **game_table_asset(game, "number_stats"),
        check_specs=[dg.AssetCheckSpec(name, asset=key, description=d) for name, d in CHECKS.items()],
        description=(
            f"Today's {game.value} statistics (quick and full) for all history, every year and year+month "
            "that has draws, and the last 50/100 draws: `stats_snapshots` (JSON payloads, as the API serves "
            "them) and `number_stats` (one row per ball; its columns, this game's row count and the most and "
            "least drawn numbers are shown here). Earlier days are kept. A window whose draws and engine "
            "are those of the latest stored snapshot (`stats_windows`) is taken from it, not recomputed."
        ),
    )
    def _statistics(warehouse: Warehouse) -> dg.MaterializeResult:
        today = date.today()
        with warehouse.connect() as con:
            report = write_snapshot(con, game, today, reuse=True)
            audit = audit_snapshot(con, game, today)
            table = game_table_metadata(con, "number_stats", game, HOT_COLD_SQL, [game.value, today])
        assert report.headline is not None
        checks = {
            "counts_add_up": audit.bad_sums,
            "frequencies_in_range": audit.bad_frequencies,
            "window_counts_match_draws": audit.bad_counts,
        }
        return dg.MaterializeResult(
            metadata={
                "snapshot_date": str(today),
                "scopes": report.scopes,
                **table,
                "payload_rows": report.scopes * 2,
                "windows_computed": report.computed,
                "windows_reused": len(report.reused),
                "reused_from": str(report.reused_from) if report.reused_from else "none",
                "draw_count": report.headline.draw_count,
                "data_version": report.data_version,
                "numbers_chi_square_p": report.headline.randomness.numbers.p_value,
                "summary": dg.MetadataValue.md(headline_markdown(report.headline)),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=name,
                    passed=not problems,
                    metadata={
                        "windows_checked": audit.scopes,
                        "problems": dg.MetadataValue.json(problems[:20]),
                    },
                )
                for name, problems in checks.items()
            ],
        )

    return _statistics
