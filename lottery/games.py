"""Rules of the games, as data: eras, ball ranges, draw days and prize tiers.

Every rule that changed over time is an :class:`Era` with a start date; the era in force on a
date is the last one that started on or before it. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from math import comb


class Game(StrEnum):
    """The games whose FDJ history the platform holds."""

    EUROMILLIONS = "euromillions"
    LOTO = "loto"


class DrawKind(StrEnum):
    """Shapes of draw kept apart in the warehouse.

    ``main`` is the current formula of each game (the only kind statistics use); ``loto_6_49`` is
    Loto's formula before 2008-10-06; ``loto_second`` is Loto's optional second draw (2019-11 on).
    """

    MAIN = "main"
    LOTO_6_49 = "loto_6_49"
    LOTO_SECOND = "loto_second"


# Weekday numbers as in date.weekday().
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class PrizeTier:
    """One prize rank: which match patterns win it.

    ``numbers`` is the inclusive range of main balls matched; ``bonus`` the bonus balls matched
    (stars, chance number or complementary ball), or ``None`` when the bonus does not matter.
    """

    rank: int
    numbers: tuple[int, int]
    bonus: int | None

    @property
    def label(self) -> str:
        """Human label: ``5+2``, ``4`` (bonus ignored), ``0-1+1``."""
        low, high = self.numbers
        nums = str(high) if low == high else f"{low}-{high}"
        return nums if self.bonus is None else f"{nums}+{self.bonus}"

    def wins(self, numbers_matched: int, bonus_matched: int) -> bool:
        """Whether a ticket with this many matches falls in this tier."""
        low, high = self.numbers
        return low <= numbers_matched <= high and (self.bonus is None or self.bonus == bonus_matched)


def _tiers(*patterns: tuple[int | tuple[int, int], int | None]) -> tuple[PrizeTier, ...]:
    out = []
    for rank, (nums, bonus) in enumerate(patterns, start=1):
        span = nums if isinstance(nums, tuple) else (nums, nums)
        out.append(PrizeTier(rank=rank, numbers=span, bonus=bonus))
    return tuple(out)


@dataclass(frozen=True)
class Era:
    """The rules of one draw kind from ``start`` until the next era starts."""

    game: Game
    kind: DrawKind
    start: date
    numbers_count: int
    numbers_max: int
    bonus_count: int
    bonus_max: int
    weekdays: frozenset[int] | None  # None: the draw day was not fixed
    tiers: tuple[PrizeTier, ...]
    bonus_from_numbers: bool = False  # Loto 6/49's complementary ball is drawn from the same 49

    def odds(self, numbers_matched: int, bonus_matched: int) -> float:
        """Exact probability that one random ticket matches exactly this pattern."""
        k, s = numbers_matched, bonus_matched
        n, big_n = self.numbers_count, self.numbers_max
        p_numbers = comb(n, k) * comb(big_n - n, n - k) / comb(big_n, n)
        if self.bonus_count == 0:
            return p_numbers if s == 0 else 0.0
        if self.bonus_from_numbers:
            # 6/49: the complementary ball is one of the N - n balls left; it matches one of the
            # ticket's n - k numbers that missed with probability (n - k) / (N - n).
            p_bonus = (n - k) / (big_n - n)
            return p_numbers * (p_bonus if s == 1 else 1 - p_bonus) if s in (0, 1) else 0.0
        b, big_s = self.bonus_count, self.bonus_max
        return p_numbers * comb(b, s) * comb(big_s - b, b - s) / comb(big_s, b)

    def tier_probability(self, tier: PrizeTier) -> float:
        """Exact probability that one random ticket wins ``tier``."""
        bonus_range = range(self.bonus_count + 1) if tier.bonus is None else (tier.bonus,)
        low, high = tier.numbers
        return sum(self.odds(k, s) for k in range(low, high + 1) for s in bonus_range)


EM_TIERS_2004 = _tiers(
    (5, 2), (5, 1), (5, 0), (4, 2), (4, 1), (4, 0), (3, 2), (3, 1), (2, 2), (3, 0), (1, 2), (2, 1)
)
EM_TIERS_2011 = _tiers(
    (5, 2), (5, 1), (5, 0), (4, 2), (4, 1), (4, 0), (3, 2), (2, 2), (3, 1), (3, 0), (1, 2), (2, 1), (2, 0)
)
EM_TIERS_2016 = _tiers(
    (5, 2), (5, 1), (5, 0), (4, 2), (4, 1), (3, 2), (4, 0), (2, 2), (3, 1), (3, 0), (1, 2), (2, 1), (2, 0)
)
LOTO_TIERS_2008 = _tiers((5, 1), (5, 0), (4, None), (3, None), (2, None), ((0, 1), 1))
LOTO_TIERS_2017 = _tiers((5, 1), (5, 0), (4, 1), (4, 0), (3, 1), (3, 0), (2, 1), (2, 0), ((0, 1), 1))
# 6/49: the bonus is the complementary ball. Rank order of the last years of the formula; FDJ's
# earliest files use the same seven columns.
LOTO_6_49_TIERS = _tiers((6, None), (5, 1), (5, 0), (4, 1), (4, 0), (3, 1), (3, 0))
LOTO_SECOND_TIERS = _tiers((5, None), (4, None), (3, None), (2, None))

ERAS: tuple[Era, ...] = (
    Era(Game.EUROMILLIONS, DrawKind.MAIN, date(2004, 2, 13), 5, 50, 2, 9, frozenset({FRI}), EM_TIERS_2004),
    Era(
        Game.EUROMILLIONS,
        DrawKind.MAIN,
        date(2011, 5, 10),
        5,
        50,
        2,
        11,
        frozenset({TUE, FRI}),
        EM_TIERS_2011,
    ),
    Era(
        Game.EUROMILLIONS,
        DrawKind.MAIN,
        date(2016, 9, 27),
        5,
        50,
        2,
        12,
        frozenset({TUE, FRI}),
        EM_TIERS_2016,
    ),
    Era(
        Game.LOTO,
        DrawKind.LOTO_6_49,
        date(1976, 5, 19),
        6,
        49,
        1,
        49,
        None,
        LOTO_6_49_TIERS,
        bonus_from_numbers=True,
    ),
    Era(
        Game.LOTO, DrawKind.MAIN, date(2008, 10, 6), 5, 49, 1, 10, frozenset({MON, WED, SAT}), LOTO_TIERS_2008
    ),
    Era(
        Game.LOTO, DrawKind.MAIN, date(2017, 3, 6), 5, 49, 1, 10, frozenset({MON, WED, SAT}), LOTO_TIERS_2017
    ),
    Era(
        Game.LOTO,
        DrawKind.LOTO_SECOND,
        date(2019, 11, 4),
        5,
        49,
        0,
        0,
        frozenset({MON, WED, SAT}),
        LOTO_SECOND_TIERS,
    ),
)

# The day each kind ended (exclusive), where it did.
KIND_END: dict[tuple[Game, DrawKind], date] = {(Game.LOTO, DrawKind.LOTO_6_49): date(2008, 10, 6)}


@cache
def eras_of(game: Game, kind: DrawKind = DrawKind.MAIN) -> tuple[Era, ...]:
    """The eras of one draw kind, oldest first."""
    return tuple(sorted((e for e in ERAS if e.game == game and e.kind == kind), key=lambda e: e.start))


def era_on(game: Game, kind: DrawKind, day: date) -> Era | None:
    """The era in force on ``day``, or None when that kind was not drawn then."""
    end = KIND_END.get((game, kind))
    if end is not None and day >= end:
        return None
    current = None
    for era in eras_of(game, kind):
        if era.start <= day:
            current = era
    return current


def current_era(game: Game) -> Era:
    """The rules of a game's main formula today."""
    return eras_of(game)[-1]


