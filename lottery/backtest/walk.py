"""The walk-forward steps: each target's history, its tickets from that history alone, their scores."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from lottery.backtest.models import (
    BacktestConfig,
)
from lottery.games import DrawKind, Era, Game, era_on, eras_of
from lottery.stats.engine import DrawSet
from lottery.strategies import Grid, Strategy, generate, inputs_from_draws


def _as_date(value: np.datetime64) -> date:
    return date.fromisoformat(str(value.astype("datetime64[D]")))


def era_of(game: Game, day: date) -> Era:
    """The main-formula era of ``day`` (the first era for a date before it, as the engine counts)."""
    era = era_on(game, DrawKind.MAIN, day) or eras_of(game, DrawKind.MAIN)[0]
    if era.bonus_from_numbers:
        raise NotImplementedError("back-tests score main formulas, whose bonus is drawn apart")
    return era


def history_before(draws: DrawSet, i: int) -> DrawSet:
    """A new DrawSet holding copies of the draws dated strictly before draw ``i``'s date."""
    if not 0 <= i < draws.size:
        raise IndexError(f"draw {i} is outside 0..{draws.size - 1}")
    end = int(np.searchsorted(draws.dates, draws.dates[i], side="left"))
    return DrawSet(
        game=draws.game,
        dates=draws.dates[:end].copy(),
        numbers=draws.numbers[:end].copy(),
        bonus=draws.bonus[:end].copy(),
    )


@dataclass(frozen=True)
class TargetDraw:
    """The draw the tickets are scored against."""

    game: Game
    index: int
    day: date
    numbers: tuple[int, ...]
    bonus: tuple[int, ...]

    @property
    def era(self) -> Era:
        """The rules in force on the draw's date."""
        return era_of(self.game, self.day)


def target_draw(draws: DrawSet, i: int) -> TargetDraw:
    """Row ``i`` of ``draws``, for scoring only."""
    if not 0 <= i < draws.size:
        raise IndexError(f"draw {i} is outside 0..{draws.size - 1}")
    return TargetDraw(
        game=draws.game,
        index=i,
        day=_as_date(draws.dates[i]),
        numbers=tuple(int(x) for x in draws.numbers[i]),
        bonus=tuple(int(x) for x in draws.bonus[i]),
    )


def target_seed(seed: int, day: date, strategy: Strategy) -> int:
    """The generation seed of one (target date, strategy): independent of the rest of the run."""
    entropy = [seed, day.toordinal(), zlib.crc32(Strategy(strategy).value.encode())]
    return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0] >> np.uint64(1))


def tickets_for(history: DrawSet, day: date, config: BacktestConfig) -> dict[Strategy, list[Grid]]:
    """Each strategy's ``config.grids`` grids for the draw of ``day``, from ``history`` alone.

    ``history`` must hold only draws dated before ``day`` (ValueError otherwise). The inputs are
    built once and shared; bonus balls that did not exist on ``day`` are excluded.
    """
    if history.size and _as_date(history.dates[-1]) >= day:
        raise ValueError(
            f"the history runs to {_as_date(history.dates[-1])}, not strictly before the target ({day})"
        )
    inputs = inputs_from_draws(history)
    era = era_of(history.game, day)
    if (era.numbers_count, era.numbers_max, era.bonus_count) != (
        inputs.numbers_count,
        inputs.numbers_max,
        inputs.bonus_count,
    ) or era.bonus_max > inputs.bonus_max:
        raise NotImplementedError(f"grids of the current rules do not fit the draws of {day}")
    exclude_bonus = range(era.bonus_max + 1, inputs.bonus_max + 1)
    return {
        s: generate(
            s, inputs, config.grids, seed=target_seed(config.seed, day, s), exclude_bonus=exclude_bonus
        ).grids
        for s in config.strategies
    }


@dataclass(frozen=True, eq=False)
class DrawScore:
    """Tickets scored against one draw: matches of each ticket and the tier it won (-1: none)."""

    era: Era
    main_matches: np.ndarray  # (tickets,)
    bonus_matches: np.ndarray  # (tickets,)
    tier: np.ndarray  # (tickets,) index into era.tiers, -1 when no prize

    @property
    def won(self) -> np.ndarray:
        """Whether each ticket won any prize."""
        return self.tier >= 0

    def tier_labels(self) -> list[str | None]:
        """Each ticket's tier label, or None."""
        return [self.era.tiers[t].label if t >= 0 else None for t in self.tier.tolist()]


