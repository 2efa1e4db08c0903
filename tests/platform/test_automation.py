"""Schedules and sensors: off unless AUTOMATION_ENABLED; the inbox sensor claims or rejects files."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dagster as dg

from config.settings import Settings
from intake.inbox import Inbox
from pipelines.schedules import INBOX_TAG, build_automation
from tests.serving_fixtures import SHIPPED


def names(items: list) -> dict[str, object]:
    """Definition name -> default status."""
    return {i.name: i.default_status for i in items}


def test_schedules_and_sensors_are_off_by_default_and_on_when_automation_is_enabled(tmp_path: Path) -> None:
    """Tests and one-off CLI runs never start the daemon's work by surprise; the main command does."""
    off_schedules, off_sensors = build_automation(Settings(inbox_dir=tmp_path))
    on_schedules, on_sensors = build_automation(Settings(inbox_dir=tmp_path, automation_enabled=True))
    assert set(names(off_schedules).values()) == {dg.DefaultScheduleStatus.STOPPED}
    assert set(names(off_sensors).values()) == {dg.DefaultSensorStatus.STOPPED}
    assert set(names(on_schedules).values()) == {dg.DefaultScheduleStatus.RUNNING}
    assert set(names(on_sensors).values()) == {dg.DefaultSensorStatus.RUNNING}
    crons = {s.name: (s.cron_schedule, s.execution_timezone) for s in on_schedules}
    assert crons == {
        "daily_statistics_schedule": ("0 6 * * *", "Europe/Paris"),
        "cache_cleanup_schedule": ("0 2 * * *", "Europe/Paris"),
        "weekly_report_schedule": ("0 8 * * 1", "Europe/Paris"),
        "fdj_download_euromillions_schedule": (["30 23 * * 2,5", "30 5 * * 3,6"], "Europe/Paris"),
        "fdj_download_loto_schedule": (["30 23 * * 1,3,6", "30 5 * * 0,2,4"], "Europe/Paris"),
    }


def settle(path: Path) -> None:
    """Make a file look as if it landed a while ago."""
    old = time.time() - 60
    os.utime(path, (old, old))


def _inbox_sensor(inbox: Path) -> dg.SensorDefinition:
    _, sensors = build_automation(Settings(inbox_dir=inbox))
    return next(s for s in sensors if s.name == "fdj_inbox_sensor")


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` with its size and mtime: what a pure tick must leave as it was."""
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def test_inbox_sensor_tick_only_decides(tmp_path: Path) -> None:
    """One run request per settled FDJ file, source = the file where it lies; nothing read or moved."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = inbox / "euromillions_202002.csv"
    shutil.copy(SHIPPED / "euromillions" / "euromillions_202002.csv", good)
    (inbox / "empty.csv").write_bytes(b"")  # garbage too: the run says why, not the tick
    (inbox / "notes.txt").write_text("not for us")
    fresh = inbox / "loto_201911.csv"
    shutil.copy(SHIPPED / "loto" / "loto_201911.csv", fresh)  # still being copied: left for the next tick
    for path in (good, inbox / "empty.csv", inbox / "notes.txt"):
        settle(path)
    (inbox / "archive").mkdir()
    (inbox / "rejected").mkdir()
    before = _tree(inbox)

    requests = list(_inbox_sensor(inbox)(dg.build_sensor_context()))

    assert _tree(inbox) == before  # nothing moved, created or touched
    by_name = {Path(r.tags[INBOX_TAG]).name: r for r in requests}
    assert set(by_name) == {"euromillions_202002.csv", "empty.csv"}
    request = by_name["euromillions_202002.csv"]
    assert request.run_config["resources"]["fdj_source"]["config"]["location"] == str(good)
    st = good.stat()
    assert request.run_key == f"euromillions_202002.csv:{st.st_size}:{st.st_mtime_ns}"
    # The same file is the same decision (Dagster skips a run key it has run); a changed one is new.
    again = {r.run_key for r in _inbox_sensor(inbox)(dg.build_sensor_context())}
    assert again == {r.run_key for r in requests}
    good.write_bytes(good.read_bytes() + b"\n")
    settle(good)
    assert request.run_key not in {r.run_key for r in _inbox_sensor(inbox)(dg.build_sensor_context())}

    archived = Inbox(inbox).archive_file(good)
    assert archived == inbox / "archive" / "euromillions_202002.csv"
    rejected = Inbox(inbox).reject(inbox / "empty.csv", "run r1: empty.csv: the file is empty")
    assert rejected == inbox / "rejected" / "empty.csv"
    assert "the file is empty" in (inbox / "rejected" / "empty.csv.reason.txt").read_text()


def test_the_tick_creates_the_inbox_folders(tmp_path: Path) -> None:
    inbox = tmp_path / "var" / "inbox"
    assert list(_inbox_sensor(inbox)(dg.build_sensor_context())) == []
    assert sorted(p.name for p in inbox.iterdir()) == ["archive", "rejected"]
