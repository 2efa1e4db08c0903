"""The draw calendar: which days a game's main formula draws, and which draws should be published by now.

Pure: the caller says what day it is (in Paris, where FDJ draws). A draw is published the evening of
its day, so with the default grace of one day, the draws due on day D are those up to D - 1.
Public holidays are not modelled: FDJ draws on them (a cancelled draw would show as missed).
"""

from __future__ import annotations

from datetime import date, timedelta

from lottery.games import DrawKind, Game, era_on

PUBLICATION_GRACE_DAYS = 1


def is_draw_day(game: Game, day: date) -> bool:
    """Whether ``game``'s main formula draws on ``day`` under the era in force then."""
    era = era_on(game, DrawKind.MAIN, day)
    return era is not None and era.weekdays is not None and day.weekday() in era.weekdays


def latest_due_draw(game: Game, today: date, grace_days: int = PUBLICATION_GRACE_DAYS) -> date | None:
    """The latest draw day whose draw must be published by ``today`` (None before the game began)."""
    day = today - timedelta(days=grace_days)
    for _ in range(7):  # every era draws at least once a week
        if is_draw_day(game, day):
            return day
        day -= timedelta(days=1)
    return None


def missed_draws(
    game: Game, last_draw: date | None, today: date, grace_days: int = PUBLICATION_GRACE_DAYS
) -> list[date]:
    """Draw days after ``last_draw`` up to the latest one due by ``today``, oldest first.

    With no draw at all (``last_draw`` None), only the latest due draw is listed: the whole history
    is missing, and naming every day since 2004 would say nothing more.
    """
    due = latest_due_draw(game, today, grace_days)
    if due is None:
        return []
    if last_draw is None:
        return [due]
    missed = []
    day = last_draw + timedelta(days=1)
    while day <= due:
        if is_draw_day(game, day):
            missed.append(day)
        day += timedelta(days=1)
    return missed


def next_draw_day(game: Game, after: date) -> date:
    """The first draw day strictly after ``after`` (in the era in force then)."""
    day = after + timedelta(days=1)
    while not is_draw_day(game, day):
        day += timedelta(days=1)
    return day
