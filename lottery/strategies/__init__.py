"""Grid generation: weighted random picks of valid grids from a window's statistics (numpy only).

Lotteries are random: every grid has exactly the same odds, whatever happened before. A strategy
only decides *which* grids a user is shown (weighting the balls by what the window's statistics
say) and every grid's ``reason`` says what the weighting did, never that it improves the odds.

Strategies (each ball pool, numbers and bonus balls, is weighted on its own):

* ``frequency_based``: a ball's weight is its frequency (count / eligible draws) in the window,
  with a floor of :data:`FREQUENCY_FLOOR` x the mean frequency so never-drawn balls stay possible.
* ``gap_based``: weight ``(current_gap + 1) / (expected_gap + 1)`` with ``expected_gap = (1-p)/p``,
  ``p = k/K`` (bonus: ``b/S``), the mean gap of a fair ball: long-absent balls weigh more.
* ``combination_based``: each grid is built around one of the :data:`TOP_PAIRS` most frequent pairs
  of numbers (picked with probability proportional to its count); the other k-2 numbers and the
  bonus balls are drawn with the frequency weights.
* ``random``: uniform over all valid grids.

A ball without any eligible draw in the window (a EuroMillions star that did not exist yet in an
old window, or every ball of an empty window) carries no information and gets the mean weight of
the others. In :class:`StrategyInputs` such a ball has frequency 0 and current gap 0, which no
ball that existed can have (gap 0 means it came out in the last draw).

Sampling k balls without replacement with probabilities driven by weights ``w`` uses the
Gumbel-top-k trick: the k largest of ``log w + Gumbel noise`` are a weighted sample without
replacement (successive draws, each proportional to the weights of the balls left). A whole chunk
of grids is one ``(rows, K)`` array, so there is no Python loop per grid.

Determinism: the numbers, bonus balls and pairs each use their own child stream of
``np.random.default_rng(seed)``, consumed row by row, and the result is the first ``count``
distinct grids of those streams in order. So the same seed and inputs give the same grids, in the
same order, whatever ``chunk_size`` or the clock.

``Grid.score`` is the mean, over the grid's k + b balls, of each ball's *normalised weight* (its
weight divided by the mean weight of the balls allowed in its pool). A uniform pick scores 1.0 on
average; 1.2 means the grid's balls weigh 20% more than average under the strategy. For
``combination_based`` the two balls of the pair count with the pair's normalised count (its count
divided by the mean count of all allowed pairs) and the others with their frequency weights;
``random`` scores exactly 1.0.

Modules: :mod:`~lottery.strategies.inputs` (the strategies and what they read of a window),
:mod:`~lottery.strategies.weights`, :mod:`~lottery.strategies.sampling` (the Gumbel-top-k samplers and
combination_based's pairs), :mod:`~lottery.strategies.request_check` (every reason a request can never
succeed), :mod:`~lottery.strategies.generation` (the draw loop) and :mod:`~lottery.strategies.grids`
(the grids, their scores and reasons). The names below are the package's interface.
"""

from lottery.stats.fair import expected_gap
from lottery.strategies.generation import DRAW_BUDGET_FACTOR, DRAW_BUDGET_MIN, generate
from lottery.strategies.grids import Generation, Grid
from lottery.strategies.inputs import BONUS_NAMES, Strategy, StrategyInputs, inputs_from_draws
from lottery.strategies.request_check import ENUMERATE_MAX, MAX_COUNT, GenerationRequestError, check_request
from lottery.strategies.sampling import TOP_PAIRS
from lottery.strategies.weights import FREQUENCY_FLOOR, frequency_weights, gap_weights

__all__ = [
    "BONUS_NAMES",
    "DRAW_BUDGET_FACTOR",
    "DRAW_BUDGET_MIN",
    "ENUMERATE_MAX",
    "FREQUENCY_FLOOR",
    "MAX_COUNT",
    "TOP_PAIRS",
    "Generation",
    "GenerationRequestError",
    "Grid",
    "Strategy",
    "StrategyInputs",
    "check_request",
    "expected_gap",
    "frequency_weights",
    "gap_weights",
    "generate",
    "inputs_from_draws",
]
