"""Ingest assets: one per game, loading every FDJ file of that game into the warehouse.

In a run tagged ``lotostats/skip_unchanged`` (the jobs of new files, ``pipelines/fresh.py``), an ingest
that changed nothing (no row inserted, updated or rejected) of a game whose published snapshot already
serves the warehouse's draws produces no materialisation: Dagster then skips every step downstream in
the run (statistics, trends, publish, cache), since there is nothing to recompute. The run succeeds and
its log says why. Other runs (``materialize --select '*'``, the fallback inbox job) always materialise.
"""

from collections.abc import Iterator
from datetime import date

import dagster as dg

from lottery.games import Game
from pipelines.catalog import game_table_asset, game_table_metadata
from pipelines.resources import FdjSource, ServingStore, Warehouse
from serving.snapshot import read_manifest
from warehouse.ingest import IngestResult, ingest_game
from warehouse.statistics import data_version

INGEST_GROUP = "ingest"
SKIP_UNCHANGED_TAG = "lotostats/skip_unchanged"  # set by the jobs of pipelines/fresh.py


def draws_asset_key(game: Game) -> dg.AssetKey:
    """The asset that holds one game's draws."""
    return dg.AssetKey(f"{game.value}_draws")


def files_table(result: IngestResult) -> dg.MetadataValue:
    """One row per file read: its counts and, when refused, why."""
    counts = ("rows_read", "inserted", "updated", "unchanged", "rejected")
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("file", "VARCHAR"),
            *(dg.TableColumn(name, "INTEGER") for name in counts),
            dg.TableColumn("error", "VARCHAR"),
        ]
    )
    records = [
        dg.TableRecord(
            {
                "file": f.file.rsplit("/", 1)[-1],
                **{name: getattr(f, name) for name in counts},
                "error": f.error,
            }
        )
        for f in result.files
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


# The game's last five draws, as the catalog previews them.
LAST_DRAWS_SQL = """
    SELECT draw_date, tirage, numbers, bonus, fdj_draw_id,
           regexp_extract(source_file, '[^/]+$') AS source_file
    FROM draws WHERE game = ? ORDER BY draw_date DESC, tirage DESC LIMIT 5
"""


def nothing_new(result: IngestResult, current_version: str, published_version: str | None) -> bool:
    """Whether an ingest leaves nothing to recompute: no row inserted, updated or rejected, and the
    published snapshot serves the draws the warehouse holds."""
    changed = result.total("inserted") + result.total("updated") + result.total("rejected")
    return not result.failed and changed == 0 and published_version == current_version


def build_ingest_asset(game: Game) -> dg.AssetsDefinition:
    """The asset that loads ``game``'s FDJ files (new draws, revised prizes) into DuckDB."""

    @dg.asset(
        key=draws_asset_key(game),
        group_name=INGEST_GROUP,
        kinds={"duckdb", "python", "table"},
        output_required=False,
        **game_table_asset(game, "draws"),
        description=(
            f"Every {game.value} draw FDJ published, from the configured source: main-formula draws in "
            "`draws`, prize tiers in `prize_tiers`, one `ingest_log` row per file, bad rows in `rejects`."
            + (
                " Also the pre-2008 6/49 formula and the second draw, in their own tables."
                if game == Game.LOTO
                else ""
            )
            + " In the jobs of new files, not materialised when the files hold nothing new and the "
            "published snapshot serves these draws: the steps downstream are then skipped."
        ),
    )
    def _ingest(
        context: dg.AssetExecutionContext, warehouse: Warehouse, fdj_source: FdjSource, serving: ServingStore
    ) -> Iterator[dg.MaterializeResult]:
        with warehouse.connect() as con:
            result = ingest_game(
                con,
                game,
                fdj_source.location,
                run_id=context.run.run_id,
                today=date.today(),
                timeout_s=fdj_source.http_timeout_s,
                limits=fdj_source.limits(),
            )
            first, last = con.execute(
                "SELECT min(draw_date), max(draw_date) FROM draws WHERE game = ?", [game.value]
            ).fetchall()[0]
            table = game_table_metadata(con, "draws", game, LAST_DRAWS_SQL, [game.value])
            version = data_version(con, game)
        manifest = read_manifest(serving.path)
        served = manifest.games.get(game.value) if manifest is not None else None
        published = served.data_version if served is not None else None
        if context.run.tags.get(SKIP_UNCHANGED_TAG) == "true" and nothing_new(result, version, published):
            context.log.info(
                "%s: %d file(s), %d rows read, nothing new (data_version %s is the one published): "
                "no materialisation, nothing downstream to recompute",
                game.value,
                len(result.files),
                result.total("rows_read"),
                version,
            )
            return
        metadata = {
            **table,
            "files": len(result.files),
            "rows_read": result.total("rows_read"),
            "inserted": result.total("inserted"),
            "updated": result.total("updated"),
            "unchanged": result.total("unchanged"),
            "rejected": result.total("rejected"),
            "first_draw": str(first),
            "last_draw": str(last),
            "tables": dg.MetadataValue.json(result.counts),
            "files_read": files_table(result),
            "data_version": version,
        }
        if result.failed:
            problems = "; ".join(f.error or "" for f in result.failed)
            raise dg.Failure(
                description=(
                    f"{len(result.failed)} {game.value} file(s) could not be read or were rejected: "
                    f"{problems}. The {len(result.files) - len(result.failed)} readable file(s) were loaded."
                ),
                metadata=metadata,
            )
        context.log.info(
            "%s: %d files, %d rows read, %d inserted, %d updated, %d rejected",
            game.value,
            len(result.files),
            metadata["rows_read"],
            metadata["inserted"],
            metadata["updated"],
            metadata["rejected"],
        )
        yield dg.MaterializeResult(metadata=metadata)

    return _ingest
