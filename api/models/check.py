"""The ticket checker's answer (``POST /api/{game}/check``, inline or as the task's result), built
from :class:`lottery.checker.CheckAnswer`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lottery.checker import CheckAnswer
from lottery.games import Game


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WinOut(_Out):
    """One win: the draw's day, FDJ's rank (era-specific), its pattern and FDJ's payout."""

    date: dt.date
    rank: int
    pattern: str = Field(description="numbers+bonus matched, as the era's rank names it: '5+2', '4', '0-1+1'")
    payout_cents: int | None = Field(description="FDJ's payout per winner; null where FDJ published none")


class CheckEraOut(_Out):
    """The window's draws under one era's rules."""

    start: dt.date = Field(serialization_alias="from")
    until: dt.date | None = Field(description="the next era's first day (exclusive); null: the current era")
    draws: int
    bonus_max: int
    patterns: dict[int, str] = Field(description="rank -> pattern")


class UnplayableOut(_Out):
    """An era of the window whose rules do not admit the ticket, and why."""

    start: dt.date = Field(serialization_alias="from")
    until: dt.date | None
    draws: int
    reason: str | None


class TicketOut(_Out):
    """One ticket's complete totals over the window, with its wins listed while rows are left."""

    index: int
    numbers: list[int]
    bonus: list[int]
    draws_played: int
    not_playable: tuple[UnplayableOut, ...]
    cost_cents: int
    unpriced_draws: int = Field(description="draws played without a known ticket price (not in cost_cents)")
    price_sources: tuple[str, ...]
    wins_count: int
    wins_by_pattern: dict[str, int]
    wins_without_payout: int
    won_cents: int
    net_cents: int
    best_win: WinOut | None
    exact_combination_drawn: list[dt.date] = Field(
        description="days its exact combination was drawn (all history)"
    )
    wins: list[WinOut]
    wins_truncated: bool = Field(description="more wins than listed (the answer's max_win_rows was reached)")


class DrawsOut(_Out):
    """The window's draws: how many, the first and last day, the eras they span."""

    count: int
    first: dt.date | None
    last: dt.date | None
    eras: list[CheckEraOut]


class TotalsOut(_Out):
    """Totals over every ticket."""

    tickets: int
    draws_played: int
    cost_cents: int
    unpriced_draws: int
    won_cents: int
    net_cents: int
    wins: int


class CheckAnswerOut(_Out):
    """What the tickets would have won over the window's draws: per ticket its totals and wins."""

    window: dict[str, Any] = Field(description="the window as asked (its filters that were set)")
    data_version: str
    game: Game
    draws: DrawsOut
    totals: TotalsOut
    wins_listed: int
    max_win_rows: int
    tickets: list[TicketOut]
    duration_ms: float
    note: str


def check_out(answer: CheckAnswer) -> CheckAnswerOut:
    """The response model of ``answer``."""
    return CheckAnswerOut.model_validate(answer, from_attributes=True)


def check_json(answer: CheckAnswer) -> dict[str, Any]:
    """``answer`` as the JSON the route sends (a task's result)."""
    return check_out(answer).model_dump(mode="json", by_alias=True)
