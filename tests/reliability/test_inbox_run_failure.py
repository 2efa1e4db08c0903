"""A file that passes the sensor's check but is rejected at load time (its rows contradict the warehouse):
the run fails, nothing of it is loaded, and the file goes to rejected/ with the whole-file reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from lottery.games import Game
from pipelines.assets.ingest import build_ingest_asset
from pipelines.resources import FdjSource, Warehouse
from pipelines.schedules import INBOX_TAG, build_automation
from tests.conftest import FIXTURES, fixture_bytes
from tests.rows import FdjCsv
from warehouse.ingest import ingest_game
from warehouse.settings import Settings


def conflicting_export() -> bytes:
    """FDJ's newest EuroMillions excerpt with other balls on 3 of its 5 first (already loaded) dates."""
    csv = FdjCsv.from_bytes(fixture_bytes("euromillions/euromillions_202002.csv"))
    for row in range(3):
        balls = [int(csv.field(row, f"boule_{i}")) for i in range(1, 6)]
        other = next(n for n in range(1, 51) if n not in balls)
        combination = "-".join(str(n) for n in sorted([other, *balls[1:]]))
        csv = csv.with_row(
            row,
            csv.edited(
                row, {"boule_1": str(other), "boules_gagnantes_en_ordre_croissant": f"-{combination}-"}
            ),
        )
    return csv.head(5).to_bytes()


def test_load_time_rejection_fails_the_run_and_rejects_the_inbox_file(tmp_path: Path) -> None:
    """Sensor claims it (rows parse), the run fails on the conflicts, the reject sensor files it with why."""
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ingest_game(con, Game.EUROMILLIONS, str(FIXTURES))
        before = con.execute("SELECT count(*), sum(hash(draw_date, numbers)) FROM draws").fetchone()
    inbox = tmp_path / "inbox"
    settings = Settings(inbox_dir=inbox)
    inbox.mkdir()
    (inbox / "euromillions_202002.csv").write_bytes(conflicting_export())
    shutil.os.utime(inbox / "euromillions_202002.csv", (0, 0))
    _, sensors = build_automation(settings)
    by_name = {s.name: s for s in sensors}
    (request,) = list(by_name["fdj_inbox_sensor"](dg.build_sensor_context()))
    location = request.run_config["resources"]["fdj_source"]["config"]["location"]

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [build_ingest_asset(Game.EUROMILLIONS)],
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "fdj_source": FdjSource(location=location),
            },
            instance=instance,
            tags=request.tags,
            raise_on_error=False,
        )
        assert not result.success
        (failure,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        context = dg.build_run_status_sensor_context(
            sensor_name="inbox_reject_sensor",
            dagster_event=failure.dagster_event,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        by_name["inbox_reject_sensor"](context)

    assert request.tags[INBOX_TAG] == location
    assert not Path(location).exists()
    (rejected,) = (inbox / "rejected").glob("*euromillions_202002.csv")
    reason = rejected.with_name(rejected.name + ".reason.txt").read_text()
    assert "rejected as a whole, 3 of 5 rows are bad" in reason
    assert "conflicts with the loaded main draw of" in reason
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("SELECT count(*), sum(hash(draw_date, numbers)) FROM draws").fetchone() == before
