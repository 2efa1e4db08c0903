"""A verified wheel as the API answers it: tickets, cost, bound, odds, and what a wheel cannot do.

Pure: the ticket price is given (``lottery.prices.price_on`` of the day), nothing is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from lottery import wheel_table
from lottery.games import Game
from lottery.wheels import Chance, Wheel, p_condition, p_ticket_at_least, p_wheel_at_least

if TYPE_CHECKING:
    from lottery.prices import TicketPrice


@dataclass(frozen=True)
class Probability:
    """An exact probability: numerator, denominator, its float and N of '1 in N' (to 2 decimals)."""

    probability: float
    numerator: int
    denominator: int
    one_in: float | None  # None for probability 0

    @classmethod
    def of(cls, fraction: Fraction) -> Probability:
        """From a Fraction."""
        c = Chance.of(fraction)
        return cls(c.value, c.numerator, c.denominator, round(c.one_in, 2) if c.one_in is not None else None)


@dataclass(frozen=True)
class WheelTicket:
    """One ticket of the wheel: its main numbers and bonus balls."""

    numbers: tuple[int, ...]
    bonus: tuple[int, ...]


@dataclass(frozen=True)
class Guarantee:
    """'match' numbers on one ticket at least, if 'if_drawn' of the drawn main numbers are yours."""

    match: int
    if_drawn: int


@dataclass(frozen=True)
class WheelCost:
    """What the tickets cost at the day's price of one grid."""

    cents: int
    price_cents: int
    currency: str
    price_since: date
    source: str
    note: str


@dataclass(frozen=True)
class Bound:
    """The proven lower bound on the size of the design (and with the bonus choices)."""

    value: int
    name: str
    kind: str
    design: str
    tickets: int


@dataclass(frozen=True)
class BestKnown:
    """The best known size of the design (and with the bonus choices), with its source."""

    value: int
    tickets: int
    source: str
    citation: str


@dataclass(frozen=True)
class WheelOdds:
    """The wheel's odds per draw beside as many independent random tickets."""

    p_ticket_matches_at_least_t: Probability
    expected_matching_tickets_per_draw: float
    p_any_ticket_matches_at_least_t: Probability
    p_any_of_as_many_independent_random_tickets: float


@dataclass(frozen=True)
class SearchFigures:
    """How the wheel was found, and how long it took against the estimate."""

    from_table: bool
    greedy_tickets: int
    local_search_steps: int
    duration_ms: float
    estimated_ms: float


@dataclass(frozen=True)
class WheelAnswer:
    """A verified wheel, its cost, bounds and odds, and what a wheel cannot do (``note``)."""

    game: Game
    numbers: tuple[int, ...]
    bonus: tuple[int, ...]
    guarantee: Guarantee
    seed: int
    tickets: list[WheelTicket]
    count: int
    main_tickets: int
    bonus_choices: int
    cost: WheelCost | None  # None without a known price
    verified: bool
    subsets_checked: int
    lower_bound: Bound
    best_known: BestKnown | None
    optimal: bool
    full_wheel: int
    p_condition: Probability
    odds: WheelOdds
    search: SearchFigures
    note: str


def best_known(wheel: Wheel) -> BestKnown | None:
    """The best known size of the design (main tickets and with the bonus choices) and its source,
    or None when no record is known (the size is then what the offline search reached)."""
    if wheel.best_known is None:
        return None
    citation = wheel_table.sources().get(wheel.source, wheel.source) if wheel.from_table else wheel.source
    return BestKnown(
        value=wheel.best_known,
        tickets=wheel.best_known * len(wheel.spec.bonus_choices),
        source=wheel.source,
        citation=citation,
    )


def wheel_answer(
    wheel: Wheel, price: TicketPrice | None, duration_s: float, estimated_s: float
) -> WheelAnswer:
    """The answer for ``wheel`` (tickets crossed with the bonus choices)."""
    spec = wheel.spec
    choices = spec.bonus_choices
    tickets = [WheelTicket(tuple(t), tuple(b)) for t in wheel.tickets for b in choices]
    count = len(tickets)
    t, m, n = spec.match, spec.if_drawn, spec.n
    condition = p_condition(spec)
    per_ticket = p_ticket_at_least(spec.era, t)
    any_ticket = p_wheel_at_least(spec, wheel.tickets)
    independent = 1 - (1 - per_ticket) ** len(wheel.tickets)
    expected = per_ticket * count
    cost = None
    if price is not None:
        cost = WheelCost(
            cents=price.cents * count,
            price_cents=price.cents,
            currency="EUR",
            price_since=price.start,
            source=price.source,
            note=price.note,
        )
    cond = Probability.of(condition)
    per = Probability.of(per_ticket)
    note = (
        f"A wheel does not change the odds. Any ticket matches at least {t} main numbers with "
        f"probability 1 in {per.one_in:,}, whatever its numbers, so these {count} tickets make "
        f"{float(expected):.4f} such matches per draw on average, exactly what {count} other tickets "
        "would make: the expected return per euro staked is the same as for any tickets. What the "
        f"wheel changes is how wins are grouped: if {m} of the drawn main numbers are among your {n} "
        f"(probability 1 in {cond.one_in:,} per draw), at least one ticket holds {t} of them. "
        f"P(at least one of these tickets matches {t}+) is {float(any_ticket):.6f}, against "
        f"{float(independent):.6f} for {len(wheel.tickets)} independent random tickets: a wheel "
        "concentrates its wins, it does not add any."
    )
    return WheelAnswer(
        game=spec.game,
        numbers=spec.numbers,
        bonus=spec.bonus,
        guarantee=Guarantee(match=t, if_drawn=m),
        seed=wheel.seed,
        tickets=tickets,
        count=count,
        main_tickets=len(wheel.tickets),
        bonus_choices=len(choices),
        cost=cost,
        verified=wheel.verification.ok,
        subsets_checked=wheel.verification.checked,
        lower_bound=Bound(
            value=wheel.lower_bound.value,
            name=wheel.lower_bound.name,
            kind=wheel.lower_bound.kind,
            design=f"n={n}, k={spec.k}, t={t}, m={m}",
            tickets=wheel.lower_bound.value * len(choices),
        ),
        best_known=best_known(wheel),
        optimal=len(wheel.tickets) == wheel.lower_bound.value,
        full_wheel=wheel.full_wheel,
        p_condition=cond,
        odds=WheelOdds(
            p_ticket_matches_at_least_t=per,
            expected_matching_tickets_per_draw=float(expected),
            p_any_ticket_matches_at_least_t=Probability.of(any_ticket),
            p_any_of_as_many_independent_random_tickets=float(independent),
        ),
        search=SearchFigures(
            from_table=wheel.from_table,
            greedy_tickets=wheel.greedy_size,
            local_search_steps=wheel.steps,
            duration_ms=round(duration_s * 1000, 1),
            estimated_ms=round(estimated_s * 1000, 1),
        ),
        note=note,
    )
