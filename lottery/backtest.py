"""Honest walk-forward back-test of the grid strategies against real draws (numpy, scipy, pydantic).

Lotteries are random: no strategy can change the odds of the next draw. This module measures how
far each strategy's tickets did better or worse than random tickets on past draws, and shows every
figure next to the exact expectation for random tickets with its uncertainty.

Walk-forward by construction. The targets are the last ``config.draws`` draws of a :class:`DrawSet`.
For target ``i``:

1. :func:`history_before` copies the draws dated strictly before draw ``i`` into a new DrawSet
   (copies, not views: nothing after the target is reachable from it);
2. :func:`tickets_for` receives only that history and the target's *date* (known before the draw:
   it fixes the rules in force and the seed), builds the strategy inputs once and generates
   ``config.grids`` grids per strategy. It refuses a history holding a draw on or after that date;
3. :func:`target_draw` takes row ``i`` and :func:`score_grids` scores the grids against it, with the
   prize tiers of the era in force on that date.

:func:`walk_forward` yields these per-target outcomes one at a time; :func:`backtest` sums them up.

Eras: grids are generated under the game's current rules with the bonus balls that did not exist on
the target's date excluded (a 2010 EuroMillions target gets stars 1..9 only), so every ticket is a
valid ticket of its draw and the random strategy is uniform over that draw's grids.

Seeds: the seed of (target, strategy) is drawn from ``numpy.random.SeedSequence([config.seed,
target date ordinal, crc32(strategy name)])``. It depends on neither the number of targets nor the
other strategies of the run, so a target's tickets are the same in every run that holds it.

Exact expectations (for any ticket, since a fair draw is uniform whatever the ticket):
``k*k/K`` main matches (0.5 for EuroMillions 5/50, 25/49 for Loto), ``b*b/S`` bonus matches (4/12
for EuroMillions since 2016-09-27, 1/10 for Loto) and the sum of :meth:`Era.tier_probability` over
the era's tiers for winning any prize (the tiers are disjoint). With targets in several eras the
expectation is the mean of the targets' own.

Uncertainty. The tickets of one draw are scored against the same draw, and weighted strategies give
tickets that share balls, so they are not independent (ten tickets with the same five numbers are
one bet ten times). Each target therefore contributes one value per measure: the mean over its
tickets (main matches, bonus matches, share winning a prize). Under fair draws each such value,
minus its exact expectation, has mean zero given everything before it (the tickets depend only on
earlier draws, the draw is uniform whatever the tickets), so the n = targets differences form a
martingale difference sequence and the one-sample Student t test (scipy.stats.ttest_1samp) of
their mean against 0 is the honest test, with its 95 % t confidence interval shifted by the mean
expectation. The any-prize rate gets the same treatment rather than an exact binomial test over
all tickets: the binomial would assume independent tickets, which shared draws and shared balls
break, and would overstate the precision. Fewer than 2 targets leave no interval and no p-value
(None). Differences that are all equal have no variance, so the t test says nothing: a zero-width
interval and p = 1 when they are all 0, and no interval and no p-value (None, "not computed")
otherwise. Twenty targets whose tickets never won a prize are not evidence at p = 0: with 2
tickets a draw that happens about 4 % of the time.

Verdicts go through the one significance rule (:mod:`lottery.significance`): three measures per
strategy, so ``3 x strategies`` comparisons are made together. A p below 0.05 is said plainly, then
explained as chance unless it is below 0.05 divided by the comparisons; even then the verdict says to
suspect the data or the code first. :func:`judge_backtest` is the one function that words a
back-test: the stored result, the API's performance metrics and the weekly report all print its
verdicts, cutoff and conclusion.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from math import fsum, isfinite

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.stats import ttest_1samp

from lottery.games import DrawKind, Era, Game, era_on, eras_of
from lottery.significance import Level, Significance, allowance, cutoff_text, judge, p_text
from lottery.stats.engine import DrawSet
from lottery.strategies import BONUS_NAMES, Grid, Strategy, generate, inputs_from_draws

MAX_DRAWS = 5000
MAX_GRIDS = 1000
CONFIDENCE = 0.95
MEASURES = 3  # main matches, bonus matches, any prize: the comparisons made per strategy

NOTE = (
    "Walk-forward back-test: for each target draw, every strategy generated its grids from the draws "
    "dated strictly before that draw only, and the grids were scored against it with the prize tiers "
    "in force on its date. 'expected' is the exact figure for random tickets (k*k/K main matches, "
    "b*b/S bonus matches, the summed probability of the prize tiers), averaged over the targets. "
    "Tickets of one draw share that draw (and often balls), so they are not independent: means, 95 % "
    "confidence intervals (Student t) and two-sided p-values are computed over the per-draw means, "
    "one value per target. A p-value is the chance of a difference at least this large if the "
    "strategy did no better than random tickets; with several strategies and three measures each, "
    "a p below 0.05 now and then is expected by chance. Lottery draws do not depend on the past: no "
    "strategy changes the odds, and these figures only show how the past draws fell."
)


# ---------------------------------------------------------------------------------------------
# Models


class BacktestConfig(BaseModel):
    """What to back-test: the last ``draws`` draws as targets, ``grids`` tickets per strategy each."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draws: int = Field(default=200, ge=1, le=MAX_DRAWS, description="targets: the last N draws")
    grids: int = Field(default=10, ge=1, le=MAX_GRIDS, description="tickets per strategy per target")
    seed: int = Field(default=0, ge=0, description="reproduces the tickets")
    strategies: list[Strategy] = Field(default_factory=lambda: list(Strategy), min_length=1)
    min_history: int = Field(default=50, ge=1, description="earlier draws each target needs")

    @field_validator("strategies")
    @classmethod
    def _distinct(cls, value: list[Strategy]) -> list[Strategy]:
        if len(set(value)) != len(value):
            raise ValueError("strategies must not repeat")
        return value


