"""Exact statistics over a window of main-formula draws, vectorised with numpy.

Input is a :class:`DrawSet` (dates ascending, one row of sorted balls per draw). Every figure is
exact; the expectations are the exact ones for fair draws under the rules in force on each date
(EuroMillions' star pool grew from 9 to 11 to 12: a star only counts as *eligible* in draws where
it existed). Definitions:

* Gaps. A gap is a run of eligible draws without the number. ``max_gap`` is the longest *complete*
  gap, strictly between two consecutive appearances (None below two appearances). The two censored
  runs are reported apart, since the window cuts them: ``gap_before_first`` (eligible draws before
  the first appearance; the run may have begun before the window) and ``current_gap`` (draws after
  the last appearance, still running). A never-drawn number has both equal to ``eligible_draws``.
  ``mean_gap``: mean draws between two consecutive appearances (None below two appearances).
* The chi-square statistic treats each draw's k balls as drawn without replacement, so Pearson's
  X^2 behaves like c * chi2(K-1) with c = (K-k)/(K-1); we divide by c. Where the bonus pool
  changed inside the window, each era contributes its own corrected term and K-1 degrees of
  freedom (the eras are independent sets of draws): the terms are reported one by one.
* Hot/cold: each number's count over the last N draws of the window against the fair expectation
  N*k/K, with its exact binomial tail; see :func:`hot_cold`.

The passes, one module each: :mod:`~lottery.stats.engine.counts` (appearances, expectations, current
gaps), :mod:`~lottery.stats.engine.gaps` (complete gaps, block by block), :mod:`~lottery.stats.engine.combos`
(pairs and triplets), :mod:`~lottery.stats.engine.shapes` (the draws' shapes and their exact
distributions), :mod:`~lottery.stats.engine.uniformity` (chi-square by pool era) and
:mod:`~lottery.stats.engine.hot_and_cold`; :mod:`~lottery.stats.engine.passes` runs them block by block
and, on a large window, on threads; :mod:`~lottery.stats.engine.results` assembles quick and full
statistics. The names below are the engine's interface.
"""

from lottery.stats.engine.combos import _binomials, _colex, _combo_counts, _valid_codes, pairs, triplet_counts
from lottery.stats.engine.counts import POISSON_NOISE_BELOW, BallStats, ball_counts
from lottery.stats.engine.gaps import ball_stats
from lottery.stats.engine.hot_and_cold import hot_cold
from lottery.stats.engine.passes import PARALLEL_FROM_DRAWS, STATS_THREADS, _Passes
from lottery.stats.engine.pools import pools
from lottery.stats.engine.results import full_stats, quick_stats
from lottery.stats.engine.shapes import _hypergeom, distributions, sum_distribution
from lottery.stats.engine.uniformity import chi_square
from lottery.stats.engine.window import DrawSet, compact

__all__ = [
    "PARALLEL_FROM_DRAWS",
    "POISSON_NOISE_BELOW",
    "STATS_THREADS",
    "BallStats",
    "DrawSet",
    "_Passes",
    "_binomials",
    "_colex",
    "_combo_counts",
    "_hypergeom",
    "_valid_codes",
    "ball_counts",
    "ball_stats",
    "chi_square",
    "compact",
    "distributions",
    "full_stats",
    "hot_cold",
    "pairs",
    "pools",
    "quick_stats",
    "sum_distribution",
    "triplet_counts",
]
