"""Fresh data without a person: the download schedules against a loopback FDJ, ticked and run as the
daemon does (the schedule and job registered in ``pipelines.definitions``, real DuckDB, real Redis).

New draws are added exactly once; the same archive again is a skip and no run; revised prizes update the
draw's tiers; a 404, a stalled server and a truncated zip each end with their reason, nothing staged,
run or loaded.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

import dagster as dg
import pytest
from dagster._core.errors import ScheduleExecutionError

from config.settings import Settings
from lottery.games import Game
from pipelines.definitions import build_definitions
from pipelines.download import SHA_TAG, URL_TAG, download_crons, download_job_name
from pipelines.schedules import build_automation
from tests.conftest import SHIPPED
from tests.pipelines.archive_server import (
    EM_MEMBER,
    LOTO_MEMBER,
    ArchiveServer,
    fdj_zip,
    older_export,
    revised_prize,
)
from tests.pipelines.download_platform import Platform
from tests.rows import FdjCsv

pytestmark = pytest.mark.slow  # Dagster ticks and runs against a loopback FDJ

EM_CSV = (SHIPPED / "euromillions" / EM_MEMBER).read_bytes()
LOTO_CSV = (SHIPPED / "loto" / LOTO_MEMBER).read_bytes()
NEW = 4  # draws FDJ published since the warehouse was loaded


def test_schedules_follow_the_draw_days_of_the_current_eras() -> None:
    """Derived from lottery/games.py: 23:30 on draw days, 05:30 the next morning (cron: Sunday is 0)."""
    assert download_crons(Game.EUROMILLIONS) == ["30 23 * * 2,5", "30 5 * * 3,6"]
    assert download_crons(Game.LOTO) == ["30 23 * * 1,3,6", "30 5 * * 0,2,4"]
    defs = build_definitions()
    for game in Game:
        schedule = defs.resolve_schedule_def(f"fdj_download_{game.value}_schedule")
        assert schedule.execution_timezone == "Europe/Paris"
        assert list(schedule.cron_schedule) == download_crons(game)
        assert schedule.job_name == download_job_name(game)
        # Off in tests: AUTOMATION_ENABLED is not set.
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    on = Settings(automation_enabled=True)
    off = Settings(automation_enabled=True, fdj_download_enabled=False)
    for settings, status in ((on, dg.DefaultScheduleStatus.RUNNING), (off, dg.DefaultScheduleStatus.STOPPED)):
        schedules, _ = build_automation(settings)
        downloads = {s.name: s.default_status for s in schedules if s.name.startswith("fdj_download_")}
        assert downloads == {f"fdj_download_{g.value}_schedule": status for g in Game}


def test_new_draws_are_added_exactly_once_then_the_same_archive_is_skipped(
    platform: Platform, fdj: ArchiveServer
) -> None:
    """(a) an archive with NEW draws beyond the warehouse adds exactly those; (b) the same archive again:
    SkipReason, no run, nothing changes. (The whole job, downstream included, runs through the CLI in
    test_download_cli.py.)"""
    platform.load(older_export(EM_CSV, NEW))
    loaded = {d for (d,) in platform.query("SELECT draw_date FROM draws")}
    archive = fdj_zip(EM_MEMBER, EM_CSV)
    defs = platform.point_at(fdj.serve("em", archive))

    (request,) = platform.tick(defs).run_requests
    sha = hashlib.sha256(archive).hexdigest()
    assert request.run_key == f"euromillions:{sha}"
    assert (request.tags[URL_TAG], request.tags[SHA_TAG]) == (fdj.url("em"), sha)
    assert platform.staged() == [f"euromillions_{sha}.zip"]
    result = platform.run(defs, request, only_ingest=True)
    assert result.success

    after = {d for (d,) in platform.query("SELECT draw_date FROM draws")}
    newest = {FdjCsv.from_bytes(EM_CSV).field(i, "date_de_tirage") for i in range(NEW)}
    assert after > loaded
    assert len(after - loaded) == NEW
    assert {d.strftime("%d/%m/%Y") for d in after - loaded} == newest
    (ingest,) = result.asset_materializations_for_node("euromillions_draws")
    assert (ingest.metadata["inserted"].value, ingest.metadata["updated"].value) == (NEW, 0)
    assert platform.query(
        "SELECT status, rows_inserted, fetched_sha256 FROM ingest_log ORDER BY ingest_id DESC LIMIT 1"
    ) == [("ok", NEW, sha)]

    before, runs = platform.state(), len(platform.instance.get_run_records())
    again = platform.tick(defs)
    assert again.run_requests == []
    assert again.skip_message.startswith(f"euromillions: archive unchanged (sha256 {sha[:12]}")
    assert f"already ingested by run {result.run_id}" in again.skip_message
    assert "nothing to recompute" in again.skip_message
    assert platform.state() == before
    assert len(platform.instance.get_run_records()) == runs
    assert fdj.hits["em"] == 2


def test_loto_schedule_adds_the_new_draws_and_their_second_draws(
    platform: Platform, fdj: ArchiveServer
) -> None:
    """The Loto schedule, on its own URL: new main draws and their second draws (2019-11 formula)."""
    platform.load(older_export(LOTO_CSV, 3), LOTO_MEMBER, Game.LOTO)
    counts = "SELECT (SELECT count(*) FROM draws), (SELECT count(*) FROM loto_second_draws)"
    (before,) = platform.query(counts)
    defs = platform.point_at("", loto=fdj.serve("loto", fdj_zip(LOTO_MEMBER, LOTO_CSV)))
    assert "downloads are off" in platform.tick(defs).skip_message  # no EuroMillions URL: skipped

    (request,) = platform.tick(defs, "fdj_download_loto_schedule").run_requests
    assert request.run_key.startswith("loto:")
    result = platform.run(defs, request, only_ingest=True, game=Game.LOTO)

    assert result.success
    assert platform.query(counts) == [(before[0] + 3, before[1] + 3)]
    assert platform.tick(defs, "fdj_download_loto_schedule").run_requests == []


def test_revised_prizes_update_the_tiers_of_a_loaded_draw(platform: Platform, fdj: ArchiveServer) -> None:
    """(c) FDJ revises a prize of a draw already loaded: the draw's tiers are updated and counted."""
    platform.load(EM_CSV)
    csv = FdjCsv.from_bytes(EM_CSV)
    day = datetime.strptime(csv.field(2, "date_de_tirage"), "%d/%m/%Y").date()
    rank_4 = f"SELECT prize FROM prize_tiers WHERE draw_date = '{day}' AND rank = 4 AND prize_table = 'main'"
    old = platform.query(rank_4)
    draws_before = platform.query("SELECT count(*), sum(hash(draw_date, numbers, bonus)) FROM draws")
    revised = revised_prize(EM_CSV, 2, "rapport_du_rang4_Euro_Millions", "1234,50")
    defs = platform.point_at(fdj.serve("em", fdj_zip(EM_MEMBER, revised)))

    (request,) = platform.tick(defs).run_requests
    result = platform.run(defs, request, only_ingest=True)

    assert result.success
    (ingest,) = result.asset_materializations_for_node("euromillions_draws")
    assert (ingest.metadata["inserted"].value, ingest.metadata["updated"].value) == (0, 1)
    (new,) = platform.query(rank_4)
    assert str(new[0]) == "1234.50"
    assert [new] != old
    assert platform.query("SELECT count(*), sum(hash(draw_date, numbers, bonus)) FROM draws") == draws_before
    assert platform.query("SELECT rows_updated FROM ingest_log ORDER BY ingest_id DESC LIMIT 1") == [(1,)]