class StrategyBacktest(BaseModel):
    """One strategy's tickets against the targets, next to the exact figures for random tickets."""

    strategy: Strategy
    targets: int
    tickets: int
    mean_main_matches: float
    expected_main_matches: float = Field(description="exact for random tickets: k*k/K")
    main_ci_low: float | None = Field(description="95 % t interval over the per-draw means")
    main_ci_high: float | None
    main_p_value: float | None = Field(description="two-sided t test against the exact expectation")
    mean_bonus_matches: float
    expected_bonus_matches: float = Field(description="exact for random tickets: b*b/S of each era")
    bonus_ci_low: float | None
    bonus_ci_high: float | None
    bonus_p_value: float | None
    any_prize_rate: float = Field(description="share of tickets that won any prize tier")
    expected_any_prize_rate: float = Field(description="exact: summed tier probabilities of each era")
    any_prize_ci_low: float | None
    any_prize_ci_high: float | None
    any_prize_p_value: float | None
    tier_counts: dict[str, int] = Field(description="tier label -> tickets that would have won it")
    expected_tier_counts: dict[str, float] = Field(description="exact expectation for random tickets")
    verdict: str = Field(default="", description="plain words from judge_backtest (the one rule)")
    significance: Significance | None = Field(
        default=None, description="the smallest of the three p-values, judged among all comparisons"
    )


class BacktestVerdict(BaseModel):
    """What a whole back-test says, worded once for the API, the report and the stored result."""

    comparisons: int = Field(description="3 measures x strategies, tested together")
    cutoff: float = Field(description="0.05 / comparisons: a difference stands out only below it")
    verdicts: dict[Strategy, str] = Field(description="each strategy's verdict")
    significance: dict[Strategy, Significance]
    conclusion: str = Field(description="one paragraph over all strategies and all three measures")


class BacktestResult(BaseModel):
    """A walk-forward back-test of one game's strategies."""

    game: Game
    first_target: date
    last_target: date
    config: BacktestConfig
    strategies: list[StrategyBacktest]
    note: str
    comparisons: int | None = Field(default=None, description="3 measures x strategies, judged together")
    cutoff: float | None = Field(default=None, description="0.05 / comparisons (see BacktestVerdict)")
    conclusion: str = Field(default="", description="judge_backtest's conclusion over every strategy")


# ---------------------------------------------------------------------------------------------
# Walk-forward steps


def _as_date(value: np.datetime64) -> date:
    return date.fromisoformat(str(np.datetime64(value, "D")))


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