@cache
def _tier_table(era: Era) -> np.ndarray:
    """(k+1, b+1) -> index of the tier won with that many matches, -1 for none."""
    table = np.full((era.numbers_count + 1, era.bonus_count + 1), -1, dtype=np.int64)
    for k in range(era.numbers_count + 1):
        for s in range(era.bonus_count + 1):
            won = [t for t, tier in enumerate(era.tiers) if tier.wins(k, s)]
            if len(won) > 1:
                raise ValueError(f"overlapping prize tiers for {k}+{s} in the {era.start} era")
            if won:
                table[k, s] = won[0]
    table.setflags(write=False)
    return table


def score_grids(grids: Sequence[Grid], target: TargetDraw) -> DrawScore:
    """Score ``grids`` against ``target`` with the tiers of its era; ValueError for invalid tickets."""
    era = target.era
    k, b = era.numbers_count, era.bonus_count
    numbers = np.array([g.numbers for g in grids], dtype=np.int64).reshape(len(grids), -1)
    bonus = np.array([g.bonus for g in grids], dtype=np.int64).reshape(len(grids), -1)
    if numbers.shape[1] != k or bonus.shape[1] != b:
        raise ValueError(f"a ticket of the {target.day} draw has {k} numbers and {b} bonus balls")
    if numbers.size and (numbers.min() < 1 or numbers.max() > era.numbers_max):
        raise ValueError(f"a ticket holds a number outside 1..{era.numbers_max}")
    if bonus.size and (bonus.min() < 1 or bonus.max() > era.bonus_max):
        raise ValueError(f"a ticket holds a bonus ball outside 1..{era.bonus_max} (rules of {target.day})")
    main = np.isin(numbers, np.array(target.numbers, dtype=np.int64)).sum(axis=1)
    extra = np.isin(bonus, np.array(target.bonus, dtype=np.int64)).sum(axis=1)
    return DrawScore(era=era, main_matches=main, bonus_matches=extra, tier=_tier_table(era)[main, extra])


@dataclass(frozen=True, eq=False)
class TargetOutcome:
    """One target: the tickets each strategy built from the earlier draws, and their scores."""

    target: TargetDraw
    history_size: int
    tickets: dict[Strategy, list[Grid]]
    scores: dict[Strategy, DrawScore]


def _check(draws: DrawSet, config: BacktestConfig) -> int:
    """Index of the first target, or ValueError when the window cannot hold the back-test."""
    if draws.size == 0:
        raise ValueError("no draws to back-test")
    if np.any(np.diff(draws.dates.astype("datetime64[D]")) < np.timedelta64(0, "D")):
        raise ValueError("draw dates must be ascending")
    if config.draws > draws.size:
        raise ValueError(f"asked for {config.draws} targets but the window holds {draws.size} draws")
    first = draws.size - config.draws
    earlier = int(np.searchsorted(draws.dates, draws.dates[first], side="left"))
    if earlier < config.min_history:
        most = max(draws.size - config.min_history, 0)
        raise ValueError(
            f"the first of the last {config.draws} draws ({_as_date(draws.dates[first])}) has only "
            f"{earlier} earlier draws but min_history is {config.min_history}: use at most {most} "
            "targets or a smaller min_history"
        )
    return first


def walk_forward(draws: DrawSet, config: BacktestConfig | None = None) -> Iterator[TargetOutcome]:
    """The targets' outcomes, oldest first, computed one at a time (see the module docstring)."""
    config = config or BacktestConfig()
    first = _check(draws, config)
    for i in range(first, draws.size):
        target = target_draw(draws, i)
        history = history_before(draws, i)
        tickets = tickets_for(history, target.day, config)
        yield TargetOutcome(
            target=target,
            history_size=history.size,
            tickets=tickets,
            scores={s: score_grids(g, target) for s, g in tickets.items()},
        )
