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

Modules: :mod:`~lottery.backtest.models` (the request and the results), :mod:`~lottery.backtest.walk`
(the walk-forward steps and the scoring), :mod:`~lottery.backtest.uncertainty` (the t test),
:mod:`~lottery.backtest.verdicts` and :mod:`~lottery.backtest.summary` (:func:`backtest`). The names
below are the package's interface.
"""

from lottery.backtest.models import (
    MAX_DRAWS,
    MAX_GRIDS,
    BacktestConfig,
    BacktestResult,
    BacktestVerdict,
    StrategyBacktest,
)
from lottery.backtest.summary import NOTE, backtest, expectations
from lottery.backtest.uncertainty import CONFIDENCE, MeanTest, mean_test
from lottery.backtest.verdicts import (
    MEASURES,
    Measure,
    judge_backtest,
    measures,
    strategy_verdict,
    with_verdicts,
)
from lottery.backtest.walk import (
    DrawScore,
    TargetDraw,
    TargetOutcome,
    era_of,
    history_before,
    score_grids,
    target_draw,
    target_seed,
    tickets_for,
    walk_forward,
)

__all__ = [
    "CONFIDENCE",
    "MAX_DRAWS",
    "MAX_GRIDS",
    "MEASURES",
    "NOTE",
    "BacktestConfig",
    "BacktestResult",
    "BacktestVerdict",
    "DrawScore",
    "MeanTest",
    "Measure",
    "StrategyBacktest",
    "TargetDraw",
    "TargetOutcome",
    "backtest",
    "era_of",
    "expectations",
    "history_before",
    "judge_backtest",
    "mean_test",
    "measures",
    "score_grids",
    "strategy_verdict",
    "target_draw",
    "target_seed",
    "tickets_for",
    "walk_forward",
    "with_verdicts",
]
