"""The full shipped FDJ history (data/fdj) parses completely, with the totals PROVENANCE.md states."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from lottery.fdj.parse import ParsedDraw, ParsedFile, parse_file, sniff_game
from lottery.games import FRI, DrawKind, Game
from tests.conftest import EM_FILES, LOTO_FILES, shipped_bytes
from tests.rows import assert_every_line_accounted

# rows per file, from data/fdj/PROVENANCE.md
ROWS = {
    "euromillions/euromillions.csv": 378,
    "euromillions/euromillions_2.csv": 286,
    "euromillions/euromillions_3.csv": 276,
    "euromillions/euromillions_4.csv": 253,
    "euromillions/euromillions_201902.csv": 97,
    "euromillions/euromillions_202002.csv": 657,
    "loto/loto.csv": 4858,
    "loto/nouveau_loto.csv": 1317,
    "loto/loto2017.csv": 310,
    "loto/loto_201902.csv": 107,
    "loto/loto_201911.csv": 865,
    "loto/snapshot_2024-07/loto_201911.csv": 740,
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedFile]:
    """Every shipped file, parsed once."""
    out = {}
    for rel in EM_FILES + LOTO_FILES:
        (pf,) = parse_file(shipped_bytes(rel), rel, today=date(2026, 5, 22))
        out[rel] = pf
    return out


def draws(parsed: dict[str, ParsedFile], game: Game, kind: DrawKind) -> list[ParsedDraw]:
    """Every draw of one game and kind, across files."""
    return [d for pf in parsed.values() if pf.game == game for d in pf.draws if d.kind == kind]


@pytest.mark.parametrize("rel", EM_FILES + LOTO_FILES)
def test_each_file_parses_without_reject(parsed: dict[str, ParsedFile], rel: str) -> None:
    """No reject, every row read, and the header alone tells the game."""
    pf = parsed[rel]
    assert pf.rejects == []
    assert pf.rows_read == ROWS[rel]
    assert_every_line_accounted(pf)
    assert sniff_game(shipped_bytes(rel), rel) == (Game.EUROMILLIONS if rel.startswith("euro") else Game.LOTO)


def test_euromillions_totals(parsed: dict[str, ParsedFile]) -> None:
    """1947 main draws on 1947 dates, 2004-02-13 .. 2026-05-19, weekly Fridays before 2011-05-10."""
    em = draws(parsed, Game.EUROMILLIONS, DrawKind.MAIN)
    days = sorted(d.draw_date for d in em)
    assert len(em) == len(set(days)) == 1947
    assert (days[0], days[-1]) == (date(2004, 2, 13), date(2026, 5, 19))
    assert {d.weekday() for d in days if d < date(2011, 5, 10)} == {FRI}
    assert sum(1 for d in days if d < date(2011, 5, 10)) == 378


def test_star_ranges_follow_the_eras(parsed: dict[str, ParsedFile]) -> None:
    """Stars 10/11 first on 2011-05-20; star 12 never before 2016-09-27 and first on that day."""
    em = draws(parsed, Game.EUROMILLIONS, DrawKind.MAIN)
    first_above_9 = min(d.draw_date for d in em if max(d.bonus) > 9)
    assert first_above_9 == date(2011, 5, 20)
    assert first_above_9 >= date(2011, 5, 10)
    with_12 = [d.draw_date for d in em if 12 in d.bonus]
    assert min(with_12) == date(2016, 9, 27)
    assert not [d for d in em if d.draw_date < date(2016, 9, 27) and max(d.bonus) > 11]


def test_loto_totals(parsed: dict[str, ParsedFile]) -> None:
    """2600 main dates 2008-10-06 .. 2025-05-14 (with 2019-11-04), 4858 6/49 draws, 866 second draws."""
    main_days = {d.draw_date for d in draws(parsed, Game.LOTO, DrawKind.MAIN)}
    assert len(main_days) == 2600
    assert (min(main_days), max(main_days)) == (date(2008, 10, 6), date(2025, 5, 14))
    assert date(2019, 11, 4) in main_days
    old = draws(parsed, Game.LOTO, DrawKind.LOTO_6_49)
    assert len(old) == len({d.key for d in old}) == 4858
    per_day = Counter(d.draw_date for d in old)
    assert (len(per_day), sum(1 for n in per_day.values() if n == 2)) == (2972, 1886)
    assert (min(per_day), max(per_day)) == (date(1976, 5, 19), date(2008, 10, 4))
    assert min(d.draw_date for d in old if d.tirage == 2) == date(1990, 9, 12)
    second_days = {d.draw_date for d in draws(parsed, Game.LOTO, DrawKind.LOTO_SECOND)}
    assert len(second_days) == 866
    assert (min(second_days), max(second_days)) == (date(2019, 11, 4), date(2025, 5, 14))
    assert len(main_days) + len(per_day) == 5572


def test_snapshot_and_newer_export_agree_on_balls(parsed: dict[str, ParsedFile]) -> None:
    """The 739 draws both loto_201911 exports hold have the same balls; only the snapshot has 2019-11-04."""
    new = {d.key: d.balls + d.bonus for d in parsed["loto/loto_201911.csv"].draws}
    old = {d.key: d.balls + d.bonus for d in parsed["loto/snapshot_2024-07/loto_201911.csv"].draws}
    shared = new.keys() & old.keys()
    assert len(shared) == 2 * 739
    assert all(new[k] == old[k] for k in shared)
    assert {k[1] for k in old.keys() - new.keys()} == {date(2019, 11, 4)}