# ---------------------------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class MeanTest:
    """Mean of per-draw values, exact expectation, 95 % t interval and two-sided p-value."""

    mean: float
    expected: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def mean_test(values: np.ndarray, expected: np.ndarray) -> MeanTest:
    """One-sample t test of mean(values - expected) = 0 (see the module docstring)."""
    values, expected = np.asarray(values, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if len(values) == 0 or values.shape != expected.shape:
        raise ValueError("mean_test needs one expectation per value, and at least one value")
    mean, exp = fsum(values.tolist()) / len(values), fsum(expected.tolist()) / len(expected)
    diff = values - expected
    if len(diff) < 2:
        return MeanTest(mean, exp, None, None, None)
    if np.ptp(diff) <= 1e-12 * max(1.0, float(np.abs(diff).max())):
        if abs(float(diff.mean())) <= 1e-12:
            return MeanTest(mean, exp, mean, mean, 1.0)
        return MeanTest(mean, exp, None, None, None)  # no variance: the t test cannot say anything
    res = ttest_1samp(diff, 0.0)
    ci = res.confidence_interval(CONFIDENCE)
    return MeanTest(mean, exp, exp + float(ci.low), exp + float(ci.high), float(res.pvalue))


Measure = tuple[str, float, float, float | None]  # name, observed mean, exact expectation, p-value


def measures(s: StrategyBacktest, game: Game) -> list[Measure]:
    """The three measures of one strategy, each with its observed mean, expectation and p-value."""
    bonus = BONUS_NAMES.get(game, "bonus balls")
    return [
        ("main numbers", s.mean_main_matches, s.expected_main_matches, s.main_p_value),
        (bonus, s.mean_bonus_matches, s.expected_bonus_matches, s.bonus_p_value),
        ("any prize", s.any_prize_rate, s.expected_any_prize_rate, s.any_prize_p_value),
    ]


def _tested(s: StrategyBacktest, game: Game) -> list[Measure]:
    return [m for m in measures(s, game) if m[3] is not None and isfinite(m[3])]


def _finding(m: Measure) -> str:
    """``fewer stars than random tickets at the 5 % level (p = 0.021)``."""
    name, mean, expected, p = m
    way = "more" if mean > expected else "fewer"
    what = "prizes" if name == "any prize" else name
    return f"{way} {what} than random tickets at the 5 % level ({p_text(p)})"


def strategy_verdict(s: StrategyBacktest, game: Game, comparisons: int) -> tuple[Significance, str]:
    """One strategy's verdict: its smallest p-value judged among ``comparisons`` tests, in words."""
    done = _tested(s, game)
    if not done:
        return judge(None, comparisons), "too few targets to measure a difference (at least 2 are needed)"
    listed = ", ".join(f"{name} {p_text(p)}" for name, _, _, p in measures(s, game))
    smallest = min(done, key=lambda m: m[3] or 0.0)
    sig = judge(smallest[3], comparisons)
    if sig.level is Level.NONE:
        return sig, f"no difference from random tickets at the 5 % level ({listed})"
    if sig.level is Level.NOMINAL:
        return sig, f"{_finding(smallest)}, {allowance(sig)}: no evidence of an edge ({listed})"
    return sig, (
        f"{_finding(smallest)}, {allowance(sig)}; draws do not depend on the past, so check the data and "
        f"the code before reading this as an edge ({listed})"
    )


def _conclusion(
    game: Game, strategies: Sequence[StrategyBacktest], sigs: dict[Strategy, Significance]
) -> str:
    comparisons = MEASURES * max(len(strategies), 1)
    cut = cutoff_text(judge(None, comparisons).cutoff)
    tested = f"main numbers, {BONUS_NAMES.get(game, 'bonus balls')}, any prize"
    if not strategies:
        return "No back-test yet."
    if all(sig.p_value is None for sig in sigs.values()):
        return "Too few targets to measure any difference (at least 2 are needed)."
    flagged = [s for s in strategies if sigs[s.strategy].level is not Level.NONE]
    if not flagged:
        return (
            f"No strategy differs from random tickets on any of the {MEASURES} measures tested "
            f"({tested}): every p-value is at least 0.05."
        )
    flagged.sort(key=lambda s: sigs[s.strategy].p_value or 0.0)
    found = "; ".join(
        f"{s.strategy.value}: {_finding(min(_tested(s, game), key=lambda m: m[3] or 0.0))}" for s in flagged
    )
    beyond = [s.strategy.value for s in flagged if sigs[s.strategy].level is Level.BEYOND_CHANCE]
    if beyond:
        text = (
            f"{found}. {', '.join(beyond)} went below the cutoff {cut} that allows for the {comparisons} "
            "comparisons made; draws do not depend on the past: check the data and the back-test before "
            "reading this as an edge."
        )
    else:
        text = (
            f"{found}. With {comparisons} comparisons ({MEASURES} measures x {len(strategies)} strategies), "
            f"about {comparisons * 0.05:.1f} p-values below 0.05 are expected by chance, and none is below "
            f"the cutoff {cut}: no evidence that any strategy differs from random tickets."
        )
    others = len(strategies) - len(flagged)
    if others:
        text += f" The other {others} show no difference at the 5 % level on any measure ({tested})."
    return text


def judge_backtest(game: Game, strategies: Sequence[StrategyBacktest]) -> BacktestVerdict:
    """The verdicts, the cutoff and the conclusion of a back-test, by the one significance rule.

    Only p-values and means are read, so a stored result is judged exactly as a fresh one.
    """
    comparisons = MEASURES * max(len(strategies), 1)
    judged = {s.strategy: strategy_verdict(s, game, comparisons) for s in strategies}
    sigs = {name: sig for name, (sig, _) in judged.items()}
    return BacktestVerdict(
        comparisons=comparisons,
        cutoff=judge(None, comparisons).cutoff,
        verdicts={name: text for name, (_, text) in judged.items()},
        significance=sigs,
        conclusion=_conclusion(game, strategies, sigs),
    )


def with_verdicts(result: BacktestResult) -> BacktestResult:
    """``result`` with every verdict, the cutoff and the conclusion from :func:`judge_backtest`."""
    judged = judge_backtest(result.game, result.strategies)
    strategies = [
        s.model_copy(
            update={"verdict": judged.verdicts[s.strategy], "significance": judged.significance[s.strategy]}
        )
        for s in result.strategies
    ]
    return result.model_copy(
        update={
            "strategies": strategies,
            "comparisons": judged.comparisons,
            "cutoff": judged.cutoff,
            "conclusion": judged.conclusion,
        }
    )


class _Tally:
    """Per-target values of one strategy, filled as the walk goes."""

    def __init__(self, n: int) -> None:
        self.main, self.bonus, self.any = np.zeros(n), np.zeros(n), np.zeros(n)
        self.tickets = 0
        self.tiers: dict[str, int] = {}
        self.expected_tiers: dict[str, float] = {}

    def add(self, t: int, score: DrawScore) -> None:
        m = len(score.tier)
        self.tickets += m
        self.main[t] = score.main_matches.mean()
        self.bonus[t] = score.bonus_matches.mean()
        self.any[t] = score.won.mean()
        won = np.bincount(score.tier[score.won], minlength=len(score.era.tiers))
        for tier, count in zip(score.era.tiers, won.tolist(), strict=True):
            self.tiers[tier.label] = self.tiers.get(tier.label, 0) + count
            expected = m * _tier_probabilities(score.era)[tier.rank - 1]
            self.expected_tiers[tier.label] = self.expected_tiers.get(tier.label, 0.0) + expected


@cache
def _tier_probabilities(era: Era) -> tuple[float, ...]:
    return tuple(era.tier_probability(t) for t in era.tiers)


@cache
def expectations(era: Era) -> tuple[float, float, float]:
    """Exact main matches, bonus matches and any-prize probability of one random ticket of ``era``."""
    k, b = era.numbers_count, era.bonus_count
    return k * k / era.numbers_max, (b * b / era.bonus_max if b else 0.0), sum(_tier_probabilities(era))


def backtest(
    draws: DrawSet,
    config: BacktestConfig | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Walk-forward back-test of ``config.strategies`` on the last ``config.draws`` draws.

    ValueError when the window is empty, shorter than the targets asked or leaves the first target
    fewer than ``config.min_history`` earlier draws. ``progress(done, total)`` is called after each
    target.
    """
    config = config or BacktestConfig()
    first = _check(draws, config)
    n = draws.size - first
    tallies = {s: _Tally(n) for s in config.strategies}
    expected = np.zeros((n, 3))
    for t, outcome in enumerate(walk_forward(draws, config)):
        expected[t] = expectations(outcome.target.era)
        for s, score in outcome.scores.items():
            tallies[s].add(t, score)
        if progress is not None:
            progress(t + 1, n)
    out = []
    for s, tally in tallies.items():
        main = mean_test(tally.main, expected[:, 0])
        bonus = mean_test(tally.bonus, expected[:, 1])
        anyp = mean_test(tally.any, expected[:, 2])
        out.append(
            StrategyBacktest(
                strategy=s,
                targets=n,
                tickets=tally.tickets,
                mean_main_matches=main.mean,
                expected_main_matches=main.expected,
                main_ci_low=main.ci_low,
                main_ci_high=main.ci_high,
                main_p_value=main.p_value,
                mean_bonus_matches=bonus.mean,
                expected_bonus_matches=bonus.expected,
                bonus_ci_low=bonus.ci_low,
                bonus_ci_high=bonus.ci_high,
                bonus_p_value=bonus.p_value,
                any_prize_rate=anyp.mean,
                expected_any_prize_rate=anyp.expected,
                any_prize_ci_low=anyp.ci_low,
                any_prize_ci_high=anyp.ci_high,
                any_prize_p_value=anyp.p_value,
                tier_counts=tally.tiers,
                expected_tier_counts=tally.expected_tiers,
            )
        )
    return with_verdicts(
        BacktestResult(
            game=draws.game,
            first_target=_as_date(draws.dates[first]),
            last_target=_as_date(draws.dates[-1]),
            config=config,
            strategies=out,
            note=NOTE,
        )
    )
