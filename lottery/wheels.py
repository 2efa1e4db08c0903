"""Abbreviated wheels (systèmes réducteurs): few tickets with a guarantee, verified exhaustively.

A player picks ``n`` numbers (at most :data:`MAX_NUMBERS`) and a guarantee "``t`` if ``m``": if
``m`` of the drawn main numbers are among the player's, at least one ticket holds ``t`` of them.
Tickets are ``k``-subsets of the player's numbers (``k`` = the main numbers of a ticket in the
game's current era, 5). In design terms this is a lotto design L(n, k, m, t), a covering design
C(n, k, t) when ``m == t``.

Where a wheel comes from: the shipped table (``lottery.wheel_table``: for every design the API
offers on 5 to 20 numbers, the smallest wheel found offline by ``scripts/build_wheel_table.py``),
relabelled onto the player's numbers by a permutation drawn from the seed, then verified again on
those numbers (step 4). A design missing from the table (none the API offers) falls back to the
search below (:func:`search_wheel`; numpy only, deterministic for a seed:
``np.random.default_rng(seed)`` and an iteration budget, never the clock):

1. Numbers are bit masks over the player's ``n`` numbers (bit ``i`` = the ``i``-th smallest);
   ``|A ∩ B|`` is ``popcount(A & B)`` (``np.bitwise_count``), vectorised over all m-subsets.
2. Construction (greedy): while some m-subset is uncovered, take a random uncovered one and, among
   up to :data:`GREEDY_CANDIDATES` tickets that cover it, add the one covering most uncovered
   m-subsets.
3. Local search (remove a ticket, repair): drop the ticket whose loss uncovers fewest m-subsets,
   then repair with simulated annealing at a fixed temperature (the neighbourhood of Nurmela and
   Östergård's covering-design search): pick a random uncovered m-subset and a random one-number
   swap that makes some ticket cover it; keep it when it uncovers no more m-subsets than it
   covers, else with probability ``exp(-delta / T)``. When nothing is uncovered the smaller wheel
   is kept and the next ticket goes; the search stops after its step budget
   (:func:`search_steps`) or at the lower bound.
4. Verification: the wheel returned is checked against EVERY m-subset of the player's numbers
   (:func:`verify`), independently of the search's own counters; an unverified wheel is never
   returned (:class:`WheelError`).

Bonus balls (stars, chance number): a ticket needs exactly ``b`` of them (2 stars, 1 chance).
None given: the tickets carry none (the player adds them when playing; the cost is per ticket
anyway). Exactly ``b`` given: every ticket gets them. More than ``b``: every main ticket is crossed
with every ``b``-subset of them (a full bonus wheel), so the guarantee holds together with "the
drawn bonus balls, if all among mine, are on a ticket that also holds ``t`` main numbers"; the
number of tickets is multiplied by C(bonus given, b).

Lower bounds (proven, named in the answer): for ``m == t`` the Schönheim bound of C(n, k, t); for
``m > t`` the counting bound (every ticket meets the same number of m-subsets in ``>= t``
numbers, so at least C(n, m) / that many tickets are needed) and, for ``t == 1``, the union bound
(tickets must leave out at most ``m - 1`` of the numbers): the larger one is reported.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np

from lottery import wheel_table
from lottery.games import Era, Game, current_era

MAX_NUMBERS = 20
MAX_TICKETS = 2_000  # tickets of a wheel (after crossing with bonus choices)
GREEDY_CANDIDATES = 192  # tickets scored per greedy step
SEARCH_CELLS = 100_000_000  # popcount cells the local search may spend (sets its step budget)
MIN_STEPS, MAX_STEPS = 1_000, 20_000
STEPS_PER_BOUND_TICKET = 100
TEMPERATURE = 0.25
VERIFY_CHUNK_CELLS = 4_000_000
TABLE_OVERHEAD_S = 0.01  # a design of the table: relabelling and numpy calls besides the checks
# Speed of the search on the reference machine (2 shared cores), from bench.bench_wheels: per-step
# overhead of numpy calls, and popcount cells per second. Only used to decide inline vs queued.
STEP_S = 1.5e-4
CELLS_PER_S = 2.5e8

Progress = Callable[[int, int], None]


class WheelRequestError(ValueError):
    """A wheel that can never be built as asked: the field at fault and why (a 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class WheelError(RuntimeError):
    """The search produced a wheel the exhaustive check refuses (never returned)."""


@dataclass(frozen=True)
class WheelSpec:
    """A checked request: the player's numbers and bonus balls, the guarantee, the game's shape."""

    game: Game
    numbers: tuple[int, ...]  # sorted, distinct
    match: int  # t
    if_drawn: int  # m
    bonus: tuple[int, ...]  # sorted, distinct
    era: Era

    @property
    def n(self) -> int:
        """How many numbers the player picked."""
        return len(self.numbers)

    @property
    def k(self) -> int:
        """Main numbers on a ticket (and drawn)."""
        return self.era.numbers_count

    @property
    def bonus_choices(self) -> list[tuple[int, ...]]:
        """The bonus balls each main ticket is played with (one empty choice when none are given)."""
        if not self.bonus:
            return [()]
        return list(combinations(self.bonus, self.era.bonus_count))

    @property
    def subsets(self) -> int:
        """m-subsets of the player's numbers: what the guarantee (and the check) runs over."""
        return comb(self.n, self.if_drawn)


@dataclass(frozen=True)
class LowerBound:
    """A proven lower bound on the number of main tickets, with its name."""

    value: int
    name: str
    kind: str  # schonheim | counting | union


@dataclass(frozen=True)
class Verification:
    """The exhaustive check: every m-subset, and the first one no ticket covers (if any)."""

    ok: bool
    checked: int
    uncovered: int
    first_uncovered: tuple[int, ...] | None


@dataclass(frozen=True)
class Wheel:
    """A verified wheel and what was learned on the way."""

    spec: WheelSpec
    seed: int
    tickets: tuple[tuple[int, ...], ...]  # main numbers, sorted tickets in a stable order
    verification: Verification
    lower_bound: LowerBound
    greedy_size: int
    steps: int
    best_known: int | None = None  # best known size from the literature (or a met lower bound)
    source: str = "search"  # where that size comes from (a key of the table's sources), or "search"
    from_table: bool = False

    @property
    def full_wheel(self) -> int:
        """Tickets of the full wheel: every k-subset of the player's numbers."""
        return comb(self.spec.n, self.spec.k)


# ---------------------------------------------------------------------------------------------
# Checking a request


def check_wheel(
    game: Game,
    numbers: Sequence[int],
    match: int,
    if_drawn: int,
    bonus: Sequence[int] = (),
    max_tickets: int = MAX_TICKETS,
    max_seconds: float | None = None,
) -> WheelSpec:
    """Every reason the wheel can never be built, as :class:`WheelRequestError`, before any search.

    ``max_seconds`` (optional) refuses designs whose estimated search (:func:`estimate_seconds`)
    is longer than that.
    """
    era = current_era(game)
    k, top = era.numbers_count, era.numbers_max
    bad = [x for x in numbers if not 1 <= x <= top]
    if bad:
        raise WheelRequestError("numbers", f"number {bad[0]} is not a ball of {game.value} (1..{top})")
    if len(set(numbers)) != len(numbers):
        twice = sorted({x for x in numbers if list(numbers).count(x) > 1})
        raise WheelRequestError("numbers", f"number {twice[0]} is given twice")
    n = len(numbers)
    if n > MAX_NUMBERS:
        raise WheelRequestError("numbers", f"at most {MAX_NUMBERS} numbers, got {n}")
    if n < k:
        raise WheelRequestError("numbers", f"a ticket holds {k} numbers: give at least {k}, got {n}")
    if match > if_drawn:
        raise WheelRequestError(
            "guarantee", f"match ({match}) cannot exceed if_drawn ({if_drawn}): only {if_drawn} are drawn"
        )
    if if_drawn > k:
        raise WheelRequestError("guarantee", f"if_drawn must be at most {k}: {k} main numbers are drawn")
    if if_drawn > n:
        raise WheelRequestError("guarantee", f"if_drawn ({if_drawn}) is more than your {n} numbers")
    if match < 1:
        raise WheelRequestError("guarantee", "match must be at least 1")
    b, top_b = era.bonus_count, era.bonus_max
    bad = [x for x in bonus if not 1 <= x <= top_b]
    if bad:
        raise WheelRequestError(
            "bonus", f"bonus ball {bad[0]} is not a bonus ball of {game.value} (1..{top_b})"
        )
    if len(set(bonus)) != len(bonus):
        raise WheelRequestError("bonus", "a bonus ball is given twice")
    if bonus and len(bonus) < b:
        raise WheelRequestError("bonus", f"a ticket holds {b} bonus ball(s): give none or at least {b}")
    spec = WheelSpec(game, tuple(sorted(numbers)), match, if_drawn, tuple(sorted(bonus)), era)
    bound = lower_bound(spec.n, spec.k, match, if_drawn)
    need = bound.value * len(spec.bonus_choices)
    if need > max_tickets:
        raise WheelRequestError(
            "guarantee",
            f"this guarantee needs at least {need} tickets ({bound.name}"
            + (f" x {len(spec.bonus_choices)} bonus choices" if len(spec.bonus_choices) > 1 else "")
            + f"); at most {max_tickets} are built: fewer numbers, a lower match or a higher if_drawn",
        )
    if max_seconds is not None and (need_s := estimate_seconds(spec)) > max_seconds:
        raise WheelRequestError(
            "guarantee",
            f"this design is too large a search (about {need_s:.0f} s, the limit is {max_seconds:.0f} s): "
            "fewer numbers or a lower match",
        )
    return spec


# ---------------------------------------------------------------------------------------------
# Bounds and odds


def schonheim(n: int, k: int, t: int) -> int:
    """Schönheim's bound: C(n,k,t) >= ceil(n/k ceil((n-1)/(k-1) ... ceil((n-t+1)/(k-t+1))))."""
    value = 1
    for i in range(t - 1, -1, -1):
        value = -(-(n - i) * value // (k - i))
    return value


def tickets_hit(n: int, k: int, m: int, t: int) -> int:
    """How many m-subsets of n numbers one k-ticket meets in at least t numbers."""
    return sum(comb(k, j) * comb(n - k, m - j) for j in range(t, min(k, m) + 1))


def lower_bound(n: int, k: int, t: int, m: int) -> LowerBound:
    """A proven lower bound on the tickets of a wheel "t if m" on n numbers with k-number tickets."""
    if m == t:
        return LowerBound(schonheim(n, k, t), "Schönheim bound of the covering number C(n,k,t)", "schonheim")
    counting = -(-comb(n, m) // tickets_hit(n, k, m, t))
    if t == 1:
        union = -(-(n - m + 1) // k)
        if union > counting:
            return LowerBound(union, "union bound (tickets leave out at most m-1 of your numbers)", "union")
    return LowerBound(
        counting, "counting bound ceil(C(n,m) / m-subsets one ticket meets in >= t)", "counting"
    )


@dataclass(frozen=True)
class Chance:
    """An exact probability, its float and '1 in N'."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float:
        """As a float."""
        return self.numerator / self.denominator

    @property
    def one_in(self) -> float | None:
        """N of '1 in N' (None for probability 0)."""
        return self.denominator / self.numerator if self.numerator else None

    @classmethod
    def of(cls, fraction: Fraction) -> Chance:
        """From a Fraction."""
        return cls(fraction.numerator, fraction.denominator)


def drawn_among_mine(era: Era, n: int, j: int) -> Fraction:
    """Exact P(exactly j of the drawn main numbers are among n chosen ones): hypergeometric."""
    k, top = era.numbers_count, era.numbers_max
    return Fraction(comb(n, j) * comb(top - n, k - j), comb(top, k))


def p_condition(spec: WheelSpec) -> Fraction:
    """Exact P(at least m of the drawn main numbers are among the player's n), one draw."""
    return sum((drawn_among_mine(spec.era, spec.n, j) for j in range(spec.if_drawn, spec.k + 1)), Fraction(0))


def p_ticket_at_least(era: Era, t: int) -> Fraction:
    """Exact P(one ticket matches at least t main numbers): the same for every ticket."""
    return sum(
        (drawn_among_mine(era, era.numbers_count, j) for j in range(t, era.numbers_count + 1)), Fraction(0)
    )


def p_wheel_at_least(spec: WheelSpec, tickets: Sequence[Sequence[int]]) -> Fraction:
    """Exact P(at least one ticket matches at least t main numbers), one draw.

    Given that exactly j drawn numbers are among the player's, they are a uniform j-subset of them;
    the share of those j-subsets that some ticket meets in >= t numbers is counted exhaustively.
    """
    masks = _ticket_masks(spec.numbers, tickets)
    total = Fraction(0)
    for j in range(spec.match, spec.k + 1):
        if j > spec.n:
            break
        subsets = subset_masks(spec.n, j)
        hit = _covered(subsets, masks, spec.match)
        total += drawn_among_mine(spec.era, spec.n, j) * Fraction(int(hit.sum()), len(subsets))
    return total


# ---------------------------------------------------------------------------------------------
# Bit masks


def subset_masks(n: int, size: int) -> np.ndarray:
    """Every ``size``-subset of range(n) as a uint32 mask, in lexicographic order."""
    weights = np.left_shift(np.uint32(1), np.arange(n, dtype=np.uint32))
    combos = (
        np.fromiter(
            (i for c in combinations(range(n), size) for i in c), dtype=np.intp, count=comb(n, size) * size
        ).reshape(-1, size)
        if size
        else np.zeros((1, 0), dtype=np.intp)
    )
    return np.bitwise_or.reduce(weights[combos], axis=1) if size else np.zeros(1, dtype=np.uint32)


def _ticket_masks(numbers: Sequence[int], tickets: Sequence[Sequence[int]]) -> np.ndarray:
    index = {x: i for i, x in enumerate(numbers)}
    return np.array([sum(1 << index[x] for x in ticket) for ticket in tickets], dtype=np.uint32)


def _numbers_of(numbers: Sequence[int], mask: int) -> tuple[int, ...]:
    return tuple(x for i, x in enumerate(numbers) if mask >> i & 1)


def _covered(subsets: np.ndarray, tickets: np.ndarray, t: int) -> np.ndarray:
    """For each subset: does some ticket meet it in at least t numbers (chunked, vectorised)."""
    out = np.zeros(len(subsets), dtype=bool)
    if len(tickets) == 0:
        return out
    rows = max(1, VERIFY_CHUNK_CELLS // len(tickets))
    for start in range(0, len(subsets), rows):
        block = subsets[start : start + rows, None] & tickets[None, :]
        out[start : start + rows] = (np.bitwise_count(block) >= t).any(axis=1)
    return out


def verify(n: int, k: int, t: int, m: int, tickets: np.ndarray) -> Verification:
    """Check the guarantee over EVERY m-subset of the n numbers (tickets as masks)."""
    if len(tickets) and (np.bitwise_count(tickets) != k).any():
        raise WheelError(f"a ticket does not hold {k} numbers")
    subsets = subset_masks(n, m)
    covered = _covered(subsets, np.asarray(tickets, dtype=np.uint32), t)
    missing = np.flatnonzero(~covered)
    first = tuple(i for i in range(n) if int(subsets[missing[0]]) >> i & 1) if len(missing) else None
    return Verification(
        ok=not len(missing), checked=len(subsets), uncovered=len(missing), first_uncovered=first
    )


# ---------------------------------------------------------------------------------------------
# The search


def in_table(spec: WheelSpec) -> bool:
    """Is the design in the shipped table (answered without a search)."""
    return wheel_table.has_design(spec.n, spec.match, spec.if_drawn)


def search_steps(spec: WheelSpec) -> int:
    """Local-search steps for a design: :data:`STEPS_PER_BOUND_TICKET` per ticket of the lower
    bound (bigger wheels need more), within bounds and a budget of popcount cells; 0 for a design
    of the table (no search)."""
    if in_table(spec):
        return 0
    bound = lower_bound(spec.n, spec.k, spec.match, spec.if_drawn).value
    wanted = max(MIN_STEPS, min(MAX_STEPS, STEPS_PER_BOUND_TICKET * bound))
    return max(1, min(wanted, SEARCH_CELLS // (2 * spec.subsets)))


def estimate_seconds(spec: WheelSpec) -> float:
    """Expected duration of the whole search on the reference machine (``bench.bench_wheels``).

    Greedy: about one step per ticket (taken as twice the lower bound), each scoring candidates
    against the m-subsets still uncovered (half of them on average); then the local-search steps.
    Each step costs :data:`STEP_S` of overhead plus its popcount cells at :data:`CELLS_PER_S`.
    A design of the table costs its checks only: every m-subset, then the odds over every
    j-subset (j >= t), against each of its tickets.
    """
    if in_table(spec):
        size = wheel_table.design_size(spec.n, spec.match, spec.if_drawn)
        checked = size * (spec.subsets + sum(comb(spec.n, j) for j in range(spec.match, spec.k + 1)))
        return TABLE_OVERHEAD_S + checked / CELLS_PER_S
    u = spec.subsets
    bound = lower_bound(spec.n, spec.k, spec.match, spec.if_drawn).value
    greedy_steps, local_steps = 2 * bound, search_steps(spec)
    cells = greedy_steps * GREEDY_CANDIDATES * u / 2 + local_steps * 2 * u
    return (greedy_steps + local_steps) * STEP_S + cells / CELLS_PER_S


class _Search:
    """State of one search: the tickets, and how many tickets cover each m-subset."""

    def __init__(self, spec: WheelSpec, rng: np.random.Generator) -> None:
        self.n, self.k, self.t = spec.n, spec.k, spec.match
        self.rng = rng
        self.subsets = subset_masks(spec.n, spec.if_drawn)
        self.all_tickets = subset_masks(spec.n, spec.k)
        self.count = np.zeros(len(self.subsets), dtype=np.int32)
        self.tickets = np.zeros(0, dtype=np.uint32)

    def cover(self, masks: np.ndarray) -> np.ndarray:
        """(len(masks), U) bool: which m-subsets each mask meets in >= t numbers."""
        return np.bitwise_count(masks[:, None] & self.subsets[None, :]) >= self.t

    def add(self, mask: int) -> None:
        self.tickets = np.append(self.tickets, np.uint32(mask))
        self.count += self.cover(self.tickets[-1:])[0]

    def remove(self, index: int) -> None:
        self.count -= self.cover(self.tickets[index : index + 1])[0]
        self.tickets = np.delete(self.tickets, index)

    def uncovered(self) -> np.ndarray:
        return np.flatnonzero(self.count == 0)

    def greedy(self, report: Callable[[int], None]) -> None:
        """Add tickets until every m-subset is covered."""
        while True:
            open_ = self.uncovered()
            if not len(open_):
                return
            focus = self.subsets[open_[self.rng.integers(len(open_))]]
            fits = self.all_tickets[np.bitwise_count(self.all_tickets & focus) >= self.t]
            if len(fits) > GREEDY_CANDIDATES:
                fits = fits[self.rng.choice(len(fits), GREEDY_CANDIDATES, replace=False)]
            gains = (np.bitwise_count(fits[:, None] & self.subsets[open_][None, :]) >= self.t).sum(axis=1)
            best = np.flatnonzero(gains == gains.max())
            self.add(int(fits[best[self.rng.integers(len(best))]]))
            report(len(self.subsets) - len(self.uncovered()))

    def least_useful(self) -> int:
        """Index of the ticket whose removal uncovers fewest m-subsets (ties: random)."""
        masks = self.tickets
        alone = (self.cover(masks) & (self.count == 1)[None, :]).sum(axis=1)
        best = np.flatnonzero(alone == alone.min())
        return int(best[self.rng.integers(len(best))])

    def move(self, focus: int) -> tuple[int, int]:
        """A random one-number swap that makes some ticket cover ``focus``: (ticket index, new mask).

        A ticket meeting the focus in t-1 numbers swaps one of its other numbers for one of the
        focus; when no ticket is that close, a random ticket becomes a random ticket covering it.
        """
        f = np.uint32(focus)
        near = np.flatnonzero(np.bitwise_count(self.tickets & f) == self.t - 1)
        if not len(near):
            fits = self.all_tickets[np.bitwise_count(self.all_tickets & f) >= self.t]
            return int(self.rng.integers(len(self.tickets))), int(fits[self.rng.integers(len(fits))])
        index = int(near[self.rng.integers(len(near))])
        old = int(self.tickets[index])
        outs = [b for b in range(self.n) if old >> b & 1 and not focus >> b & 1]
        ins = [b for b in range(self.n) if focus >> b & 1 and not old >> b & 1]
        out, into = outs[self.rng.integers(len(outs))], ins[self.rng.integers(len(ins))]
        return index, (old & ~(1 << out)) | (1 << into)

    def step(self, open_: np.ndarray) -> None:
        """One annealing step: a random move towards covering a random uncovered m-subset
        (``open_``), kept if it uncovers no more than it covers, else with probability
        ``exp(-delta / T)``."""
        focus = int(self.subsets[open_[self.rng.integers(len(open_))]])
        index, new = self.move(focus)
        swap = np.array([self.tickets[index], new], dtype=np.uint32)
        before, after = self.cover(swap)
        lost = int((before & ~after & (self.count == 1)).sum())
        gained = int((after & ~before & (self.count == 0)).sum())
        delta = lost - gained
        if delta > 0 and self.rng.random() >= math.exp(-delta / TEMPERATURE):
            return
        self.count += after.astype(np.int32) - before.astype(np.int32)
        self.tickets[index] = new


def build_wheel(spec: WheelSpec, seed: int | None = None, progress: Progress | None = None) -> Wheel:
    """The table's wheel for ``spec`` relabelled onto the player's numbers (a permutation drawn
    from ``seed``), verified over every m-subset of them; the search (:func:`search_wheel`) for a
    design the table lacks."""
    if not in_table(spec):
        return search_wheel(spec, seed, progress)
    seed = secrets.randbits(63) if seed is None else seed
    design = wheel_table.design(spec.n, spec.match, spec.if_drawn)
    tickets = wheel_table.relabel(design.tickets, spec.numbers, np.random.default_rng(seed))
    check = verify(spec.n, spec.k, spec.match, spec.if_drawn, _ticket_masks(spec.numbers, tickets))
    if not check.ok:
        raise WheelError(f"the table's wheel misses {check.uncovered} m-subsets once relabelled")
    if progress is not None:
        progress(spec.subsets, spec.subsets)
    return Wheel(
        spec=spec,
        seed=seed,
        tickets=tickets,
        verification=check,
        lower_bound=lower_bound(spec.n, spec.k, spec.match, spec.if_drawn),
        greedy_size=design.start_size,
        steps=0,
        best_known=design.best_known,
        source=design.source,
        from_table=True,
    )


def search_wheel(spec: WheelSpec, seed: int | None = None, progress: Progress | None = None) -> Wheel:
    """Build, shrink and exhaustively verify a wheel for ``spec`` by search (deterministic for ``seed``).

    ``progress(done, total)`` is called along the way (m-subsets covered by the greedy phase, then
    local-search steps), last with ``done == total``.
    """
    seed = secrets.randbits(63) if seed is None else seed
    search = _Search(spec, np.random.default_rng(seed))
    steps = search_steps(spec)
    total = spec.subsets + steps
    every = max(1, total // 50)
    last = [0]

    def report(done: int) -> None:
        if progress is not None and done - last[0] >= every:
            last[0] = done
            progress(done, total)

    search.greedy(report)
    greedy_size = len(search.tickets)
    best = search.tickets.copy()
    floor = lower_bound(spec.n, spec.k, spec.match, spec.if_drawn).value
    used = 0
    while used < steps and len(best) > floor:
        search.remove(search.least_useful())
        while used < steps:
            open_ = search.uncovered()
            if not len(open_):
                break
            search.step(open_)
            used += 1
            report(spec.subsets + used)
        if len(search.uncovered()):
            break
        best = search.tickets.copy()
    masks = np.unique(best)
    check = verify(spec.n, spec.k, spec.match, spec.if_drawn, masks)
    if not check.ok:
        raise WheelError(f"the search produced a wheel that misses {check.uncovered} m-subsets")
    if progress is not None:
        progress(total, total)
    tickets = tuple(sorted(_numbers_of(spec.numbers, int(m)) for m in masks))
    return Wheel(
        spec=spec,
        seed=seed,
        tickets=tickets,
        verification=check,
        lower_bound=lower_bound(spec.n, spec.k, spec.match, spec.if_drawn),
        greedy_size=greedy_size,
        steps=used,
    )
