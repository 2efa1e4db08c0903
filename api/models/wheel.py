"""A wheel's answer (``POST /api/{game}/wheel``, inline or as the task's result), built from
:class:`lottery.wheel_answer.WheelAnswer`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lottery.games import Game
from lottery.wheel_answer import WheelAnswer


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProbabilityOut(_Out):
    """An exact probability: its float, numerator and denominator, and N of '1 in N'."""

    probability: float
    numerator: int
    denominator: int
    one_in: float | None = Field(description="rounded to 2 decimals; null for probability 0")


class WheelTicketOut(_Out):
    """One ticket: main numbers and bonus balls."""

    numbers: list[int]
    bonus: list[int]


class GuaranteeOut(_Out):
    """'match' numbers on one ticket at least, if 'if_drawn' of the drawn main numbers are yours."""

    match: int
    if_drawn: int


class CostOut(_Out):
    """What the tickets cost at today's price of one grid."""

    cents: int
    price_cents: int
    currency: str
    price_since: dt.date
    source: str
    note: str


class BoundOut(_Out):
    """The proven lower bound on the number of main tickets (``tickets``: with the bonus choices)."""

    value: int
    name: str
    kind: str = Field(description="schonheim | counting | union")
    design: str
    tickets: int


class BestKnownOut(_Out):
    """The best known size of the design (``tickets``: with the bonus choices) and its source."""

    value: int
    tickets: int
    source: str
    citation: str


class OddsOut(_Out):
    """The wheel's odds per draw, beside as many independent random tickets."""

    p_ticket_matches_at_least_t: ProbabilityOut
    expected_matching_tickets_per_draw: float
    p_any_ticket_matches_at_least_t: ProbabilityOut
    p_any_of_as_many_independent_random_tickets: float


class SearchOut(_Out):
    """How the wheel was found (the shipped table or a search) and how long it took."""

    from_table: bool
    greedy_tickets: int
    local_search_steps: int
    duration_ms: float
    estimated_ms: float


class WheelAnswerOut(_Out):
    """A verified wheel: its tickets, cost, bounds and odds, and what a wheel cannot do (``note``)."""

    game: Game
    numbers: list[int]
    bonus: list[int]
    guarantee: GuaranteeOut
    seed: int
    tickets: list[WheelTicketOut]
    count: int
    main_tickets: int
    bonus_choices: int
    cost: CostOut | None = Field(description="null when no ticket price is known for today")
    verified: bool = Field(description="the guarantee was checked over every if_drawn-subset of your numbers")
    subsets_checked: int
    lower_bound: BoundOut
    best_known: BestKnownOut | None = Field(description="null when no record is known")
    optimal: bool = Field(description="as few main tickets as the lower bound")
    full_wheel: int = Field(description="tickets of the full wheel (every combination of your numbers)")
    p_condition: ProbabilityOut = Field(
        description="P(at least if_drawn of the drawn main numbers are yours), one draw"
    )
    odds: OddsOut
    search: SearchOut
    note: str


def wheel_out(answer: WheelAnswer) -> WheelAnswerOut:
    """The response model of ``answer``."""
    return WheelAnswerOut.model_validate(answer, from_attributes=True)


def wheel_json(answer: WheelAnswer) -> dict[str, Any]:
    """``answer`` as the JSON the route sends (a task's result)."""
    return wheel_out(answer).model_dump(mode="json", by_alias=True)
