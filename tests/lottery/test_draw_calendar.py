"""The draw calendar: draw days per era, the latest draw due, the draws missed."""

from __future__ import annotations

from datetime import date, timedelta

from lottery.draw_calendar import is_draw_day, latest_due_draw, missed_draws, next_draw_day
from lottery.games import Game

EM, LOTO = Game.EUROMILLIONS, Game.LOTO


def test_draw_days_follow_the_era_in_force() -> None:
    """EuroMillions: Fridays only until 2011-05-10, then Tuesdays and Fridays; Loto Mon/Wed/Sat."""
    assert is_draw_day(EM, date(2010, 5, 7))  # a Friday
    assert not is_draw_day(EM, date(2010, 5, 11))  # a Tuesday, before Tuesday draws began
    assert is_draw_day(EM, date(2026, 5, 19))  # a Tuesday
    assert not is_draw_day(EM, date(2026, 5, 20))
    assert [d.day for d in (date(2026, 5, 18) + timedelta(n) for n in range(7)) if is_draw_day(LOTO, d)] == [
        18,
        20,
        23,
    ]
    assert not is_draw_day(EM, date(2004, 2, 6))  # before the game began
    assert not is_draw_day(LOTO, date(2008, 10, 4))  # a Saturday of the 6/49 formula, not the main one


def test_latest_due_draw_allows_one_day_for_publication() -> None:
    """On the day of a draw, the previous one is due; the next day, that day's draw is."""
    assert latest_due_draw(EM, date(2026, 5, 19)) == date(2026, 5, 15)  # Tuesday: Friday's is due
    assert latest_due_draw(EM, date(2026, 5, 20)) == date(2026, 5, 19)
    assert latest_due_draw(EM, date(2026, 5, 20), grace_days=0) == date(2026, 5, 19)
    assert latest_due_draw(EM, date(2026, 5, 19), grace_days=0) == date(2026, 5, 19)
    assert latest_due_draw(LOTO, date(2026, 5, 18)) == date(2026, 5, 16)  # Monday: Saturday's
    assert latest_due_draw(EM, date(2004, 2, 13)) is None


def test_missed_draws_name_every_draw_day_after_the_last_draw() -> None:
    """Up to date: none. A week late: each draw day after the last draw, oldest first."""
    assert missed_draws(EM, date(2026, 5, 19), date(2026, 5, 20)) == []
    assert missed_draws(EM, date(2026, 5, 19), date(2026, 5, 22)) == []  # Friday's not due until Saturday
    assert missed_draws(EM, date(2026, 5, 19), date(2026, 5, 23)) == [date(2026, 5, 22)]
    assert missed_draws(LOTO, date(2025, 5, 14), date(2025, 5, 27)) == [
        date(2025, 5, 17),
        date(2025, 5, 19),
        date(2025, 5, 21),
        date(2025, 5, 24),
        date(2025, 5, 26),
    ]
    assert missed_draws(EM, None, date(2026, 5, 20)) == [date(2026, 5, 19)]
    assert missed_draws(EM, date(2026, 5, 19), date(2026, 5, 1)) == []  # a clock behind the data


def test_next_draw_day() -> None:
    """The next draw after a Tuesday is Friday (EuroMillions), after a Saturday is Monday (Loto)."""
    assert next_draw_day(EM, date(2026, 5, 19)) == date(2026, 5, 22)
    assert next_draw_day(EM, date(2026, 5, 18)) == date(2026, 5, 19)
    assert next_draw_day(LOTO, date(2026, 5, 16)) == date(2026, 5, 18)
