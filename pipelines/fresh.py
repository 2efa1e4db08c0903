"""What a new FDJ file of one game recomputes: the path from a dropped or downloaded file to a HIT.

A file of one game (its name says which: ``euromillions_*.csv``, ``loto*.zip``) runs that game's
ingest, statistics and trends, then the serving snapshot and the cache warm-up: everything the API
serves that depends on the draws. The other game is not recomputed. The back-test and the weekly
report are not on this path: they are dated (the back-test names the draws it covers) and follow
their weekly schedule, which reads the draws of the day it runs.

Runs of these jobs carry :data:`SKIP_UNCHANGED_TAG`: an ingest that finds nothing new then produces no
materialisation, and Dagster skips every step after it (``pipelines/assets/ingest.py``).
"""

from __future__ import annotations

import dagster as dg

from lottery.games import Game
from pipelines.assets.ingest import SKIP_UNCHANGED_TAG, draws_asset_key
from pipelines.assets.serving import SERVING_KEY
from pipelines.assets.statistics import statistics_asset_key
from pipelines.assets.trends import trends_asset_key

__all__ = ["INBOX_JOBS", "SKIP_UNCHANGED_TAG", "build_fresh_job", "fresh_selection", "inbox_job_name"]
CACHE_WARM_KEY = dg.AssetKey("cache_warm")


def fresh_selection(game: Game) -> dg.AssetSelection:
    """``game``'s ingest, statistics and trends, the serving snapshot and the cache warm-up."""
    return dg.AssetSelection.assets(
        draws_asset_key(game), statistics_asset_key(game), trends_asset_key(game), SERVING_KEY, CACHE_WARM_KEY
    )


def inbox_job_name(game: Game) -> str:
    """The job that serves one inbox file of ``game``."""
    return f"inbox_{game.value}_job"


def build_fresh_job(name: str, game: Game, description: str) -> dg.UnresolvedAssetJobDefinition:
    """A job over :func:`fresh_selection` whose runs skip what an unchanged ingest leaves as it was."""
    return dg.define_asset_job(
        name, selection=fresh_selection(game), tags={SKIP_UNCHANGED_TAG: "true"}, description=description
    )


INBOX_JOBS: dict[Game, dg.UnresolvedAssetJobDefinition] = {
    game: build_fresh_job(
        inbox_job_name(game),
        game,
        f"One inbox file of {game.value}: its ingest, statistics, trends, the serving snapshot, the cache.",
    )
    for game in Game
}
