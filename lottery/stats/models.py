"""Statistics filters and results: the public JSON contract shared by Dagster and the API."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from lottery.games import Game
from lottery.significance import Significance


class StatsError(ValueError):
    """Base of every error a statistics request can raise; ``field`` names the culprit."""

    status_hint = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidFilterError(StatsError):
    """A filter that can never select anything (month without year, month 13, from after to ...)."""


class UnknownGameError(StatsError):
    """A game the platform does not know."""

    status_hint = 404


class NoDrawsError(StatsError):
    """A valid filter whose window holds no draw (a year before the game existed ...)."""

    status_hint = 404


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Dates as ``YYYY-MM-DD`` only (pydantic would also read numbers as Unix timestamps)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def parse_game(value: str) -> Game:
    """``'euromillions'`` -> Game.EUROMILLIONS, or :class:`UnknownGameError`."""
    try:
        return Game(value.lower())
    except ValueError:
        known = ", ".join(g.value for g in Game)
        raise UnknownGameError("game", f"unknown game {value!r}; known games: {known}") from None


class StatsFilter(BaseModel):
    """Which draws a statistic covers: all, a year, a month of a year, a date range, the last N.

    Filters combine: the date filters select a window, then ``last`` keeps its last N draws.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    year: int | None = None
    month: int | None = None
    date_from: IsoDate | None = Field(default=None, alias="from")
    date_to: IsoDate | None = Field(default=None, alias="to")
    last: int | None = None

    def validated(self) -> StatsFilter:
        """Self, or :class:`InvalidFilterError` saying which field is wrong and why."""
        if self.month is not None and self.year is None:
            raise InvalidFilterError("month", "month needs a year (e.g. year=2025&month=3)")
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidFilterError("month", f"month must be 1..12, got {self.month}")
        if self.year is not None and not 1900 <= self.year <= 2999:
            raise InvalidFilterError("year", f"year must be a four-digit year, got {self.year}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidFilterError("from", f"from ({self.date_from}) is after to ({self.date_to})")
        if self.last is not None and self.last < 1:
            raise InvalidFilterError("last", f"last must be at least 1, got {self.last}")
        return self

    @property
    def bounds(self) -> tuple[date | None, date | None]:
        """The inclusive date range the filters allow (None: open)."""
        lo, hi = self.date_from, self.date_to
        if self.year is not None:
            start = date(self.year, self.month or 1, 1)
            end = (
                date(self.year + (self.month == 12), self.month % 12 + 1, 1)
                if self.month
                else date(self.year + 1, 1, 1)
            )
            end = date.fromordinal(end.toordinal() - 1)
            lo = max(lo, start) if lo else start
            hi = min(hi, end) if hi else end
        return lo, hi

    def rows(self, dates: np.ndarray) -> slice:
        """The rows of an ascending ``datetime64[D]`` array (one draw per day) the filters select:
        its date bounds, inclusive, then its last N; an empty slice when none."""
        lo, hi = self.bounds
        start = 0 if lo is None else int(np.searchsorted(dates, np.datetime64(lo, "D"), "left"))
        stop = len(dates) if hi is None else int(np.searchsorted(dates, np.datetime64(hi, "D"), "right"))
        if self.last is not None:
            start = max(start, stop - self.last)
        return slice(start, max(start, stop))

    @property
    def scope(self) -> str:
        """A short stable name of the window: ``all``, ``2025``, ``2025-03``, ``last50``, ``...``."""
        parts = []
        if self.year is not None:
            parts.append(f"{self.year}" + (f"-{self.month:02d}" if self.month else ""))
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or ''}..{self.date_to or ''}")
        if self.last is not None:
            parts.append(f"last{self.last}")
        return "+".join(parts) or "all"

    def public(self) -> dict[str, object]:
        """The filters as the API names them, without the unset ones."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class DrawOut(BaseModel):
    """One draw: date, sorted numbers, sorted bonus balls."""

    draw_date: date
    numbers: list[int]
    bonus: list[int]


class QuickNumberStat(BaseModel):
    """How often one number came out in the window, and how long ago."""

    number: int
    count: int
    frequency: float = Field(description="count / eligible_draws")
    current_gap: int = Field(description="draws since it last came out (eligible_draws if never)")
    last_drawn: date | None


class NumberStat(QuickNumberStat):
    """Everything about one number in the window."""

    eligible_draws: int = Field(description="draws of the window in which the number existed")
    expected: float = Field(description="expected count under fair draws")
    max_gap: int | None = Field(
        description="longest complete gap: draws strictly between two consecutive appearances "
        "(None below two appearances); the censored runs are gap_before_first and current_gap"
    )
    gap_before_first: int = Field(
        description="eligible draws of the window before its first appearance (censored: the run may have "
        "begun before the window; eligible_draws if never drawn)"
    )
    mean_gap: float | None = Field(description="mean draws between two appearances (None if < 2)")


NUMBER_STAT_COLUMNS = (
    "number",
    "count",
    "eligible_draws",
    "frequency",
    "expected",
    "current_gap",
    "max_gap",
    "mean_gap",
    "last_drawn",
    "gap_before_first",
)
"""The fields of :class:`NumberStat` in the column order of the warehouse's ``number_stats`` rows."""


