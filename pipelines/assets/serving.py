"""Publishing: the serving snapshot the API reads, the Redis cache warm-up, and the nightly clean-up."""

from pathlib import Path

import dagster as dg
import redis

from lottery.games import Game
from pipelines.assets.backtest import backtest_asset_key
from pipelines.assets.ingest import draws_asset_key
from pipelines.assets.statistics import statistics_asset_key
from pipelines.assets.trends import trends_asset_key
from pipelines.catalog import DUCKDB_POOL, OWNERS
from pipelines.resources import RedisCache, ServingStore, Warehouse
from serving import cache
from serving.snapshot import Manifest, precomputed_entries, publish, read_manifest, snapshot_entries

SERVING_GROUP = "serving"
SERVING_KEY = dg.AssetKey("serving_snapshot")


def manifest_table(manifest: Manifest) -> dg.MetadataValue:
    """What the published snapshot holds, one row per game."""
    columns = {"game": "VARCHAR", "draws": "INTEGER", "first_draw": "DATE", "last_draw": "DATE"}
    schema = dg.TableSchema(
        columns=[
            *(dg.TableColumn(n, t) for n, t in columns.items()),
            dg.TableColumn("data_version", "VARCHAR"),
        ]
    )
    records = [
        dg.TableRecord(
            {
                "game": game,
                "draws": m.draw_count,
                "first_draw": m.first_draw,
                "last_draw": m.last_draw,
                "data_version": m.data_version,
            }
        )
        for game, m in manifest.games.items()
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


@dg.asset(
    key=SERVING_KEY,
    group_name=SERVING_GROUP,
    deps=[
        *(draws_asset_key(g) for g in Game),
        *(statistics_asset_key(g) for g in Game),
        *(backtest_asset_key(g) for g in Game),
        *(trends_asset_key(g) for g in Game),
    ],
    kinds={"duckdb", "redis"},
    owners=OWNERS,
    pool=DUCKDB_POOL,
    description=(
        "An immutable, read-only copy of what the API serves (draws, prize tiers, today's statistics "
        "payloads, latest back-tests), published atomically under SERVING_DIR with a manifest of each game's "
        "data_version, after warming Redis for it. The API never opens the warehouse Dagster writes."
    ),
)
def serving_snapshot(
    context: dg.AssetExecutionContext, warehouse: Warehouse, serving: ServingStore, redis_cache: RedisCache
) -> dg.MaterializeResult:
    """Copy the served tables into a new file, warm the cache for it, then switch the manifest to it."""
    warmed = 0

    def prewarm(new_file: Path) -> None:
        nonlocal warmed
        client = redis_cache.client()
        try:
            warmed = cache.warm(client, snapshot_entries(new_file, redis_cache.settings()))
        except redis.RedisError as exc:  # publishing must not wait for Redis: the API can serve without it
            context.log.warning(
                "cache not warmed before the switch (Redis: %s); the API computes on a miss", exc
            )
        finally:
            client.close()

    with warehouse.connect() as con:
        manifest = publish(con, serving.path, run_id=context.run.run_id, before_switch=prewarm)
    return dg.MaterializeResult(
        metadata={
            "file": manifest.snapshot,
            "prewarmed_entries": warmed,
            "serving_dir": serving.directory,
            "data_versions": dg.MetadataValue.json({g: m.data_version for g, m in manifest.games.items()}),
            "preview": manifest_table(manifest),
        }
    )


@dg.asset(
    group_name=SERVING_GROUP,
    deps=[SERVING_KEY],
    kinds={"redis"},
    owners=OWNERS,
    description=(
        "Writes every precomputed quick and full stats payload (all history, every year and year+month, "
        "last 50/100, both games) into Redis under keys carrying the data_version, with their TTLs, so the "
        "app's first request is a HIT."
    ),
)
def cache_warm(serving: ServingStore, redis_cache: RedisCache) -> dg.MaterializeResult:
    """Fill the cache from the published snapshot."""
    try:
        entries = precomputed_entries(serving.path, redis_cache.settings())
    except FileNotFoundError as exc:
        raise dg.Failure(str(exc)) from exc
    client = redis_cache.client()
    try:
        written = cache.warm(client, entries)
    except redis.RedisError as exc:
        raise dg.Failure(f"Redis at {redis_cache.url} did not take the cache warm-up: {exc}") from exc
    finally:
        client.close()
    return dg.MaterializeResult(metadata={"entries_written": written})


@dg.op(description="Delete cache entries of superseded data versions and report what was removed.")
def cache_cleanup_op(context: dg.OpExecutionContext, serving: ServingStore, redis_cache: RedisCache) -> dict:
    """Keep only the entries of the data versions in the published manifest."""
    manifest = read_manifest(serving.path)
    if manifest is None:
        context.log.info("no serving snapshot published yet: nothing to compare against, nothing removed")
        return {}
    current = {g: m.data_version for g, m in manifest.games.items()}
    client = redis_cache.client()
    try:
        removed = cache.cleanup(client, current)
    finally:
        client.close()
    context.log.info(
        "removed %s superseded cache entries (%s); kept versions %s", sum(removed.values()), removed, current
    )
    context.add_output_metadata(
        {"removed": dg.MetadataValue.json(removed), "kept_versions": dg.MetadataValue.json(current)}
    )
    return removed