def test_contradicting_balls_fail_the_run_and_the_same_bytes_are_not_tried_again(
    platform: Platform, fdj: ArchiveServer
) -> None:
    """An archive whose rows contradict loaded draws is refused whole by the run (README: "Bad files are
    refused whole"); the next tick recognises the refused bytes and skips, saying why."""
    platform.load(EM_CSV)
    csv = FdjCsv.from_bytes(EM_CSV)
    for row in range(3):
        balls = [int(csv.field(row, f"boule_{i}")) for i in range(1, 6)]
        other = next(n for n in range(1, 51) if n not in balls)
        combination = "-".join(str(n) for n in sorted([other, *balls[1:]]))
        changes = {"boule_1": str(other), "boules_gagnantes_en_ordre_croissant": f"-{combination}-"}
        csv = csv.with_row(row, csv.edited(row, changes))
    defs = platform.point_at(fdj.serve("em", fdj_zip(EM_MEMBER, csv.head(5).to_bytes())))
    draws, prizes, _ = platform.state()

    (request,) = platform.tick(defs).run_requests
    result = platform.run(defs, request)

    assert not result.success
    failure = result.failure_data_for_node("euromillions_draws")
    assert "rejected as a whole, 3 of 5 rows are bad" in failure.error.message
    assert "conflicts with the loaded main draw of" in failure.error.message
    assert platform.state()[:2] == (draws, prizes)
    materialised = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialised == set()  # nothing downstream ran
    again = platform.tick(defs)
    assert again.run_requests == []
    assert f"was refused by run {result.run_id}" in again.skip_message
    assert "rejected as a whole" in again.skip_message


