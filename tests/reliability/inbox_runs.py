"""One inbox file through the real path: the sensor's tick, the ingest run, the run-status sensors."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from config.settings import Settings
from lottery.games import Game
from pipelines.assets.ingest import build_ingest_asset
from pipelines.resources import FdjSource, ServingStore, Warehouse
from pipelines.schedules import INBOX_TAG, build_automation


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def run_inbox_file(inbox: Path, warehouse: Path) -> str:
    """Tick the inbox sensor (one settled file in ``inbox``), run both ingest assets as the request
    says, then the run-status sensor of the outcome. Returns the reason file's text ("" if archived).

    Asserts the tick itself read and moved nothing.
    """
    _, sensors = build_automation(Settings(inbox_dir=inbox))
    by_name = {s.name: s for s in sensors}
    before = _tree(inbox)
    (request,) = list(by_name["fdj_inbox_sensor"](dg.build_sensor_context()))
    assert {k: v for k, v in _tree(inbox).items() if k not in ("archive", "rejected")} == {
        k: v for k, v in before.items() if k not in ("archive", "rejected")
    }
    location = request.run_config["resources"]["fdj_source"]["config"]["location"]
    assert request.tags[INBOX_TAG] == location
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [build_ingest_asset(g) for g in Game],
            resources={
                "warehouse": Warehouse(database=str(warehouse)),
                "fdj_source": FdjSource(location=location),
                "serving": ServingStore(directory=str(warehouse.parent / "serving")),
            },
            instance=instance,
            tags=request.tags,
            raise_on_error=False,
        )
        if result.success:
            (success,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
            context = dg.build_run_status_sensor_context(
                sensor_name="inbox_archive_sensor",
                dagster_event=success.dagster_event,
                dagster_instance=instance,
                dagster_run=result.dagster_run,
            )
            by_name["inbox_archive_sensor"](context)
            return ""
        (failure,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        context = dg.build_run_status_sensor_context(
            sensor_name="inbox_reject_sensor",
            dagster_event=failure.dagster_event,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        by_name["inbox_reject_sensor"](context)
    (reason_file,) = (inbox / "rejected").glob("*.reason.txt")
    return reason_file.read_text()
