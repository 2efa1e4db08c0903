"""Schedules and sensors: off unless AUTOMATION_ENABLED; the inbox sensor claims or rejects files."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.schedules import INBOX_TAG, build_automation
from tests.serving_fixtures import SHIPPED
from warehouse.inbox import Inbox
from warehouse.settings import Settings


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
    }


def settle(path: Path) -> None:
    """Make a file look as if it landed a while ago."""
    old = time.time() - 60
    os.utime(path, (old, old))


def test_inbox_sensor_claims_readable_files_and_rejects_the_others(tmp_path: Path) -> None:
    """A real FDJ file becomes one run request (source = the claimed file); garbage goes to rejected/."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = inbox / "euromillions_202002.csv"
    shutil.copy(SHIPPED / "euromillions" / "euromillions_202002.csv", good)
    (inbox / "empty.csv").write_bytes(b"")
    (inbox / "notes.txt").write_text("not for us")
    fresh = inbox / "loto_201911.csv"
    shutil.copy(SHIPPED / "loto" / "loto_201911.csv", fresh)  # still being copied: left for the next tick
    for path in (good, inbox / "empty.csv", inbox / "notes.txt"):
        settle(path)

    _, sensors = build_automation(Settings(inbox_dir=inbox))
    sensor = next(s for s in sensors if s.name == "fdj_inbox_sensor")
    requests = list(sensor(dg.build_sensor_context()))

    assert len(requests) == 1
    location = requests[0].run_config["resources"]["fdj_source"]["config"]["location"]
    assert Path(location).parent == inbox / "processing"
    assert Path(location).name.endswith("-euromillions_202002.csv")
    assert Path(location).read_bytes() == (SHIPPED / "euromillions" / "euromillions_202002.csv").read_bytes()
    assert requests[0].tags[INBOX_TAG] == location
    assert not good.exists()
    reason = (inbox / "rejected" / "empty.csv.reason.txt").read_text()
    assert "file is empty" in reason
    assert fresh.exists()  # not settled yet
    assert (inbox / "notes.txt").exists()  # not an FDJ file name: left alone

    archived = Inbox(inbox).archive_file(Path(location))
    assert archived == inbox / "archive" / Path(location).name
    assert archived.exists()


def test_a_file_with_broken_rows_is_still_claimed(tmp_path: Path) -> None:
    """Rows are rejected inside the run (rejects table); only unreadable files are refused up front."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines = (SHIPPED / "euromillions" / "euromillions_202002.csv").read_text().splitlines(keepends=True)
    broken = inbox / "euromillions_202002.csv"
    broken.write_text(lines[0] + lines[1].replace(";12;20;45;", ";12;20;99;", 1) + "".join(lines[2:]))
    settle(broken)
    _, sensors = build_automation(Settings(inbox_dir=inbox))
    sensor = next(s for s in sensors if s.name == "fdj_inbox_sensor")
    assert len(list(sensor(dg.build_sensor_context()))) == 1


@pytest.mark.parametrize("name", ["x.zip", "euromillions.csv"])
def test_unreadable_archives_and_binaries_are_rejected_with_a_reason(tmp_path: Path, name: str) -> None:
    """A corrupt zip or a binary file never reaches a run."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / name
    path.write_bytes(b"PK\x03\x04garbage" if name.endswith(".zip") else b"\x00\x01\x02binary")
    settle(path)
    _, sensors = build_automation(Settings(inbox_dir=inbox))
    sensor = next(s for s in sensors if s.name == "fdj_inbox_sensor")
    assert list(sensor(dg.build_sensor_context())) == []
    assert (inbox / "rejected" / f"{name}.reason.txt").exists()