def test_http_404_fails_the_tick_with_the_reason(platform: Platform, fdj: ArchiveServer) -> None:
    """(d) the URL is gone: the tick fails naming the status; nothing staged, run or loaded."""
    platform.load(EM_CSV)
    before = platform.state()
    defs = platform.point_at(fdj.url("moved"))
    with pytest.raises(ScheduleExecutionError) as raised:
        platform.tick(defs)
    message = str(raised.value.__cause__ or raised.value)
    assert "euromillions: archive refused, nothing staged or run" in message
    assert f"{fdj.url('moved')}: HTTP 404 Not Found" in message
    assert platform.state() == before
    assert platform.staged() == []
    assert platform.instance.get_run_records() == []


def test_a_stalled_server_is_a_skip_within_the_timeout(platform: Platform, fdj: ArchiveServer) -> None:
    """(e) FDJ answers the headers, then nothing: the tick gives up after FDJ_DOWNLOAD_TIMEOUT_S (1.5 s
    here) and skips, to try again at the next tick; nothing staged, run or loaded."""
    platform.load(EM_CSV)
    before = platform.state()
    defs = platform.point_at(fdj.serve("slow", fdj_zip(EM_MEMBER, EM_CSV), stall_s=30))
    started = time.monotonic()
    data = platform.tick(defs)
    elapsed = time.monotonic() - started
    assert data.run_requests == []
    assert "ReadTimeout" in data.skip_message
    assert "Nothing staged or run; the next tick tries again." in data.skip_message
    assert elapsed > 1.4  # it waited for the timeout (the ReadTimeout says it gave up there)
    assert platform.state() == before
    assert platform.staged() == []


def test_a_trickling_server_is_stopped_at_the_whole_download_deadline(
    platform: Platform, fdj: ArchiveServer
) -> None:
    """Each wait shorter than the timeout, the whole longer: stopped by the download's deadline."""
    defs = platform.point_at(fdj.serve("trickle", fdj_zip(EM_MEMBER, EM_CSV), trickle_s=0.3))
    started = time.monotonic()
    data = platform.tick(defs)
    elapsed = time.monotonic() - started
    assert data.run_requests == []
    assert "download not complete after 1.5 s" in data.skip_message
    assert elapsed > 1.4  # it waited for the deadline (the message says it stopped there)
    assert platform.staged() == []


def test_a_truncated_zip_fails_the_tick_with_the_reason(platform: Platform, fdj: ArchiveServer) -> None:
    """(f) the download is cut short (a complete HTTP answer of half an archive): refused by the zip guard."""
    platform.load(EM_CSV)
    before = platform.state()
    archive = fdj_zip(EM_MEMBER, EM_CSV)
    defs = platform.point_at(fdj.serve("cut", archive[: len(archive) // 2]))
    with pytest.raises(ScheduleExecutionError) as raised:
        platform.tick(defs)
    message = str(raised.value.__cause__ or raised.value)
    assert "euromillions: archive refused, nothing staged or run" in message
    assert "not a readable zip archive" in message
    assert platform.state() == before
    assert platform.staged() == []
    assert platform.instance.get_run_records() == []


def test_an_archive_of_the_other_game_or_over_the_size_limit_is_refused(
    platform: Platform, fdj: ArchiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """URLs swapped: the EuroMillions tick refuses Loto's archive; an archive over INGEST_MAX_FILE_BYTES
    is refused by its Content-Length before its body is read."""
    defs = platform.point_at(fdj.serve("loto", fdj_zip(LOTO_MEMBER, LOTO_CSV)))
    with pytest.raises(ScheduleExecutionError) as raised:
        platform.tick(defs)
    assert "is a loto export, expected euromillions (FDJ_DOWNLOAD_URL_EUROMILLIONS)" in str(
        raised.value.__cause__ or raised.value
    )
    monkeypatch.setenv("INGEST_MAX_FILE_BYTES", "65536")
    defs = platform.point_at(fdj.serve("big", fdj_zip(EM_MEMBER, EM_CSV)))
    with pytest.raises(ScheduleExecutionError) as raised:
        platform.tick(defs)
    assert "the limit is 64 KB (INGEST_MAX_FILE_BYTES)" in str(raised.value.__cause__ or raised.value)
    assert platform.staged() == []


def test_downloads_off_skip_without_a_request(platform: Platform, fdj: ArchiveServer) -> None:
    """FDJ_DOWNLOAD_ENABLED=false (or no URL): the tick says so and touches nothing, not even the network."""
    platform.monkeypatch.setenv("FDJ_DOWNLOAD_ENABLED", "false")
    defs = platform.point_at(fdj.serve("em", fdj_zip(EM_MEMBER, EM_CSV)))
    data = platform.tick(defs)
    assert data.run_requests == []
    assert "downloads are off" in data.skip_message
    assert fdj.hits == {}