class HotColdNumber(BaseModel):
    """A number's count over the last N draws against the fair expectation, with its exact tail."""

    number: int
    recent_count: int
    fair_expected: float = Field(description="last_n x k/K: the expected count in fair draws")
    z: float = Field(description="(recent_count - fair_expected) / binomial sd of fair draws")
    tail_probability: float = Field(
        description="exact binomial P(count >= recent_count) for hot numbers, P(count <= recent_count) for "
        "cold ones, in fair draws"
    )
    crosses_line: bool = Field(description="tail_probability <= line (0.05)")


class HotCold(BaseModel):
    """Numbers whose count over the last N draws of the window is far from the fair expectation.

    Exact binomial tails (a given number is in a fair draw with probability k/K, independently from
    draw to draw). ``expected_*_by_chance`` is how many numbers cross the line on each side in fair
    draws of this length, computed for this window; a side no count can reach is empty and says so.
    """

    last_n: int = Field(description="draws looked at: the last N of the window")
    line: float = Field(description="a number is hot (cold) when its upper (lower) tail is at most this")
    hot: list[HotColdNumber] = Field(description="smallest upper tails first (empty if no count can cross)")
    cold: list[HotColdNumber] = Field(description="smallest lower tails first (empty if no count can cross)")
    hot_crossing: int = Field(description="numbers whose upper tail is at most the line")
    cold_crossing: int = Field(description="numbers whose lower tail is at most the line")
    expected_hot_by_chance: float = Field(description="expected hot_crossing in fair draws of this length")
    expected_cold_by_chance: float = Field(description="expected cold_crossing in fair draws of this length")
    hot_possible: bool = Field(description="whether any count over last_n draws can cross the hot line")
    cold_possible: bool = Field(description="whether any count over last_n draws can cross the cold line")
    significance: Significance = Field(
        description="the smallest tail of all numbers, judged among 2 x K comparisons (both sides)"
    )
    note: str


class QuickStats(BaseModel):
    """The quick-stats page."""

    game: Game
    filters: dict[str, object]
    draw_count: int
    first_draw: DrawOut
    last_draw: DrawOut
    numbers: list[QuickNumberStat]
    bonus: list[QuickNumberStat]
    hot_cold: HotCold
    data_version: str


class PairStat(BaseModel):
    """How often a pair (or triplet) of balls came out together."""

    numbers: list[int]
    count: int
    expected: float
    poisson_noise: bool = Field(description="expected count below 5: counts are mostly noise")


class Pairs(BaseModel):
    """Pair and triplet counts (top N unless all were asked for)."""

    numbers: list[PairStat]
    bonus: list[PairStat]
    triplets: list[PairStat]
    total_number_pairs: int


class Bucket(BaseModel):
    """One bar of a distribution: a value (or range), observed count and share, exact expected share."""

    value: str
    count: int
    share: float
    expected_share: float | None


class Distribution(BaseModel):
    """A per-draw quantity's distribution over the window."""

    buckets: list[Bucket]
    mean: float
    expected_mean: float | None = None
    sd: float | None = None
    expected_sd: float | None = None


class Distributions(BaseModel):
    """Shapes of the draws."""

    odd_count: Distribution
    low_count: Distribution
    sum: Distribution
    consecutive_pairs: Distribution
    decades: Distribution
    repeats_from_previous: Distribution | None = Field(
        description="numbers shared with the previous draw of the window (None below two draws)"
    )


class ChiSquareEra(BaseModel):
    """One pool era's term of the chi-square: its own draws, pool size K and correction."""

    first_date: date = Field(description="the era's first draw in the window")
    last_date: date = Field(description="the era's last draw in the window")
    pool: int = Field(description="K: balls in the pool in this era")
    draws: int
    statistic: float = Field(description="Pearson's X^2 of this era's counts")
    correction: float = Field(description="c = (K-k)/(K-1)")
    corrected_statistic: float = Field(description="X^2 / c, distributed as chi2(K-1) in fair draws")
    df: int = Field(description="K - 1")
    min_expected: float


class ChiSquare(BaseModel):
    """Pearson's chi-square against uniform, corrected for drawing without replacement, per pool era."""

    statistic: float = Field(description="Pearson's X^2, summed over the eras")
    correction: float | None = Field(
        description="(K-k)/(K-1) when the window lies in one pool era; None across eras (see eras)"
    )
    corrected_statistic: float = Field(description="sum of the eras' corrected statistics")
    df: int = Field(description="sum of the eras' K - 1")
    p_value: float
    min_expected: float
    eras: list[ChiSquareEra] = Field(description="one term per pool era of the window")
    significance: Significance = Field(description="p judged among the 2 tests of the page (numbers, bonus)")
    verdict: str


class Randomness(BaseModel):
    """Are the counts consistent with fair draws?"""

    numbers: ChiSquare
    bonus: ChiSquare


class FullStats(BaseModel):
    """The full-stats page."""

    game: Game
    filters: dict[str, object]
    draw_count: int
    first_draw: DrawOut
    last_draw: DrawOut
    numbers: list[NumberStat]
    bonus: list[NumberStat]
    pairs: Pairs
    distributions: Distributions
    hot_cold: HotCold
    randomness: Randomness
    data_version: str
