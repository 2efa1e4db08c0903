"""Asset checks on the ingested draws."""

import dagster as dg

from lottery.games import Game
from pipelines.assets.ingest import draws_asset_key
from pipelines.resources import Warehouse
from warehouse import quality

_SHOWN = 20  # rows of evidence shown in a failing check's metadata


def _sample(rows: list) -> dg.MetadataValue:
    return dg.MetadataValue.md(
        "\n".join(f"- {' · '.join(str(x) for x in row)}" for row in rows[:_SHOWN]) or "none"
    )


def build_ingest_checks(game: Game) -> list[dg.AssetChecksDefinition]:
    """Checks that ``game``'s draws obey the rules, are unique, complete and fully accounted for."""
    key = draws_asset_key(game)

    @dg.asset_check(
        asset=key,
        name="draws_obey_rules",
        blocking=True,
        description="Every main-formula draw obeys its era's ranges, distinct balls and draw days.",
    )
    def draws_obey_rules(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            bad = quality.rule_violations(con, game)
        return dg.AssetCheckResult(
            passed=not bad, metadata={"violations": len(bad), "examples": _sample(bad)}
        )

    @dg.asset_check(
        asset=key,
        name="no_duplicate_draws",
        blocking=True,
        description="One row per game, date (and tirage) in every draw table.",
    )
    def no_duplicate_draws(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            dups = quality.duplicate_draws(con, game)
        return dg.AssetCheckResult(
            passed=not dups, metadata={"duplicates": len(dups), "examples": _sample(dups)}
        )

    @dg.asset_check(
        asset=key,
        name="row_count_never_shrinks",
        description="No draw table holds fewer rows than after the previous ingest.",
    )
    def row_count_never_shrinks(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            shrunk = quality.shrunk_tables(con, game)
        return dg.AssetCheckResult(
            passed=not shrunk,
            metadata={
                "shrunk": dg.MetadataValue.json({k: {"before": a, "now": b} for k, (a, b) in shrunk.items()})
            },
        )

    @dg.asset_check(
        asset=key,
        name="no_rejected_rows",
        description="The latest ingest rejected no row (rejects are kept in the `rejects` table).",
    )
    def no_rejected_rows(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            rejects = quality.latest_rejects(con, game)
            unbalanced = quality.unbalanced_ingests(con, game)
        return dg.AssetCheckResult(
            passed=not rejects and not unbalanced,
            severity=dg.AssetCheckSeverity.ERROR if unbalanced else dg.AssetCheckSeverity.WARN,
            metadata={
                "rejected_rows": len(rejects),
                "examples": _sample(rejects),
                "unbalanced_ingest_log_rows": len(unbalanced),
            },
        )

    return [draws_obey_rules, no_duplicate_draws, row_count_never_shrinks, no_rejected_rows]
