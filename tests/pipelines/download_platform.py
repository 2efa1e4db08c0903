"""The code location as ``dagster dev`` loads it, configured by environment for one download test, with a
Dagster instance (ephemeral, or a real ``DAGSTER_HOME`` for the CLI), ticked and run as the daemon does."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from lottery.games import Game
from pipelines.definitions import build_definitions
from pipelines.download import download_job_name
from tests.conftest import PROJECT_ROOT
from tests.pipelines.archive_server import EM_MEMBER
from warehouse.ingest import ingest_game

EM_SCHEDULE = "fdj_download_euromillions_schedule"
TUESDAY_EVENING = datetime(2026, 5, 19, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))


class Platform:
    """Settings in the environment (as scripts/run.sh passes them), the definitions, an instance."""

    def __init__(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, *, home: Path | None = None
    ) -> None:
        self.tmp = tmp_path
        self.warehouse = tmp_path / "var" / "warehouse.duckdb"
        self.downloads = tmp_path / "var" / "downloads"
        self.env = {
            "WAREHOUSE_PATH": str(self.warehouse),
            "SERVING_DIR": str(tmp_path / "var" / "serving"),
            "REPORTS_DIR": str(tmp_path / "reports"),
            "INBOX_DIR": str(tmp_path / "var" / "inbox"),
            "FDJ_DOWNLOAD_DIR": str(self.downloads),
            "FDJ_DOWNLOAD_TIMEOUT_S": "1.5",
            "REDIS_URL": redis_url,
        }
        if home is not None:  # a real instance, as scripts/run.sh makes it
            home.mkdir(parents=True, exist_ok=True)
            shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
            self.env["DAGSTER_HOME"] = str(home)
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)
        self.monkeypatch = monkeypatch
        self.instance = (
            dg.DagsterInstance.from_config(str(home)) if home is not None else dg.DagsterInstance.ephemeral()
        )

    def point_at(self, euromillions: str, loto: str = "") -> dg.Definitions:
        """Definitions whose download URLs are these (as FDJ_DOWNLOAD_URL_* would set them)."""
        self.env.update(FDJ_DOWNLOAD_URL_EUROMILLIONS=euromillions, FDJ_DOWNLOAD_URL_LOTO=loto)
        self.monkeypatch.setenv("FDJ_DOWNLOAD_URL_EUROMILLIONS", euromillions)
        self.monkeypatch.setenv("FDJ_DOWNLOAD_URL_LOTO", loto)
        return build_definitions()

    def tick(self, defs: dg.Definitions, name: str = EM_SCHEDULE):
        """One tick of a download schedule, as the daemon evaluates it."""
        schedule = defs.resolve_schedule_def(name)
        with dg.build_schedule_context(
            instance=self.instance, scheduled_execution_time=TUESDAY_EVENING
        ) as context:
            return schedule.evaluate_tick(context)

    def run(
        self,
        defs: dg.Definitions,
        request: dg.RunRequest,
        *,
        only_ingest: bool = False,
        game: Game = Game.EUROMILLIONS,
    ) -> dg.ExecuteInProcessResult:
        """The run the request asks for: the registered job, its config and tags, real resources
        (``only_ingest``: the job's first asset alone, where what follows it is not under test)."""
        job = defs.resolve_job_def(download_job_name(game))
        return job.execute_in_process(
            run_config=request.run_config,
            tags=request.tags,
            instance=self.instance,
            raise_on_error=False,
            asset_selection=[dg.AssetKey(f"{game.value}_draws")] if only_ingest else None,
        )

    def load(self, csv: bytes, name: str = EM_MEMBER, game: Game = Game.EUROMILLIONS) -> None:
        """What the warehouse held before: an export loaded from a file (as the inbox would)."""
        path = self.tmp / "loaded" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv)
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(self.warehouse)) as con:
            assert not ingest_game(con, game, str(path)).failed

    def query(self, sql: str) -> list[tuple]:
        """Read the warehouse."""
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    def state(self) -> tuple:
        """Everything a download may change: draws, prize tiers, the ingest log."""
        return (
            self.query("SELECT count(*), sum(hash(game, draw_date, numbers, bonus)) FROM draws"),
            self.query(
                "SELECT count(*), sum(hash(draw_date, prize_table, rank, winners_france, winners_europe, "
                "prize)) FROM prize_tiers"
            ),
            self.query("SELECT count(*) FROM ingest_log"),
        )

    def staged(self) -> list[str]:
        """Archives waiting under FDJ_DOWNLOAD_DIR."""
        return sorted(p.name for p in self.downloads.rglob("*") if p.is_file())
