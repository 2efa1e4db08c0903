"""Acceptance: compute_full agrees with counts made independently from the raw FDJ files.

The reader (tests/fdj_files.py) shares no code with lottery.fdj or warehouse: csv module, header
names, three date formats, plain Python counting.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from lottery.games import Game
from lottery.stats.models import StatsFilter
from tests.fdj_files import EM_DIR, STAR_INTRODUCED, Draw, euromillions_draws
from warehouse.statistics import compute_full


def _all_draws() -> list[Draw]:
    draws = [d for path in sorted(EM_DIR.glob("*.csv")) for d in euromillions_draws(path)]
    draws.sort(key=lambda d: d[0])
    return draws


ALL_DRAWS = _all_draws()


def _reference(draws: list[Draw], top: int, which: int) -> dict[int, tuple[int, int, int]]:
    """ball -> (count, eligible_draws, current_gap), ``which`` 1 for numbers, 2 for stars."""
    out = {}
    for ball in range(1, top + 1):
        since = STAR_INTRODUCED.get(ball, date.min) if which == 2 else date.min
        eligible = [d for d in draws if d[0] >= since]
        hits = [i for i, d in enumerate(draws) if ball in d[which]]
        count = len(hits)
        current_gap = len(draws) - 1 - hits[-1] if hits else len(eligible)
        out[ball] = (count, len(eligible), current_gap)
    return out


def test_reader_sees_the_documented_history() -> None:
    assert len(ALL_DRAWS) == 1947
    assert len({d[0] for d in ALL_DRAWS}) == 1947
    assert ALL_DRAWS[0][0] == date(2004, 2, 13)
    assert ALL_DRAWS[-1][0] == date(2026, 5, 19)
    assert ALL_DRAWS[-1][1:] == ((2, 12, 20, 38, 45), (2, 5))


WINDOWS = [
    pytest.param(StatsFilter(), lambda d: True, id="all"),
    pytest.param(StatsFilter(year=2025), lambda d: d.year == 2025, id="2025"),
    pytest.param(StatsFilter(year=2025, month=3), lambda d: (d.year, d.month) == (2025, 3), id="2025-03"),
    # Windows where the star pool changes inside the window.
    pytest.param(StatsFilter(year=2011), lambda d: d.year == 2011, id="2011"),
    pytest.param(StatsFilter(year=2016), lambda d: d.year == 2016, id="2016"),
    pytest.param(StatsFilter(year=2011, month=5), lambda d: (d.year, d.month) == (2011, 5), id="2011-05"),
]


@pytest.mark.parametrize(("filters", "keep"), WINDOWS)
def test_full_stats_match_raw_files(em_con: duckdb.DuckDBPyConnection, filters: StatsFilter, keep) -> None:
    draws = [d for d in ALL_DRAWS if keep(d[0])]
    stats = compute_full(em_con, Game.EUROMILLIONS, filters)

    assert stats.draw_count == len(draws)
    assert (stats.first_draw.draw_date, tuple(stats.first_draw.numbers), tuple(stats.first_draw.bonus)) == (
        draws[0]
    )
    assert (stats.last_draw.draw_date, tuple(stats.last_draw.numbers), tuple(stats.last_draw.bonus)) == (
        draws[-1]
    )

    # The stars listed are those of the pool in force on the window's last draw.
    star_top = max([9] + [star for star, since in STAR_INTRODUCED.items() if draws[-1][0] >= since])
    for which, got, top in ((1, stats.numbers, 50), (2, stats.bonus, star_top)):
        ref = _reference(draws, top, which)
        assert [s.number for s in got] == list(range(1, top + 1))
        assert {s.number: (s.count, s.eligible_draws, s.current_gap) for s in got} == ref
