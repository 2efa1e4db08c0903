"""The one rule that decides significance, everywhere in the product.

A p-value below ``ALPHA`` (0.05) is reported plainly as a difference "at the 5 % level". When a page
makes several comparisons at once (the back-test tests three measures for each strategy; the
statistics page tests numbers and bonus balls; hot/cold looks at every number on both sides), some
p below 0.05 is expected by chance, so a difference only *stands out* below ``ALPHA / comparisons``
(Bonferroni: the chance that any of the comparisons falls below that cutoff when nothing is going
on is at most ``ALPHA``). Three levels follow:

* ``none``: p >= 0.05, no evidence of a difference;
* ``nominal``: p < 0.05 but not below the cutoff: said plainly, then explained as chance;
* ``beyond_chance``: p below the cutoff. Draws do not depend on the past, so even then the wording
  asks to suspect the data or the code first.

:func:`judge` is the only place that compares a p-value with a threshold; the back-test verdicts,
the weekly report, the chi-square verdicts and hot/cold all go through it.
"""

from __future__ import annotations

from enum import StrEnum
from math import floor, isfinite, log10

from pydantic import BaseModel, Field

ALPHA = 0.05


class Level(StrEnum):
    """How far a p-value goes, allowing for the comparisons made beside it."""

    NONE = "none"
    NOMINAL = "nominal"
    BEYOND_CHANCE = "beyond_chance"


class Significance(BaseModel):
    """A p-value judged by the one rule: the level, and the cutoff that allowed for the comparisons."""

    p_value: float | None = Field(
        description="the smallest p-value of the comparisons judged (None: untested)"
    )
    comparisons: int = Field(ge=1, description="tests made together (the family the cutoff allows for)")
    alpha: float = Field(default=ALPHA, description="the level a single test is read at")
    cutoff: float = Field(description="alpha / comparisons: below it a difference stands out (Bonferroni)")
    level: Level


def cutoff(comparisons: int) -> float:
    """The p-value a difference must go below to stand out among ``comparisons`` tests."""
    if comparisons < 1:
        raise ValueError(f"comparisons must be at least 1, got {comparisons}")
    return ALPHA / comparisons


def judge(p_value: float | None, comparisons: int) -> Significance:
    """The level of ``p_value`` among ``comparisons`` tests (an untested or NaN p is ``none``)."""
    cut = cutoff(comparisons)
    if p_value is None or not isfinite(p_value):
        level = Level.NONE
        p_value = None
    elif p_value < cut:
        level = Level.BEYOND_CHANCE
    elif p_value < ALPHA:
        level = Level.NOMINAL
    else:
        level = Level.NONE
    return Significance(p_value=p_value, comparisons=comparisons, cutoff=cut, level=level)


def p_number(p: float | None) -> str:
    """``0.43``, ``0.0497``, ``0.008``, ``< 0.001`` (``not computed`` for None): a p-value as tables show it.

    Below 0.1, three significant figures rounded *down*, so a p below 0.05 never prints as 0.05.
    """
    if p is None:
        return "not computed"
    if p < 0.001:
        return "< 0.001"
    if p >= 0.1:
        return f"{p:.2f}"
    scale = 10 ** (2 - floor(log10(p)))
    return f"{floor(p * scale) / scale:.3g}"


def p_text(p: float | None) -> str:
    """``p = 0.43``, ``p = 0.0497``, ``p < 0.001`` (``p not computed`` for None): as sentences say it."""
    number = p_number(p)
    return f"p {number}" if number.startswith(("<", "not")) else f"p = {number}"


def cutoff_text(value: float) -> str:
    """A cutoff as the sentences print it (two significant figures: ``0.0042``)."""
    return f"{value:.2g}"


def allowance(sig: Significance) -> str:
    """The sentence that follows a nominal or beyond-chance finding: what the comparisons allow."""
    if sig.comparisons == 1:
        return ""
    if sig.level is Level.NOMINAL:
        return (
            f"but {sig.comparisons} comparisons were made together, and some p below 0.05 is expected by "
            f"chance among them (about 1 in 20): it would take p < {cutoff_text(sig.cutoff)} to stand out"
        )
    if sig.level is Level.BEYOND_CHANCE:
        return f"below {cutoff_text(sig.cutoff)}, which allows for the {sig.comparisons} comparisons made"
    return ""