def check_draw(era: Era, day: date, numbers: tuple[int, ...], bonus: tuple[int, ...]) -> str | None:
    """Why a draw breaks its era's rules, or None when it obeys them."""
    if len(numbers) != era.numbers_count:
        return f"expected {era.numbers_count} numbers, got {len(numbers)}"
    if len(bonus) != era.bonus_count:
        return f"expected {era.bonus_count} bonus balls, got {len(bonus)}"
    bad = [n for n in numbers if not 1 <= n <= era.numbers_max]
    if bad:
        return f"number {bad[0]} outside 1..{era.numbers_max}"
    if len(set(numbers)) != len(numbers):
        return f"repeated number in {sorted(numbers)}"
    bad = [b for b in bonus if not 1 <= b <= era.bonus_max]
    if bad:
        return f"bonus ball {bad[0]} outside 1..{era.bonus_max} (rules in force on {day.isoformat()})"
    if len(set(bonus)) != len(bonus):
        return f"repeated bonus ball in {sorted(bonus)}"
    if era.bonus_from_numbers and set(bonus) & set(numbers):
        return f"complementary ball {bonus[0]} is also a main number"
    if era.weekdays is not None and day.weekday() not in era.weekdays:
        allowed = ", ".join(WEEKDAY_NAMES[d] for d in sorted(era.weekdays))
        return f"{day.isoformat()} is a {WEEKDAY_NAMES[day.weekday()]}; draws were on {allowed}"
    return None
